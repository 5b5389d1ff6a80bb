"""require / require_any: 403 with the roles that would do, named in Chinese."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from jineng.core.permissions import require, require_any
from jineng.core.roles import Role


def _user(role: str) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, role=role)


def test_require_any_lets_either_capability_through() -> None:
    require_any(_user(Role.INSTITUTION), "claim.apply", "claim.review")  # applies, does not review
    require_any(_user(Role.DEPT_FIRST), "claim.apply", "claim.review")  # reviews, does not apply


def test_require_any_refuses_a_role_with_neither_naming_every_role_that_would_do() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require_any(_user(Role.INSPECTOR), "claim.apply", "claim.review")
    message = str(refused.value)
    assert message.startswith("此操作限以下角色：")
    for role in (Role.INSTITUTION, Role.TRAINEE, Role.DEPT_FIRST, Role.HR_SECOND, Role.FINANCE):
        assert role.label in message
    assert Role.INSPECTOR.label not in message
    assert message.count(Role.INSTITUTION.label) == 1


def test_require_and_require_any_refuse_the_anonymous() -> None:
    anonymous = SimpleNamespace(is_authenticated=False, role=None)
    with pytest.raises(PermissionDenied):
        require(anonymous, "claim.view")
    with pytest.raises(PermissionDenied):
        require_any(anonymous, "claim.view", "claim.apply")

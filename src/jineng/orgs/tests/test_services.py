"""Registering organisations under their 统一社会信用代码 (GB 32100)."""

from __future__ import annotations

from typing import Any

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code


def _counts() -> tuple[int, int]:
    return Organisation.objects.count(), Event.objects.count()


def _register(world: World, **overrides: Any) -> Organisation:
    kwargs: dict[str, Any] = {
        "actor": world.users["hr_admin"],
        "name": "郑州市金水区职业培训学校",
        "credit_code": make_credit_code("52", "410105", 77),
        "kind": "private_school",
        "region": world.jinshui,
    }
    kwargs.update(overrides)
    return organisation_register(**kwargs)


def test_register_stores_the_normalised_code_and_fields(world: World) -> None:
    code = make_credit_code("52", "410105", 77)
    org = _register(
        world,
        name="  郑州市金水区职业培训学校 ",
        credit_code=f" {code.lower()} ",
        department=world.zz_industry,
        degree_education=True,
        bank_account="6222020200112233445",
    )
    org.refresh_from_db()
    assert (org.name, org.credit_code, org.kind, org.region) == (
        "郑州市金水区职业培训学校",
        code,
        "private_school",
        world.jinshui,
    )
    assert org.department == world.zz_industry
    assert org.status == "active"
    assert org.degree_education is True
    assert org.is_training_provider and not org.is_evaluation_body


def test_bad_credit_code_refused_and_nothing_written(world: World) -> None:
    code = make_credit_code("52", "410105", 77)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, credit_code=wrong)
    refusal = excinfo.value
    assert refusal.field == "统一社会信用代码"
    assert refusal.value == wrong
    assert "校验码" in refusal.message
    assert refusal.render().startswith("“统一社会信用代码”：")
    assert _counts() == before


def test_credit_code_with_a_forbidden_letter_refused(world: World) -> None:
    code = make_credit_code("52", "410105", 77)
    with pytest.raises(Refusal, match="不使用 I、O、Z、S、V"):
        _register(world, credit_code=code[:10] + "O" + code[11:])


def test_duplicate_credit_code_refused(world: World) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, name="另一所学校", credit_code=world.zz_school.credit_code.lower())
    assert excinfo.value.field == "统一社会信用代码"
    assert excinfo.value.message == f"统一社会信用代码 {world.zz_school.credit_code} 已登记"
    assert _counts() == before


def test_duplicate_name_refused(world: World) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, name=" 郑州商业技师学院 ")
    assert excinfo.value.field == "名称"
    assert excinfo.value.message == "机构名称“郑州商业技师学院”已登记"
    assert _counts() == before


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_refused(world: World, name: str) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, name=name)
    assert excinfo.value.field == "名称"
    assert _counts() == before


def test_unknown_kind_refused(world: World) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, kind="bakery")
    assert excinfo.value.field == "类别"
    assert _counts() == before


def test_department_of_another_city_refused(world: World) -> None:
    before = _counts()
    with pytest.raises(Refusal) as excinfo:
        _register(world, department=world.xc_industry)
    assert excinfo.value.field == "主管部门"
    assert excinfo.value.value == "市工信局"
    assert _counts() == before


def test_department_of_the_parent_city_accepted(world: World) -> None:
    org = _register(world, department=world.zz_industry)
    assert org.department == world.zz_industry

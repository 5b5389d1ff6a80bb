from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.db.models import Q

from jineng.audit.scope import EventScope
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.regions.models import Department, Region

# What decides who may log in and what they may do: a change to any of these must leave an audit event,
# so it may only happen inside accounts.services (which records one), whatever the path — page, admin,
# management command or a shell.
GUARDED_FIELDS = frozenset(
    {
        "password",
        "role",
        "is_active",
        "is_superuser",
        "is_staff",
        "region",
        "department",
        "organisation",
        "person",
    }
)
_FOREIGN = frozenset({"region", "department", "organisation", "person"})
_GUARDED_COLUMNS = (GUARDED_FIELDS - _FOREIGN) | {f"{f}_id" for f in _FOREIGN}
_sanctioned: ContextVar[bool] = ContextVar("accounts_sanctioned", default=False)

UNSANCTIONED = "账户的密码、角色、范围和启用状态只能通过 accounts.services 修改（每次修改都记审计事件）"


@contextmanager
def sanctioned() -> Iterator[None]:
    """Opened by accounts.services around a change it records in the audit trail."""
    token = _sanctioned.set(True)
    try:
        yield
    finally:
        _sanctioned.reset(token)


class GuardedUserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs: Any) -> int:
        if not _sanctioned.get() and (GUARDED_FIELDS | _GUARDED_COLUMNS) & set(kwargs):
            raise PermissionError(UNSANCTIONED)
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if not _sanctioned.get() and (GUARDED_FIELDS | _GUARDED_COLUMNS) & set(fields):
            raise PermissionError(UNSANCTIONED)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class UserManager(DjangoUserManager["User"]):
    """Django's, but a password must pass AUTH_PASSWORD_VALIDATORS here too: `createsuperuser` offers to
    bypass them and skips them with --noinput, and code may call create_user directly. A ValidationError
    (in Chinese) stops the creation; no password at all still makes an account that cannot log in."""

    def _checked(self, username: str, email: str | None, password: str | None, extra: dict[str, Any]) -> None:
        if password is not None:
            validate_password(password, self.model(username=username, email=email or "", **extra))

    def create_user(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        self._checked(username, email, password, extra_fields)
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        self._checked(username, email, password, extra_fields)
        return super().create_superuser(username, email, password, **extra_fields)


class GuardedUserManager(UserManager.from_queryset(GuardedUserQuerySet)):  # type: ignore[misc]
    """Checks passwords (UserManager) and guards account fields against unaudited updates."""


class User(AbstractUser):
    """A login. Its scope is a region subtree, optionally narrowed to a department or an organisation.

    A platform operator (the Django admin's only user) is a superuser with no role and no region, and so
    sees nothing in the application; a user with a role is never a superuser or staff (a database
    constraint), so no bureau account can enter the admin site.
    """

    display_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, verbose_name="管辖区域")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, verbose_name="部门")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, verbose_name="机构")
    person = models.OneToOneField(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="account", verbose_name="本人"
    )

    objects: ClassVar[GuardedUserManager] = GuardedUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(is_superuser=False, is_staff=False),
                name="accounts_user_role_not_superuser",
                violation_error_message="有角色的业务账号不能是超级用户或后台人员",
            ),
        ]

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def is_operator(self) -> bool:
        """The platform operator: the Django admin's user, with no role in the programme."""
        return bool(self.is_active and self.is_superuser and not self.role)

    def audit_scope(self) -> EventScope:
        """An account's events, and those of what it starts in its own name (a claim run), are seen
        where the account is scoped; the operator's, with no region, by the whole installation."""
        region_path = self.region.path if self.region_id else ""  # type: ignore[union-attr]
        return EventScope(region_path, self.department_id, self.organisation_id)

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> User:
        user = super().from_db(*args, **kwargs)
        user._loaded = {f: user.__dict__.get(f) for f in _GUARDED_COLUMNS if f in user.__dict__}
        return user

    def _guarded_changes(self, update_fields: Any) -> set[str]:
        if self._state.adding:
            return {"(new account)"}
        names = (
            {f"{f}_id" if f in _FOREIGN else f for f in update_fields}
            if update_fields is not None
            else _GUARDED_COLUMNS
        ) & _GUARDED_COLUMNS
        loaded: dict[str, Any] | None = getattr(self, "_loaded", None)
        if loaded is None:  # an instance not read from the database: nothing to compare with
            return set(names)
        return {f for f in names if f in loaded and self.__dict__.get(f) != loaded[f]}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not behaviour: the change itself and its audit event live in accounts.services.
        if not _sanctioned.get() and self._guarded_changes(kwargs.get("update_fields")):
            raise PermissionError(UNSANCTIONED)
        super().save(*args, **kwargs)
        self._loaded = {f: self.__dict__.get(f) for f in _GUARDED_COLUMNS if f in self.__dict__}

    def check_password(self, raw_password: str | None) -> bool:
        # A hash upgraded at login is the same password under a stronger hash, not a change.
        with sanctioned():
            return super().check_password(raw_password)


class ApiToken(models.Model):
    """A bearer token for an institution's own system. Only a hash is stored; the secret is shown once."""

    user = models.ForeignKey(User, models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    prefix = models.CharField(max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

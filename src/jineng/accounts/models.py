from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models

from jineng.accounts.roles import Role
from jineng.orgs.models import Organisation
from jineng.regions.models import Department, Region


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


class User(AbstractUser):
    """A login. Its scope is a region subtree, optionally narrowed to a department or an organisation."""

    display_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, verbose_name="管辖区域")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, verbose_name="部门")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, verbose_name="机构")
    person = models.OneToOneField(
        "people.Person", models.PROTECT, null=True, blank=True, related_name="account", verbose_name="本人"
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def label(self) -> str:
        return self.display_name or self.username


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

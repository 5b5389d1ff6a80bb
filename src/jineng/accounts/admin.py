"""Accounts in the operator's admin site: every change goes through accounts.services.

Creating an account is user_create, a role, scope, name or active-state change is user_update, a
password is user_password_set: each with its checks and its audit event. Accounts are deactivated,
never deleted; tokens are issued by their owners on the page API 令牌, and revoked here through
api_token_revoke.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, ReadOnlyPasswordHashField
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from jineng.accounts.models import ApiToken, User
from jineng.accounts.services import api_token_revoke, user_create, user_password_set, user_update
from jineng.core.admin_mixins import ReadOnlyAdmin
from jineng.core.errors import Refusal
from jineng.core.feedback import refused

# The admin's password form is built by Django with the target user only: the operator acting is
# handed to it for the length of the request.
_acting: ContextVar[Any] = ContextVar("admin_acting", default=None)


@contextmanager
def _acting_as(user: Any) -> Iterator[None]:
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


class PasswordThroughService(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_password_set(
            actor=_acting.get(), user=self.user, password=self.cleaned_data["password1"] if usable else None
        )


class AccountAddForm(forms.ModelForm):
    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="再次输入密码", strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("username", "display_name", "role", "region", "department", "organisation", "person")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        elif data.get("password1"):
            # Shown on the form, like Django's own; user_create checks the same policy again.
            try:
                validate_password(data["password1"], User(username=data.get("username", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AccountChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(label="密码")

    class Meta:
        model = User
        fields = ("display_name", "role", "region", "department", "organisation", "is_active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AccountChangeForm
    add_form = AccountAddForm
    change_password_form = PasswordThroughService
    list_display = ("username", "display_name", "role", "region", "department", "organisation", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    readonly_fields = ("username", "is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password", "is_superuser")}),
        ("职责与范围", {"fields": ("display_name", "role", "region", "department", "organisation")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "display_name",
                    "role",
                    "region",
                    "department",
                    "organisation",
                    "person",
                )
            },
        ),
    )
    filter_horizontal = ()
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            user_update(
                actor=request.user,
                user=obj,
                display_name=data["display_name"],
                role=data["role"],
                region=data["region"],
                department=data["department"],
                organisation=data["organisation"],
                is_active=data["is_active"],
            )
        else:
            made = user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"],
                role=data["role"],
                region=data["region"],
                department=data["department"],
                organisation=data["organisation"],
                person=data["person"],
            )
            obj.pk = made.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no groups or permissions: what a user may do is his role

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refusal as exc:
            refused(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        try:
            with _acting_as(request.user):
                return super().user_change_password(request, id, form_url)
        except Refusal as exc:
            refused(request, exc)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(actor=cast(User, request.user), token=token)
        messages.success(request, f"已吊销 {queryset.count()} 个令牌")

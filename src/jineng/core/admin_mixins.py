"""The Django admin is the platform operator's, not the bureau's (issue 12.1).

Its only user is the operator (a superuser with no role, made by ``manage.py operator_create``); no
bureau account can enter it (accounts.User's constraint keeps every role-holder from being superuser
or staff, and the site itself admits only the operator). Even there, domain data is read-only, or is
changed through the same service as the product's pages, with the same checks and the same audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from jineng.core.errors import Refusal
from jineng.core.feedback import refused


class OperatorAdminSite(admin.AdminSite):
    site_header = "技能 · 平台运维"
    site_title = "技能"
    index_title = "平台运维（只读数据与经服务的维护）"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_operator", False))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewed here; changed only on the product's pages, through its services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAddAdmin(ReadOnlyAdmin):
    """New rows are made by the domain's service (``create``), never by the form's own save; existing
    rows are read-only. A refusal of the service is shown on the form, and nothing is written."""

    create: Callable[..., models.Model]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        made = type(self).create(actor=request.user, **form.cleaned_data)
        obj.pk = made.pk

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        # changeform_view is atomic: a refusal rolls the service's work back before it gets here.
        try:
            return super().add_view(request, form_url, extra_context)
        except Refusal as exc:
            refused(request, exc)
            return HttpResponseRedirect(request.get_full_path())

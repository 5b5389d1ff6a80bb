"""Django admin writes reference data through the same audit trail as every other path."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from jineng.audit.services import event_record


def _region_path(obj: models.Model) -> str:
    region = getattr(obj, "region", None)
    if region is not None:
        return str(region.path)
    return str(getattr(obj, "path", "") or "/")


class AuditedAdmin(admin.ModelAdmin):
    """Each save and delete writes an event in the admin's own transaction (changeform is atomic)."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            event_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'changed' if change else 'created'}_by_admin",
                obj=obj,
                payload={"fields": sorted(form.changed_data)},
                region_path=_region_path(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            event_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.deleted_by_admin",
                obj=obj,
                to_state="deleted",
                region_path=_region_path(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

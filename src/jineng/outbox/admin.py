from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jineng.outbox.models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    # Read-only: a row is the record of a task; the watchdog, not an operator, changes it.
    list_display = [
        "id",
        "task",
        "object_type",
        "object_id",
        "state",
        "attempts",
        "errors",
        "next_attempt_at",
    ]
    list_filter = ["state", "task"]
    search_fields = ["object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxTask | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxTask | None = None) -> bool:
        return False

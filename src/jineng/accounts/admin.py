from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from jineng.accounts.models import ApiToken, User
from jineng.core.admin_mixins import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region", "department", "organisation", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            "职责与范围",
            {"fields": ("display_name", "role", "region", "department", "organisation", "person")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

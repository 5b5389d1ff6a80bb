from django.contrib import admin

from jineng.core.admin_mixins import AuditedAdmin
from jineng.regions.models import Department, ProfileAssignment, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "parent", "path")
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        # A region's path is derived from its id and its parent's path: created by regions.services only.
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "region", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(ProfileAssignment)
class ProfileAssignmentAdmin(AuditedAdmin):
    list_display = ("region", "year", "profile_code", "profile_version")
    list_filter = ("year", "profile_code")

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from jineng.core.admin_mixins import AuditedAdmin
from jineng.policy.profiles import all_profiles
from jineng.regions.models import Department, ProfileAssignment, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "parent", "path")
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth", "parent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A region's path is derived from its id and its parent's: created by regions.services only.
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "region", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


class ProfileAssignmentForm(forms.ModelForm):
    class Meta:
        model = ProfileAssignment
        fields = ("region", "year", "profile_code", "profile_version")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        key = (data.get("profile_code"), data.get("profile_version"))
        if key not in all_profiles():
            known = "、".join(f"{c} v{v}" for c, v in sorted(all_profiles()))
            raise forms.ValidationError(f"没有政策档案 {key[0]} v{key[1]}；现有：{known}")
        return data


@admin.register(ProfileAssignment)
class ProfileAssignmentAdmin(AuditedAdmin):
    form = ProfileAssignmentForm
    list_display = ("region", "year", "profile_code", "profile_version")
    list_filter = ("year", "profile_code")

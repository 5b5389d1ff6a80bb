from django import forms
from django.contrib import admin

from jineng.core.admin_mixins import ReadOnlyAdmin, ServiceAddAdmin
from jineng.policy.profiles import all_profiles
from jineng.regions.models import Department, ProfileAssignment, Region
from jineng.regions.services import department_create, profile_assign


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    # A region's path is derived from its id and its parent's: created by regions.services only.
    list_display = ("name", "code", "kind", "parent", "path")
    search_fields = ("name", "code")


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("region", "name", "kind", "position")


@admin.register(Department)
class DepartmentAdmin(ServiceAddAdmin):
    create = staticmethod(department_create)
    form = DepartmentForm
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

    def validate_unique(self) -> None:
        # A second assignment for the same region and year replaces the first (profile_assign).
        pass


@admin.register(ProfileAssignment)
class ProfileAssignmentAdmin(ServiceAddAdmin):
    create = staticmethod(profile_assign)
    form = ProfileAssignmentForm
    list_display = ("region", "year", "profile_code", "profile_version")
    list_filter = ("year", "profile_code")

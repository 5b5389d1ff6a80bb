from django.contrib import admin

from jineng.core.admin_mixins import ReadOnlyAdmin
from jineng.orgs.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    """Registered and changed on the page 机构 (orgs.services)."""

    list_display = ("name", "credit_code", "kind", "region", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "credit_code")

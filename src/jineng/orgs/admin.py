from django.contrib import admin

from jineng.core.admin_mixins import AuditedAdmin
from jineng.orgs.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "credit_code", "kind", "region", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "credit_code")

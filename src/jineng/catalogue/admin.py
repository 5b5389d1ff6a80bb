from django.contrib import admin

from jineng.catalogue.models import (
    CatalogueItem,
    InstitutionOccupation,
    Occupation,
    OccupationCategory,
    OccupationCertificate,
    OnlinePlatformFiling,
    Trade,
)
from jineng.core.admin_mixins import AuditedAdmin


@admin.register(OccupationCategory)
class OccupationCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


class CertificateInline(admin.TabularInline):
    model = OccupationCertificate
    extra = 0


@admin.register(Occupation)
class OccupationAdmin(AuditedAdmin):
    list_display = ("code", "name", "is_green", "is_digital", "hour_rule")
    list_filter = ("is_green", "is_digital", "major_code")
    search_fields = ("code", "name")
    inlines = [CertificateInline]


@admin.register(Trade)
class TradeAdmin(AuditedAdmin):
    list_display = ("name", "occupation")
    search_fields = ("name", "occupation__name", "occupation__code")
    raw_id_fields = ("occupation",)


@admin.register(CatalogueItem)
class CatalogueItemAdmin(AuditedAdmin):
    list_display = ("region", "year", "occupation", "trade", "level", "certificate_kind", "hours", "subsidy")
    list_filter = ("year", "certificate_kind", "level")
    search_fields = ("occupation__name", "occupation__code")
    raw_id_fields = ("occupation", "trade")


@admin.register(InstitutionOccupation)
class InstitutionOccupationAdmin(AuditedAdmin):
    list_display = ("organisation", "occupation", "valid_from", "valid_to")
    search_fields = ("organisation__name", "occupation__name")
    raw_id_fields = ("organisation", "occupation")


@admin.register(OnlinePlatformFiling)
class OnlinePlatformFilingAdmin(AuditedAdmin):
    list_display = ("organisation", "platform_listed", "platform_filed_on", "platform_approved_on")

from django.contrib import admin
from django.http import HttpRequest

from jineng.catalogue.models import (
    CatalogueItem,
    InstitutionOccupation,
    Occupation,
    OccupationCategory,
    OccupationCertificate,
    OnlinePlatformFiling,
    Trade,
)
from jineng.core.admin_mixins import ReadOnlyAdmin


@admin.register(OccupationCategory)
class OccupationCategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


class CertificateInline(admin.TabularInline):
    model = OccupationCertificate
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_green", "is_digital", "hour_rule")
    list_filter = ("is_green", "is_digital", "major_code")
    search_fields = ("code", "name")
    inlines = [CertificateInline]


@admin.register(Trade)
class TradeAdmin(ReadOnlyAdmin):
    list_display = ("name", "occupation")
    search_fields = ("name", "occupation__name", "occupation__code")
    raw_id_fields = ("occupation",)


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ReadOnlyAdmin):
    list_display = ("region", "year", "occupation", "trade", "level", "certificate_kind", "hours", "subsidy")
    list_filter = ("year", "certificate_kind", "level")
    search_fields = ("occupation__name", "occupation__code")
    raw_id_fields = ("occupation", "trade")


@admin.register(InstitutionOccupation)
class InstitutionOccupationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "occupation", "valid_from", "valid_to")
    search_fields = ("organisation__name", "occupation__name")
    raw_id_fields = ("organisation", "occupation")


@admin.register(OnlinePlatformFiling)
class OnlinePlatformFilingAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "platform_listed", "platform_filed_on", "platform_approved_on")

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.catalogue.models import CatalogueItem, InstitutionOccupation, Teacher, Workstation
from jineng.catalogue.selectors import teacher_id_number_for
from jineng.orgs.models import Organisation


class OccupationOut(Schema):
    id: int
    code: str
    name: str
    major_code: str
    middle_code: str
    minor_code: str
    is_green: bool
    is_digital: bool
    hour_rule: int | None


class OccupationDetailOut(OccupationOut):
    definition: str
    trades: list[str]
    certificate_kinds: list[str]

    @staticmethod
    def resolve_trades(obj: Any) -> list[str]:
        return [t.name for t in obj.trades.all()]

    @staticmethod
    def resolve_certificate_kinds(obj: Any) -> list[str]:
        return sorted(c.kind for c in obj.certificates.all())


class CatalogueItemOut(Schema):
    id: int
    region_id: int
    region: str
    year: int
    occupation_code: str
    occupation: str
    trade: str | None
    level: int | None
    level_label: str | None
    certificate_kind: str
    certificate_kind_label: str
    hours: int = Field(description="最低课时")
    subsidy: Decimal
    subsidy_type: str
    subsidy_type_label: str
    version: int
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="失效日期（当日起不再有效）；空为现行版本")
    supplementary: bool = Field(description="市级补充目录")
    sample: bool = Field(description="示例标准（演示用，非官方）")
    sample_mark: str

    @staticmethod
    def resolve_subsidy_type_label(obj: CatalogueItem) -> str:
        return obj.get_subsidy_type_display()

    @staticmethod
    def resolve_region(obj: CatalogueItem) -> str:
        return obj.region.name

    @staticmethod
    def resolve_occupation_code(obj: CatalogueItem) -> str:
        return obj.occupation.code

    @staticmethod
    def resolve_occupation(obj: CatalogueItem) -> str:
        return obj.occupation.name

    @staticmethod
    def resolve_trade(obj: CatalogueItem) -> str | None:
        return obj.trade.name if obj.trade else None

    @staticmethod
    def resolve_level_label(obj: CatalogueItem) -> str | None:
        return obj.get_level_display() if obj.level else None

    @staticmethod
    def resolve_certificate_kind_label(obj: CatalogueItem) -> str:
        return obj.get_certificate_kind_display()


class ImportIn(Schema):
    region_id: int
    year: int = Field(ge=2000, le=2100)
    content_base64: str = Field(description="按模板填写的 .xlsx 文件内容，Base64 编码")


class ImportOut(Schema):
    created: int
    updated: int
    trades_created: int


class InstitutionOccupationOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    occupation_code: str
    occupation: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_organisation(obj: InstitutionOccupation) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_occupation_code(obj: InstitutionOccupation) -> str:
        return obj.occupation.code

    @staticmethod
    def resolve_occupation(obj: InstitutionOccupation) -> str:
        return obj.occupation.name


class InstitutionOccupationIn(Schema):
    organisation_id: int
    occupation_code: str
    valid_from: dt.date | None = None


class EndIn(Schema):
    valid_to: dt.date | None = None


class TeacherOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    name: str
    id_number: str  # masked unless the viewer needs the whole number
    occupation_code: str
    occupation: str
    full_time: bool
    filed_on: dt.date | None
    active: bool

    @staticmethod
    def resolve_organisation(obj: Teacher) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_id_number(obj: Teacher, context: Any) -> str:
        return teacher_id_number_for(context["request"].user, obj)

    @staticmethod
    def resolve_occupation_code(obj: Teacher) -> str:
        return obj.occupation.code

    @staticmethod
    def resolve_occupation(obj: Teacher) -> str:
        return obj.occupation.name


class TeacherIn(Schema):
    organisation_id: int
    name: str = Field(min_length=1, max_length=32)
    id_number: str = Field(min_length=1, max_length=32)
    occupation_code: str
    full_time: bool = True


class WorkstationOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    occupation_code: str
    count: int

    @staticmethod
    def resolve_organisation(obj: Workstation) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_occupation_code(obj: Workstation) -> str:
        return obj.occupation.code


class WorkstationIn(Schema):
    organisation_id: int
    occupation_code: str
    count: int = Field(ge=0, le=10000)


class PlatformOut(Schema):
    organisation_id: int
    organisation: str
    platform_listed: bool
    platform_filed_on: dt.date | None
    platform_approved_on: dt.date | None

    @staticmethod
    def resolve_organisation_id(obj: Organisation) -> int:
        return obj.pk

    @staticmethod
    def resolve_organisation(obj: Organisation) -> str:
        return obj.name

    @staticmethod
    def _filing(obj: Organisation) -> Any:
        return getattr(obj, "platform_filing", None)

    @staticmethod
    def resolve_platform_listed(obj: Organisation) -> bool:
        f = PlatformOut._filing(obj)
        return bool(f and f.platform_listed)

    @staticmethod
    def resolve_platform_filed_on(obj: Organisation) -> dt.date | None:
        f = PlatformOut._filing(obj)
        return f.platform_filed_on if f else None

    @staticmethod
    def resolve_platform_approved_on(obj: Organisation) -> dt.date | None:
        f = PlatformOut._filing(obj)
        return f.platform_approved_on if f else None


class PlatformIn(Schema):
    organisation_id: int
    platform_listed: bool
    platform_filed_on: dt.date | None = None
    platform_approved_on: dt.date | None = None


class OrgStatusOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    status_reason: str
    suspended_until: dt.date | None
    audit_finding_on: dt.date | None

    @staticmethod
    def resolve_status_label(obj: Organisation) -> str:
        return obj.get_status_display()


class SuspendIn(Schema):
    reason: str = Field(min_length=1, max_length=180)
    until: dt.date | None = None
    rule: str = Field("", description="暂停依据：A12、C09 或留空")


class CatalogueReasonIn(Schema):
    reason: str = Field("", max_length=180)


class FindingIn(Schema):
    found_on: dt.date
    note: str = Field(min_length=1, max_length=180)


# ---- evaluation bodies' filings (I09)


class ScopeLineIn(Schema):
    occupation_code: str = Field(min_length=1, max_length=10)
    certificate_kind: str = Field(description="证书类型代码：qualification、skill_level、special_ability…")
    level: int | None = Field(None, ge=1, le=5, description="等级 1–5（职业资格、职业技能等级证书须填）")


class ScopeLineOut(Schema):
    occupation_code: str
    occupation: str
    certificate_kind: str
    certificate_kind_label: str
    level: int | None
    level_label: str

    @staticmethod
    def resolve_occupation_code(obj: Any) -> str:
        return str(obj.occupation.code)

    @staticmethod
    def resolve_occupation(obj: Any) -> str:
        return str(obj.occupation.name)

    @staticmethod
    def resolve_certificate_kind_label(obj: Any) -> str:
        return str(obj.get_certificate_kind_display())

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display()) if obj.level else ""


class EvaluationFilingIn(Schema):
    organisation_id: int
    kind: str = Field(description="catalogue（评价机构目录）或 recognition（职业技能等级认定备案）")
    ref: str = Field(min_length=1, max_length=64, description="备案编号")
    region_id: int = Field(description="可开展评价的区域")
    filed_on: dt.date
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="失效日期（当日起不再有效）")
    scope: list[ScopeLineIn] = Field(min_length=1, max_length=2000)


class EvaluationFilingOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str
    ref: str
    region_id: int
    region: str
    filed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    scope: list[ScopeLineOut]

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.name)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.region.name)

    @staticmethod
    def resolve_scope(obj: Any) -> list[Any]:
        return list(obj.scope.all())


class FilingImportIn(Schema):
    content_base64: str = Field(description="按模板填写的 .xlsx 文件内容，Base64 编码")


class FilingImportOut(Schema):
    filings: int
    lines: int

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.catalogue import selectors
from jineng.catalogue.models import EvaluationFiling, InstitutionOccupation, Occupation, Teacher, Workstation
from jineng.catalogue.schemas import (
    CatalogueItemOut,
    CatalogueReasonIn,
    EndIn,
    EvaluationFilingIn,
    EvaluationFilingOut,
    FilingImportIn,
    FilingImportOut,
    FindingIn,
    ImportIn,
    ImportOut,
    InstitutionOccupationIn,
    InstitutionOccupationOut,
    OccupationDetailOut,
    OccupationOut,
    OrgStatusOut,
    PlatformIn,
    PlatformOut,
    SuspendIn,
    TeacherIn,
    TeacherOut,
    WorkstationIn,
    WorkstationOut,
)
from jineng.catalogue.services import (
    ScopeLine,
    catalogue_import,
    evaluation_filing_end,
    evaluation_filing_record,
    evaluation_filings_import,
    institution_occupation_end,
    institution_occupation_set,
    online_platform_file,
    teacher_deactivate,
    teacher_file,
    workstation_set,
)
from jineng.core.errors import Refusal
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.orgs.models import Organisation
from jineng.orgs.services import (
    organisation_audit_finding_record,
    organisation_exit,
    organisation_reinstate,
    organisation_suspend,
)
from jineng.regions.selectors import regions_visible

router = Router()


def _occupation(code: str) -> Occupation:
    occupation = Occupation.objects.filter(code=code.strip()).first()
    if occupation is None:
        raise Refusal("2022年版职业分类大典中没有此职业编码", field="occupation_code", value=code)
    return occupation


def _training_org(user: User, org_id: int) -> Organisation:
    return get_object_or_404(selectors.training_organisations(user), pk=org_id)


# ---- occupations


@router.get(
    "/occupations",
    response=list[OccupationOut],
    summary="职业目录（2022年版大典；q 为名称片段或编码开头，flag=L/S）",
)
@paginate(PageNumberPagination, page_size=50)
def occupations(request: HttpRequest, q: str = "", flag: str = "", major: str = "") -> Any:
    require(request.user, "catalogue.view")
    return selectors.occupations_search(q, flag=flag, major=major)


@router.get("/occupations/{code}", response=OccupationDetailOut, summary="职业详情：定义、工种、可取得证书")
def occupation(request: HttpRequest, code: str) -> Occupation:
    require(request.user, "catalogue.view")
    return get_object_or_404(Occupation.objects.prefetch_related("trades", "certificates"), code=code)


# ---- the province's list


@router.get("/items", response=list[CatalogueItemOut], summary="补贴性培训目录（本区域、上级区域与下级区域）")
@paginate(PageNumberPagination, page_size=50)
def items(
    request: HttpRequest,
    q: str = "",
    region_id: int | None = None,
    year: int | None = year_query(None),
    kind: str = "",
) -> Any:
    require(request.user, "catalogue.view")
    return selectors.catalogue_search(request_user(request), q=q, region_id=region_id, year=year, kind=kind)


@router.post(
    "/items/import",
    response={201: ImportOut},
    summary="导入补贴性培训目录（xlsx 的 Base64；全部正确才写入，否则 422 并逐行列出全部错误）",
)
def items_import(request: HttpRequest, data: ImportIn) -> Status:
    user = request_user(request)
    require(user, "catalogue.manage")
    region = get_object_or_404(regions_visible(user), pk=data.region_id)
    try:
        content = base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("content_base64 不是合法的 Base64 编码", field="content_base64") from None
    result = catalogue_import(actor=user, region=region, year=data.year, content=content)
    return Status(201, result.__dict__)


# ---- institutions (A11)


@router.get(
    "/institutions", response=list[InstitutionOccupationOut], summary="机构培训目录（A11；on=某日有效的条目）"
)
@paginate(PageNumberPagination, page_size=50)
def institutions(
    request: HttpRequest, q: str = "", organisation_id: int | None = None, on: dt.date | None = None
) -> Any:
    require(request.user, "catalogue.view")
    return selectors.institution_occupations_search(
        request_user(request), q=q, organisation_id=organisation_id, on=on
    )


@router.post(
    "/institutions", response={201: InstitutionOccupationOut}, summary="列入机构培训目录（A11，自生效日起）"
)
def institution_add(request: HttpRequest, data: InstitutionOccupationIn) -> Status:
    user = request_user(request)
    require(user, "catalogue.manage")
    org = _training_org(user, data.organisation_id)
    entry = institution_occupation_set(
        actor=user, organisation=org, occupation=_occupation(data.occupation_code), valid_from=data.valid_from
    )
    return Status(201, entry)


@router.post(
    "/institutions/{entry_id}/end",
    response=InstitutionOccupationOut,
    summary="终止机构培训目录条目（A11，自失效日起）",
)
def institution_end(request: HttpRequest, entry_id: int, data: EndIn) -> InstitutionOccupation:
    user = request_user(request)
    require(user, "catalogue.manage")
    entry = get_object_or_404(selectors.institution_occupations_visible(user), pk=entry_id)
    return institution_occupation_end(actor=user, entry=entry, valid_to=data.valid_to)


# ---- teachers (A15)


@router.get("/teachers", response=list[TeacherOut], summary="师资报备（A15；身份证号按角色脱敏）")
@paginate(PageNumberPagination, page_size=50)
def teachers(
    request: HttpRequest, q: str = "", organisation_id: int | None = None, include_inactive: bool = False
) -> Any:
    require(request.user, "catalogue.view")
    return selectors.teachers_search(
        request_user(request), q=q, organisation_id=organisation_id, active=None if include_inactive else True
    )


@router.post("/teachers", response={201: TeacherOut}, summary="报备教师（A15；身份证号按 GB 11643 校验）")
def teacher_create(request: HttpRequest, data: TeacherIn) -> Status:
    user = request_user(request)
    require(user, "teacher.file")
    org = _training_org(user, data.organisation_id)
    teacher = teacher_file(
        actor=user,
        organisation=org,
        name=data.name,
        id_number=data.id_number,
        occupation=_occupation(data.occupation_code),
        full_time=data.full_time,
    )
    return Status(201, teacher)


@router.post("/teachers/{teacher_id}/deactivate", response=TeacherOut, summary="撤销教师报备")
def teacher_remove(request: HttpRequest, teacher_id: int) -> Teacher:
    user = request_user(request)
    require(user, "teacher.file")
    teacher = get_object_or_404(selectors.teachers_visible(user), pk=teacher_id)
    return teacher_deactivate(actor=user, teacher=teacher)


# ---- workstations, platforms


@router.get("/workstations", response=list[WorkstationOut], summary="实训工位（A02）")
@paginate(PageNumberPagination, page_size=50)
def workstations(request: HttpRequest) -> QuerySet[Workstation]:
    require(request.user, "catalogue.view")
    return selectors.workstations_visible(request_user(request))


@router.post("/workstations", response=WorkstationOut, summary="登记或修改某职业的实训工位数")
def workstation_put(request: HttpRequest, data: WorkstationIn) -> Workstation:
    user = request_user(request)
    require(user, "teacher.file")
    org = _training_org(user, data.organisation_id)
    return workstation_set(
        actor=user, organisation=org, occupation=_occupation(data.occupation_code), count=data.count
    )


@router.get("/platforms", response=list[PlatformOut], summary="线上培训平台的目录、备案与审核（D01）")
@paginate(PageNumberPagination, page_size=50)
def platforms(request: HttpRequest) -> QuerySet[Organisation]:
    require(request.user, "catalogue.view")
    return selectors.platforms_visible(request_user(request))


@router.post("/platforms", response=PlatformOut, summary="登记线上培训平台的目录、备案与审核（D01）")
def platform_file(request: HttpRequest, data: PlatformIn) -> Organisation:
    user = request_user(request)
    require(user, "catalogue.manage")
    org = get_object_or_404(selectors.platforms_visible(user), pk=data.organisation_id)
    online_platform_file(
        actor=user,
        organisation=org,
        platform_listed=data.platform_listed,
        platform_filed_on=data.platform_filed_on,
        platform_approved_on=data.platform_approved_on,
    )
    return selectors.platforms_visible(user).get(pk=org.pk)


# ---- institution status (A12, C09)


def _status_org(request: HttpRequest, org_id: int) -> tuple[User, Organisation]:
    user = request_user(request)
    require(user, "org.status")
    return user, _training_org(user, org_id)


@router.post(
    "/organisations/{org_id}/suspend",
    response=OrgStatusOut,
    summary="暂停机构（C09 整改期不得短于政策档案规定）",
)
def org_suspend(request: HttpRequest, org_id: int, data: SuspendIn) -> Organisation:
    user, org = _status_org(request, org_id)
    return organisation_suspend(
        actor=user, organisation=org, reason=data.reason, until=data.until, rule=data.rule
    )


@router.post(
    "/organisations/{org_id}/reinstate", response=OrgStatusOut, summary="恢复暂停的机构（暂停期满后）"
)
def org_reinstate(request: HttpRequest, org_id: int, data: CatalogueReasonIn) -> Organisation:
    user, org = _status_org(request, org_id)
    return organisation_reinstate(actor=user, organisation=org, reason=data.reason)


@router.post(
    "/organisations/{org_id}/exit", response=OrgStatusOut, summary="机构退出（最终状态，机构目录同日失效）"
)
def org_exit(request: HttpRequest, org_id: int, data: CatalogueReasonIn) -> Organisation:
    user, org = _status_org(request, org_id)
    return organisation_exit(actor=user, organisation=org, reason=data.reason)


@router.post(
    "/organisations/{org_id}/audit-finding",
    response=OrgStatusOut,
    summary="登记审计、督查发现问题的日期（A12）",
)
def org_finding(request: HttpRequest, org_id: int, data: FindingIn) -> Organisation:
    user, org = _status_org(request, org_id)
    return organisation_audit_finding_record(
        actor=user, organisation=org, found_on=data.found_on, note=data.note
    )


# ---- evaluation bodies' filings (I09)


@router.get(
    "/evaluation-filings",
    response=list[EvaluationFilingOut],
    summary="评价机构目录与职业技能等级认定备案（I09；on=某日有效的备案）",
)
@paginate(PageNumberPagination, page_size=50)
def evaluation_filings(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    organisation_id: int | None = None,
    on: dt.date | None = None,
) -> Any:
    require(request.user, "catalogue.view")
    return selectors.evaluation_filings_search(
        request_user(request), q=q, kind=kind, organisation_id=organisation_id, on=on
    )


@router.post(
    "/evaluation-filings",
    response={201: EvaluationFilingOut},
    summary="登记评价机构备案：备案范围（职业 × 证书类型 × 等级）、可开展评价的区域与有效期（I09）",
)
def evaluation_filing_add(request: HttpRequest, data: EvaluationFilingIn) -> Status:
    user = request_user(request)
    require(user, "catalogue.manage")
    org = get_object_or_404(selectors.filing_organisations(user), pk=data.organisation_id)
    region = get_object_or_404(selectors.catalogue_regions(user), pk=data.region_id)
    filing = evaluation_filing_record(
        actor=user,
        organisation=org,
        kind=data.kind,
        ref=data.ref,
        region=region,
        filed_on=data.filed_on,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        scope=[
            ScopeLine(_occupation(ln.occupation_code), ln.certificate_kind, ln.level) for ln in data.scope
        ],
    )
    return Status(201, selectors.evaluation_filings_visible(user).get(pk=filing.pk))


@router.post(
    "/evaluation-filings/{filing_id}/end",
    response=EvaluationFilingOut,
    summary="终止评价机构备案（自失效日期起不得再承担考核，I09）",
)
def evaluation_filing_stop(request: HttpRequest, filing_id: int, data: EndIn) -> EvaluationFiling:
    user = request_user(request)
    require(user, "catalogue.manage")
    filing = get_object_or_404(selectors.evaluation_filings_managed(user), pk=filing_id)
    evaluation_filing_end(actor=user, filing=filing, valid_to=data.valid_to)
    return selectors.evaluation_filings_visible(user).get(pk=filing.pk)


@router.post(
    "/evaluation-filings/import",
    response=FilingImportOut,
    summary="导入评价机构备案（按模板，全部正确才写入；错误逐行列出，I09）",
)
def evaluation_filings_upload(request: HttpRequest, data: FilingImportIn) -> Any:
    user = request_user(request)
    require(user, "catalogue.manage")
    try:
        content = base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("文件内容不是有效的 Base64 编码", field="content_base64") from None
    result = evaluation_filings_import(
        actor=user,
        content=content,
        organisations=selectors.filing_organisations(user),
        regions=selectors.catalogue_regions(user),
    )
    return {"filings": result.filings, "lines": result.lines}

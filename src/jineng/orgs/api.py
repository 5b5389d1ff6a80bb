from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.orgs.models import Organisation
from jineng.orgs.schemas import (
    AnnualInspectionIn,
    AnnualInspectionOut,
    LiabilityIncidentIn,
    LiabilityIncidentOut,
    OrganisationIn,
    OrganisationOut,
    SanctionIn,
    SanctionLiftIn,
    SanctionOut,
)
from jineng.orgs.selectors import (
    organisations_search,
    organisations_visible,
    sanctions_in_force_visible,
    sanctions_visible,
)
from jineng.orgs.services import (
    annual_inspection_record,
    liability_incident_record,
    organisation_register,
    sanction_impose,
    sanction_lift_sign,
)
from jineng.regions.selectors import departments_visible, regions_visible

router = Router()
sanctions = Router()  # /sanctions (I01)


@router.get(
    "", response=list[OrganisationOut], summary="管辖范围内的机构（分页，可按名称/信用代码、类别、状态筛选）"
)
@paginate(PageNumberPagination, page_size=50)
def organisations(request: HttpRequest, q: str = "", kind: str = "", status: str = "") -> Any:
    require(request.user, "org.view")
    return organisations_search(request_viewer(request), q=q, kind=kind, status=status)


@router.get("/{org_id}", response=OrganisationOut, summary="机构详情")
def organisation(request: HttpRequest, org_id: int) -> Organisation:
    require(request.user, "org.view")
    return get_object_or_404(organisations_visible(request_viewer(request)), pk=org_id)


@router.post("", response={201: OrganisationOut}, summary="登记机构（校验统一社会信用代码）")
def organisation_create(request: HttpRequest, data: OrganisationIn) -> Status:
    require(request.user, "org.register")
    region = get_object_or_404(regions_visible(request_viewer(request)), pk=data.region_id)
    department = None
    if data.department_id is not None:
        department = get_object_or_404(departments_visible(request_viewer(request)), pk=data.department_id)
    org = organisation_register(
        actor=request.user,
        region=region,
        department=department,
        **data.dict(exclude={"region_id", "department_id"}),
    )
    return Status(201, org)


@router.post(
    "/{org_id}/inspections",
    response={201: AnnualInspectionOut},
    summary="登记年检结果（I02；同一年度再次登记为更正）",
)
def inspection_create(request: HttpRequest, org_id: int, data: AnnualInspectionIn) -> Status:
    require(request.user, "sanction.manage")
    org = get_object_or_404(organisations_visible(request_viewer(request)), pk=org_id)
    found = annual_inspection_record(
        actor=request.user, organisation=org, year=data.year, passed=data.passed, note=data.note
    )
    return Status(201, found)


@router.post("/{org_id}/incidents", response={201: LiabilityIncidentOut}, summary="登记办学责任事故（I02）")
def incident_create(request: HttpRequest, org_id: int, data: LiabilityIncidentIn) -> Status:
    require(request.user, "sanction.manage")
    org = get_object_or_404(organisations_visible(request_viewer(request)), pk=org_id)
    incident = liability_incident_record(
        actor=request.user, organisation=org, occurred_on=data.occurred_on, description=data.description
    )
    return Status(201, incident)


# ---- sanctions (I01)


@sanctions.get(
    "", response=list[SanctionOut], summary="管辖范围内机构的处理决定（I01；in_force=true 只列今日执行中的）"
)
@paginate(PageNumberPagination, page_size=50)
def sanction_list(request: HttpRequest, in_force: bool = False, organisation_id: int | None = None) -> Any:
    require(request.user, "sanction.view")
    viewer = request_viewer(request)
    qs = sanctions_in_force_visible(viewer, timezone.localdate()) if in_force else sanctions_visible(viewer)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("-starts_on", "-pk")


@sanctions.post("", response={201: SanctionOut}, summary="登记处理决定（I01：执行期间不得开班、预拨、申领）")
def sanction_create(request: HttpRequest, data: SanctionIn) -> Status:
    require(request.user, "sanction.manage")
    viewer = request_viewer(request)
    org = get_object_or_404(organisations_visible(viewer), pk=data.organisation_id)
    made = sanction_impose(
        actor=request.user,
        organisation=org,
        kind=data.kind,
        decision=data.decision,
        reference=data.reference,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    return Status(201, sanctions_visible(viewer).get(pk=made.pk))


@sanctions.post(
    "/{sanction_id}/lift",
    response=SanctionOut,
    summary="签署解除处理决定（I01：两名不同的人社局工作人员签署，第二人签署之日解除）",
)
def sanction_lift(request: HttpRequest, sanction_id: int, data: SanctionLiftIn) -> Any:
    require(request.user, "sanction.manage")
    viewer = request_viewer(request)
    found = get_object_or_404(sanctions_visible(viewer), pk=sanction_id)
    sanction_lift_sign(actor=request.user, sanction=found, reason=data.reason)
    return sanctions_visible(viewer).get(pk=found.pk)

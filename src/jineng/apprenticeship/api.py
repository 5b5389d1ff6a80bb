"""/api/v1/apprenticeship: 企业新型学徒制, the same services as the pages. Out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.apprenticeship import services
from jineng.apprenticeship.models import Apprentice, Cohort
from jineng.apprenticeship.schemas import (
    ApprenticeCertifyIn,
    ApprenticeIn,
    ApprenticeLeaveIn,
    ApprenticesIn,
    CohortDetailOut,
    CohortIn,
    CohortOut,
)
from jineng.apprenticeship.selectors import (
    apprentices_of,
    cohorts_managed,
    cohorts_search,
    cohorts_visible,
    departments_for,
    enterprise_by_code,
    stage_rows,
)
from jineng.catalogue.models import Occupation
from jineng.claims.schemas import ClaimOut
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.people.selectors import id_number_for

router = Router()


def cohort_out(c: Cohort) -> dict[str, Any]:
    return {
        "id": c.pk,
        "ref": c.ref,
        "enterprise_id": c.enterprise_id,
        "enterprise": c.enterprise.name,
        "institution_id": c.institution_id,
        "institution": c.institution.name,
        "occupation_code": c.occupation.code,
        "occupation": c.occupation.name,
        "level": c.level,
        "certificate_kind": c.certificate_kind,
        "agreement_number": c.agreement_number,
        "agreement_date": c.agreement_date,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "planned_years": c.planned_years,
        "region_id": c.region_id,
        "region": c.region.name,
        "department_id": c.department_id,
        "state": c.state,
        "state_label": c.get_state_display(),
        "profile_code": c.profile_code,
        "apprentices": c.apprentices.count(),
    }


def detail_out(user: User, c: Cohort) -> dict[str, Any]:
    return {
        **cohort_out(c),
        "apprentice_list": [
            {
                "id": a.pk,
                "row": a.row,
                "name": a.person.name,
                "id_number": id_number_for(user, a.person),
                "hired_on": a.hired_on,
                "joined_on": a.joined_on,
                "left_on": a.left_on,
                "state": a.state,
                "state_label": a.get_state_display(),
                "certificate_number": a.certificate_number,
            }
            for a in apprentices_of(c)
        ],
        "stages": [
            {
                "number": s.stage.number,
                "start": s.stage.start,
                "end": s.stage.end,
                "final": s.stage.final,
                "claimable": s.claimable,
                "claim_ref": s.held.claim_ref if s.held else "",
            }
            for s in stage_rows(c, today=timezone.localdate())
        ],
    }


def _rows(items: list[ApprenticeIn]) -> list[services.ApprenticeRow]:
    return [
        services.ApprenticeRow(a.id_number, a.name, a.hired_on, a.joined_on, n)
        for n, a in enumerate(items, start=1)
    ]


def _managed(user: User, cohort_id: int) -> Cohort:
    require(user, "apprenticeship.manage")
    return get_object_or_404(cohorts_managed(user), pk=cohort_id)


@router.get("", response=list[CohortOut], summary="学徒制培养（q 编号/企业/机构/职业，state 状态）")
@paginate(PageNumberPagination, page_size=50)
def cohort_list(request: HttpRequest, q: str = "", state: str = "") -> Any:
    user = request_user(request)
    require(user, "apprenticeship.view")
    return [cohort_out(c) for c in cohorts_search(user, q=q.strip(), state=state)]


@router.post("", response={201: CohortDetailOut}, summary="登记学徒制培养（校企合作协议与学徒，A08/A09）")
def cohort_create(request: HttpRequest, data: CohortIn) -> Status:
    user = request_user(request)
    require(user, "apprenticeship.manage")
    enterprise = enterprise_by_code(data.enterprise_credit_code)
    if enterprise is None:
        raise Http404("企业不存在")
    department = departments_for(user, enterprise).filter(pk=data.department_id).first()
    if department is None:
        raise Http404("行业主管部门不存在")
    occupation = Occupation.objects.filter(code=data.occupation_code.strip()).first()
    if occupation is None:
        raise Http404("职业不存在")
    institution = user.organisation
    if institution is None:
        raise Http404("培训机构不存在")
    c = services.cohort_register(
        actor=user,
        enterprise=enterprise,
        institution=institution,
        occupation=occupation,
        level=data.level,
        certificate_kind=data.certificate_kind,
        agreement_number=data.agreement_number,
        agreement_date=data.agreement_date,
        start_date=data.start_date,
        planned_years=data.planned_years,
        department=department,
        apprentices=_rows(data.apprentices),
    )
    return Status(201, detail_out(user, c))


@router.get("/{cohort_id}", response=CohortDetailOut, summary="学徒制培养详情：学徒、各年度申领")
def cohort_detail(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    user = request_user(request)
    require(user, "apprenticeship.view")
    return detail_out(user, get_object_or_404(cohorts_visible(user), pk=cohort_id))


@router.post("/{cohort_id}/apprentices", response={201: CohortDetailOut}, summary="新增学徒（A08/A09）")
def apprentices_add(request: HttpRequest, cohort_id: int, data: ApprenticesIn) -> Status:
    user = request_user(request)
    c = _managed(user, cohort_id)
    services.apprentices_add(actor=user, cohort=c, rows=_rows(data.apprentices))
    return Status(201, detail_out(user, c))


def _apprentice(user: User, cohort_id: int, apprentice_id: int) -> Apprentice:
    c = _managed(user, cohort_id)
    return get_object_or_404(Apprentice.objects.filter(cohort=c), pk=apprentice_id)


@router.post("/{cohort_id}/apprentices/{apprentice_id}/leave", response=CohortDetailOut, summary="学徒退出")
def apprentice_leave(
    request: HttpRequest, cohort_id: int, apprentice_id: int, data: ApprenticeLeaveIn
) -> dict[str, Any]:
    user = request_user(request)
    a = _apprentice(user, cohort_id, apprentice_id)
    services.apprentice_leave(actor=user, apprentice=a, left_on=data.left_on, reason=data.reason)
    return detail_out(user, a.cohort)


@router.post(
    "/{cohort_id}/apprentices/{apprentice_id}/certify", response=CohortDetailOut, summary="学徒结业取证"
)
def apprentice_certify(
    request: HttpRequest, cohort_id: int, apprentice_id: int, data: ApprenticeCertifyIn
) -> dict[str, Any]:
    user = request_user(request)
    a = _apprentice(user, cohort_id, apprentice_id)
    services.apprentice_certify(
        actor=user,
        apprentice=a,
        certificate_kind=data.certificate_kind,
        level=data.level,
        certificate_number=data.certificate_number,
        issued_on=data.issued_on,
        issuer=data.issuer,
    )
    return detail_out(user, a.cohort)


@router.post(
    "/{cohort_id}/complete",
    response=CohortDetailOut,
    summary="学徒制培养结业（培养期结束后，与页面同一服务）",
)
def cohort_complete(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    user = request_user(request)
    c = _managed(user, cohort_id)
    return detail_out(user, services.cohort_complete(actor=user, cohort=c))


@router.post(
    "/{cohort_id}/stages/{stage}/claim",
    response={201: ClaimOut},
    summary="申领第 N 年补贴（按补贴标准目录每人每年，F02；同一学徒同一年度只补一次）",
)
def stage_claim(request: HttpRequest, cohort_id: int, stage: int) -> Status:
    user = request_user(request)
    c = _managed(user, cohort_id)
    return Status(201, services.stage_claim_create(actor=user, cohort=c, stage=stage))

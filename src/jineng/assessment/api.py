"""/api/v1/assessment: application, results, the certificate registry. Out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.assessment import services
from jineng.assessment.schemas import (
    ApplyIn,
    ArrangementIn,
    ArrangementOut,
    AssessmentOut,
    CertificateOut,
    ResultIn,
    ResultsOut,
)
from jineng.assessment.selectors import arrangements_visible, assessments_visible, certificates_search
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.orgs.models import Organisation
from jineng.supervision.selectors import class_for

router = Router()


@router.get("", response=list[AssessmentOut], summary="结业考核（评价机构只见本机构承担的考核）")
@paginate(PageNumberPagination, page_size=50)
def assessments(request: HttpRequest, state: str = "") -> Any:
    user = request_user(request)
    require(user, "class.view")
    qs = assessments_visible(user)
    return qs.filter(state=state) if state else qs


@router.get("/certificates", response=list[CertificateOut], summary="证书查询（q：完整身份证号或姓名开头）")
@paginate(PageNumberPagination, page_size=50)
def certificates(request: HttpRequest, q: str = "") -> Any:
    user = request_user(request)
    require(user, "certificate.view")
    return certificates_search(user, q=q)


@router.get(
    "/arrangements",
    response=list[ArrangementOut],
    summary="跨区域（统筹集中）考核安排（I08：决定人、理由、时间）",
)
@paginate(PageNumberPagination, page_size=50)
def arrangements(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "class.view")
    return arrangements_visible(user)


@router.post(
    "/classes/{class_id}/arrangements",
    response={201: ArrangementOut},
    summary="作出跨区域（统筹集中）考核安排：本地无备案评价机构或考核人数较少时（I08，人社局管理员）",
)
def arrange(request: HttpRequest, class_id: int, data: ArrangementIn) -> Status:
    user = request_user(request)
    require(user, "assessment.arrange")
    tc = class_for(user, class_id)
    body = get_object_or_404(Organisation, pk=data.body_id)
    made = services.cross_region_arrange(
        actor=user, training_class=tc, body=body, basis=data.basis, reason=data.reason
    )
    return Status(201, arrangements_visible(user).get(pk=made.pk))


@router.get("/{assessment_id}", response=AssessmentOut, summary="结业考核详情")
def assessment(request: HttpRequest, assessment_id: int) -> Any:
    user = request_user(request)
    require(user, "class.view")
    return get_object_or_404(assessments_visible(user), pk=assessment_id)


@router.post(
    "/classes/{class_id}",
    response={201: AssessmentOut},
    summary="申请结业考核（E01 提前申报、E03 最高证书、E04 线下、E05 出题层级、I09 考核机构备案范围）",
)
def apply(request: HttpRequest, class_id: int, data: ApplyIn) -> Status:
    user = request_user(request)
    require(user, "assessment.apply")
    tc = class_for(user, class_id)
    # Any organisation may be named; the service refuses one not filed for the assessment (I09).
    body = get_object_or_404(Organisation, pk=data.body_id)
    created = services.assessment_apply(
        actor=user,
        training_class=tc,
        body=body,
        certificate_kind=data.certificate_kind,
        level=data.level,
        assessment_date=data.assessment_date,
        offline=data.offline,
        exam_set_by=data.exam_set_by,
        venue=data.venue,
    )
    return Status(201, created)


@router.post("/{assessment_id}/results", response=ResultsOut, summary="录入考核结果（整批全部通过才录入）")
def results(request: HttpRequest, assessment_id: int, data: list[ResultIn]) -> dict[str, Any]:
    user = request_user(request)
    require(user, "assessment.results")
    a = get_object_or_404(assessments_visible(user), pk=assessment_id)
    n = services.results_enter(actor=user, assessment=a, rows=[services.ResultRow(**r.dict()) for r in data])
    a.refresh_from_db()
    return {"entered": n, "assessment_state": a.state, "class_state": a.training_class.state}

"""/api/v1/certificates: the register (scoped), batches added by evaluation bodies and recognising
enterprises, and the public check (no login, limited per address)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.certificates import services, throttle
from jineng.certificates.schemas import (
    CertificateCheckOut,
    CertificateRegisterOut,
    RegisterCertificateIn,
    RegisterCertificateOut,
)
from jineng.certificates.selectors import certificate_check, certificates_search, certificates_visible
from jineng.core.errors import error_envelope
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require

router = Router()
public = Router()


@router.get(
    "",
    response=list[RegisterCertificateOut],
    summary="证书登记册（q：完整身份证号、证书编号或姓名开头；route：取证途径；year：发证年度）",
)
@paginate(PageNumberPagination, page_size=50)
def certificates(
    request: HttpRequest, q: str = "", route: str = "", year: int | None = year_query(None)
) -> Any:
    user = request_user(request)
    require(user, "certificate.view")
    return certificates_search(user, q=q, route=route, year=year)


@router.post(
    "",
    response={201: CertificateRegisterOut},
    summary="成批登记证书（评价机构、备案的认定单位；整批全部通过才登记，逐行报告；I09 备案范围）",
)
def register(request: HttpRequest, data: list[RegisterCertificateIn]) -> Status:
    user = request_user(request)
    require(user, "certificate.record")
    report = services.certificates_register(
        actor=user,
        rows=[services.CertificateRow(**r.dict(), row=i) for i, r in enumerate(data, start=1)],
    )
    return Status(
        201,
        {
            "registered": report.registered,
            "already": report.already,
            "rows": [
                {
                    "row": r.row,
                    "number": r.number,
                    "outcome": r.outcome,
                    "outcome_label": r.label,
                    "certificate_id": r.certificate_id,
                }
                for r in report.rows
            ],
        },
    )


@router.get("/{certificate_id}", response=RegisterCertificateOut, summary="证书详情")
def certificate(request: HttpRequest, certificate_id: int) -> Any:
    user = request_user(request)
    require(user, "certificate.view")
    return get_object_or_404(certificates_visible(user), pk=certificate_id)


@public.get(
    "",
    response=CertificateCheckOut,
    auth=None,
    summary="证书查验（公开：证书编号＋持证人姓名，持证人脱敏；按来源地址限频）",
)
def check(request: HttpRequest, number: str, name: str) -> Any:
    if not throttle.allow_check(request):
        return error_envelope(429, "too_many_requests", throttle.MESSAGE)
    answer = certificate_check(number=number[:64], name=name[:32])
    return {**answer.__dict__, "message": answer.message}

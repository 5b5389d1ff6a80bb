"""/api/v1/notices: the public notice (F08) for anyone, without an account or token — the same masked
lists as the public pages /claims/notices/, and objections sent the same way (objection_submit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from jineng.claims import services
from jineng.claims.models import Claim, ClaimState
from jineng.claims.objection_guard import captcha_check, captcha_new, client_address, objection_throttle
from jineng.claims.selectors import notice_lines, notices_public
from jineng.core.pagination import PageNumberPagination

public = Router()


class NoticeOut(Schema):
    id: int
    ref: str = Field(description="公示编号（申领编号）")
    applicant: str = Field(description="申请单位；个人申请不公示姓名")
    programme: str = Field(description="补贴项目")
    occupation: str = Field(description="申领事项：培训的职业（工种），或其他补贴项目的事项")
    region: str
    headcount: int
    amount: Decimal
    notice_start: dt.date
    notice_end: dt.date
    running: bool = Field(description="今天是否在公示期内、可提出异议")

    @staticmethod
    def resolve_applicant(c: Claim) -> str:
        return c.payee_organisation.name if c.payee_organisation else "个人申请"

    @staticmethod
    def resolve_programme(c: Claim) -> str:
        return c.programme_label

    @staticmethod
    def resolve_occupation(c: Claim) -> str:
        return c.title

    @staticmethod
    def resolve_region(c: Claim) -> str:
        return c.region.name

    @staticmethod
    def resolve_running(c: Claim) -> bool:
        today = timezone.localdate()
        return c.state == ClaimState.IN_NOTICE and c.notice_start <= today <= c.notice_end  # type: ignore[operator]


class NoticeLineOut(Schema):
    row: int = Field(description="花名册行号，提出异议时用它指明学员")
    name: str = Field(description="姓名（遮蔽）")
    id_number: str = Field(description="身份证号（遮蔽）")
    status: str
    amount: str


class NoticeDetailOut(NoticeOut):
    objections: int
    lines: list[NoticeLineOut]

    @staticmethod
    def resolve_objections(c: Claim) -> int:
        return c.objection_count  # type: ignore[attr-defined]

    @staticmethod
    def resolve_lines(c: Claim) -> list[Any]:
        return notice_lines(c)


class ObjectionIn(Schema):
    name: str = Field(description="异议人姓名")
    contact: str = Field(description="联系方式")
    text: str = Field(description="异议的事实和理由")
    row: int | None = Field(None, description="涉及的花名册行号；对整个名单提出时不填")
    captcha_key: str = Field(description="GET /notices/captcha 给出的验证码编号")
    captcha: str = Field(description="验证码图片上的字母（每个验证码只能试一次）")


class CaptchaOut(Schema):
    key: str = Field(description="提交异议时作为 captcha_key 回传")
    image: str = Field(description="验证码图片的地址（本系统生成，无外部服务）")


class ObjectionReceivedOut(Schema):
    id: int
    message: str


@public.get("", response=list[NoticeOut], auth=None, summary="补贴公示（公开，无需登录；F08）")
@paginate(PageNumberPagination, page_size=50)
def notice_list(request: HttpRequest) -> Any:
    return notices_public()


@public.get("/captcha", response=CaptchaOut, auth=None, summary="提出异议所需的验证码（18.11）")
def notice_captcha(request: HttpRequest) -> CaptchaOut:
    key, image = captcha_new()
    return CaptchaOut(key=key, image=image)


@public.get(
    "/{claim_id}", response=NoticeDetailOut, auth=None, summary="公示名单：姓名、身份证号已遮蔽（F08）"
)
def notice_detail(request: HttpRequest, claim_id: int) -> Claim:
    return get_object_or_404(notices_public(), pk=claim_id)


@public.post(
    "/{claim_id}/objections",
    response={201: ObjectionReceivedOut},
    auth=None,
    summary="对公示名单提出异议（任何人，无需登录；F08）",
)
def objection_submit(request: HttpRequest, claim_id: int, data: ObjectionIn) -> Status[dict[str, Any]]:
    claim = get_object_or_404(notices_public(), pk=claim_id)
    captcha_check(data.captcha_key, data.captcha)
    objection_throttle(client_address(request))
    objection = services.objection_submit(
        claim=claim, name=data.name, contact=data.contact, text=data.text, line_row=data.row
    )
    return Status(
        201,
        {"id": objection.pk, "message": "异议已收到，人社部门将在公示期结束前核实处理。"},
    )

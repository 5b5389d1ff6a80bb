"""Pages of the certificate register: the list (search, export, QR codes), a certificate, the workbook import
of evaluation bodies and recognising enterprises, and the public check (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jineng.accounts.requests import request_user
from jineng.certificates import services, throttle
from jineng.certificates.models import Route
from jineng.certificates.qr import check_url, qr_svg
from jineng.certificates.selectors import certificate_check, certificates_search, certificates_visible
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.feedback import act_returning
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.xlsx import template_bytes, xlsx_response
from jineng.people.selectors import id_number_for

EXPORT_HEADERS = [
    "姓名",
    "身份证号",
    "证书类型",
    "证书编号",
    "职业",
    "工种/专项名称",
    "等级",
    "发证日期",
    "发证机构",
    "评价（认定）机构",
    "取证途径",
    "培训班",
    "所属区域",
    "所属单位",
]


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    """The register in the user's scope: search by full ID number, certificate number or name; by route
    and year; the list carries each certificate's QR code to the public check (and prints with them)."""
    user = request_user(request)
    require(user, "certificate.view")
    q = request.GET.get("q", "").strip()
    route = request.GET.get("route", "")
    route = route if route in Route.values else ""
    qs = certificates_search(user, q=q, route=route, year=_year(request))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "证书登记册.xlsx",
            "证书登记册",
            EXPORT_HEADERS,
            (
                [
                    c.holder.name,
                    id_number_for(user, c.holder),
                    c.get_kind_display(),
                    c.number,
                    c.occupation.name,
                    c.title,
                    c.get_level_display() if c.level else "",
                    c.issued_on,
                    c.issuer_name,
                    c.body.name,
                    c.get_route_display(),
                    c.training_class.ref if c.training_class else "",
                    c.region.name,
                    c.unit.name if c.unit else "",
                ]
                for c in qs.iterator(chunk_size=2000)
            ),
        )
    page, query = paginate(request, qs)
    rows = [
        (c, id_number_for(user, c.holder), qr_svg(check_url(request, c.number), scale=1, quick=True))
        for c in page.object_list
    ]
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "query": query,
            "rows": rows,
            "q": q,
            "route": route,
            "year": request.GET.get("year", ""),
            "routes": Route.choices,
            "can_record": can(user.role, "certificate.record"),
        },
    )


@login_required
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "certificate.view")
    c = get_object_or_404(certificates_visible(user), pk=certificate_id)
    url = check_url(request, c.number)
    return render(
        request,
        "certificates/detail.html",
        {"c": c, "id_number": id_number_for(user, c.holder), "qr": qr_svg(url, scale=4), "check_url": url},
    )


@login_required
def certificate_import(request: HttpRequest) -> HttpResponse:
    """An evaluation body or a recognising enterprise adds its certificates from the template: all rows
    registered or none, the refusal naming each bad row; the report lists each row's outcome."""
    user = request_user(request)
    require(user, "certificate.record")
    report = None
    if request.method == "POST":
        file = request.FILES.get("file")

        def run() -> services.Report:
            if file is None:
                raise Refusal("请选择证书文件（.xlsx）", field="证书文件")
            rows = services.workbook_read(uploads.upload_bytes(file, what="证书文件"))
            return services.certificates_register(actor=user, rows=rows)

        report = act_returning(request, "证书已登记", run)
        if report is not None:
            messages.success(
                request,
                f"共 {len(report.rows)} 行：新登记 {report.registered} 本，已在登记册中 {report.already} 本",
            )
    return render(
        request,
        "certificates/import.html",
        {
            "report": report,
            "routes": [label for code, label in Route.choices if code in services.ADDED_ROUTES],
        },
    )


@login_required
def certificate_template(request: HttpRequest) -> HttpResponse:
    require(request_user(request), "certificate.record")
    return HttpResponse(
        template_bytes(
            "证书登记",
            services.TEMPLATE_HEADERS,
            [
                [
                    "410102199001011234",
                    "张三",
                    Route.ENTERPRISE.label,
                    "职业技能等级证书",
                    "S000041010200001",
                    "6-31-01-03",
                    "三级/高级工",
                    "",
                    "2023-06-30",
                    "",
                    "",
                ]
            ],
            text_columns=(0, 4, 5, 10),
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": "attachment; filename*=UTF-8''%E8%AF%81%E4%B9%A6%E7%99%BB%E8%AE%B0.xlsx"
        },
    )


def certificate_check_page(request: HttpRequest) -> HttpResponse:
    """Anyone, without an account: a certificate number and the holder's name → genuine or not, the holder
    masked. Limited per address (throttle); the QR code on a certificate fills in the number."""
    answer: Any = None
    number = request.POST.get("number", request.GET.get("number", ""))[:64]
    name = request.POST.get("name", "")[:32]
    status = 200
    if request.method == "POST":
        if not throttle.allow_check(request):
            messages.error(request, throttle.MESSAGE)
            status = 429
        elif not number.strip() or not name.strip():
            messages.error(request, "请填写证书编号和持证人姓名")
        else:
            answer = certificate_check(number=number, name=name)
    return render(
        request,
        "certificates/check.html",
        {"answer": answer, "number": number, "name": name},
        status=status,
    )

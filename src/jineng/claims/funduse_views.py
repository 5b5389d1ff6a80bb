"""Fund use per year (issue 14): the bureau's report with F15 (page + xlsx), and the public page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jineng.accounts.requests import request_user
from jineng.claims.funduse import FundUse, books_regions, fund_use_for, fund_use_public
from jineng.core.permissions import require
from jineng.core.xlsx import xlsx_response

HEADERS = (
    "区域",
    "资金来源",
    "年度预算（元）",
    "本年支付（元）",
    "其中：培训补贴（元）",
    "其中：评价补贴（元）",
    "其中：其他支出（元）",
    "本年退回（元）",
    "当前余额（元）",
)


def _year(request: HttpRequest) -> int:
    today = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or today)
    except ValueError:
        return today
    return year if 2000 <= year <= today + 1 else today


def _context(use: FundUse) -> dict[str, Any]:
    today = timezone.localdate().year
    return {
        "use": use,
        "year": use.year,
        "running": use.year >= today,
        "years": list(range(today, 2018, -1)),
    }


def _rows(use: FundUse) -> list[list[object]]:
    out: list[list[object]] = []
    for region in use.regions:
        for r in region.rows:
            f = r.fund
            out.append(
                [
                    region.region.name,
                    f.fund.get_kind_display(),
                    f.budget,
                    f.paid,
                    r.training,
                    r.evaluation,
                    r.other,
                    f.refunded,
                    f.remaining,
                ]
            )
        out.append([region.region.name, "F15", region.f15.text, None, None, None, None, None, None])
    if not use.evaluation_paid:
        out.append(
            ["说明", "", "本年度尚无评价补贴支付记录，评价补贴按 0 计", None, None, None, None, None, None]
        )
    return out


@login_required
def fund_use(request: HttpRequest) -> HttpResponse:
    """The year's fund use in the user's scope: budgets, payments split into training and evaluation
    subsidies, F15 (a warning while the year runs; the year-end report once it is over)."""
    user = request_user(request)
    require(user, "ledger.view")
    use = fund_use_for(user, _year(request))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"资金使用情况-{use.year}.xlsx", f"{use.year}年资金使用情况", HEADERS, _rows(use)
        )
    return render(request, "claims/fund_use.html", _context(use))


def fund_use_public_page(request: HttpRequest) -> HttpResponse:
    """The same figures for anyone, without an account: amounts per fund and purpose, no payee; one
    region's (``?region=<id>``, the link a bureau puts on its own site) or every region's."""
    regions = books_regions()
    raw = request.GET.get("region", "")
    region = next((r for r in regions if str(r.pk) == raw), None)
    context = _context(fund_use_public(_year(request), region))
    return render(request, "claims/fund_use_public.html", {**context, "regions": regions, "region": region})

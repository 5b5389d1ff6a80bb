"""The books: fund balances and the trial balance; the journal, page by page; the yearly budgets per fund
source and region, the one thing set here (``services.fund_budget_set``, capability ``fund.budget``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jineng.accounts.models import User
from jineng.accounts.requests import request_user
from jineng.core.errors import Refusal
from jineng.core.feedback import form_refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.core.templatetags.jineng import yuan
from jineng.core.xlsx import xlsx_response
from jineng.ledger import services
from jineng.ledger.models import AccountKind, EntryKind, FundKind, Posting
from jineng.ledger.selectors import (
    entries_search,
    entry_source_types,
    entry_sources,
    fund_balances,
    fund_years,
    trial_balance,
    with_postings,
)
from jineng.ledger.yearnotes import year_notes
from jineng.policy.claims import fund_order
from jineng.policy.profiles import Profile
from jineng.regions.models import Region
from jineng.regions.selectors import profiles_in_view, regions_visible


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "ledger.view")
    as_of = _date(request.GET.get("as_of"))
    tb = trial_balance(user, as_of=as_of)
    kinds = dict(AccountKind.choices)
    if request.GET.get("format") == "xlsx":
        rows: list[list[object]] = [
            [
                r.account.region.name,
                r.account.name,
                r.account.code,
                kinds.get(r.account.kind, r.account.kind),
                r.debit,
                r.credit,
                r.net_debit or None,
                r.net_credit or None,
            ]
            for r in tb.rows
        ]
        rows.append(["合计", "", "", "", None, None, tb.total_debit, tb.total_credit])
        return xlsx_response(
            "试算平衡表.xlsx",
            "试算平衡表",
            ["区域", "账户名称", "账户代码", "科目", "借方发生额", "贷方发生额", "借方余额", "贷方余额"],
            rows,
        )
    # F13: the order a payment draws on the funds, and its clause, as each profile in view fixes them.
    orders = [
        (p, [FundKind(k).label for k in fund_order(p)], p.rule_clause("F13"))
        for p in profiles_in_view(user.region, timezone.localdate().year)
    ]
    year = timezone.localdate().year
    return render(
        request,
        "ledger/index.html",
        {
            "funds": fund_balances(user),
            "tb": tb,
            "as_of": as_of,
            "kinds": kinds,
            "orders": orders,
            "year": year,
            "notes": year_notes(user, year),
        },
    )


def _year(raw: str | None) -> int:
    today = timezone.localdate().year
    try:
        year = int(raw or today)
    except ValueError:
        return today
    return year if 2000 <= year <= today + 1 else today


class BudgetForm(forms.Form):
    region = forms.ModelChoiceField(label="区域", queryset=Region.objects.none())
    kind = forms.ChoiceField(label="资金来源", choices=FundKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    amount = forms.DecimalField(label="年度预算", max_digits=14, decimal_places=2, min_value=Decimal(0))
    memo = forms.CharField(label="说明", max_length=200, required=False, help_text="如预算下达文号")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_visible(user).order_by("path")  # type: ignore[attr-defined]


def _fund_sources(profiles: list[Profile]) -> list[tuple[Profile, str, str]]:
    """The fund sources each profile's document names, with its clause (F13)."""
    out = []
    for p in profiles:
        param = p.param("fund_sources")
        out.append((p, param.display(), p.cite("fund_sources") if param.is_set else param.note))
    return out


@dataclass(frozen=True)
class Allocation:
    """What a document sets aside for its years from a fund (XC19: from the unemployment insurance fund's
    surplus), against the budgets set for that fund over the same years."""

    profile: Profile
    amount: Decimal
    cite: str
    years: tuple[int, ...]
    budgeted: Decimal


def _allocations(user: User, profiles: list[Profile]) -> list[Allocation]:
    out = []
    for p in profiles:
        amount = p.get("unemployment_insurance_allocation")
        if amount is None:
            continue
        budgeted = sum(
            (
                r.budget
                for year in p.years
                for r in fund_years(user, year)
                if r.fund.kind == FundKind.UNEMPLOYMENT_INSURANCE
            ),
            Decimal("0.00"),
        )
        out.append(Allocation(p, amount, p.cite("unemployment_insurance_allocation"), p.years, budgeted))
    return out


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    """Yearly budgets per fund source and region: each fund's budget, paid, refunded and balance; the
    bureau and finance set a budget here (``services.fund_budget_set``)."""
    user = request_user(request)
    require(user, "fund.budget" if request.method == "POST" else "ledger.view")
    year = _year(request.POST.get("year") or request.GET.get("year"))
    form = BudgetForm(request.POST or None, user=user, initial={"region": user.region_id, "year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.fund_budget_set(
                actor=user,
                region=data["region"],
                kind=data["kind"],
                year=data["year"],
                amount=data["amount"],
                memo=data["memo"],
            )
        except Refusal as exc:
            form_refused(form, exc, {"年度预算": "amount", "资金来源": "kind", "年度": "year"})
        else:
            if change.entry is None:
                messages.info(
                    request, f"{change.fund} {change.year} 年预算已是 {yuan(change.after)} 元，未变动"
                )
            else:
                messages.success(
                    request,
                    f"{change.fund} {change.year} 年预算：{yuan(change.before)} → {yuan(change.after)} 元，已记账",
                )
            return redirect(f"{request.path}?year={change.year}")
    rows = fund_years(user, year)
    profiles = profiles_in_view(user.region, year)
    orders = [(p, [FundKind(k).label for k in fund_order(p)], p.rule_clause("F13")) for p in profiles]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"年度资金预算-{year}.xlsx",
            f"{year}年资金预算",
            ["区域", "资金来源", "年度预算（元）", "本年支付（元）", "本年退回（元）", "当前余额（元）"],
            (
                [r.fund.region.name, r.fund.get_kind_display(), r.budget, r.paid, r.refunded, r.remaining]
                for r in rows
            ),
        )
    return render(
        request,
        "ledger/budgets.html",
        {
            "form": form if can(user.role, "fund.budget") else None,
            "rows": rows,
            "year": year,
            "years": list(range(timezone.localdate().year + 1, 2018, -1)),
            "orders": orders,
            "sources": _fund_sources(profiles),
            "allocations": _allocations(user, profiles),
            "notes": year_notes(user, year),
        },
    )


@login_required
def entries(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(user, "ledger.view")
    f = {
        "kind": request.GET.get("kind", "").strip(),
        "source_type": request.GET.get("source_type", "").strip(),
        "source_id": request.GET.get("source_id", "").strip(),
        "date_from": _date(request.GET.get("date_from")),
        "date_to": _date(request.GET.get("date_to")),
    }
    qs = entries_search(user, **f)  # type: ignore[arg-type]
    if request.GET.get("format") == "xlsx":
        kinds = dict(EntryKind.choices)
        postings = (
            Posting.objects.filter(entry__in=qs)
            .select_related("entry", "entry__region", "account")
            .order_by("entry__date", "entry_id", "id")
        )
        return xlsx_response(
            "记账分录.xlsx",
            "记账分录",
            ["分录号", "记账日期", "区域", "类别", "摘要", "来源", "账户名称", "账户代码", "借方", "贷方"],
            (
                [
                    p.entry_id,
                    p.entry.date,
                    p.entry.region.name,
                    kinds.get(p.entry.kind, p.entry.kind),
                    p.entry.memo,
                    f"{p.entry.source_type}#{p.entry.source_id}" if p.entry.source_type else "",
                    p.account.name,
                    p.account.code,
                    p.debit or None,
                    p.credit or None,
                ]
                for p in postings.iterator()
            ),
        )
    page, query = paginate(request, with_postings(qs))
    sources = entry_sources(list(page))
    for e in page:
        e.shown_source = sources.get(e.pk)
    return render(
        request,
        "ledger/entries.html",
        {
            "page": page,
            "query": query,
            "f": f,
            "kinds": EntryKind.choices,
            "source_types": entry_source_types(user),
        },
    )

"""The books, read-only: fund balances and the trial balance; the journal, page by page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jineng.accounts.requests import request_user
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.xlsx import xlsx_response
from jineng.ledger.models import AccountKind, EntryKind, FundKind, Posting
from jineng.ledger.selectors import entries_search, fund_balances, trial_balance, with_postings
from jineng.policy.claims import fund_order
from jineng.regions.selectors import profiles_in_view


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
                r.account.code,
                r.account.name,
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
            ["区域", "账户代码", "账户名称", "科目", "借方发生额", "贷方发生额", "借方余额", "贷方余额"],
            rows,
        )
    # F13: the order a payment draws on the funds, and its clause, as each profile in view fixes them.
    orders = [
        (p, [FundKind(k).label for k in fund_order(p)], p.rule_clause("F13"))
        for p in profiles_in_view(user.region, timezone.localdate().year)
    ]
    return render(
        request,
        "ledger/index.html",
        {"funds": fund_balances(user), "tb": tb, "as_of": as_of, "kinds": kinds, "orders": orders},
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
            ["分录号", "记账日期", "区域", "类别", "摘要", "来源", "账户代码", "账户名称", "借方", "贷方"],
            (
                [
                    p.entry_id,
                    p.entry.date,
                    p.entry.region.name,
                    kinds.get(p.entry.kind, p.entry.kind),
                    p.entry.memo,
                    f"{p.entry.source_type}#{p.entry.source_id}" if p.entry.source_type else "",
                    p.account.code,
                    p.account.name,
                    p.debit or None,
                    p.credit or None,
                ]
                for p in postings.iterator()
            ),
        )
    page, query = paginate(request, with_postings(qs))
    return render(
        request,
        "ledger/entries.html",
        {"page": page, "query": query, "f": f, "kinds": EntryKind.choices},
    )

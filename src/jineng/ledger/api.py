"""/api/v1/ledger: the books, read-only except for the yearly budgets (POST /budgets, ``fund.budget``).
Outside the user's regions → 404."""

# No `from __future__ import annotations`: ninja builds the query-parameter models from the real types.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.core.errors import Refusal
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.ledger import services
from jineng.ledger.schemas import (
    BudgetChangeOut,
    BudgetIn,
    EntryOut,
    FundOut,
    FundYearOut,
    StatementOut,
    TrialBalanceOut,
)
from jineng.ledger.selectors import (
    entries_search,
    entry_for,
    fund_balances,
    fund_years,
    payee_statement,
    trial_balance,
    with_postings,
)
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.selectors import regions_visible

router = Router()


@router.get("/funds", response=list[FundOut], summary="各项资金的拨入、已用与余额（F13）")
def funds(request: HttpRequest) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    return [FundOut.of(row) for row in fund_balances(user)]


@router.get(
    "/budgets", response=list[FundYearOut], summary="各项资金某年度的预算、本年支付、退回与当前余额（F13）"
)
def budgets(request: HttpRequest, year: int | None = year_query(None)) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    return [FundYearOut.of(row) for row in fund_years(user, year or timezone.localdate().year)]


@router.post(
    "/budgets",
    response=BudgetChangeOut,
    summary="设定某区域某项资金的年度预算：差额记为资金拨入或资金调减，并记入审计日志",
)
def budget_set(request: HttpRequest, body: BudgetIn) -> Any:
    user = request_user(request)
    require(user, "fund.budget")
    region = get_object_or_404(regions_visible(user), pk=body.region_id or user.region_id)
    change = services.fund_budget_set(
        actor=user, region=region, kind=body.kind, year=body.year, amount=body.amount, memo=body.memo
    )
    return BudgetChangeOut.of(change)


@router.get("/trial-balance", response=TrialBalanceOut, summary="试算平衡表（借方余额合计 = 贷方余额合计）")
def trial(request: HttpRequest, as_of: dt.date | None = None) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    return TrialBalanceOut.of(trial_balance(user, as_of=as_of))


@router.get("/entries", response=list[EntryOut], summary="记账分录（新的在前），可按类别、来源、日期筛选")
@paginate(PageNumberPagination, page_size=50)
def entries(
    request: HttpRequest,
    kind: str = "",
    source_type: str = "",
    source_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    return with_postings(
        entries_search(
            user,
            kind=kind,
            source_type=source_type,
            source_id=source_id,
            date_from=date_from,
            date_to=date_to,
        )
    )


@router.get("/entries/{entry_id}", response=EntryOut, summary="一笔记账分录及其分录行")
def entry(request: HttpRequest, entry_id: int) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    return entry_for(user, entry_id)


@router.get(
    "/statement",
    response=StatementOut,
    summary="收款人对账单：应付、应收（F14）、预拨（F04）余额与明细；organisation_id 与 person_id 二选一",
)
def statement(request: HttpRequest, organisation_id: int | None = None, person_id: int | None = None) -> Any:
    user = request_user(request)
    require(user, "ledger.view")
    if (organisation_id is None) == (person_id is None):
        raise Refusal("须且只须指定一个收款人：organisation_id 或 person_id", field="收款人")
    payee: Organisation | Person = (
        get_object_or_404(Organisation, pk=organisation_id)
        if organisation_id is not None
        else get_object_or_404(Person, pk=person_id)
    )
    return StatementOut.of(payee_statement(user, payee))

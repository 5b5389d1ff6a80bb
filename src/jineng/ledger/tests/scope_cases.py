"""Scope-matrix rows for the books' pages and API (collected by core's test_scope_matrix).

The books are per region: a Zhengzhou user reads Zhengzhou's entries and payees' statements, and gets
404 for Xuchang's (and the reverse for the Xuchang twin).
"""

from __future__ import annotations

from typing import Any

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.ledger.models import JournalEntry
from jineng.ledger.tests.books import funded, owe
from jineng.orgs.models import Organisation
from jineng.regions.models import Region

L = f"{API}/ledger"
VIEW = roles("ledger.view")


def _owed(region: Region, payee: Organisation) -> JournalEntry:
    """A fund with a budget and a payable to ``payee`` in ``region``'s books: the payable entry."""
    funded(region, special_account="1000.00")
    return owe(region, payee, "100.00")


def zz_entry(w: World, u: User) -> str:
    return f"{L}/entries/{_owed(w.zhengzhou, w.zz_school).pk}"


def xc_entries(w: World, u: User) -> list[str]:
    return [f"{L}/entries/{_owed(w.xuchang, w.xc_school).pk}"]


def zz_statement(w: World, u: User) -> str:
    _owed(w.zhengzhou, w.zz_school)
    return f"{L}/statement?organisation_id={w.zz_school.pk}"


def xc_statements(w: World, u: User) -> list[str]:
    _owed(w.xuchang, w.xc_school)
    # Xuchang's school in Xuchang's books, and a Zhengzhou payee with an account only in Xuchang's books
    _owed(w.xuchang, w.zz_station)
    return [
        f"{L}/statement?organisation_id={w.xc_school.pk}",
        f"{L}/statement?organisation_id={w.zz_station.pk}",
    ]


BUDGET = roles("fund.budget")
# The first budget of a fund opens it (fund, cash and appropriation accounts: one event), and books the
# appropriation (entry, two postings, its event) and the change (one event).
BUDGET_DELTA = {
    "ledger.Fund": 1,
    "ledger.Account": 2,
    "ledger.JournalEntry": 1,
    "ledger.Posting": 2,
    "audit.Event": 3,
}


def _budget_form(w: World, u: User, *, region: Region | None = None) -> dict[str, Any]:
    return {
        "region": (region or w.zhengzhou).pk,
        "kind": "employment_subsidy",
        "year": 2021,
        "amount": "1000000.00",
        "memo": "矩阵测试",
    }


def _budget_body(w: World, u: User, *, region: Region | None = None) -> dict[str, Any]:
    return {
        "region_id": (region or w.zhengzhou).pk,
        "kind": "employment_subsidy",
        "year": 2021,
        "amount": "1000000.00",
    }


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "ledger/", VIEW, fixed("/ledger/")),
    Case("GET", "ledger/budgets/", VIEW, fixed("/ledger/budgets/?year=2021")),
    Case(
        "POST",
        "ledger/budgets/",
        BUDGET,
        fixed("/ledger/budgets/"),
        data=_budget_form,
        foreign_data=lambda w, u: [_budget_form(w, u, region=w.xuchang)],
        ok=302,
        delta=BUDGET_DELTA,
        scoped=True,
        form=True,
    ),
    Case("GET", "ledger/entries/", VIEW, fixed("/ledger/entries/")),
    # ---- API
    Case("GET", f"{L}/funds", VIEW, fixed(f"{L}/funds")),
    Case("GET", f"{L}/budgets", VIEW, fixed(f"{L}/budgets?year=2021")),
    Case(
        "POST",
        f"{L}/budgets",
        BUDGET,
        fixed(f"{L}/budgets"),
        data=_budget_body,
        foreign_data=lambda w, u: [_budget_body(w, u, region=w.xuchang)],
        delta=BUDGET_DELTA,
        scoped=True,
    ),
    Case("GET", f"{L}/trial-balance", VIEW, fixed(f"{L}/trial-balance")),
    Case("GET", f"{L}/entries", VIEW, fixed(f"{L}/entries")),
    Case("GET", f"{L}/entries/{{entry_id}}", VIEW, zz_entry, foreign=xc_entries, scoped=True),
    Case("GET", f"{L}/statement", VIEW, zz_statement, foreign=xc_statements, scoped=True),
)

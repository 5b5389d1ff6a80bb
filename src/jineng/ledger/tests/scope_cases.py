"""Scope-matrix rows for the books' pages and API (collected by core's test_scope_matrix).

The books are per region: a Zhengzhou user reads Zhengzhou's entries and payees' statements, and gets
404 for Xuchang's (and the reverse for the Xuchang twin).
"""

from __future__ import annotations

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


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "ledger/", VIEW, fixed("/ledger/")),
    Case("GET", "ledger/entries/", VIEW, fixed("/ledger/entries/")),
    # ---- API
    Case("GET", f"{L}/funds", VIEW, fixed(f"{L}/funds")),
    Case("GET", f"{L}/trial-balance", VIEW, fixed(f"{L}/trial-balance")),
    Case("GET", f"{L}/entries", VIEW, fixed(f"{L}/entries")),
    Case("GET", f"{L}/entries/{{entry_id}}", VIEW, zz_entry, foreign=xc_entries, scoped=True),
    Case("GET", f"{L}/statement", VIEW, zz_statement, foreign=xc_statements, scoped=True),
)

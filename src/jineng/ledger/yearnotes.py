"""What the books' pages say about a year beyond the books: notes that need data of apps above the ledger.

The books know how much each fund was given and paid, not what the money paid for; a check such as F15
(training and evaluation subsidies as a share of the year's employment subsidy fund) needs the claims'
data. The ledger may not import claims, so claims provides the notes when the app registry is ready
(``ClaimsConfig.ready``); without a provider the pages simply show none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jineng.accounts.models import User


@dataclass(frozen=True)
class YearNote:
    level: str  # "warn" or "" (information)
    text: str
    rule: str = ""
    url: str = ""
    badge: str = ""  # the word on a warning's badge (预警, 未达标…)


NoteProvider = Callable[[User, int], list[YearNote]]

_providers: list[NoteProvider] = []


def year_notes_provide(provider: NoteProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def year_notes(user: User, year: int) -> list[YearNote]:
    return [note for provider in _providers for note in provider(user, year)]

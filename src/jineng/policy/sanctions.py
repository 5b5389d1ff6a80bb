"""An institution's standing: the sanctions in force (I01) and a private school's record (I02).

Pure: the facts come in as plain dataclasses (read by jineng.orgs.selectors), the clauses through the
profile (or a function that gives the clause a profile words for a rule), and the answer is a list of
violations naming the rule, the clause and the decision behind each bar.

* I01 (every profile): a sanction in force — a suspension after an audit or inspection, a stop-opening
  after low satisfaction (C09), a blacklist entry, an exit from the catalogue, a failed annual inspection
  or a liability incident — refuses the institution's new classes, prepayments and claims from its first
  day until its end (``ends_on``: the first day it no longer holds, as 暂停至 and the C09 rectification
  period's end have always been read) or until it is lifted (from the day of the second signature).
* I02 (HC21 16, switched on by the profile's ``private_school_incident_free_since`` and
  ``private_school_inspection_year``): a private training school (民办职业培训学校) receives subsidised
  training only with no liability incident since that date and a passed annual inspection (年检) of that
  year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation

I01 = "I01"
I02 = "I02"

# kind → Chinese label (the model's choices use the same labels).
SANCTION_KINDS: Mapping[str, str] = {
    "suspension": "暂停",
    "stop_opening": "停止开班（满意度不达标整改）",
    "blacklist": "列入黑名单",
    "catalogue_exit": "退出目录",
    "inspection_failed": "年检未通过或发生责任事故",
}

# kind → the key of the profile's [clauses] table that a refusal for it quotes (I01 and its parts).
CLAUSE_KEYS: Mapping[str, str] = {
    "suspension": "I01",
    "blacklist": "I01",
    "stop_opening": "I01_stop_opening",
    "catalogue_exit": "I01_catalogue_exit",
    "inspection_failed": "I01_inspection_failed",
}


@dataclass(frozen=True, slots=True)
class SanctionFact:
    """One sanction of one institution, as decided."""

    organisation_id: int
    organisation_name: str
    kind: str  # a key of SANCTION_KINDS
    decision: str  # the decision's text (处理决定)
    reference: str  # what it rests on: a satisfaction survey, an audit report, a wrong payment, a 文号
    starts_on: dt.date
    ends_on: dt.date | None  # the first day it no longer holds; None = until lifted
    lifted_on: dt.date | None = None  # the day the second signature lifted it
    sanction_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in SANCTION_KINDS:
            raise ValueError(f"unknown sanction kind {self.kind!r}")

    def in_force(self, on: dt.date) -> bool:
        if on < self.starts_on:
            return False
        if self.lifted_on is not None and on >= self.lifted_on:
            return False
        return self.ends_on is None or on < self.ends_on

    def period(self) -> str:
        end = f"至 {self.ends_on.isoformat()}" if self.ends_on else "至解除为止"
        return f"{self.starts_on.isoformat()} 起{end}"


def sanction_violations(
    sanctions: Iterable[SanctionFact], *, on: dt.date, act: str, clause_of: Callable[[str], str]
) -> list[Violation]:
    """I01: one violation per sanction in force on ``on``, in the order given. ``act`` names what is
    refused (申请开班, 申请预拨, 申领补贴); ``clause_of`` gives the clause of a [clauses] key."""
    out: list[Violation] = []
    for s in sanctions:
        if not s.in_force(on):
            continue
        out.append(
            Violation(
                I01,
                clause_of(CLAUSE_KEYS[s.kind]),
                f"{s.organisation_name}已被{SANCTION_KINDS[s.kind]}（{s.decision}；依据：{s.reference}；"
                f"{s.period()}），期间不得{act}",
                field="机构",
                value=s.organisation_name,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    """I02: a private training school's annual inspections (year → passed) and liability incidents."""

    organisation_name: str
    is_private_school: bool
    inspections: Mapping[int, bool]
    incidents: tuple[dt.date, ...] = ()


def private_school_violations(profile: Profile, record: SchoolRecord, *, on: dt.date) -> list[Violation]:
    """I02: not checked unless the profile sets both parameters, nor for an institution of another kind.
    An incident counts from the profile's date to ``on``; the inspection of the profile's year must be
    recorded as passed (none recorded is refused too: the document asks for 年检合格)."""
    since = profile.get("private_school_incident_free_since")
    year = profile.get("private_school_inspection_year")
    if since is None or year is None or not record.is_private_school:
        return []
    out: list[Violation] = []
    passed = record.inspections.get(year)
    if passed is not True:
        state = "未通过" if passed is False else "无记录"
        out.append(
            Violation(
                I02,
                profile.cite("private_school_inspection_year"),
                f"民办职业培训学校“{record.organisation_name}”{year}年度年检{state}，不得开展补贴性培训",
                field="年检",
                value=f"{year}年度：{state}",
            )
        )
    incidents = sorted(d for d in record.incidents if since <= d <= on)
    if incidents:
        out.append(
            Violation(
                I02,
                profile.cite("private_school_incident_free_since"),
                f"民办职业培训学校“{record.organisation_name}”{since.year}年以来发生办学责任事故"
                f"（{'、'.join(d.isoformat() for d in incidents)}），不得开展补贴性培训",
                field="责任事故",
                value=incidents[0].isoformat(),
            )
        )
    return out

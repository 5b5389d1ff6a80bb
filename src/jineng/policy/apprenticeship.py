"""企业新型学徒制 as a cohort over its real span: the stages of a cohort and the price of each (pure).

A cohort (学徒制培养) is one enterprise–institution agreement: an occupation and level, a start date and
a planned span of one or two years, and the enterprise's employees it trains (the apprentices). What
the documents fix is only who may be taken on (A08 and A09, each where a profile sets its number, both
checked by :func:`jineng.policy.training.check_apprentice_caps`, the same rule a class of the
"apprenticeship" funding type is judged by) and the yearly targets (H07). None of the five documents
states an amount for an apprentice, nor how it is staged: they name 企业新型学徒制 among the subsidised
trainings, and the amount is the province's 补贴标准目录 (subsidy type "apprenticeship"), which prices an
apprentice **per person per year** of training. So, decided here and nowhere else:

* **Span.** One or two years: none of the five documents fixes it (the national rules of 企业新型学徒制
  make the training period generally one to two years), so the cohort form offers those two.
* **Stages.** A cohort of ``planned_years`` years has that many yearly stages: stage *k* runs from the
  start date plus *k−1* years to the day before the start date plus *k* years. A stage is claimed once
  it has ended (the year's training done), by the institution, for the cohort as a whole.
* **Who a stage pays.** An apprentice is paid a stage when he was in the cohort for the whole of it:
  joined on or before its first day and not left before its last day. One who left stops: the stages
  after (and the one he left in) pay him nothing, each line saying why.
* **The final stage at completion.** The item is the standard of a certificate (occupation × level ×
  certificate kind), so the last year is paid, as any certificate subsidy, only to an apprentice who
  obtained the cohort's certificate (kind, and level where it has one) by the claim's day (无证不补,
  F02); the earlier years are paid for the training itself.
* **Price.** Every stage is priced by the item in force on the cohort's start date (the agreement's
  price holds for its span, as a class is priced on its start date), the cohort's 工种 line before the
  occupation's own, most local list first — when the profile's ``subsidy_by_province_standard`` is
  on. A profile without the switch, or a missing item, is a refusal naming the item and the clause,
  never zero.
* **Once.** A stage of an apprentice is one claim line under the key
  ``apprenticeship:<cohort>:<person>:<stage>``, held by one live claim (claims.sourced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jineng.policy import standards as std
from jineng.policy.profiles import Profile
from jineng.policy.subsidy import _source, yuan
from jineng.policy.training import CERTIFICATE_KINDS, LEVEL_LABELS
from jineng.policy.violations import Violation

SUBSIDY_TYPE = "apprenticeship"
MAX_YEARS = 2  # the span the cohort form offers: one or two years
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortFacts:
    ref: str
    occupation_code: str
    occupation_name: str
    trade: str  # "" when the cohort names no 工种
    level: int | None
    certificate_kind: str  # CERTIFICATE_KINDS code the cohort leads to
    start_date: dt.date
    planned_years: int

    def __post_init__(self) -> None:
        if self.certificate_kind not in CERTIFICATE_KINDS:
            raise ValueError(f"unknown certificate kind {self.certificate_kind!r}")
        if not 1 <= self.planned_years <= MAX_YEARS:
            raise ValueError("planned_years must be 1 or 2")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprenticeFacts:
    person_id: int
    name: str
    row: int
    joined_on: dt.date
    left_on: dt.date | None = None  # the day he left the cohort
    certificate_kind: str = ""  # the certificate obtained at completion, "" when none yet
    certificate_level: int | None = None
    certificate_issued_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    start: dt.date
    end: dt.date  # last day
    final: bool

    @property
    def label(self) -> str:
        return f"第{self.number}年（{self.start.isoformat()}至{self.end.isoformat()}）"


@dataclass(frozen=True, slots=True)
class StageLine:
    person_id: int
    row: int
    amount: Decimal
    computation: str
    reasons: tuple[Violation, ...] = ()

    @property
    def payable(self) -> bool:
        return not self.reasons


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def stages(cohort: CohortFacts) -> list[Stage]:
    out = []
    for k in range(1, cohort.planned_years + 1):
        start = _plus_years(cohort.start_date, k - 1)
        end = _plus_years(cohort.start_date, k) - dt.timedelta(days=1)
        out.append(Stage(k, start, end, k == cohort.planned_years))
    return out


def stage_of(cohort: CohortFacts, number: int) -> Stage | None:
    found = [s for s in stages(cohort) if s.number == number]
    return found[0] if found else None


def line_key(cohort_id: int, person_id: int, stage: int) -> str:
    """A stage of an apprentice is paid once, whichever claim takes it."""
    return f"apprenticeship:{cohort_id}:{person_id}:{stage}"


def describe(cohort: CohortFacts) -> str:
    return std.describe(
        cohort.occupation_name,
        cohort.trade,
        cohort.level if cohort.certificate_kind in std.LEVELLED_KINDS else None,
        cohort.certificate_kind,
        SUBSIDY_TYPE,
    )


def find_item(cohort: CohortFacts, items: Sequence[std.StandardItem]) -> std.StandardItem | None:
    """The item pricing the cohort: its 工种's line, else the occupation's, in force on its start date
    (``items`` most local list first)."""
    level = cohort.level if cohort.certificate_kind in std.LEVELLED_KINDS else None
    candidates = [
        s
        for s in items
        if s.occupation_code == cohort.occupation_code
        and s.certificate_kind == cohort.certificate_kind
        and s.level == level
        and s.subsidy_type == SUBSIDY_TYPE
        and s.in_force(cohort.start_date)
    ]
    for wanted in dict.fromkeys((cohort.trade, "")):
        for s in candidates:
            if s.trade == wanted:
                return s
    return None


def price(
    profile: Profile, cohort: CohortFacts, items: Sequence[std.StandardItem], *, region: str
) -> tuple[std.StandardItem | None, list[Violation]]:
    """F02: the 补贴标准目录 item that prices every stage of the cohort, or the refusal naming it."""
    what = describe(cohort)
    if not std.switch_on(profile):
        return None, [
            Violation(
                "F02",
                std.clause(profile),
                f"本政策口径未规定“{std.SUBSIDY_TYPES[SUBSIDY_TYPE]}”的补贴标准，也未规定按省补贴标准目录执行，不予计算（不按零元支付）",
                field="补贴标准目录项目",
                value=what,
            )
        ]
    item = find_item(cohort, items)
    if item is None:
        return None, [
            Violation(
                "F02",
                std.clause(profile),
                f"{region}{cohort.start_date.year}年补贴标准目录中没有 {cohort.start_date.isoformat()}（培养开始日期）有效的"
                f"“{cohort.occupation_code} {what}”标准，不予计算（缺少标准不按零元支付），请先导入该项目标准",
                field="补贴标准目录项目",
                value=what,
            )
        ]
    return item, []


def stage_lines(
    profile: Profile,
    cohort: CohortFacts,
    stage: Stage,
    apprentices: Sequence[ApprenticeFacts],
    item: std.StandardItem,
    *,
    today: dt.date,
) -> list[StageLine]:
    """One line per apprentice for ``stage``: the item's amount per person for the year, or nothing
    with the reason (joined late, left, no certificate for the final year)."""
    cite = std.clause(profile)
    source = f"{item.cite()}；{_source(profile, std.SWITCH)}"
    priced = f"F02 {item.what} {yuan(item.amount)}/人·年 × 1 = {yuan(item.amount)}（{stage.label}；{source}）"
    out = []
    for a in apprentices:
        reasons: list[Violation] = []

        def refuse(
            field: str, value: str, message: str, *, a: ApprenticeFacts = a, into: list[Violation] = reasons
        ) -> None:
            into.append(Violation("F02", cite, message, field=field, row=a.row, value=value))

        if a.joined_on > stage.start:
            refuse(
                "加入日期",
                a.joined_on.isoformat(),
                f"{a.name} 于 {a.joined_on.isoformat()} 加入，未参加{stage.label}的全部培养，本年不予补贴",
            )
        if a.left_on is not None and a.left_on <= stage.end:
            refuse(
                "退出日期",
                a.left_on.isoformat(),
                f"{a.name} 已于 {a.left_on.isoformat()} 退出学徒培养，{stage.label}及以后不予补贴",
            )
        if stage.final and not reasons:
            level_ok = (
                cohort.certificate_kind not in std.LEVELLED_KINDS or a.certificate_level == cohort.level
            )
            if (
                a.certificate_kind != cohort.certificate_kind
                or not level_ok
                or a.certificate_issued_on is None
                or a.certificate_issued_on > today
            ):
                wanted = CERTIFICATE_KINDS[cohort.certificate_kind]
                if cohort.certificate_kind in std.LEVELLED_KINDS and cohort.level is not None:
                    wanted += f"（{LEVEL_LABELS[cohort.level]}）"
                held = CERTIFICATE_KINDS.get(a.certificate_kind, "未取得") if a.certificate_kind else "未取得"
                refuse(
                    "取得证书",
                    held,
                    f"{a.name} 未取得{wanted}：最后一年补贴在结业取得证书后拨付",
                )
        if reasons:
            out.append(StageLine(a.person_id, a.row, ZERO, "", tuple(reasons)))
        else:
            out.append(StageLine(a.person_id, a.row, item.amount, priced))
    return out

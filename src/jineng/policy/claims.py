"""The claim's calendar: review deadlines (F07, F10), the public notice (F08), review signatures (F09),
the disbursement cycle (F11 weekly 三四五 / F12 monthly push) and the order the funds pay in (F13).
Pure: a profile and a calendar in, dates or violations out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from jineng.policy.profiles import FUND_KINDS, ParameterNotSet, Profile
from jineng.policy.violations import Violation
from jineng.policy.workdays import WorkCalendar

Stage = Literal["dept", "hr", "finance"]

# The profile parameter that bounds each review stage, and its rule.
DEADLINE_PARAM: dict[str, str] = {
    "dept": "dept_review_working_days",  # F07
    "hr": "hr_review_max_working_days",  # F10
    "finance": "finance_review_max_working_days",  # F10
}


def review_due(profile: Profile, calendar: WorkCalendar, stage: Stage, received: dt.date) -> dt.date | None:
    """F07/F10: the stage's deadline, counted in working days from the day after receipt ("自受理之日起");
    None where the profile sets no limit for that stage."""
    param = profile.param(DEADLINE_PARAM[stage])
    if not param.is_set:
        return None
    return calendar.add_working_days(received, int(param.value))


def overdue(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and today > due


@dataclass(frozen=True)
class Notice:
    start: dt.date
    end: dt.date
    working_days: int
    clause: str


def notice_window(profile: Profile, calendar: WorkCalendar, published: dt.date) -> Notice:
    """F08: the notice runs from its first working day (the publication day when it is one) for the
    profile's working days; holidays and weekends inside it do not count."""
    n = int(profile.value("public_notice_working_days"))  # ParameterNotSet says 本政策口径未规定…
    start = published if calendar.is_working_day(published) else calendar.add_working_days(published, 1)
    return Notice(
        start=start,
        end=calendar.span_end(start, n),
        working_days=n,
        clause=profile.cite("public_notice_working_days"),
    )


def notice_close_violations(
    profile: Profile, notice: Notice, today: dt.date, open_objections: int
) -> list[Violation]:
    """F08: the list moves on only after the whole notice period and with every objection resolved."""
    out: list[Violation] = []
    if today <= notice.end:
        out.append(
            Violation(
                "F08",
                notice.clause,
                f"公示期为 {notice.start.isoformat()} 至 {notice.end.isoformat()}（{notice.working_days}个工作日），"
                f"公示期满后方可结束公示",
                field="公示期",
                value=today.isoformat(),
            )
        )
    if open_objections:
        out.append(
            Violation(
                "F08",
                notice.clause,
                f"公示期间收到的异议尚有 {open_objections} 件未处理，处理完毕后方可结束公示",
                field="异议",
                value=str(open_objections),
            )
        )
    return out


def objection_window_violations(notice: Notice, today: dt.date) -> list[Violation]:
    if notice.start <= today <= notice.end:
        return []
    return [
        Violation(
            "F08",
            notice.clause,
            f"公示期为 {notice.start.isoformat()} 至 {notice.end.isoformat()}，不在公示期内，不能提出异议",
            field="异议日期",
            value=today.isoformat(),
        )
    ]


def signature_violations(
    profile: Profile, *, first_reviewer: int | None, reviewer: int, step: Literal["first", "second"]
) -> list[Violation]:
    """F09: 初审人 and 复核人 are two different people."""
    if step == "second" and first_reviewer == reviewer:
        return [
            Violation(
                "F09",
                profile.cite("reviewers_per_step"),
                "初审人与复核人须为不同的人",
                field="复核人",
            )
        ]
    return []


def needs_finance_review(profile: Profile) -> bool:
    """F10: a finance review step where the profile's form has one (XC23)."""
    return bool(profile.get("finance_review_required", False))


@dataclass(frozen=True)
class Cycle:
    kind: Literal["weekly", "monthly"]
    period_start: dt.date
    collect_on: dt.date  # claims collected and reviewed
    send_on: dt.date  # aggregated and sent to finance
    pay_on: dt.date  # finance reviews and pays
    clause: str


def _on_or_after(calendar: WorkCalendar, day: dt.date) -> dt.date:
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def disbursement_cycle(profile: Profile, calendar: WorkCalendar, day: dt.date) -> Cycle:
    """The cycle holding ``day``. F11 weekly: collect, send to finance, finance pays on the profile's three
    weekdays (ZZ21: Wednesday, Thursday, Friday), each moved to the next working day when it is a holiday,
    never before the previous step. F12 monthly: the month's
    list is pushed to finance on its last working day."""
    kind = profile.value("disbursement_cycle")
    clause = profile.cite("disbursement_cycle")
    if kind == "weekly":
        # The three weekdays (1 = Monday) are the profile's: ZZ21 七(二) 周三收交、周四送财政、周五财政审核.
        collect_day, send_day, pay_day = profile.value("weekly_cycle_weekdays")
        monday = day - dt.timedelta(days=day.weekday())
        collect = _on_or_after(calendar, monday + dt.timedelta(days=collect_day - 1))
        send = _on_or_after(
            calendar, max(collect + dt.timedelta(days=1), monday + dt.timedelta(days=send_day - 1))
        )
        pay = _on_or_after(
            calendar, max(send + dt.timedelta(days=1), monday + dt.timedelta(days=pay_day - 1))
        )
        return Cycle("weekly", monday, collect, send, pay, clause)
    if kind == "monthly":
        first = day.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        last = nxt - dt.timedelta(days=1)
        while not calendar.is_working_day(last):
            last -= dt.timedelta(days=1)
        return Cycle("monthly", first, last, last, last, clause)
    raise ParameterNotSet(profile, profile.param("disbursement_cycle"))


# F13 where the profile's documents fix no order (``fund_source_priority`` not set): RULES.md F13, the
# special account first, then the employment subsidy fund (附件2; HC21 三(二)) — the order every payment
# followed before it was read from the profile. A profile that sets its own order is followed instead. The
# unemployment insurance fund is in no automatic order unless a profile puts it there: a payment draws on
# it only when the payer names it.
F13_FUND_ORDER: tuple[str, ...] = ("special_account", "employment_subsidy")


def fund_order(profile: Profile) -> tuple[str, ...]:
    """F13: the ledger's fund kinds a payment under ``profile`` draws on, in order."""
    names = profile.get("fund_source_priority")
    if names is None:
        return F13_FUND_ORDER
    return tuple(FUND_KINDS[name] for name in names)

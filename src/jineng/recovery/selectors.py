"""Reads of wrong payments, recovery cases, the blacklist and the F14 reports, scoped to the user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.db.models import F, Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.recovery.models import ZERO, BlacklistEntry, MoveKind, Movement, WrongKind, WrongPayment
from jineng.regions.models import Region


def wrong_payments_visible(user: User) -> QuerySet[WrongPayment]:
    if not can(user.role, "recovery.view"):
        return WrongPayment.objects.none()
    return WrongPayment.objects.filter(scope_of(user).region_q()).select_related(
        "claim", "prepayment", "region", "payee_organisation", "payee_person", "case"
    )


@dataclass(frozen=True)
class WrongFilter:
    kind: str = ""
    open_only: bool = False
    q: str = ""


def wrong_payments_search(user: User, f: WrongFilter) -> QuerySet[WrongPayment]:
    qs = wrong_payments_visible(user)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        qs = qs.filter(
            Q(ref__icontains=f.q)
            | Q(claim__ref__icontains=f.q)
            | Q(prepayment__ref__icontains=f.q)
            | Q(payee_organisation__name__contains=f.q)
            | Q(payee_person__name__contains=f.q)
        )
    if f.open_only:
        qs = qs.filter(amount__gt=F("refunded") + F("offset"))
    return qs.order_by("-recorded_on", "-id")


def movements_of(wp: WrongPayment) -> QuerySet[Movement]:
    return wp.movements.select_related("offset_claim", "recorded_by").order_by("on", "id")


def blacklist_visible(user: User) -> QuerySet[BlacklistEntry]:
    if not can(user.role, "recovery.view"):
        return BlacklistEntry.objects.none()
    return BlacklistEntry.objects.filter(scope_of(user).region_q("organisation__region")).select_related(
        "organisation", "organisation__region", "listed_by", "wrong_payment"
    )


def regions_for_report(user: User) -> QuerySet[Region]:
    if not can(user.role, "recovery.view"):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=scope_of(user).region_path).order_by("path")


# --------------------------------------------------------------------------------------------------
# F14 reports: ZZ21 七(二) “各区（县、市）人社局坚持每周、每月定期上报错误资金申领退还情况报告”.

Period = Literal["weekly", "monthly"]


def period_of(kind: Period, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday–Sunday) or the calendar month holding ``day``."""
    if kind == "weekly":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


@dataclass
class ReportRow:
    region: str
    payee: str
    raised_count: int = 0
    raised: Decimal = ZERO
    refunded_count: int = 0
    refunded: Decimal = ZERO
    offset_count: int = 0
    offset: Decimal = ZERO
    recovered: Decimal = ZERO  # refunds and offsets of fraud cases (追缴) in the period
    outstanding: Decimal = ZERO  # still owed back at the end of the period


@dataclass
class Report:
    kind: Period
    start: dt.date
    end: dt.date
    region: Region
    rows: list[ReportRow] = field(default_factory=list)
    total: ReportRow = field(default_factory=lambda: ReportRow("合计", ""))


def report(user: User, *, kind: Period, day: dt.date, region: Region) -> Report:
    """Per institution (or person) of ``region``'s subtree: wrong payments raised, refunded, offset and
    recovered in the period, and outstanding at its end. ``region`` must come from regions_for_report."""
    start, end = period_of(kind, day)
    out = Report(kind=kind, start=start, end=end, region=region)
    wps = list(
        wrong_payments_visible(user)
        .filter(region__path__startswith=region.path, recorded_on__lte=end)
        .order_by("region__path", "id")
    )
    by_wp = {wp.pk: wp for wp in wps}
    rows: dict[tuple[str, str], ReportRow] = {}

    def row(wp: WrongPayment) -> ReportRow:
        key = (wp.region.name, wp.payee_name)
        if key not in rows:
            rows[key] = ReportRow(*key)
        return rows[key]

    back: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for m in Movement.objects.filter(wrong_payment_id__in=by_wp, on__lte=end).order_by("on", "id"):
        wp = by_wp[m.wrong_payment_id]
        back[wp.pk] += m.amount
        if m.on < start:
            continue
        r = row(wp)
        if m.kind == MoveKind.REFUND:
            r.refunded_count += 1
            r.refunded += m.amount
        else:
            r.offset_count += 1
            r.offset += m.amount
        if wp.kind == WrongKind.FRAUD:
            r.recovered += m.amount
    for wp in wps:
        outstanding = wp.amount - back[wp.pk]
        in_period = wp.recorded_on >= start
        if not in_period and outstanding <= 0 and (wp.region.name, wp.payee_name) not in rows:
            continue
        r = row(wp)
        if in_period:
            r.raised_count += 1
            r.raised += wp.amount
        r.outstanding += outstanding
    out.rows = [rows[k] for k in sorted(rows)]
    t = out.total
    for r in out.rows:
        for name in (
            "raised_count",
            "raised",
            "refunded_count",
            "refunded",
            "offset_count",
            "offset",
            "recovered",
            "outstanding",
        ):
            setattr(t, name, getattr(t, name) + getattr(r, name))
    return out

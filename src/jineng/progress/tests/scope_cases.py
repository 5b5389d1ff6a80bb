"""Scope-matrix rows for the dashboard, monthly reports and bulletins, pages and /api/v1/progress.

Reports are written straight through the ORM in the state each row needs (the workflow is tested in
test_reports.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.progress.models import Bulletin, MonthlyReport, ReportState
from jineng.regions.models import Region

P = f"{API}/progress"
YEAR, MONTH = 2021, 6
SUBMITTED = {"progress.MonthlyReport": 1, "audit.Event": 1}
# Two counties' reports approved (no new rows) and the city's own created: three events.
APPROVED = {"progress.MonthlyReport": 1, "audit.Event": 3}
ISSUED = {"progress.Bulletin": 1, "audit.Event": 1}


def _report(w: World, region: Region, state: str = ReportState.SUBMITTED) -> MonthlyReport:
    report, _ = MonthlyReport.objects.get_or_create(
        region=region,
        year=YEAR,
        month=MONTH,
        defaults={
            "state": state,
            "figures": {"training": {"month": 1, "cumulative": 1, "target": None}},
            "submitted_at": timezone.now(),
        },
    )
    return report


def _counties_in(w: World, *, foreign: bool = False) -> None:
    for county in (w.weidu,) if foreign else (w.jinshui, w.erqi):
        _report(w, county)


def _approved_city(w: World, *, foreign: bool = False) -> None:
    for county in (w.weidu,) if foreign else (w.jinshui, w.erqi):
        _report(w, county, ReportState.APPROVED)
    _report(w, w.xuchang if foreign else w.zhengzhou, ReportState.APPROVED)


def _bulletin(w: World, *, foreign: bool = False) -> Bulletin:
    _approved_city(w, foreign=foreign)
    bulletin, _ = Bulletin.objects.get_or_create(
        region=w.xuchang if foreign else w.zhengzhou,
        year=YEAR,
        month=MONTH,
        defaults={
            "title": "通报",
            "ranking": [],
            "elapsed": "49.59%",
            "issued_by": w.users["hr_admin"] if not foreign else w.outsiders["hr_admin"],
            "issued_at": timezone.now(),
        },
    )
    return bulletin


def _period(region: Region, *, api: bool = False) -> dict[str, Any]:
    return {"region_id" if api else "region": region.pk, "year": YEAR, "month": MONTH}


def _submit_data(api: bool = False) -> Any:
    return lambda w, u: _period(w.jinshui, api=api)


def _approve_data(api: bool = False) -> Any:
    def data(w: World, u: User) -> dict[str, Any]:
        _counties_in(w)
        return _period(w.zhengzhou, api=api)

    return data


def _approve_foreign(api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        _counties_in(w, foreign=True)
        return [_period(w.xuchang, api=api)]

    return data


def _issue_data(api: bool = False) -> Any:
    def data(w: World, u: User) -> dict[str, Any]:
        _approved_city(w)
        return _period(w.zhengzhou, api=api)

    return data


def _issue_foreign(api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        _approved_city(w, foreign=True)
        return [_period(w.xuchang, api=api)]

    return data


def _report_url(api: bool = False, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> str:
        report = _report(w, w.weidu if foreign else w.jinshui)
        return f"{P}/reports/{report.pk}" if api else f"/progress/reports/{report.pk}/"

    return url


def _bulletin_url(api: bool = False, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> str:
        bulletin = _bulletin(w, foreign=foreign)
        return f"{P}/bulletins/{bulletin.pk}" if api else f"/progress/bulletins/{bulletin.pk}/"

    return url


def _foreign(build: Any) -> Any:
    return lambda w, u: [build(w, u)]


CASES: tuple[Case, ...] = (
    Case(
        "GET",
        "progress/",
        roles("progress.view"),
        fixed("/progress/?year=2021"),
        foreign=lambda w, u: [f"/progress/?region={w.weidu.pk}", f"/progress/?department={w.xc_industry.pk}"],
    ),
    Case(
        "POST",
        "progress/refresh/",
        roles("report.approve"),
        fixed("/progress/refresh/"),
        data=lambda w, u: {"year": YEAR},
        ok=302,
        delta={"progress.Rollup": 1, "audit.Event": 1},
    ),
    Case(
        "GET",
        "progress/reports/",
        roles("progress.view"),
        fixed("/progress/reports/?year=2021&month=6"),
        foreign=lambda w, u: [f"/progress/reports/?region={w.xuchang.pk}"],
    ),
    Case(
        "POST",
        "progress/reports/submit/",
        roles("report.submit"),
        fixed("/progress/reports/submit/"),
        data=_submit_data(),
        foreign_data=lambda w, u: [_period(w.weidu)],
        ok=302,
        delta=SUBMITTED,
    ),
    Case(
        "POST",
        "progress/reports/approve/",
        roles("report.approve"),
        fixed("/progress/reports/approve/"),
        data=_approve_data(),
        foreign_data=_approve_foreign(),
        ok=302,
        delta=APPROVED,
    ),
    Case(
        "GET",
        "progress/reports/<int:report_id>/",
        roles("progress.view"),
        _report_url(),
        foreign=_foreign(_report_url(foreign=True)),
        scoped=True,
    ),
    Case(
        "POST",
        "progress/bulletins/issue/",
        roles("report.approve"),
        fixed("/progress/bulletins/issue/"),
        data=_issue_data(),
        foreign_data=_issue_foreign(),
        ok=302,
        delta=ISSUED,
    ),
    Case(
        "GET",
        "progress/bulletins/<int:bulletin_id>/",
        roles("progress.view"),
        _bulletin_url(),
        foreign=_foreign(_bulletin_url(foreign=True)),
        scoped=True,
    ),
    # --- API ---
    Case(
        "GET",
        P,
        roles("progress.view"),
        fixed(f"{P}?year=2021"),
        foreign=lambda w, u: [f"{P}?region_id={w.weidu.pk}"],
    ),
    Case("GET", f"{P}/reports", roles("progress.view"), fixed(f"{P}/reports")),
    Case(
        "POST",
        f"{P}/reports",
        roles("report.submit"),
        fixed(f"{P}/reports"),
        data=_submit_data(api=True),
        foreign_data=lambda w, u: [_period(w.weidu, api=True)],
        ok=201,
        delta=SUBMITTED,
    ),
    Case(
        "POST",
        f"{P}/reports/approve",
        roles("report.approve"),
        fixed(f"{P}/reports/approve"),
        data=_approve_data(api=True),
        foreign_data=_approve_foreign(api=True),
        delta=APPROVED,
    ),
    Case(
        "GET",
        f"{P}/reports/{{report_id}}",
        roles("progress.view"),
        _report_url(api=True),
        foreign=_foreign(_report_url(api=True, foreign=True)),
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/bulletins",
        roles("report.approve"),
        fixed(f"{P}/bulletins"),
        data=_issue_data(api=True),
        foreign_data=_issue_foreign(api=True),
        ok=201,
        delta=ISSUED,
    ),
    Case(
        "GET",
        f"{P}/bulletins/{{bulletin_id}}",
        roles("progress.view"),
        _bulletin_url(api=True),
        foreign=_foreign(_bulletin_url(api=True, foreign=True)),
        scoped=True,
    ),
)

"""Scope-matrix rows for the dashboard, monthly reports and bulletins, pages and /api/v1/progress.

Reports are written straight through the ORM in the state each row needs (the workflow is tested in
test_reports.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import DEPT_ROLES
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.progress.models import Bulletin, Competition, LedgerEntry, MediaItem, MonthlyReport, ReportState
from jineng.regions.models import Department, Region

P = f"{API}/progress"
YEAR, MONTH = 2021, 6
SUBMITTED = {"progress.MonthlyReport": 1, "audit.Event": 1}
# Two counties' reports approved (no new rows) and the city's own created: three events.
APPROVED = {"progress.MonthlyReport": 1, "audit.Event": 3}
ISSUED = {"progress.Bulletin": 1, "audit.Event": 1}


def _report(
    w: World, region: Region, state: str = ReportState.SUBMITTED, month: int = MONTH
) -> MonthlyReport:
    report, _ = MonthlyReport.objects.get_or_create(
        region=region,
        year=YEAR,
        month=month,
        department=None,
        kind="monthly",
        defaults={
            "period": month,
            "state": state,
            "figures": {"training": {"month": 1, "cumulative": 1, "target": None}},
            "submitted_at": timezone.now(),
        },
    )
    return report


def _counties_in(w: World, *, foreign: bool = False, month: int = MONTH) -> None:
    for county in (w.weidu,) if foreign else (w.jinshui, w.erqi):
        _report(w, county, month=month)


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


# --- H08 publicity items and H02 competitions: the bureau records for its counties and the city's
# departments, a department user for its own department only.
RECORDED_MEDIA = {"progress.MediaItem": 1, "audit.Event": 1}
RECORDED_COMPETITION = {"progress.Competition": 1, "audit.Event": 1}
WITHDRAWN = {"audit.Event": 1}


def _is_dept(u: User) -> bool:
    return u.role in DEPT_ROLES


def _media(w: World, *, region: Region, department: Department | None = None) -> MediaItem:
    return MediaItem.objects.create(
        region=department.region if department else region,
        department=department,
        title="技能河南建设宣传",
        media_name="许昌日报",
        media_level=2,
        published_on=dt.date(YEAR, 5, 6),
        link="https://example.org/1",
        recorded_by=w.users["hr_admin"],
        recorded_at=timezone.now(),
    )


def _competition(w: World, *, region: Region, department: Department | None = None) -> Competition:
    return Competition.objects.create(
        region=region,
        department=department,
        name="焊工技能竞赛",
        level=1,
        held_on=dt.date(YEAR, 5, 6),
        participants=40,
        recorded_by=w.users["hr_admin"],
        recorded_at=timezone.now(),
    )


def _own(make: Any) -> Any:
    """An object of the user's own scope: a county's for the bureau, its department's for a department."""

    def build(w: World, u: User) -> Any:
        if _is_dept(u):
            return make(w, region=w.zhengzhou, department=w.zz_industry)
        return make(w, region=w.jinshui)

    return build


def _others(make: Any) -> Any:
    def build(w: World, u: User) -> list[Any]:
        out = [make(w, region=w.weidu), make(w, region=w.xuchang, department=w.xc_industry)]
        if _is_dept(u):
            out.append(make(w, region=w.zhengzhou, department=w.zz_education))  # another department
        return out

    return build


def _withdraw_url(make: Any, page: str, api: str, *, is_api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        objs = _others(make)(w, u) if foreign else [_own(make)(w, u)]
        urls = [
            f"{P}/{api}/{o.pk}/withdraw" if is_api else f"/progress/{page}/{o.pk}/withdraw/" for o in objs
        ]
        return urls if foreign else urls[0]

    return url


def _blank(api: bool, value: Any) -> Any:
    return value if value is not None else (None if api else "")


def _media_data(*, api: bool = False) -> Any:
    def data(w: World, u: User, region: Any = None, department: Any = None) -> dict[str, Any]:
        if region is None and department is None:
            region, department = (None, w.zz_industry) if _is_dept(u) else (w.jinshui, None)
        return {
            "region_id" if api else "region": _blank(api, region.pk if region else None),
            "department_id" if api else "department": _blank(api, department.pk if department else None),
            "title": "“人人持证、技能河南”建设成效",
            "media_name": "金水融媒",
            "media_level": 1,
            "published_on": f"{YEAR}-05-06",
            "link": "https://example.org/jinshui/1",
        }

    return data


def _media_foreign(*, api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        make = _media_data(api=api)
        out = [make(w, u, region=w.weidu), make(w, u, department=w.xc_industry)]
        if _is_dept(u):
            out.append(make(w, u, department=w.zz_education))
        return out

    return data


def _competition_data(*, api: bool = False) -> Any:
    def data(w: World, u: User, region: Any = None, department: Any = None) -> dict[str, Any]:
        if region is None:
            region, department = (w.zhengzhou, w.zz_industry) if _is_dept(u) else (w.jinshui, None)
        return {
            "region_id" if api else "region": region.pk,
            "department_id" if api else "department": _blank(api, department.pk if department else None),
            "name": "金水区电工职业技能竞赛",
            "level": 1,
            "held_on": f"{YEAR}-05-06",
            "participants": 60,
        }

    return data


def _competition_foreign(*, api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        make = _competition_data(api=api)
        out = [make(w, u, region=w.weidu), make(w, u, region=w.zhengzhou, department=w.xc_industry)]
        if _is_dept(u):
            out.append(make(w, u, region=w.zhengzhou, department=w.zz_education))
        return out

    return data


def _reason(w: World, u: User) -> dict[str, Any]:
    return {"reason": "重复登记"}


OUTREACH: tuple[Case, ...] = (
    Case(
        "GET",
        "progress/media/",
        roles("outreach.view"),
        fixed(f"/progress/media/?year={YEAR}"),
        foreign=lambda w, u: [f"/progress/media/?region={w.weidu.pk}"],
    ),
    Case("GET", "progress/media/new/", roles("outreach.record"), fixed("/progress/media/new/")),
    Case(
        "POST",
        "progress/media/new/",
        roles("outreach.record"),
        fixed("/progress/media/new/"),
        data=_media_data(),
        foreign_data=_media_foreign(),
        ok=302,
        delta=RECORDED_MEDIA,
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "progress/media/<int:item_id>/withdraw/",
        roles("outreach.record"),
        _withdraw_url(_media, "media", "media", is_api=False),
        foreign=_withdraw_url(_media, "media", "media", is_api=False, foreign=True),
        data=_reason,
        ok=302,
        delta=WITHDRAWN,
        scoped=True,
    ),
    Case(
        "GET",
        "progress/competitions/",
        roles("outreach.view"),
        fixed(f"/progress/competitions/?year={YEAR}"),
        foreign=lambda w, u: [f"/progress/competitions/?region={w.weidu.pk}"],
    ),
    Case("GET", "progress/competitions/new/", roles("outreach.record"), fixed("/progress/competitions/new/")),
    Case(
        "POST",
        "progress/competitions/new/",
        roles("outreach.record"),
        fixed("/progress/competitions/new/"),
        data=_competition_data(),
        foreign_data=_competition_foreign(),
        ok=302,
        delta=RECORDED_COMPETITION,
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "progress/competitions/<int:competition_id>/withdraw/",
        roles("outreach.record"),
        _withdraw_url(_competition, "competitions", "competitions", is_api=False),
        foreign=_withdraw_url(_competition, "competitions", "competitions", is_api=False, foreign=True),
        data=_reason,
        ok=302,
        delta=WITHDRAWN,
        scoped=True,
    ),
    # --- API ---
    Case("GET", f"{P}/media", roles("outreach.view"), fixed(f"{P}/media?year={YEAR}")),
    Case(
        "POST",
        f"{P}/media",
        roles("outreach.record"),
        fixed(f"{P}/media"),
        data=_media_data(api=True),
        foreign_data=_media_foreign(api=True),
        ok=201,
        delta=RECORDED_MEDIA,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/media/{{item_id}}/withdraw",
        roles("outreach.record"),
        _withdraw_url(_media, "media", "media", is_api=True),
        foreign=_withdraw_url(_media, "media", "media", is_api=True, foreign=True),
        data=_reason,
        delta=WITHDRAWN,
        scoped=True,
    ),
    Case(
        "GET",
        f"{P}/media/compliance",
        roles("outreach.view"),
        fixed(f"{P}/media/compliance?year={YEAR}"),
        foreign=lambda w, u: [f"{P}/media/compliance?year=2023&region_id={w.xuchang.pk}"],
    ),
    Case("GET", f"{P}/competitions", roles("outreach.view"), fixed(f"{P}/competitions?year={YEAR}")),
    Case(
        "POST",
        f"{P}/competitions",
        roles("outreach.record"),
        fixed(f"{P}/competitions"),
        data=_competition_data(api=True),
        foreign_data=_competition_foreign(api=True),
        ok=201,
        delta=RECORDED_COMPETITION,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/competitions/{{competition_id}}/withdraw",
        roles("outreach.record"),
        _withdraw_url(_competition, "competitions", "competitions", is_api=True),
        foreign=_withdraw_url(_competition, "competitions", "competitions", is_api=True, foreign=True),
        data=_reason,
        delta=WITHDRAWN,
        scoped=True,
    ),
)

REPORTS: tuple[Case, ...] = (
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

# --- E09 技能培训台账: the bureau its region, a department its own, an institution or enterprise its own.
RECORDED_LEDGER = {"progress.LedgerEntry": 1, "audit.Event": 1}


def _ledger(
    w: World, *, region: Region, department: Department | None = None, org: Any = None
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        region=region,
        department=department,
        organisation=org,
        title="电工岗位技能提升培训（企业自主）",
        kind="upgrade",
        start_date=dt.date(YEAR, 5, 6),
        end_date=dt.date(YEAR, 5, 10),
        persons=40,
        entered_on=dt.date(YEAR, 5, 20),
        recorded_by=w.users["hr_admin"],
        recorded_at=timezone.now(),
    )


def _ledger_own(w: World, u: User) -> LedgerEntry:
    if _is_dept(u):
        return _ledger(w, region=w.zhengzhou, department=w.zz_industry)
    if u.role == "institution":
        return _ledger(w, region=w.jinshui, org=w.zz_school)
    return _ledger(w, region=w.jinshui)


def _ledger_others(w: World, u: User) -> list[LedgerEntry]:
    out = [
        _ledger(w, region=w.weidu, org=w.xc_school),
        _ledger(w, region=w.xuchang, department=w.xc_industry),
    ]
    if _is_dept(u):
        out.append(_ledger(w, region=w.zhengzhou, department=w.zz_education))
    if u.role == "institution":
        out.append(_ledger(w, region=w.jinshui))  # the bureau's own entry, not the school's
    return out


def _ledger_withdraw(*, api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        objs = _ledger_others(w, u) if foreign else [_ledger_own(w, u)]
        urls = [f"{P}/ledger/{o.pk}/withdraw" if api else f"/progress/ledger/{o.pk}/withdraw/" for o in objs]
        return urls if foreign else urls[0]

    return url


def _ledger_data(*, api: bool = False) -> Any:
    def data(w: World, u: User, region: Any = None, department: Any = None) -> dict[str, Any]:
        if region is None:
            region, department = (w.zhengzhou, w.zz_industry) if _is_dept(u) else (w.jinshui, None)
        return {
            "region_id" if api else "region": region.pk,
            "department_id" if api else "department": _blank(api, department.pk if department else None),
            "title": "电工岗位技能提升培训（企业自主）",
            "kind": "upgrade",
            "occupation_code": "",
            "start_date": f"{YEAR}-05-06",
            "end_date": f"{YEAR}-05-10",
            "persons": 40,
        }

    return data


def _ledger_foreign(*, api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        make = _ledger_data(api=api)
        out = [make(w, u, region=w.weidu), make(w, u, region=w.zhengzhou, department=w.xc_industry)]
        if _is_dept(u):
            out.append(make(w, u, region=w.zhengzhou, department=w.zz_education))
        return out

    return data


LEDGER: tuple[Case, ...] = (
    Case("GET", "progress/ledger/", roles("trainingbook.view"), fixed(f"/progress/ledger/?year={YEAR}")),
    Case("GET", "progress/ledger/new/", roles("trainingbook.record"), fixed("/progress/ledger/new/")),
    Case(
        "POST",
        "progress/ledger/new/",
        roles("trainingbook.record"),
        fixed("/progress/ledger/new/"),
        data=_ledger_data(),
        foreign_data=_ledger_foreign(),
        ok=302,
        delta=RECORDED_LEDGER,
        scoped=True,
        form=True,
    ),
    Case(
        "POST",
        "progress/ledger/import/",
        roles("trainingbook.record"),
        fixed("/progress/ledger/import/"),
        data=lambda w, u: {"file": _ledger_upload(w, u)},
        ok=302,
        delta=RECORDED_LEDGER,
    ),
    Case(
        "GET",
        "progress/ledger/template.xlsx",
        roles("trainingbook.record"),
        fixed("/progress/ledger/template.xlsx"),
    ),
    Case(
        "POST",
        "progress/ledger/<int:entry_id>/withdraw/",
        roles("trainingbook.record"),
        _ledger_withdraw(api=False),
        foreign=_ledger_withdraw(api=False, foreign=True),
        data=_reason,
        ok=302,
        delta=WITHDRAWN,
        scoped=True,
    ),
    Case("GET", f"{P}/ledger", roles("trainingbook.view"), fixed(f"{P}/ledger?year={YEAR}")),
    Case(
        "POST",
        f"{P}/ledger",
        roles("trainingbook.record"),
        fixed(f"{P}/ledger"),
        data=_ledger_data(api=True),
        foreign_data=_ledger_foreign(api=True),
        ok=201,
        delta=RECORDED_LEDGER,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/ledger/batch",
        roles("trainingbook.record"),
        fixed(f"{P}/ledger/batch"),
        # another training than the single entry's (a token run replays every case in one world)
        data=lambda w, u: {"entries": [{**_ledger_data(api=True)(w, u), "title": "焊工培训（批量录入）"}]},
        ok=201,
        delta=RECORDED_LEDGER,
    ),
    Case(
        "POST",
        f"{P}/ledger/{{entry_id}}/withdraw",
        roles("trainingbook.record"),
        _ledger_withdraw(api=True),
        foreign=_ledger_withdraw(api=True, foreign=True),
        data=_reason,
        delta=WITHDRAWN,
        scoped=True,
    ),
)


def _ledger_upload(w: World, u: User) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jineng.core.xlsx import workbook_bytes
    from jineng.progress.ledgerbook import TEMPLATE_HEADERS

    region, department = ("郑州市", "市工信局") if _is_dept(u) else ("金水区", "")
    content = workbook_bytes(
        "台账",
        TEMPLATE_HEADERS,
        [
            [
                region,
                department,
                "焊工岗位技能提升培训（企业自主）",
                "岗位技能提升培训",
                "",
                "2021-05-06",
                "2021-05-10",
                30,
            ]
        ],
    )

    class Rewinding(SimpleUploadedFile):
        def read(self, *args: Any) -> bytes:
            self.seek(0)
            return super().read(*args)

    return Rewinding("台账.xlsx", content, content_type="application/octet-stream")


# --- H06 the reporting calendar: a county's bureau submits its county, a department its own department; the
# level above approves (a region's report by approving its counties', a department's or a county's alone) or
# returns; the late list is the scope's.
CAL_SUBMITTED = {"progress.MonthlyReport": 1, "audit.Event": 1}
REVIEWED = {"audit.Event": 1}


def _cal_submit(*, api: bool = False) -> Any:
    def data(w: World, u: User) -> dict[str, Any]:
        # The API's own month: a token run replays every API case in one world, /reports submits MONTH.
        body: dict[str, Any] = {"kind": "monthly", "year": YEAR, "number": MONTH - 1 if api else MONTH}
        if _is_dept(u):
            body["department_id" if api else "department"] = w.zz_industry.pk
        else:
            body["region_id" if api else "region"] = w.jinshui.pk
        return body

    return data


def _cal_submit_foreign(*, api: bool = False) -> Any:
    def data(w: World, u: User) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"kind": "monthly", "year": YEAR, "number": MONTH}
        key = "department_id" if api else "department"
        if _is_dept(u):
            return [{**body, key: w.xc_industry.pk}, {**body, key: w.zz_education.pk}]
        return [{**body, "region_id" if api else "region": w.weidu.pk}]

    return data


def _cal_approve(*, api: bool = False, foreign: bool = False) -> Any:
    def data(w: World, u: User) -> Any:
        month = MONTH - 1 if api else MONTH  # the API's own month, as in _cal_submit
        _counties_in(w, foreign=foreign, month=month)
        region = w.xuchang if foreign else w.zhengzhou
        body = {"kind": "monthly", "year": YEAR, "number": month, "region_id" if api else "region": region.pk}
        return [body] if foreign else body

    return data


def _dept_report(w: World, department: Department) -> MonthlyReport:
    report, _ = MonthlyReport.objects.get_or_create(
        department=department,
        kind="monthly",
        year=YEAR,
        period=MONTH,
        defaults={
            "region": department.region,
            "month": MONTH,
            "state": ReportState.SUBMITTED,
            "figures": {"training": {"month": 1, "cumulative": 1, "target": None}},
            "submitted_at": timezone.now(),
        },
    )
    return report


def _review_url(*, api: bool = False, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        reports = [_dept_report(w, w.xc_industry)] if foreign else [_dept_report(w, w.zz_industry)]
        urls = [
            f"{P}/periodic-reports/{r.pk}/review" if api else f"/progress/calendar/{r.pk}/review/"
            for r in reports
        ]
        return urls if foreign else urls[0]

    return url


def _cal_page_foreign(w: World, u: User) -> list[str]:
    # A department user always sees its own department: the region asked for is not read.
    return [] if _is_dept(u) else [f"/progress/calendar/?region={w.xuchang.pk}"]


CALENDAR: tuple[Case, ...] = (
    Case(
        "GET",
        "progress/calendar/",
        roles("progress.view"),
        fixed(f"/progress/calendar/?kind=monthly&year={YEAR}&number={MONTH}"),
        foreign=_cal_page_foreign,
    ),
    Case(
        "POST",
        "progress/calendar/submit/",
        roles("report.submit", "report.submit_department"),
        fixed("/progress/calendar/submit/"),
        data=_cal_submit(),
        foreign_data=_cal_submit_foreign(),
        ok=302,
        delta=CAL_SUBMITTED,
    ),
    Case(
        "POST",
        "progress/calendar/approve/",
        roles("report.approve"),
        fixed("/progress/calendar/approve/"),
        data=_cal_approve(),
        foreign_data=_cal_approve(foreign=True),
        ok=302,
        delta=APPROVED,
    ),
    Case(
        "POST",
        "progress/calendar/<int:report_id>/review/",
        roles("report.approve"),
        _review_url(),
        foreign=_review_url(foreign=True),
        data=lambda w, u: {"decision": "approve"},
        ok=302,
        delta=REVIEWED,
        scoped=True,
    ),
    Case(
        "GET",
        "progress/late/",
        roles("progress.view"),
        fixed(f"/progress/late/?year={YEAR}"),
        foreign=lambda w, u: [f"/progress/late/?region={w.xuchang.pk}"],
    ),
    Case(
        "GET",
        f"{P}/periodic-reports",
        roles("progress.view"),
        fixed(f"{P}/periodic-reports?year={YEAR}&kind=monthly"),
    ),
    Case(
        "POST",
        f"{P}/periodic-reports",
        roles("report.submit", "report.submit_department"),
        fixed(f"{P}/periodic-reports"),
        data=_cal_submit(api=True),
        foreign_data=_cal_submit_foreign(api=True),
        ok=201,
        delta=CAL_SUBMITTED,
    ),
    Case(
        "POST",
        f"{P}/periodic-reports/approve",
        roles("report.approve"),
        fixed(f"{P}/periodic-reports/approve"),
        data=_cal_approve(api=True),
        foreign_data=_cal_approve(api=True, foreign=True),
        delta=APPROVED,
    ),
    Case(
        "POST",
        f"{P}/periodic-reports/{{report_id}}/review",
        roles("report.approve"),
        _review_url(api=True),
        foreign=_review_url(api=True, foreign=True),
        data=lambda w, u: {"decision": "approve"},
        delta=REVIEWED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{P}/late",
        roles("progress.view"),
        fixed(f"{P}/late?year={YEAR}"),
        foreign=lambda w, u: [f"{P}/late?region_id={w.xuchang.pk}"],
    ),
)


CASES: tuple[Case, ...] = (*REPORTS, *OUTREACH, *LEDGER, *CALENDAR)

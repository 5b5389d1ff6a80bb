"""The demo's H08 publicity items and H02 competitions for Xuchang in 2023, where XC23 fixes H08's
minimums: one county meets the 3 items in county-level-or-higher media, one is short by one (its third
item is a township newsletter, recorded but not counted); one city department meets its 1 item in
city-level-or-higher media, one is short (its item ran in county media). Recorded through the services,
by the province's administrator, so that each row has its audit event."""

from __future__ import annotations

import datetime as dt

from jineng.accounts.models import User
from jineng.progress.ledgerbook import LedgerInput, ledger_entry_record
from jineng.progress.models import CompetitionLevel, MediaLevel
from jineng.progress.services import competition_record, media_item_record
from jineng.regions.models import Department, Region

# (county short name or None, department or None, title, media, level, published on)
MEDIA_ITEMS = [
    ("禹州市", None, "禹州市“人人持证、技能河南”建设推进会召开", "禹州融媒", MediaLevel.COUNTY, (3, 8)),
    ("禹州市", None, "禹州钧瓷技艺传承人才培训班开班", "许昌日报", MediaLevel.CITY, (5, 16)),
    ("禹州市", None, "禹州市职业技能竞赛周启动", "河南日报", MediaLevel.PROVINCE, (9, 12)),
    ("长葛市", None, "长葛市开展企业职工技能提升培训", "长葛融媒", MediaLevel.COUNTY, (4, 11)),
    ("长葛市", None, "长葛市新型学徒制培训成效显著", "长葛融媒", MediaLevel.COUNTY, (7, 3)),
    ("长葛市", None, "大周镇开展电商技能培训", "大周镇工作简报", MediaLevel.OTHER, (8, 21)),
    (None, "市人社局", "许昌市技能人才评价工作综述", "许昌日报", MediaLevel.CITY, (6, 6)),
    (None, "市工信局", "制造业企业职工技能提升纪实", "建安融媒", MediaLevel.COUNTY, (10, 9)),
]
# (region short name or None for the city, organiser department or None, name, level, held on, participants)
COMPETITIONS = [
    ("禹州市", None, "禹州市钧瓷制作职业技能竞赛", CompetitionLevel.COUNTY, (5, 20), 86),
    ("长葛市", None, "长葛市焊工职业技能竞赛", CompetitionLevel.COUNTY, (6, 15), 64),
    (None, "市人社局", "许昌市第二届职业技能大赛", CompetitionLevel.CITY, (9, 26), 420),
]
YEAR = 2023
# E09 技能培训台账 (XC23 附件2 备注3: within 15 days of the end): trainings outside the subsidised classes,
# by the bureau for its region, by department or for an enterprise: (county short name, department, title,
# kind, start (month, day), end (month, day), persons, entered (month, day)). The last is entered 19 days
# after its end: four days late, still counted.
LEDGER = [
    ("禹州市", None, "钧瓷企业职工岗位技能提升培训（企业自主）", "upgrade", (3, 6), (3, 17), 120, (3, 24)),
    (
        "长葛市",
        "市工信局",
        "发制品企业新录用人员岗前培训（企业自主）",
        "upgrade",
        (4, 10),
        (4, 21),
        85,
        (4, 28),
    ),
    (None, "市人社局", "创业意识培训（高校毕业生）", "entrepreneurship", (5, 8), (5, 12), 60, (5, 19)),
    ("禹州市", None, "化工企业安全生产技能培训（行业组织）", "safety", (6, 5), (6, 9), 48, (6, 28)),
]


def demo_progress_load() -> None:
    actor = User.objects.get(username="hn_admin")
    city = Region.objects.get(name="许昌市")

    def where(short: str | None, dept: str | None) -> tuple[Region | None, Department | None]:
        department = Department.objects.get(region=city, name=dept) if dept else None
        if short is None:
            return (None if department else city), department
        return Region.objects.get(parent=city, name=short), department

    for short, dept, title, media, level, (month, day) in MEDIA_ITEMS:
        region, department = where(short, dept)
        media_item_record(
            actor=actor,
            region=region,
            department=department,
            title=title,
            media_name=media,
            media_level=level,
            published_on=dt.date(YEAR, month, day),
            link=f"{media} {YEAR}年{month}月{day}日",
        )
    for short, dept, name, grade, (month, day), participants in COMPETITIONS:
        region, department = where(short, dept)
        competition_record(
            actor=actor,
            region=region or city,
            department=department,
            name=name,
            level=grade,
            held_on=dt.date(YEAR, month, day),
            participants=participants,
        )
    for short, dept, title, kind, start, end, persons, entered in LEDGER:
        region, department = where(short, dept)
        ledger_entry_record(
            actor=actor,
            data=LedgerInput(
                region_id=(region or city).pk,
                department_id=department.pk if department else None,
                title=title,
                kind=kind,
                occupation_code="",
                start_date=dt.date(YEAR, *start),
                end_date=dt.date(YEAR, *end),
                persons=persons,
            ),
            today=dt.date(YEAR, *entered),
        )

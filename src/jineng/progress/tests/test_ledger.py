"""E09 技能培训台账: trainings outside the subsidised classes, entered after they end, counted on the board.

XC23 附件2 备注3 sets 15 days after the end; the other documents set no deadline (ledger_entry_days is
not_set): their entries are never late. Either way the training counts in 职业技能培训（人次）.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.xlsx import workbook_bytes
from jineng.progress.ledgerbook import (
    TEMPLATE_HEADERS,
    LedgerInput,
    ledger_entries_record,
    ledger_entry_record,
    ledger_entry_withdraw,
)
from jineng.progress.models import LedgerEntry
from jineng.progress.selectors import Filter, actual_rows
from jineng.progress.tests.factories import opened
from jineng.regions.services import profile_assign

pytestmark = pytest.mark.django_db


def entry(w: World, *, region: Any = None, department: Any = None, **changes: Any) -> LedgerInput:
    data = {
        "region_id": (region or w.jinshui).pk,
        "department_id": department.pk if department else None,
        "title": "电工岗位技能提升培训（企业自主）",
        "kind": "upgrade",
        "occupation_code": "",
        "start_date": dt.date(2021, 5, 6),
        "end_date": dt.date(2021, 5, 10),
        "persons": 40,
    }
    data.update(changes)
    return LedgerInput(**data)


def training(w: World, region: Any, year: int = 2021) -> int:
    rows = actual_rows(Filter(year=year, region=region), by=(), indicators=("training",))
    return sum(r.persons for r in rows)


@pytest.mark.parametrize(("entered", "late"), [(dt.date(2023, 3, 25), 0), (dt.date(2023, 3, 26), 1)])
def test_e09_xc23_an_entry_after_15_days_is_kept_counted_and_marked_late(
    world: World, entered: dt.date, late: int
) -> None:
    # Given a 许昌 training that ended on 10 March 2023 (XC23: enter within 15 days)
    data = entry(
        world, region=world.weidu, start_date=dt.date(2023, 3, 1), end_date=dt.date(2023, 3, 10), persons=25
    )
    # When the bureau enters it on the 15th day after, or the 16th
    got = ledger_entry_record(actor=world.outsiders["hr_admin"], data=data, today=entered)
    # Then it is counted either way, the late one with its day late on the row and in the audit event
    assert (got.days_late, got.persons, got.organisation_id, got.entered_on) == (late, 25, None, entered)
    assert training(world, world.xuchang, 2023) == 25
    event = Event.objects.get(action="ledger_entry.record")
    assert event.payload["days_late"] == late


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19"])
def test_e09_without_a_deadline_in_the_document_no_entry_is_late(world: World, code: str) -> None:
    if code != "ZZ21":
        profile_assign(actor=None, region=world.jinshui, year=2021, profile_code=code)
    got = ledger_entry_record(actor=world.users["hr_first"], data=entry(world), today=dt.date(2022, 12, 1))
    assert got.days_late is None


def test_the_board_adds_the_ledger_to_the_subsidised_classes_trainees_in_the_start_month(
    world: World,
) -> None:
    # Given an opened class of 4 starting in June and a ledger entry of 40 that started in May
    opened(world, trainees=4)
    ledger_entry_record(actor=world.users["hr_first"], data=entry(world), today=dt.date(2021, 6, 1))
    # Then 职业技能培训（人次） is 44, May holding the ledger's 40
    assert training(world, world.zhengzhou) == 44
    by_month = actual_rows(Filter(year=2021, region=world.zhengzhou), by=("month",), indicators=("training",))
    assert sorted((r.month, r.persons) for r in by_month) == [(5, 40), (6, 4)]
    # And a withdrawn entry no longer counts
    withdrawn = ledger_entry_withdraw(
        actor=world.users["hr_first"], entry=LedgerEntry.objects.get(), reason="与补贴班重复"
    )
    assert withdrawn.state == "withdrawn"
    assert training(world, world.zhengzhou) == 4


def test_an_institution_enters_its_own_training_in_its_own_city_only(world: World) -> None:
    clerk = world.users["institution"]
    got = ledger_entry_record(actor=clerk, data=entry(world), today=dt.date(2021, 6, 1))
    assert got.organisation_id == world.zz_school.pk
    with pytest.raises(Refusal, match="只能录入本单位所在市的培训"):
        ledger_entry_record(actor=clerk, data=entry(world, region=world.weidu), today=dt.date(2021, 6, 1))


def test_a_department_enters_for_itself_only(world: World) -> None:
    dept = world.users["dept_first"]
    with pytest.raises(Refusal, match="行业部门只能录入本部门的培训"):
        ledger_entry_record(
            actor=dept, data=entry(world, department=world.zz_education), today=dt.date(2021, 6, 1)
        )
    got = ledger_entry_record(
        actor=dept, data=entry(world, department=world.zz_industry), today=dt.date(2021, 6, 1)
    )
    assert got.department_id == world.zz_industry.pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": dt.date(2021, 6, 2)}, "结束日期", "培训尚未结束（2021-06-02），结束后录入台账"),
        ({"start_date": dt.date(2021, 5, 11)}, "结束日期", "结束日期早于开始日期"),
        ({"persons": 0}, "培训人次", "培训人次应为 1 至 100000"),
        ({"kind": "leisure"}, "培训类别", "培训类别应为："),
        ({"occupation_code": "9-99-99-99"}, "培训职业编码", "职业编码不在 2022 年版国家职业分类大典中"),
    ],
)
def test_a_bad_entry_is_refused_on_its_field(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(Refusal) as refused:
        ledger_entry_record(
            actor=world.users["hr_first"], data=entry(world, **changes), today=dt.date(2021, 6, 1)
        )
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert not LedgerEntry.objects.exists()


def test_the_same_training_twice_is_refused(world: World) -> None:
    ledger_entry_record(actor=world.users["hr_first"], data=entry(world), today=dt.date(2021, 6, 1))
    with pytest.raises(Refusal, match="该培训已录入台账（2021-05-06 至 2021-05-10），不能重复计数"):
        ledger_entry_record(actor=world.users["hr_second"], data=entry(world), today=dt.date(2021, 6, 1))


def test_a_batch_is_entered_all_or_nothing_naming_each_bad_row(world: World) -> None:
    good = entry(world, title="焊工培训")
    bad = entry(world, title="钳工培训", persons=0)
    with pytest.raises(Refusal) as refused:
        ledger_entries_record(
            actor=world.users["hr_first"], rows=[(2, good), (3, bad), (4, good)], today=dt.date(2021, 6, 1)
        )
    assert [(v.row, v.field) for v in refused.value.violations] == [(3, "培训人次"), (4, "培训项目")]
    assert refused.value.violations[1].message == "与第2行是同一培训，不能重复计数"
    assert not LedgerEntry.objects.exists()


def test_the_page_imports_the_template_and_the_api_lists_the_entries(world: World) -> None:
    client = world.client(world.users["hr_first"])
    template = client.get("/progress/ledger/template.xlsx")
    assert template.status_code == 200
    rows = [
        [
            "金水区",
            "市工信局",
            "焊工岗位技能提升培训（企业自主）",
            "岗位技能提升培训",
            "",
            "2021-05-06",
            "2021-05-10",
            30,
        ],
        ["二七区", "", "家政服务员培训（行业组织）", "就业技能培训", "", "2021-04-01", "2021-04-05", 12],
    ]
    content = workbook_bytes("台账", TEMPLATE_HEADERS, rows)

    response = client.post("/progress/ledger/import/", {"file": SimpleUploadedFile("台账.xlsx", content)})
    assert response.status_code == 302
    page = client.get("/progress/ledger/?year=2021").content.decode()
    assert "2 项、42 人次计入“职业技能培训（人次）”" in page
    listed = json.loads(client.get("/api/v1/progress/ledger?year=2021").content)
    assert sorted((e["title"], e["persons"], e["kind_label"]) for e in listed["items"]) == [
        ("家政服务员培训（行业组织）", 12, "就业技能培训"),
        ("焊工岗位技能提升培训（企业自主）", 30, "岗位技能提升培训"),
    ]
    # A second import with one bad row enters nothing and names the row
    rows[1][7] = "十二"
    again = client.post(
        "/progress/ledger/import/",
        {"file": SimpleUploadedFile("台账.xlsx", workbook_bytes("台账", TEMPLATE_HEADERS, rows))},
    )
    assert again.status_code == 302
    assert LedgerEntry.objects.count() == 2
    follow = client.get("/progress/ledger/?year=2021").content.decode()
    print("FOLLOW", follow[follow.find("messages") : follow.find("messages") + 600])


def test_the_api_batch_enters_a_late_training_and_reports_its_days_late(world: World) -> None:
    client = world.client(world.outsiders["hr_first"])
    body = {
        "entries": [
            {
                "region_id": world.weidu.pk,
                "title": "电子商务培训",
                "kind": "employment",
                "start_date": "2023-01-03",
                "end_date": "2023-01-06",
                "persons": 20,
            }
        ]
    }
    response = client.post("/api/v1/progress/ledger/batch", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    got = json.loads(response.content)[0]
    # entered today, long after 21 January 2023: late by (today − 6 Jan − 15) days, and still counted
    assert got["days_late"] == (timezone.localdate() - dt.date(2023, 1, 6)).days - 15
    assert training(world, world.xuchang, 2023) == 20


def test_the_dashboard_names_the_ledgers_share_and_the_programmes(world: World) -> None:
    ledger_entry_record(actor=world.users["hr_first"], data=entry(world), today=dt.date(2021, 6, 1))
    page = world.client(world.users["hr_admin"]).get(f"/progress/?year=2021&region={world.zhengzhou.pk}")
    html = page.content.decode()
    assert "职业技能培训（人次）含技能培训台账录入的补贴性培训以外的培训 40 人次" in html
    assert 'id="programmes"' in html

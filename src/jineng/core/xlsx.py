"""Excel exports: officials live in Excel, so every list page can be taken away as .xlsx.

Every cell the product writes holds user text as text. A value such as ``=HYPERLINK("//e.cn/"&B3)``
typed into a name field would otherwise become a live formula on the official's machine, next to the
ID numbers of the same row. Strings are therefore always written as string cells, never as formulas,
and those that a spreadsheet would read as one when the cell is edited or the sheet is saved as CSV
(``=``, ``+``, ``-``, ``@``, tab, CR) also carry Excel's own "text" marker (quotePrefix): the cell shows
exactly the text, without an added apostrophe, so a roster written here and read back is unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet takes as the start of a formula (or of a DDE payload in a CSV).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters the XML of an xlsx cannot hold (openpyxl raises on them): shown as U+FFFD, so an export of
# a field somebody filled with control characters still downloads, and the spot is visible.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CELL = 32767  # Excel's limit on the characters of one cell


def cell_text(value: str) -> str:
    """A string as it can be stored in a cell: illegal characters replaced, cut to Excel's limit."""
    return _ILLEGAL.sub("\ufffd", value)[:_MAX_CELL]


def _plain(value: Any) -> Any:
    """A value openpyxl stores as such; anything else (lists, dicts, decimals' kin) as its text."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: an aware time is shown as the bureau's local time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time | dt.timedelta):
        return value
    return cell_text(value if isinstance(value, str) else str(value))


def _as_text(cell: Cell) -> None:
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _fill_sheet(ws: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws.title = cell_text(title)[:31]
    ws.append([_plain(h) for h in headers])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    for cell in ws[1]:
        _as_text(cell)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    widths = [max(6, len(h) * 2 + 2) for h in headers]
    # Cells are reached by their row number: ``ws[ws.max_row]`` scans every cell of the sheet, which
    # made a 10,000-row export take minutes (quadratic).
    for number, row in enumerate(rows, start=2):
        values = [_plain(v) for v in row]
        ws.append(values)
        for column in range(1, len(values) + 1):
            _as_text(ws.cell(row=number, column=column))
        for i, v in enumerate(values):
            if i < len(widths):
                widths[i] = min(60, max(widths[i], len(str(v or "")) * 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _saved(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=False)
    assert wb.active is not None
    _fill_sheet(wb.active, title, headers, rows)
    return _saved(wb)


def template_bytes(
    title: str,
    headers: Sequence[str],
    samples: Iterable[Sequence[Any]],
    *,
    text_columns: Sequence[int] = (),
    rows_ready: int = 1000,
    guide: tuple[Sequence[str], Iterable[Sequence[Any]]] | None = None,
) -> bytes:
    """A form to fill in Excel: the header, sample rows, and the columns in ``text_columns`` (0-based)
    already formatted as text (Excel's “@”) for ``rows_ready`` rows, so that an ID or phone number typed
    there stays the digits typed instead of becoming a number Excel rounds; a second sheet “填写说明”
    (``guide``: its headers and rows) explains each column."""
    wb = Workbook(write_only=False)
    assert wb.active is not None
    ws = wb.active
    _fill_sheet(ws, title, headers, samples)
    for column in text_columns:
        letter = get_column_letter(column + 1)
        for row in range(2, rows_ready + 2):
            ws[f"{letter}{row}"].number_format = "@"
    if guide is not None:
        _fill_sheet(wb.create_sheet(), "填写说明", guide[0], guide[1])
    return _saved(wb)


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(workbook_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

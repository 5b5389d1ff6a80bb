"""The roster (花名册) spreadsheet: its template, and reading an uploaded file into typed rows.

Reading checks only the form of each cell (a date is a date, 是/否 is 是 or 否). Whether a person may
be enrolled is the B-rules' business (jineng.policy.training.check_roster), judged on the whole batch.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from io import BytesIO
from operator import itemgetter
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.text import Text
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import read_dimension
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS

from jineng.core.xlsx import workbook_bytes
from jineng.policy.violations import Violation

# Not a policy rule: the form of the file. Reported with this pseudo-rule so the report stays one table.
FORMAT_RULE = "格式"
FORMAT_CLAUSE = "花名册模板"


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: str  # "text" | "id" | "bool" | "date" | "phone"
    required: bool = False
    example: Any = ""


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", "text", True, "张伟"),
    Column("身份证号", "id_number", "id", True, "410105198001011239"),
    Column("手机号", "phone", "phone", False, "13800001234"),
    Column("工作单位", "employer", "text", False, "郑州宇通客车股份有限公司"),
    Column("是否企业职工", "is_employee", "bool", True, "是"),
    Column("现岗位职业编码", "post_occupation", "text", False, "6-31-01-03"),
    Column("是否转岗", "is_transfer", "bool", False, "否"),
    Column("原岗位职业编码", "previous_post_occupation", "text", False, ""),
    Column("入职日期", "hired_on", "date", False, "2026-03-01"),
    Column("是否在校生", "is_student", "bool", False, "否"),
    Column("就读学校", "school", "text", False, ""),
    Column("在读专业对应职业编码", "major_occupation", "text", False, ""),
    Column("是否毕业年度学生", "is_graduating_year", "bool", False, "否"),
    Column("有培训意愿", "wants_training", "bool", False, "是"),
    Column("有就业意愿", "wants_work", "bool", False, "是"),
    Column("有劳动能力", "able_to_work", "bool", False, "是"),
)
HEADERS = tuple(c.header for c in COLUMNS)
# A blank 是/否 cell means 否, except the questionnaire (A14), where blank means "not asked".
_EMPTY: dict[str, Any] = {
    "is_employee": False,
    "is_transfer": False,
    "is_student": False,
    "is_graduating_year": False,
    "wants_training": None,
    "wants_work": None,
    "able_to_work": None,
}
TRUE_WORDS = frozenset({"是", "Y", "YES", "TRUE", "1", "√"})
FALSE_WORDS = frozenset({"否", "N", "NO", "FALSE", "0", "×"})


@dataclass(slots=True)
class ParsedRow:
    row: int  # the spreadsheet's own row number, as the clerk sees it in Excel
    name: str = ""
    id_number: str = ""
    phone: str = ""
    employer: str = ""
    is_employee: bool = False
    post_occupation: str = ""
    is_transfer: bool = False
    previous_post_occupation: str = ""
    hired_on: dt.date | None = None
    is_student: bool = False
    school: str = ""
    major_occupation: str = ""
    is_graduating_year: bool = False
    wants_training: bool | None = None
    wants_work: bool | None = None
    able_to_work: bool | None = None


@dataclass
class ReadResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)
    fatal: str = ""  # the file as a whole cannot be read: no row report makes sense


class RosterUnreadable(ValueError):
    pass


def template_bytes() -> bytes:
    return workbook_bytes("花名册", HEADERS, [[c.example for c in COLUMNS]])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel turns a typed phone number into 13800001234.0.
        return str(int(value))
    return str(value).strip()


def _cell(column: Column, value: Any, row: int, problems: list[Violation]) -> Any:
    text = _text(value)
    if not text:
        if column.required:
            problems.append(_problem(row, column.header, "", "必填项为空"))
        return _EMPTY.get(column.attr, None if column.kind == "date" else "")
    if column.kind == "bool":
        word = text.upper()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        problems.append(_problem(row, column.header, text, "应填“是”或“否”"))
        return None
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        problems.append(_problem(row, column.header, text, "日期格式应为 2026-03-01"))
        return None
    if column.kind == "phone":
        if not (text.isdigit() and len(text) == 11 and text.startswith("1")):
            problems.append(_problem(row, column.header, text, "手机号应为11位数字"))
        return text
    if len(text) > 128:
        problems.append(_problem(row, column.header, text[:20] + "…", "内容过长（不超过128个字）"))
        return text[:128]
    return text


def _problem(row: int, header: str, value: str, message: str) -> Violation:
    return Violation(FORMAT_RULE, FORMAT_CLAUSE, message, field=header, row=row, value=value)


def _rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows as openpyxl's read-only reader gives them (the reference reader)."""
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterUnreadable("无法读取文件：请上传用花名册模板填写的 .xlsx 文件") from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise RosterUnreadable("文件中没有工作表")
    try:
        yield from ws.iter_rows(values_only=True)
    finally:
        wb.close()


# --- the fast reader ---------------------------------------------------------------------------------
# openpyxl builds a Python object per cell: 10,000 rows × 16 columns took seconds, most of a roster
# import. The rows are read here straight from the sheet's XML instead, giving exactly the values
# openpyxl's read-only reader gives (same workbook, styles, dates, dimension and row numbering: the
# metadata is read with openpyxl's own classes). Any shape this reader does not know (rich text in a
# cell, a namespace prefix, attributes split over lines…) makes it step aside for openpyxl, which then
# reads the whole file: slower, never different.


# Attributes as every producer writes them: ` name="value"`, one space before each, no space or
# markup inside a value, maybe a closing "/".
_ATTRS = re.compile(r'(?: [A-Za-z_][\w:.-]*="[^"\s<&]*")*/?')


class _NotPlain(Exception):
    """The file is not in the plain shape the fast reader handles: openpyxl reads it instead."""


def _xml_text(text: str) -> str:
    # What an XML parser does to character data: literal CR/CRLF become LF, then references expand.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = html.unescape(text)
    return text


def _plain_t(body: str) -> str | None:
    """The text of ``<t>…</t>`` (or ``<t xml:space="preserve">…</t>``) when that is all of body."""
    if body.startswith(("<t>", "<t ")) and body.endswith("</t>") and body.count("<") == 2:
        return _xml_text(body[body.index(">") + 1 : -4])
    return None


def _shared_strings(xml: str) -> list[str]:
    if "<sst" not in xml:
        raise _NotPlain("prefixed string table")
    out = []
    for piece in xml.split("<si")[1:]:
        if piece.startswith("/>"):
            out.append("")
            continue
        if not piece.startswith(">"):
            raise _NotPlain("si with attributes")
        body = piece[1 : piece.index("</si>")]
        text = _plain_t(body)
        if text is None:
            # Rich text or phonetic runs: rare, and openpyxl's own class says what the content is.
            node = ElementTree.fromstring(f'<si xmlns="{SHEET_MAIN_NS}">{body}</si>')
            text = Text.from_tree(node).content
        out.append(text.replace("x005F_", ""))
    return out


@dataclass(frozen=True, slots=True)
class _CellKind:
    """What a cell's attributes other than its reference say: type, date style, self-closing."""

    kind: str  # openpyxl's data type: "n", "s", "inlineStr", "b", "str", "e", "d"
    date: bool
    timedelta: bool
    empty: bool  # <c r="A1" s="1"/>


@dataclass
class _Book:
    shared: list[str]
    epoch: dt.datetime
    date_styles: Any
    timedelta_styles: Any
    plain_text: bool  # no "&" or CR anywhere in the sheet's data: cell text needs no decoding
    columns: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, _CellKind] = field(default_factory=dict)
    dates: dict[tuple[int | float, bool], Any] = field(default_factory=dict)

    def date(self, serial: int | float, timedelta: bool) -> Any:
        """openpyxl's conversion of a date-styled number, once per distinct number (dates repeat)."""
        key = (serial, timedelta)
        if key not in self.dates:
            try:
                self.dates[key] = from_excel(serial, self.epoch, timedelta=timedelta)
            except (OverflowError, ValueError):
                self.dates[key] = "#VALUE!"
        return self.dates[key]

    def column(self, letters: str) -> int:
        self.columns[letters] = index = column_index_from_string(letters)
        return index

    def kind(self, attrs: str) -> _CellKind:
        """Read once per distinct attribute string (a sheet has a handful: ' t="s"', ' s="3"'…)."""
        spaced = attrs[:-2] + "/" if attrs.endswith(" /") else attrs  # openpyxl writes <c … />
        # Every producer writes ` name="value"`, one space before each; anything else (a line break
        # between attributes, single quotes, a second r) is left to openpyxl.
        if not _ATTRS.fullmatch(spaced) or ' r="' in spaced:
            raise _NotPlain(f"cell attributes {attrs!r}")
        at = spaced.find(' t="')
        kind = spaced[at + 4 : spaced.index('"', at + 4)] if at >= 0 else "n"
        at = spaced.find(' s="')
        style = int(spaced[at + 4 : spaced.index('"', at + 4)]) if at >= 0 else 0
        self.kinds[attrs] = found = _CellKind(
            kind, style in self.date_styles, style in self.timedelta_styles, spaced.endswith("/")
        )
        return found


def _row_values(body: str, book: _Book) -> tuple[list[Any], int]:
    """The values of one ``<row>``'s cells placed by column (index 0 = column A), and the column of
    its last cell (openpyxl's row width when the sheet records no dimension). Every cell must start
    ``<c r="…"``: the reference first, as every producer writes it."""
    pieces = body.split('<c r="')
    if len(pieces) - 1 != body.count("<c"):
        raise _NotPlain("a cell without its reference first")
    values: list[Any] = []
    filled = column = 0
    # Locals: this loop runs once per cell, 160,000 times for a 10,000-row roster.
    columns, kinds, plain = book.columns.get, book.kinds.get, book.plain_text
    for piece in pieces[1:]:
        # piece: B2" t="inlineStr"><is><t>text</t></is></c>   or   I2" s="2"><v>44200</v></c>
        quote = piece.index('"')
        letters = piece[:quote].rstrip("0123456789")
        column = columns(letters) or book.column(letters)
        gt = piece.index(">", quote)
        attrs = piece[quote + 1 : gt]
        cell = kinds(attrs) or book.kind(attrs)
        kind = cell.kind
        value: Any = None
        if cell.empty:
            pass  # no content, no value
        elif kind == "inlineStr":
            if piece.startswith("<is><t>", gt + 1):
                # The plain case, <is><t>text</t></is>, without slicing the cell apart first.
                end = piece.find("</t></is></c>", gt + 8)
                value = piece[gt + 8 : end]
                if end < 0 or "<" in value:
                    raise _NotPlain("rich inline string")
                if not plain:
                    value = _xml_text(value)
            else:
                content = piece[gt + 1 : piece.index("</c>", gt)]
                if content.startswith("<is>") and content.endswith("</is>"):
                    value = _plain_t(content[4:-5])
                    if value is None:
                        raise _NotPlain("rich inline string")
                elif content:
                    raise _NotPlain("inline string without <is>")
        else:
            at = piece.find("<v>", gt)
            if at >= 0:
                text = piece[at + 3 : piece.index("</v>", at)]
            elif "<v" in piece and "<v />" not in piece and "<v/>" not in piece:
                raise _NotPlain("<v> with attributes")
            else:
                text = ""  # no <v>, or an empty one
            if text:
                if kind == "s":
                    value = book.shared[int(text)]
                elif kind == "n":
                    value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
                    if cell.date:
                        value = book.date(value, cell.timedelta)
                elif kind == "b":
                    value = bool(int(text))
                elif kind == "d":
                    value = from_ISO8601(text)
                else:  # "str" (a formula's text), "e" (an error such as #N/A)
                    value = _xml_text(text)
        if column == filled + 1:
            values.append(value)
            filled = column
        elif column > filled:
            values.extend([None] * (column - 1 - filled))
            values.append(value)
            filled = column
        else:
            values[column - 1] = value  # a cell out of order: the later one wins, as in openpyxl
    return values, column


def _fast_rows(content: bytes) -> list[tuple[Any, ...]]:
    """The first worksheet's rows, as ``ws.iter_rows(values_only=True)`` of a read-only openpyxl
    workbook yields them (gaps filled, rows cut to the sheet's recorded dimension)."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        valid = set(archive.namelist())
        package = Manifest.from_tree(ElementTree.fromstring(archive.read(ARC_CONTENT_TYPES)))
        parser = WorkbookParser(archive, _find_workbook_part(package).PartName[1:], keep_links=False)
        parser.parse()
        wb = parser.wb
        apply_stylesheet(archive, wb)
        target = next(
            (
                rel.target
                for _, rel in parser.find_sheets()
                if rel.target in valid and "chartsheet" not in rel.Type
            ),
            None,
        )
        if target is None:
            raise _NotPlain("no worksheet")
        part = package.find(SHARED_STRINGS)
        shared = _shared_strings(archive.read(part.PartName[1:]).decode("utf-8")) if part is not None else []
        with archive.open(target) as source:
            dimensions = read_dimension(source)
        xml = archive.read(target).decode("utf-8")
    start = xml.find("<sheetData")
    if start < 0:
        raise _NotPlain("no sheetData")
    end = xml.find("</sheetData>", start)
    data = xml[start : end if end >= 0 else len(xml)]
    if "<![CDATA[" in data:
        raise _NotPlain("CDATA")
    plain = "&" not in data and "\r" not in data
    book = _Book(shared, wb.epoch, wb._date_formats, wb._timedelta_formats, plain)
    parsed: list[tuple[int, list[Any], int]] = []
    row_number = 0
    for chunk in data.split("<row")[1:]:
        gt = chunk.find(">")
        head = chunk[:gt]
        if head.endswith(" /"):
            head = head[:-2] + "/"
        if not _ATTRS.fullmatch(head):
            raise _NotPlain(f"row attributes {head!r}")
        at = head.find(' r="')
        row_number = int(head[at + 4 : head.index('"', at + 4)]) if at >= 0 else row_number + 1
        if head.endswith("/"):
            parsed.append((row_number, [], 0))
        else:
            parsed.append((row_number, *_row_values(chunk[gt + 1 : chunk.rindex("</row>")], book)))
    return _openpyxl_shape(parsed, dimensions)


def _openpyxl_shape(
    parsed: Iterable[tuple[int, list[Any], int]], dimensions: tuple[int, int, int, int] | None
) -> list[tuple[Any, ...]]:
    """ReadOnlyWorksheet._cells_by_row(min_col=1, min_row=1, values_only=True), step for step: rows
    missing from the file come back empty, and the recorded dimension pads and cuts the rows."""
    max_col = max_row = None
    if dimensions is not None:
        _, _, max_col, max_row = dimensions
    empty_row: tuple[Any, ...] = (None,) * max_col if max_col is not None else ()
    out: list[tuple[Any, ...]] = []
    counter = 1
    idx = 1
    for idx, values, last in parsed:
        if max_row is not None and idx > max_row:
            break
        for _ in range(counter, idx):
            counter += 1
            out.append(empty_row)
        if counter <= idx:
            width = max_col or last
            if len(values) == width:
                out.append(tuple(values))
            elif len(values) < width:
                out.append((*values, *((None,) * (width - len(values)))))
            else:
                out.append(tuple(values[:width]))
            counter += 1
    if max_row is not None and max_row < idx:
        for _ in range(counter, max_row + 1):
            out.append(empty_row)
    return out


def sheet_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows: the fast reader, or openpyxl when the file is not in its plain shape."""
    try:
        rows = _fast_rows(content)
    except Exception:
        # Not plain, or broken: openpyxl reads it, and says what is wrong in its own terms.
        yield from _rows(content)
        return
    yield from rows


# --- cells to typed rows ---------------------------------------------------------------------------------

_MISSING = object()
# ParsedRow's fields after ``row`` are the template's columns in order: ParsedRow(row, *values).
assert [f.name for f in fields(ParsedRow)][1:] == [c.attr for c in COLUMNS]
_POSITION = {c.header: i for i, c in enumerate(COLUMNS)}
_BOOLS: dict[Any, bool] = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def _column(column: Column, raw: list[Any], numbers: list[int], problems: list[Violation]) -> list[Any]:
    """_cell over a whole column, with the common cells (a plain value in a plain cell) done inline."""
    kind = column.kind
    empty = _MISSING if column.required else _EMPTY.get(column.attr, None if kind == "date" else "")
    if kind == "bool":
        fast = dict(_BOOLS)
        fast[None] = empty
        out = [fast.get(v, _MISSING) for v in raw]
    elif kind == "date":
        out = [
            v.date()
            if type(v) is dt.datetime
            else v
            if type(v) is dt.date
            else empty
            if v is None
            else _MISSING
            for v in raw
        ]
    elif kind == "phone":
        out = [
            v
            if type(v) is str and len(v) == 11 and v[0] == "1" and v.isdigit()
            else empty
            if v is None
            else _MISSING
            for v in raw
        ]
    else:
        out = [
            v if type(v) is str and v and len(v) <= 128 and not v[0].isspace() and not v[-1].isspace()
            else empty if v is None else _MISSING
            for v in raw
        ]  # fmt: skip
    if _MISSING in out:
        for i, value in enumerate(out):
            if value is _MISSING:
                out[i] = _cell(column, raw[i], numbers[i], problems)
    return out


def read_roster(content: bytes, *, max_rows: int) -> ReadResult:
    """Every row of the first sheet, with every format problem; never raises on a cell's content."""
    result = ReadResult()
    try:
        rows = sheet_rows(content)
        header = next(rows, None)
        if header is None:
            raise RosterUnreadable("文件为空")
        names = [_text(h) for h in header]
        missing = [h for h in HEADERS if h not in names]
        if missing:
            raise RosterUnreadable(
                "表头与花名册模板不一致，缺少列：" + "、".join(missing) + "（请下载模板后填写）"
            )
        index = [names.index(h) for h in HEADERS]
        numbers: list[int] = []
        kept: list[tuple[Any, ...]] = []
        for number, values in enumerate(rows, start=2):
            first = values[0] if values else None
            if not (type(first) is str and first.strip()) and not any(_text(v) for v in values):
                continue  # blank lines between rows are common in hand-kept sheets
            if len(kept) >= max_rows:
                raise RosterUnreadable(f"花名册超过 {max_rows} 行，请分班")
            numbers.append(number)
            kept.append(values)
        columns = []
        width = min(map(len, kept), default=0)  # rows are padded to the sheet's dimension
        for column, i in zip(COLUMNS, index, strict=True):
            if i < width:
                raw = list(map(itemgetter(i), kept))
            else:
                raw = [values[i] if i < len(values) else None for values in kept]
            columns.append(_column(column, raw, numbers, result.problems))
        result.rows = [
            ParsedRow(n, *values) for n, values in zip(numbers, zip(*columns, strict=True), strict=True)
        ]
        # In the order a clerk reads the sheet: row by row, left to right.
        result.problems.sort(key=lambda p: (p.row or 0, _POSITION.get(p.field, 0)))
    except RosterUnreadable as exc:
        result.fatal = str(exc)
        result.rows = []
        return result
    except Exception:
        result.fatal = "无法读取文件：文件已损坏或不是 .xlsx 格式"
        result.rows = []
        return result
    if not result.rows:
        result.fatal = "花名册中没有学员"
    return result


REPORT_HEADERS = ("行号", "列", "填写内容", "规则", "依据", "问题")


def report_rows(violations: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for v in violations:
        yield [
            v.get("row") or "",
            v.get("field", ""),
            v.get("value", ""),
            v["rule"],
            v["clause"],
            v["message"],
        ]


def report_bytes(violations: list[dict[str, Any]]) -> bytes:
    return workbook_bytes("花名册问题清单", REPORT_HEADERS, report_rows(violations))

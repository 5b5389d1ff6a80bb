"""The roster (花名册) spreadsheet: its template, and reading an uploaded file into typed rows.

Reading checks only the form of each cell (a date is a date, 是/否 is 是 or 否). Whether a person may
be enrolled is the B-rules' business (jineng.policy.training.check_roster), judged on the whole batch.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from io import BytesIO
from operator import itemgetter
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineWorkbook

from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.xlsx import template_bytes as xlsx_template_bytes
from jineng.core.xlsx import workbook_bytes
from jineng.policy.gb2260 import current_divisions
from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.policy.training import LEVEL_LABELS
from jineng.policy.violations import Violation

# Not a policy rule: the form of the file. Reported with this pseudo-rule so the report stays one table.
FORMAT_RULE = "格式"
FORMAT_CLAUSE = "花名册模板"


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: str  # "text" | "id" | "bool" | "date" | "phone" | "group" | "region" | "level"
    required: bool = False
    example: Any = ""
    note: str = ""
    # A column added after rosters were in use: a file made from an older template may lack it.
    optional_header: bool = False


# The sample row is plainly not a person: a name that says so, the example number of GB 11643 itself
# (a Beijing 东城区 code, a born-2000 date; valid, so that the template shows a number that passes) and
# a placeholder employer. Left in by mistake, it is refused by name (SAMPLE_PREFIX), never imported.
SAMPLE_PREFIX = "示例"
SAMPLE_ID = "110101200001010037"

COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", "text", True, f"{SAMPLE_PREFIX}：张三（导入前请删除本行）", "与身份证一致"),
    Column(
        "身份证号", "id_number", "id", True, SAMPLE_ID, "18位，末位可为X；本列已设为“文本”格式，请勿改为数字"
    ),
    Column("手机号", "phone", "phone", False, "13800001234", "11位手机号；本列已设为“文本”格式"),
    Column("工作单位", "employer", "text", False, "示例单位", "企业职工填写所在企业全称"),
    Column("是否企业职工", "is_employee", "bool", True, "是", "填“是”或“否”"),
    Column(
        "现岗位职业编码",
        "post_occupation",
        "text",
        False,
        "6-31-01-03",
        "企业职工填写，2022年版职业分类大典编码（B04）",
    ),
    Column("是否转岗", "is_transfer", "bool", False, "否", "填“是”或“否”（B05）"),
    Column(
        "原岗位职业编码", "previous_post_occupation", "text", False, "", "转岗职工填写原岗位的职业编码（B05）"
    ),
    Column("入职日期", "hired_on", "date", False, "2026-03-01", "新录用人员填写，格式 2026-03-01（B07）"),
    Column("是否在校生", "is_student", "bool", False, "否", "填“是”或“否”（B06）"),
    Column("就读学校", "school", "text", False, "", "在校生填写"),
    Column("在读专业对应职业编码", "major_occupation", "text", False, "", "在校生填写（B06）"),
    Column("是否毕业年度学生", "is_graduating_year", "bool", False, "否", "在校生填写“是”或“否”（B06）"),
    Column("有培训意愿", "wants_training", "bool", False, "是", "开班前问卷（A14）；空白表示未询问"),
    Column("有就业意愿", "wants_work", "bool", False, "是", "开班前问卷（A14）"),
    Column("有劳动能力", "able_to_work", "bool", False, "是", "开班前问卷（A14）"),
    Column(
        "人员类别",
        "group",
        "group",
        False,
        "农村转移就业劳动者",
        "填写下列之一（J03，专项计划按类别计数）：" + "、".join(TRAINEE_GROUPS.values()),
        True,
    ),
    Column(
        "常住地或求职就业地",
        "place_code",
        "region",
        False,
        "",
        "户籍不在本市的填写常住地或求职就业地的6位行政区划代码，如 411002（J01）",
        True,
    ),
    Column("刑期届满日期", "sentence_ends_on", "date", False, "", "在押服刑人员填写（J02）", True),
    Column(
        "服刑期间参加过职业技能培训",
        "trained_in_sentence",
        "bool",
        False,
        "",
        "在押服刑人员填写“是”或“否”（J02）",
        True,
    ),
    Column(
        "本职业现持有等级",
        "held_level",
        "level",
        False,
        "",
        "已持有本职业证书的填写，如“四级/中级工”（J02 晋升上一级）",
        True,
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS = tuple(c.header for c in COLUMNS if not c.optional_header)
# What a clerk may type for the coded columns: the label (or its short forms), or the code itself.
GROUP_WORDS: dict[str, str] = {
    **{code: code for code in TRAINEE_GROUPS},
    **{v: k for k, v in TRAINEE_GROUPS.items()},
}
GROUP_WORDS.update({"两后生": "two_after", "巧媳妇": "qiaoxifu", "服刑人员": "prisoner"})
LEVEL_WORDS: dict[str, int] = {str(n): n for n in LEVEL_LABELS}
for _n, _label in LEVEL_LABELS.items():
    LEVEL_WORDS[_label] = _n
    for _part in _label.split("/"):
        LEVEL_WORDS[_part] = _n
# A blank 是/否 cell means 否, except the questionnaire (A14), where blank means "not asked".
_EMPTY: dict[str, Any] = {
    "is_employee": False,
    "is_transfer": False,
    "is_student": False,
    "is_graduating_year": False,
    "wants_training": None,
    "wants_work": None,
    "able_to_work": None,
    "trained_in_sentence": None,
    "held_level": None,
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
    group: str = ""
    place_code: str = ""
    sentence_ends_on: dt.date | None = None
    trained_in_sentence: bool | None = None
    held_level: int | None = None


@dataclass
class ReadResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)
    fatal: str = ""  # the file as a whole cannot be read: no row report makes sense


class RosterUnreadable(ValueError):
    pass


UNREADABLE = "无法读取文件：请上传用花名册模板填写的 .xlsx 文件"


def template_bytes() -> bytes:
    """The roster form: ID and phone columns already text (an 18-digit number typed into a General
    column is rounded by Excel to 15 digits), one sample row, and a sheet explaining each column."""
    return xlsx_template_bytes(
        "花名册",
        HEADERS,
        [[c.example for c in COLUMNS]],
        text_columns=[i for i, c in enumerate(COLUMNS) if c.kind in ("id", "phone")],
        guide=(
            ["列", "必填", "填写要求", "示例"],
            [[c.header, "是" if c.required else "", c.note, c.example] for c in COLUMNS],
        ),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel turns a typed phone number into 13800001234.0.
        return str(int(value))
    return str(value).strip()


def _cell(column: Column, value: Any, row: int, problems: list[Violation]) -> Any:
    if column.kind == "id" and isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 significant digits of a number: an ID number it took for one has lost its last
        # digits, so no check digit can be trusted. Say how to fix the column, not "校验码错误".
        problems.append(
            _problem(
                row,
                column.header,
                _text(value),
                "身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式后重新输入号码"
                "（或在号码前加英文单引号 '），也可改用花名册模板填写",
            )
        )
        return ""
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
    if column.kind == "group":
        if text in GROUP_WORDS:
            return GROUP_WORDS[text]
        problems.append(
            _problem(row, column.header, text, "人员类别应为：" + "、".join(TRAINEE_GROUPS.values()))
        )
        return ""
    if column.kind == "region":
        if text in current_divisions():
            return text
        problems.append(_problem(row, column.header, text, "应为现行6位行政区划代码，如 411002"))
        return ""
    if column.kind == "level":
        if text in LEVEL_WORDS:
            return LEVEL_WORDS[text]
        problems.append(_problem(row, column.header, text, "等级应为：" + "、".join(LEVEL_LABELS.values())))
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
    """The first sheet's rows as openpyxl's read-only reader gives them (for a file calamine refuses)."""
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterUnreadable(UNREADABLE) from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise RosterUnreadable("文件中没有工作表")
    try:
        yield from ws.iter_rows(values_only=True)
    finally:
        wb.close()


def sheet_rows(content: bytes) -> Iterator[Sequence[Any]]:
    """The first sheet's rows from A1, read by calamine (Rust): openpyxl builds a Python object per
    cell, and 10,000 rows × 16 columns took most of a roster import. An empty cell is "" here (None
    from openpyxl); the converters below take either. A file calamine cannot read goes to openpyxl,
    which then reads it or says it is unreadable. Neither runs before the file has passed the upload
    checks (jineng.core.uploads): both trust what the file declares."""
    try:
        uploads.checked_or_refused(content, unreadable=UNREADABLE)
    except Refusal as exc:
        raise RosterUnreadable(exc.message) from None
    try:
        sheet = CalamineWorkbook.from_object(BytesIO(content)).get_sheet_by_index(0)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    except Exception:
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
    """_cell over a whole column, with the common cells (a plain value in a plain cell) done inline.
    An empty cell comes as None (openpyxl) or "" (calamine)."""
    kind = column.kind
    empty = _MISSING if column.required else _EMPTY.get(column.attr, None if kind == "date" else "")
    if kind == "bool":
        fast = dict(_BOOLS)
        fast[None] = fast[""] = empty
        out = [fast.get(v, _MISSING) for v in raw]
    elif kind == "date":
        out = [
            v.date()
            if type(v) is dt.datetime
            else v
            if type(v) is dt.date
            else empty
            if v is None or v == ""
            else _MISSING
            for v in raw
        ]
    elif kind in ("group", "level"):
        words: dict[Any, Any] = dict(GROUP_WORDS if kind == "group" else LEVEL_WORDS)
        words[None] = words[""] = empty
        out = [words.get(v, _MISSING) for v in raw]
    elif kind == "region":
        divisions = current_divisions()
        out = [
            v if type(v) is str and v in divisions else empty if v is None or v == "" else _MISSING
            for v in raw
        ]
    elif kind == "phone":
        out = [
            v
            if type(v) is str and len(v) == 11 and v[0] == "1" and v.isdigit()
            else empty
            if v is None or v == ""
            else _MISSING
            for v in raw
        ]
    else:
        out = [
            v if type(v) is str and v and len(v) <= 128 and not v[0].isspace() and not v[-1].isspace()
            else empty if v is None or v == "" else _MISSING
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
        missing = [h for h in REQUIRED_HEADERS if h not in names]
        if missing:
            raise RosterUnreadable(
                "表头与花名册模板不一致，缺少列：" + "、".join(missing) + "（请下载模板后填写）"
            )
        index = [names.index(h) if h in names else None for h in HEADERS]
        numbers: list[int] = []
        kept: list[Sequence[Any]] = []
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
            if i is None:
                columns.append([_EMPTY.get(column.attr, None if column.kind == "date" else "")] * len(kept))
                continue
            if i < width:
                raw = list(map(itemgetter(i), kept))
            else:
                raw = [values[i] if i < len(values) else None for values in kept]
            columns.append(_column(column, raw, numbers, result.problems))
        result.rows = [
            ParsedRow(n, *values) for n, values in zip(numbers, zip(*columns, strict=True), strict=True)
        ]
        for parsed in result.rows:
            if parsed.name.startswith(SAMPLE_PREFIX):
                result.problems.append(
                    _problem(parsed.row, "姓名", parsed.name, "这是模板中的示例行，请删除后再上传")
                )
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

"""The xlsx layouts of the documents' target tables: templates, reading, the row-level report.

One layout per table kind of H01 — by region (ZZ21 附件1, ZZHS21 表1, XC23 附件1), by department
(ZZHS21 表2, XC23 附件2), by unit (ZZHS21 表3–表5). Row 1 holds the headers: an optional 序号, the row
column (地区 / 部门 / 单位) and one column per indicator, named by its label. A header with 万 in its
unit ("职业技能培训（万人次）", as XC23 prints it) is read in 万 and converted exactly (wan_to_persons).
Rows named 合计/总计 are the table's own totals, kept to check the rows against (H01), not as targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.xlsx import workbook_bytes
from jineng.policy.targets import LABELS, FigureError, Indicator, count_to_persons, wan_to_persons
from jineng.policy.violations import Violation

# Not a policy rule: the form of the file (as the roster import reports it).
FORMAT_RULE = "格式"
FORMAT_CLAUSE = "目标任务导入模板"
MAX_ROWS = 2000

KEY_HEADERS = {"region": "地区", "department": "部门", "unit": "单位"}
LAYOUT_NAMES = {"region": "按地区", "department": "按部门", "unit": "按单位"}
SERIAL_HEADER = "序号"


def _wan_label(label: str) -> str:
    return label.replace("（", "（万", 1)


# header → (indicator, in 万?)
INDICATOR_HEADERS: dict[str, tuple[str, bool]] = {}
for _indicator in Indicator:
    INDICATOR_HEADERS[LABELS[_indicator]] = (_indicator.value, False)
    INDICATOR_HEADERS[_wan_label(LABELS[_indicator])] = (_indicator.value, True)

_EXAMPLES: dict[str, list[list[Any]]] = {
    "region": [
        [1, "市本级", 100000, 10500],
        [2, "金水区", 25000, None],
        [None, "县（市、区）合计", 25000, None],
        [None, "合计", 125000, 10500],
    ],
    "department": [[1, "市教育局", 1000, 300], [2, "市工信局", 500, 150], [None, "合计", 1500, 450]],
    "unit": [
        [1, "郑州商业技师学院", 500, None],
        [2, "郑州宇通集团有限公司", 50, None],
        [None, "合计", 550, None],
    ],
}
_EXAMPLE_COLUMNS: dict[str, tuple[str, str]] = {
    "region": (Indicator.SUBSIDISED, Indicator.APPRENTICES),
    "department": (Indicator.HIGH_SKILLED, Indicator.TECHNICIANS),
    "unit": (Indicator.HIGH_SKILLED, Indicator.TECHNICIANS),
}


def template_headers(layout: str) -> list[str]:
    return [SERIAL_HEADER, KEY_HEADERS[layout], *(LABELS[i] for i in Indicator)]


def template_bytes(layout: str) -> bytes:
    """The blank table with every indicator column; the example rows show which cells to fill."""
    headers = template_headers(layout)
    first, second = _EXAMPLE_COLUMNS[layout]
    rows = []
    for serial, label, a, b in _EXAMPLES[layout]:
        row: list[Any] = [serial, label] + [None] * len(Indicator)
        row[headers.index(LABELS[first])] = a
        row[headers.index(LABELS[second])] = b
        rows.append(row)
    return workbook_bytes(f"目标任务（{LAYOUT_NAMES[layout]}）", headers, rows)


@dataclass(frozen=True)
class SheetRow:
    row: int  # the spreadsheet's row number
    label: str
    figures: dict[str, int]  # indicator → persons


@dataclass
class SheetResult:
    rows: list[SheetRow] = field(default_factory=list)
    totals: list[SheetRow] = field(default_factory=list)
    problems: list[Violation] = field(default_factory=list)
    fatal: str = ""
    indicators: list[str] = field(default_factory=list)


def problem(row: int | None, header: str, value: str, message: str) -> Violation:
    return Violation(FORMAT_RULE, FORMAT_CLAUSE, message, field=header, row=row, value=value)


def is_total(label: str) -> bool:
    return label.endswith(("合计", "总计")) or label.startswith("全市目标")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _figure(value: Any, in_wan: bool) -> int:
    # A float from Excel is turned into its shortest decimal text first: 0.0315 stays 0.0315.
    text: str | Decimal = repr(value) if isinstance(value, float) else _text(value)
    return wan_to_persons(text) if in_wan else count_to_persons(text)


def _rows(content: bytes) -> list[Sequence[Any]]:
    try:
        return uploads.xlsx_rows(content, unreadable="无法读取文件：请上传用目标任务模板填写的 .xlsx 文件")
    except Refusal as exc:
        raise ValueError(exc.message) from None


def read_sheet(content: bytes, *, layout: str) -> SheetResult:
    result = SheetResult()
    try:
        rows = iter(_rows(content))
        header = next(rows, None)
        if header is None:
            result.fatal = "文件为空：第1行应为表头"
            return result
        headers = [_text(h) for h in header]
        key = KEY_HEADERS[layout]
        if key not in headers:
            result.problems.append(problem(1, key, "", f"表头缺少“{key}”列（{LAYOUT_NAMES[layout]}模板）"))
            return result
        key_col = headers.index(key)
        columns: list[tuple[int, str, str, bool]] = []  # (index, header, indicator, in 万)
        seen: dict[str, str] = {}
        for index, name in enumerate(headers):
            if index == key_col or name in ("", SERIAL_HEADER):
                continue
            if name not in INDICATOR_HEADERS:
                result.problems.append(problem(1, name, name, "无法识别的指标列，请使用模板中的列名"))
                continue
            indicator, in_wan = INDICATOR_HEADERS[name]
            if indicator in seen:
                result.problems.append(problem(1, name, name, f"与“{seen[indicator]}”是同一指标，重复"))
                continue
            seen[indicator] = name
            columns.append((index, name, indicator, in_wan))
        if not columns:
            result.problems.append(problem(1, "", "", "表头中没有任何指标列"))
            return result
        result.indicators = [c[2] for c in columns]
        labels: dict[str, int] = {}
        for number, values in enumerate(rows, start=2):
            cells = list(values) + [None] * (len(headers) - len(values))
            if all(_text(v) == "" for v in cells):
                continue
            if number - 1 > MAX_ROWS:
                result.fatal = f"行数超过上限 {MAX_ROWS} 行"
                return result
            label = _text(cells[key_col])
            figures: dict[str, int] = {}
            for index, name, indicator, in_wan in columns:
                raw = cells[index] if index < len(cells) else None
                if _text(raw) == "":
                    continue
                try:
                    figures[indicator] = _figure(raw, in_wan)
                except FigureError as exc:
                    result.problems.append(problem(number, name, _text(raw), str(exc)))
            if not label:
                result.problems.append(problem(number, key, "", f"“{key}”为空"))
                continue
            if label in labels:
                result.problems.append(problem(number, key, label, f"与第{labels[label]}行重复"))
                continue
            labels[label] = number
            target = result.totals if is_total(label) else result.rows
            target.append(SheetRow(number, label, figures))
        if not result.rows and not result.problems:
            result.fatal = "表中没有目标数据行"
    except ValueError as exc:
        result.fatal = str(exc)
    except Exception:
        result.fatal = "无法读取文件：文件已损坏或不是 .xlsx 格式"
    return result


REPORT_HEADERS = ("行号", "列", "填写内容", "规则", "依据", "问题")


def report_bytes(report: Sequence[dict[str, Any]]) -> bytes:
    rows = (
        [v.get("row") or "", v.get("field", ""), v.get("value", ""), v["rule"], v["clause"], v["message"]]
        for v in report
    )
    return workbook_bytes("目标任务导入问题清单", REPORT_HEADERS, rows)

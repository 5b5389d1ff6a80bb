"""Reading a 补贴性培训项目目录 spreadsheet: every problem of every row, or nothing.

The workbook is checked as a whole: file, header, then each row, with one query per check for the
whole batch (occupation codes, trades), never one per row. Nothing is written here; the service writes
only when the error list is empty.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jineng.catalogue.models import (
    LEVELLED_KINDS,
    LEVELLESS_KINDS,
    CertificateKind,
    Level,
    Occupation,
    SubsidyType,
)
from jineng.core import uploads
from jineng.core.errors import Refusal

HEADERS = [
    "职业编码",
    "职业名称",
    "工种",
    "等级",
    "证书类型",
    "最低课时",
    "补贴标准（元）",
    "补贴类型",
    "生效日期",
    "市级补充目录",
]
# A workbook of the first seven columns (the template before standards were versioned) still reads: its
# lines are 岗位技能提升培训 of the province list, in force from 1 January of the year. Its sixth header
# was "课时".
LEGACY_HEADERS = [*HEADERS[:5], "课时", HEADERS[6]]
TEMPLATE_EXAMPLE = [
    [
        "6-31-01-03",
        "电工",
        "",
        "五级/初级工",
        "职业技能等级证书",
        120,
        "1000.00",
        "岗位技能提升培训",
        "",
        "否",
    ],
    [
        "6-18-02-04",
        "焊工",
        "电焊工",
        "四级/中级工",
        "职业技能等级证书",
        160,
        "1500.00",
        "岗位技能提升培训",
        "",
        "否",
    ],
    [
        "4-10-01-06",
        "家政服务员",
        "",
        "",
        "专项职业能力证书",
        40,
        "600.00",
        "就业技能培训",
        "2023-03-01",
        "否",
    ],
]
_SUBSIDY_TYPES = {label: value for value, label in SubsidyType.choices} | {v: v for v in SubsidyType.values}
_YES = {"是": True, "否": False, "": False, "Y": True, "N": False, "1": True, "0": False}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
_LEVEL_WORDS = {
    "一级": 1,
    "高级技师": 1,
    "二级": 2,
    "技师": 2,
    "三级": 3,
    "高级工": 3,
    "四级": 4,
    "中级工": 4,
    "五级": 5,
    "初级工": 5,
}
_KINDS = {label: value for value, label in CertificateKind.choices} | {v: v for v in CertificateKind.values}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class ItemRow:
    row: int
    occupation: Occupation
    trade_name: str
    level: int | None
    certificate_kind: str
    hours: int
    subsidy: Decimal
    subsidy_type: str = SubsidyType.SKILL_UPGRADE.value
    valid_from: dt.date | None = None  # None: 1 January of the year for a new line
    supplementary: bool = False

    @property
    def key(self) -> tuple[int, str, int | None, str, str]:
        return (self.occupation.pk, self.trade_name, self.level, self.certificate_kind, self.subsidy_type)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_level(raw: str) -> int | None:
    """ "五级/初级工", "五级", "初级工", "五级（初级工）" or "5" → 5; "" → None; anything else: ValueError."""
    text = raw.strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    tokens = [t for t in re.split(r"[/／（）()\s]+", text) if t]
    levels = {_LEVEL_WORDS.get(t) for t in tokens}
    if len(levels) != 1 or None in levels:
        raise ValueError(text)
    return levels.pop()


def parse_workbook(content: bytes) -> tuple[list[tuple[int, list[Any]]], list[RowError]]:
    """The data rows (spreadsheet row number, cells) of the first sheet, header checked, or the file-level
    errors."""
    if not content:
        return [], [RowError(0, "", "", "文件为空")]
    if len(content) > MAX_BYTES:
        return [], [
            RowError(0, "", "", f"文件过大（{len(content) // 1024} KB），上限 {MAX_BYTES // 1024 // 1024} MB")
        ]
    try:
        sheet = uploads.xlsx_rows(
            content, unreadable="文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写"
        )
    except Refusal as exc:
        return [], [RowError(0, "", "", exc.message)]
    numbered = [(n, list(r)) for n, r in enumerate(sheet, start=1)]
    rows = [(n, r) for n, r in numbered if any(_text(v) for v in r)]
    if not rows:
        return [], [RowError(0, "", "", "文件为空：没有表头和数据行")]
    header_row, first = rows[0]
    header = [_text(v) for v in first]
    while header and not header[-1]:
        header.pop()
    if header == LEGACY_HEADERS:
        header = HEADERS[: len(LEGACY_HEADERS)]
    if header != HEADERS and header != HEADERS[: len(LEGACY_HEADERS)]:
        errors = []
        for i, expected in enumerate(HEADERS):
            found = header[i] if i < len(header) else ""
            if found != expected:
                errors.append(RowError(header_row, f"第{i + 1}列", found, f"表头应为“{expected}”"))
        for i in range(len(HEADERS), len(header)):
            errors.append(RowError(header_row, f"第{i + 1}列", header[i], "模板之外的多余列"))
        return [], errors
    data = rows[1:]
    if not data:
        return [], [RowError(0, "", "", "文件只有表头，没有数据行")]
    if len(data) > MAX_ROWS:
        return [], [RowError(0, "", "", f"数据行过多（{len(data)} 行），单次导入上限 {MAX_ROWS} 行")]
    return data, []


def check_rows(data: list[tuple[int, list[Any]]]) -> tuple[list[ItemRow], list[RowError]]:
    """Every row's problems; the occupations are looked up in one query for the whole file."""
    errors: list[RowError] = []
    cells = [(n, [*r, *[None] * len(HEADERS)][: len(HEADERS)]) for n, r in data]
    codes = {_text(c[0]) for _, c in cells}
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    items: list[ItemRow] = []
    seen: dict[tuple[int, str, int | None, str, str], int] = {}
    for row, c in cells:
        before = len(errors)

        def err(column: str, value: Any, message: str, row: int = row) -> None:
            errors.append(RowError(row, column, _text(value), message))

        code, name, trade, level_raw, kind_raw = (_text(v) for v in c[:5])
        occupation = None
        if not code:
            err("职业编码", code, "职业编码不能为空")
        elif not _CODE_RE.match(code):
            err("职业编码", code, "职业编码格式应为 X-XX-XX-XX（2022年版职业分类大典）")
        elif code not in occupations:
            err("职业编码", code, "2022年版职业分类大典中没有此职业编码")
        else:
            occupation = occupations[code]
            if name and name.rstrip("LS/") != occupation.name:
                err("职业名称", name, f"职业名称与编码不符：{code} 为“{occupation.name}”")
        if len(trade) > 64:
            err("工种", trade, "工种名称不能超过 64 个字")
        kind = _KINDS.get(kind_raw)
        if kind is None:
            err(
                "证书类型",
                kind_raw,
                "证书类型应为：" + "、".join(CertificateKind.labels) + "（规则 E02）",
            )
        level: int | None = None
        try:
            level = parse_level(level_raw)
        except ValueError:
            err("等级", level_raw, "等级应为：" + "、".join(Level.labels) + "，或留空")
        else:
            if kind in LEVELLED_KINDS and level is None:
                err("等级", level_raw, f"{CertificateKind(kind).label}须填写等级")
            if kind in LEVELLESS_KINDS and level is not None:
                err("等级", level_raw, f"{CertificateKind(kind).label}不分等级，等级须留空")
        hours = 0
        hours_raw = c[5]
        try:
            hours_value = Decimal(_text(hours_raw))
            if hours_value != hours_value.to_integral_value() or hours_value <= 0 or hours_value > 5000:
                raise InvalidOperation
            hours = int(hours_value)
        except (InvalidOperation, ValueError):
            err("课时", hours_raw, "课时应为 1 至 5000 之间的整数")
        subsidy = Decimal(0)
        subsidy_raw = c[6]
        try:
            subsidy = Decimal(_text(subsidy_raw).replace(",", "").replace("，", ""))
            if not subsidy.is_finite() or subsidy < 0 or subsidy >= Decimal("100000000"):
                raise InvalidOperation
            if subsidy != subsidy.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            err("补贴标准（元）", subsidy_raw, "补贴标准应为不小于 0 的金额（元），最多两位小数")
        type_raw, from_raw, supplementary_raw = c[7], c[8], _text(c[9])
        subsidy_type = _SUBSIDY_TYPES.get(_text(type_raw) or SubsidyType.SKILL_UPGRADE.label)
        if subsidy_type is None:
            err(
                "补贴类型",
                type_raw,
                "补贴类型应为：" + "、".join(SubsidyType.labels) + "，或留空（岗位技能提升培训）",
            )
        valid_from: dt.date | None = None
        if isinstance(from_raw, dt.datetime):
            valid_from = from_raw.date()
        elif isinstance(from_raw, dt.date):
            valid_from = from_raw
        elif _text(from_raw):
            try:
                valid_from = dt.date.fromisoformat(_text(from_raw))
            except ValueError:
                err("生效日期", from_raw, "生效日期应为日期（如 2023-03-01），或留空（当年1月1日）")
        supplementary = _YES.get(supplementary_raw)
        if supplementary is None:
            err("市级补充目录", supplementary_raw, "市级补充目录应填“是”或“否”，或留空（否）")
        if len(errors) > before or occupation is None or kind is None or subsidy_type is None:
            continue
        item = ItemRow(
            row,
            occupation,
            trade,
            level,
            kind,
            hours,
            subsidy.quantize(Decimal("0.01")),
            subsidy_type,
            valid_from,
            bool(supplementary),
        )
        if item.key in seen:
            err("职业编码", code, f"与第{seen[item.key]}行重复（同一职业、工种、等级、证书类型、补贴类型）")
            continue
        seen[item.key] = row
        items.append(item)
    return items, errors

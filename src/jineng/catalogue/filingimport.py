"""Reading a workbook of evaluation bodies' filings (I09): one row per scope line, rows of one 备案编号 forming
one filing. Every problem of every row, or the filings to record; nothing is written here (the service
records them all or none). The file goes through the one bounded reader (jineng.core.uploads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from jineng.catalogue.importing import RowError
from jineng.catalogue.models import CertificateKind, EvaluationFiling, Level, Occupation
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.regions.models import Region

FILING_IMPORT_HEADERS = [
    "统一社会信用代码",
    "评价机构",
    "备案类别",
    "备案编号",
    "可开展评价的区域",
    "备案日期",
    "生效日期",
    "失效日期",
    "职业编码",
    "证书类型",
    "等级",
]
FILING_TEMPLATE_EXAMPLE = [
    [
        "（统一社会信用代码）",
        "某职业技能鉴定站",
        "评价机构目录",
        "豫人社评备〔2021〕001号",
        "郑州市",
        "2021-03-01",
        "",
        "",
        "4-03-02-01",
        "职业技能等级证书",
        "四级/中级工",
    ],
    [
        "（统一社会信用代码）",
        "某职业技能鉴定站",
        "评价机构目录",
        "豫人社评备〔2021〕001号",
        "郑州市",
        "2021-03-01",
        "",
        "",
        "4-03-02-01",
        "专项职业能力证书",
        "",
    ],
]
KINDS = {label: value for value, label in EvaluationFiling.Kind.choices}
CERTIFICATES = {label: value for value, label in CertificateKind.choices}
LEVELS = {label: value for value, label in Level.choices}


@dataclass
class FilingPlan:
    """One filing as the rows of its 备案编号 give it, and the first row (where its refusal is reported)."""

    row: int
    organisation: Organisation
    kind: str
    ref: str
    region: Region
    filed_on: dt.date
    valid_from: dt.date | None
    valid_to: dt.date | None
    scope: list[tuple[Occupation, str, int | None]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def filings_read(
    content: bytes, *, organisations: QuerySet[Organisation], regions: QuerySet[Region]
) -> tuple[list[FilingPlan], list[RowError]]:
    """The filings of the workbook, or every problem: organisations by credit code among ``organisations``
    (the user's), regions by name among ``regions``."""
    try:
        sheet = uploads.xlsx_rows(
            content, unreadable="文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写", what="文件"
        )
    except Refusal as exc:
        return [], [RowError(0, "", "", exc.message)]
    rows = [(n, list(r)) for n, r in enumerate(sheet, start=1) if any(_text(v) for v in r)]
    if not rows:
        return [], [RowError(0, "", "", "文件为空：没有表头和数据行")]
    header = [_text(v) for v in rows[0][1]][: len(FILING_IMPORT_HEADERS)]
    if header != FILING_IMPORT_HEADERS:
        return [], [
            RowError(rows[0][0], "表头", "、".join(header), "表头应为：" + "、".join(FILING_IMPORT_HEADERS))
        ]
    data = rows[1:]
    if not data:
        return [], [RowError(0, "", "", "没有数据行")]
    cells = [(n, [*r, *[None] * len(FILING_IMPORT_HEADERS)][: len(FILING_IMPORT_HEADERS)]) for n, r in data]
    orgs = {
        o.credit_code: o
        for o in organisations.filter(credit_code__in={_text(c[0]).upper() for _, c in cells})
    }
    region_by_name = {r.name: r for r in regions}
    occupations = {o.code: o for o in Occupation.objects.filter(code__in={_text(c[8]) for _, c in cells})}
    plans: dict[str, FilingPlan] = {}
    errors: list[RowError] = []
    for n, c in cells:
        code, _name, kind, ref, region, _filed, _start, _end, occ, cert, level = (_text(v) for v in c)
        bad: list[RowError] = []
        org = orgs.get(code.upper())
        if org is None:
            bad.append(RowError(n, "统一社会信用代码", code, "本辖区没有登记该统一社会信用代码的机构"))
        if kind not in KINDS:
            bad.append(RowError(n, "备案类别", kind, "应为“评价机构目录”或“职业技能等级认定备案”"))
        if not ref:
            bad.append(RowError(n, "备案编号", ref, "备案编号不能为空"))
        if region not in region_by_name:
            bad.append(RowError(n, "可开展评价的区域", region, "应为本辖区或其上级区域的名称，如“郑州市”"))
        dates: list[dt.date | None] = []
        for column, value, required in (
            ("备案日期", c[5], True),
            ("生效日期", c[6], False),
            ("失效日期", c[7], False),
        ):
            try:
                day = _date(value)
            except ValueError:
                bad.append(RowError(n, column, _text(value), "应为日期，如 2021-03-01"))
                day = None
            if required and day is None and _text(value) == "":
                bad.append(RowError(n, column, "", "备案日期不能为空"))
            dates.append(day)
        if occ not in occupations:
            bad.append(RowError(n, "职业编码", occ, "2022年版职业分类大典中没有此职业编码"))
        if cert not in CERTIFICATES:
            bad.append(
                RowError(n, "证书类型", cert, "应为“职业技能等级证书”“专项职业能力证书”等证书类型名称")
            )
        level_value = LEVELS.get(level) if level else None
        if level and level_value is None:
            bad.append(RowError(n, "等级", level, "应为“四级/中级工”这样的等级名称，或留空"))
        if bad:
            errors += bad
            continue
        assert org is not None and dates[0] is not None
        plan = plans.get(ref)
        if plan is None:
            plan = plans[ref] = FilingPlan(
                n, org, KINDS[kind], ref, region_by_name[region], dates[0], dates[1], dates[2]
            )
        elif (plan.organisation, plan.kind, plan.region, plan.filed_on, plan.valid_from, plan.valid_to) != (
            org,
            KINDS[kind],
            region_by_name[region],
            dates[0],
            dates[1],
            dates[2],
        ):
            errors.append(
                RowError(n, "备案编号", ref, f"与第{plan.row}行同一备案编号，机构、类别、区域与日期须一致")
            )
            continue
        plan.scope.append((occupations[occ], CERTIFICATES[cert], level_value))
    return list(plans.values()), errors

"""The province's subsidy standards (补贴标准目录) as the pricing rules see them: plain facts, no models.

A standards item is one version of one line of the list: occupation × 工种 × level × certificate kind ×
subsidy type, with the minimum hours and the amount, in force from ``valid_from`` until (not including)
``valid_to``. The Django side (``catalogue``) stores and imports them; ``training`` names one on a class
and ``claims`` passes a class's candidates to :mod:`jineng.policy.subsidy`.

The resolution order of a claim line, decided once here and in ``subsidy._rate``:

1. the document's own amount, where the profile fixes one for the line's funding type and certificate
   (ZZ21 三(一): 600 / 1000 / 1500 / 2000 / 2500 / 1200);
2. else, where the profile's ``subsidy_by_province_standard`` is on (XC19 三(二) "补贴标准均按照省就业补助
   资金补贴标准执行"), the standards item of the class's occupation (and 工种), the trainee's certificate
   and level and the class's subsidy type in force on the class's start date — the most local region
   first (a city's supplementary list before the province's);
3. else a refusal: a missing standard names the item looked for and is never paid as zero.

A new national occupation (国家公布的新职业) is in force from its publication date at the earliest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jineng.policy.profiles import Profile
from jineng.policy.training import CERTIFICATE_KINDS, COMPLETION, FUNDING_TYPES, LEVEL_LABELS, ClassFacts
from jineng.policy.violations import Violation

SAMPLE_MARK = "示例标准（演示用，非官方）"

# 补贴类型 of a standards item; codes shared with jineng.catalogue.models.SubsidyType.
SUBSIDY_TYPES: Mapping[str, str] = {
    "skill_upgrade": "岗位技能提升培训",
    "employment": "就业技能培训",
    "entrepreneurship": "创业培训",
    "apprenticeship": "企业新型学徒制",
    # 评价补贴: priced per certificate by jineng.policy.evaluation; no class's funding type maps to it.
    "evaluation": "评价补贴",
}
# A class's funding type → the subsidy type of the items that can price it. 以工代训 (F03) is priced by
# the month and never by a standards item.
FUNDING_SUBSIDY_TYPES: Mapping[str, str] = {
    "new_hire": "skill_upgrade",
    "on_job": "skill_upgrade",
    "off_job": "skill_upgrade",
    "employment": "employment",
    "entrepreneurship": "entrepreneurship",
    "apprenticeship": "apprenticeship",
}
SWITCH = "subsidy_by_province_standard"

# F02: the document's amounts by certificate level (E07 numbering: 5 = 初级工 … 1 = 高级技师).
LEVELLED_KINDS = frozenset({"qualification", "skill_level"})
LEVEL_PARAMS: Mapping[int, tuple[str, str]] = {
    5: ("subsidy_junior", "初级工"),
    4: ("subsidy_intermediate", "中级工"),
    3: ("subsidy_senior", "高级工"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardItem:
    """One version of one line of a 补贴标准目录."""

    item_id: int
    region: str  # "河南省"
    year: int
    occupation_code: str
    occupation_name: str
    trade: str  # "" when the line is for the whole occupation
    level: int | None  # 5 = 五级/初级工 … 1; None for certificates without a level
    certificate_kind: str  # CERTIFICATE_KINDS code
    subsidy_type: str  # SUBSIDY_TYPES code
    min_hours: int
    amount: Decimal
    version: int
    valid_from: dt.date
    valid_to: dt.date | None = None  # the first day it no longer holds
    supplementary: bool = False  # a city's supplementary list (XC19 三(二))
    sample: bool = False  # not an official table (the demo's)
    occupation_published_on: dt.date | None = None  # a new national occupation: its publication date

    def __post_init__(self) -> None:
        if self.certificate_kind not in CERTIFICATE_KINDS:
            raise ValueError(f"unknown certificate kind {self.certificate_kind!r}")
        if self.subsidy_type not in SUBSIDY_TYPES:
            raise ValueError(f"unknown subsidy type {self.subsidy_type!r}")
        if self.level is not None and self.level not in LEVEL_LABELS:
            raise ValueError(f"level must be 1–5 or None, got {self.level}")
        if self.amount < 0 or self.min_hours < 0:
            raise ValueError("amount and minimum hours must not be negative")

    @property
    def starts(self) -> dt.date:
        published = self.occupation_published_on
        return max(self.valid_from, published) if published else self.valid_from

    def in_force(self, day: dt.date) -> bool:
        return self.starts <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def what(self) -> str:
        """ "电工·五级/初级工·职业技能等级证书（岗位技能提升培训）"."""
        return describe(
            self.occupation_name, self.trade, self.level, self.certificate_kind, self.subsidy_type
        )

    def cite(self) -> str:
        """The item as a line quotes it: table, year, code, what, amount, version and its first day."""
        table = "市级补充目录" if self.supplementary else "补贴标准目录"
        mark = f"{SAMPLE_MARK} " if self.sample else ""
        return (
            f"{mark}{self.region}{self.year}年{table} {self.occupation_code} {self.what} {_yuan(self.amount)}"
            f"，第{self.version}版 {self.valid_from.isoformat()}起"
        )


def _yuan(amount: Decimal) -> str:
    # as subsidy.yuan (which imports this module): fen shown only when there are any
    text = f"{amount.quantize(Decimal('0.01')):f}"
    return (text[:-3] if text.endswith(".00") else text) + "元"


def describe(occupation: str, trade: str, level: int | None, kind: str, subsidy_type: str) -> str:
    parts = [occupation]
    if trade and trade != occupation:
        parts.append(trade)
    if level is not None:
        parts.append(LEVEL_LABELS[level])
    parts.append(CERTIFICATE_KINDS[kind])
    return "·".join(parts) + f"（{SUBSIDY_TYPES[subsidy_type]}）"


def switch_on(profile: Profile) -> bool:
    return bool(profile.get(SWITCH))


def clause(profile: Profile) -> str:
    """The clause a standards refusal quotes: the switch's where the profile sets it, else the document."""
    if profile.param(SWITCH).is_set:
        return profile.cite(SWITCH)
    return f"{profile.code} 《{profile.document}》"


def document_param(
    profile: Profile, funding_type: str, certificate: str, level: int | None
) -> tuple[str, str] | None:
    """(parameter, label) of the document's own amount for this outcome, when the profile sets one."""
    if funding_type == "new_hire":
        found: tuple[str, str] | None = ("subsidy_new_hire", FUNDING_TYPES["new_hire"])
    elif funding_type in ("on_job", "off_job"):
        if certificate == COMPLETION:
            found = (
                ("subsidy_offjob_completion", "脱产培训合格证书")
                if funding_type == "off_job"
                else ("subsidy_completion", "培训合格证书")
            )
        elif certificate in LEVELLED_KINDS and level is not None:
            found = LEVEL_PARAMS.get(level)
        else:
            found = None
    else:
        found = None
    if found is None or not profile.param(found[0]).is_set:
        return None
    return found


def find(
    standards: Sequence[StandardItem],
    facts: ClassFacts,
    certificate: str,
    level: int | None,
    *,
    trade: str,
) -> StandardItem | None:
    """The item pricing this outcome on the class's start date (``standards`` most local region first):
    the class's 工种 line, else the occupation's own line."""
    subsidy_type = FUNDING_SUBSIDY_TYPES.get(facts.funding_type)
    if subsidy_type is None:
        return None
    level = level if certificate in LEVELLED_KINDS else None
    candidates = [
        s
        for s in standards
        if s.occupation_code == facts.occupation_code
        and s.certificate_kind == certificate
        and s.level == level
        and s.subsidy_type == subsidy_type
        and s.in_force(facts.start_date)
    ]
    for wanted in dict.fromkeys((trade, "")):
        for s in candidates:
            if s.trade == wanted:
                return s
    return None


def missing(
    profile: Profile, facts: ClassFacts, certificate: str, level: int | None, *, trade: str, region: str
) -> Violation:
    """A missing standard: refused, naming the item looked for."""
    subsidy_type = FUNDING_SUBSIDY_TYPES.get(facts.funding_type)
    if subsidy_type is None:
        what = FUNDING_TYPES[facts.funding_type]
        return Violation(
            "F02",
            clause(profile),
            f"“{what}”不按补贴标准目录计价，本政策口径也未规定其标准",
            field="补贴类别",
            value=what,
        )
    level = level if certificate in LEVELLED_KINDS else None
    item = describe(facts.occupation_name, trade, level, certificate, subsidy_type)
    where = f"{region}{facts.start_date.year}年"
    return Violation(
        "F02",
        clause(profile),
        f"{where}补贴标准目录中没有 {facts.start_date.isoformat()}（开班日期）有效的“{facts.occupation_code} {item}”标准，"
        "不予计算（缺少标准不按零元支付），请先导入该项目标准",
        field="补贴标准目录项目",
        value=item,
    )


def check_item(profile: Profile, facts: ClassFacts, item: StandardItem, *, trade: str) -> list[Violation]:
    """F02 at submission: the class's named item must be its occupation, 工种, level, certificate kind and
    subsidy type, in force on its start date, and the class must have at least the item's hours."""
    cite = clause(profile)
    out: list[Violation] = []

    def refuse(field: str, value: str, message: str) -> None:
        out.append(
            Violation(
                "F02", cite, f"与所选补贴标准目录项目“{item.what}”不符：{message}", field=field, value=value
            )
        )

    if item.occupation_code != facts.occupation_code:
        refuse(
            "培训职业",
            facts.occupation_code,
            f"目录项目为 {item.occupation_code}，本班为 {facts.occupation_code}",
        )
    if item.trade and item.trade != trade:
        refuse("工种", trade or "（未填）", f"目录项目为工种“{item.trade}”")
    if item.certificate_kind != facts.target_certificate:
        theirs, ours = CERTIFICATE_KINDS[item.certificate_kind], CERTIFICATE_KINDS[facts.target_certificate]
        refuse("拟取得证书", ours, f"目录项目为{theirs}")
    if item.level != (facts.level if facts.target_certificate in LEVELLED_KINDS else None):
        theirs = LEVEL_LABELS[item.level] if item.level is not None else "不分等级"
        ours = LEVEL_LABELS[facts.level] if facts.level is not None else "不分等级"
        refuse("等级", ours, f"目录项目为{theirs}")
    subsidy_type = FUNDING_SUBSIDY_TYPES.get(facts.funding_type)
    if subsidy_type != item.subsidy_type:
        refuse(
            "补贴类别",
            FUNDING_TYPES[facts.funding_type],
            f"目录项目为{SUBSIDY_TYPES[item.subsidy_type]}",
        )
    if facts.total_hours < item.min_hours:
        refuse(
            "总课时",
            str(facts.total_hours),
            f"总课时 {facts.total_hours}，低于目录规定的最低 {item.min_hours} 课时",
        )
    if not item.in_force(facts.start_date):
        until = f"至 {item.valid_to.isoformat()} 止" if item.valid_to else ""
        refuse(
            "开班日期",
            facts.start_date.isoformat(),
            f"该版本（第{item.version}版）自 {item.starts.isoformat()} 起{until}有效，开班日期不在其内",
        )
    return out

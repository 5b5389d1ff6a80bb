"""Rules of issue 5: the year's targets (H01, H02, H05, H07).

Pure Python: the Django side (``jineng.targets``) turns plan rows into plain values and shows what comes
back. The documents print their figures in 万 (XC23 附件1–2) or in persons (ZZ21, HC21, ZZHS21); a target
is always stored as an exact count of persons, converted here with :class:`~decimal.Decimal` so that
"0.0315" 万 is 315 persons and never 314.99999.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation

WAN = Decimal(10000)


class Indicator(StrEnum):
    """H02: the indicators the documents set targets for."""

    TRAINING = "training"
    SUBSIDISED = "subsidised"
    SKILLED = "skilled"
    HIGH_SKILLED = "high_skilled"
    TECHNICIANS = "technicians"
    APPRENTICES = "apprentices"
    RECOGNITION = "recognition_bodies"
    COMPETITIONS = "competitions"
    VOUCHERS_ISSUED = "vouchers_issued"
    VOUCHERS_USED = "vouchers_used"


LABELS: Mapping[str, str] = {
    Indicator.TRAINING: "职业技能培训（人次）",
    Indicator.SUBSIDISED: "其中补贴性培训（人次）",
    Indicator.SKILLED: "新增技能人才（人）",
    Indicator.HIGH_SKILLED: "新增高技能人才（人）",
    Indicator.TECHNICIANS: "其中技师、高级技师（人）",
    Indicator.APPRENTICES: "企业新型学徒制（人）",
    Indicator.RECOGNITION: "职业技能等级认定备案机构（家）",
    Indicator.COMPETITIONS: "技能竞赛（场）",
    Indicator.VOUCHERS_ISSUED: "发放培训券（张）",
    Indicator.VOUCHERS_USED: "使用培训券（张）",
}

# The unit word of each indicator, for messages ("少 315 人次").
UNITS: Mapping[str, str] = {
    Indicator.TRAINING: "人次",
    Indicator.SUBSIDISED: "人次",
    Indicator.SKILLED: "人",
    Indicator.HIGH_SKILLED: "人",
    Indicator.TECHNICIANS: "人",
    Indicator.APPRENTICES: "人",
    Indicator.RECOGNITION: "家",
    Indicator.COMPETITIONS: "场",
    Indicator.VOUCHERS_ISSUED: "张",
    Indicator.VOUCHERS_USED: "张",
}


class FigureError(ValueError):
    """A figure that is not an exact, non-negative count; the message is Chinese and names the value."""


def _decimal(text: str | Decimal | int) -> Decimal:
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    cleaned = str(text).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FigureError(f"“{text}”不是数字") from None
    if not value.is_finite():
        raise FigureError(f"“{text}”不是数字")
    return value


def wan_to_persons(text: str | Decimal) -> int:
    """ "0.0315" 万 → 315. Refuses what is not a whole number of persons: 0.00001 万 is 0.1 人."""
    value = _decimal(text) * WAN
    if value < 0:
        raise FigureError(f"“{text}”万为负数，目标数不能为负")
    if value != value.to_integral_value():
        raise FigureError(f"“{text}”万 = {value.normalize():f} 人，不是整数人数，请核对小数位")
    return int(value)


def count_to_persons(text: str | Decimal | int) -> int:
    """A figure printed in persons ("25000", "35 "): whole and non-negative, or refused."""
    value = _decimal(text)
    if value < 0:
        raise FigureError(f"“{text}”为负数，目标数不能为负")
    if value != value.to_integral_value():
        raise FigureError(f"“{text}”不是整数")
    return int(value)


def persons_to_wan(persons: int) -> str:
    """120000 → "12万", 315 → "0.0315万": the inverse of :func:`wan_to_persons`, exact."""
    wan = (Decimal(persons) / WAN).normalize()
    return f"{wan:f}万"


# --- H01: children against their parent, exactly ------------------------------------------------------


@dataclass(frozen=True)
class SumCheck:
    """One comparison of rows against the figure they decompose."""

    indicator: str
    parent_label: str  # "全市目标", "合计"
    parent: int
    children_label: str  # "各部门合计", "各县（市、区）合计"
    children: int

    @property
    def difference(self) -> int:
        """Signed: children − parent (negative: the rows fall short of the parent figure)."""
        return self.children - self.parent


def check_sum(
    *,
    indicator: str,
    parent_label: str,
    parent: int,
    children_label: str,
    children: Iterable[int],
    clause: str = "",
) -> Violation | None:
    """H01: the decomposition must add up to the parent figure exactly; the warning says by how much not.
    ``clause``: the table's own source, or the profile's H01 clause (the caller quotes it)."""
    total = sum(children)
    check = SumCheck(indicator, parent_label, parent, children_label, total)
    if check.difference == 0:
        return None
    unit = UNITS.get(indicator, "人")
    direction = "少" if check.difference < 0 else "多"
    message = (
        f"{children_label} {total} {unit}，比{parent_label} "
        f"{persons_to_wan(parent)}（{parent}{unit}）{direction} {abs(check.difference)} {unit}"
    )
    return Violation(rule="H01", clause=clause, message=message, field=LABELS.get(indicator, indicator))


# --- H05: the higher of the province's figure and the city's guidance -----------------------------------


@dataclass(frozen=True)
class Effective:
    persons: int
    source: str  # "province" | "city"


def effective_target(*, city_guidance: int, province: int | None) -> Effective:
    """H05: where the province has issued a figure, the higher one stands; until then the city's guidance."""
    if province is not None and province > city_guidance:
        return Effective(province, "province")
    return Effective(city_guidance, "city")


# --- H07: technical and vocational schools' yearly minimums --------------------------------------------

# organisation kind → (subsidised minimum parameter, apprentice minimum parameter, Chinese kind name)
SCHOOL_PARAMS: Mapping[str, tuple[str, str, str]] = {
    "technician_college": ("school_min_technician_college", "apprentice_min_technician_college", "技师学院"),
    "senior_technical_school": (
        "school_min_senior_technical",
        "apprentice_min_senior_technical",
        "高级技工学校",
    ),
    "technical_school": ("school_min_technical", "apprentice_min_technical", "普通技工学校"),
    "vocational_school": ("school_min_vocational", "apprentice_min_vocational", "职业学校"),
}


@dataclass(frozen=True)
class SchoolTarget:
    name: str
    kind: str  # an orgs.Organisation.Kind value
    subsidised: int | None  # None: the plan sets no such figure for the school
    apprentices: int | None


def check_school_minimums(profile: Profile, schools: Iterable[SchoolTarget]) -> list[Violation]:
    """H07: a school's yearly target below the profile's minimum. A minimum the profile leaves unset
    (``not_set``) is not checked: the document imposes none (e.g. ZZ21 has no vocational-school figure)."""
    found: list[Violation] = []
    for school in schools:
        params = SCHOOL_PARAMS.get(school.kind)
        if params is None:
            continue
        subsidised_param, apprentice_param, kind_name = params
        for figure, param, what in (
            (school.subsidised, subsidised_param, "年补贴性培训"),
            (school.apprentices, apprentice_param, "其中企业新型学徒制"),
        ):
            minimum = profile.get(param)
            if figure is None or minimum is None or figure >= minimum:
                continue
            found.append(
                Violation(
                    rule="H07",
                    clause=profile.cite(param),
                    message=f"{school.name}（{kind_name}）{what}目标 {figure} 人，低于不少于 {minimum} 人的要求",
                    field=school.name,
                    value=str(figure),
                )
            )
    return found

"""Progress against the year's targets: what a certificate counts toward (H03, E07, E08), completion
rate, rank, the behind-schedule flag, and the H04 ratios. Pure: counts and a profile in, figures and
violations out.

Indicator codes are those of jineng.policy.targets (iface5): "training", "subsidised", "skilled",
"high_skilled", "technicians", "apprentices", "vouchers_issued", "vouchers_used".
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation

# The national scale (国家职业资格 / 职业技能等级): 5 初级工 … 3 高级工, 2 技师, 1 高级技师. These are the
# documents' definitions, not numbers a profile tunes: E07 "高级工及以上", "技师、高级技师".
SENIOR_WORKER = 3
TECHNICIAN = 2

# Only these certificates carry a level and make a person 技能人才 (E07/E08 speak of 职业资格证书 or
# 职业技能等级证书); special-ability, special-operation and completion certificates do not.
LEVELLED_KINDS = frozenset({"qualification", "skill_level"})
# H04 third ratio: 专项职业能力证书和培训合格证书.
SPECIAL_AND_COMPLETION = frozenset({"special_ability", "completion"})

# The 2022 classification's major group 6 is 生产制造及有关人员: H04's "manufacturing" training is a
# class whose occupation lies in it (the department would misplace e.g. an 工信局 class in 电子商务).
MANUFACTURING_MAJOR_GROUP = "6"

RATE_QUANTUM = Decimal("0.0001")
K = TypeVar("K", bound=Hashable)


def certificate_counts_toward(*, kind: str, level: int | None, had_earlier: bool) -> frozenset[str]:
    """H03/E07/E08: the indicators one passed certificate counts toward.

    * 初级工 / 中级工 (levels 5, 4): new skilled talent.
    * 高级工 and above (E07, level ≤ 3): new high-skilled talent; 技师 / 高级技师 (≤ 2) also technicians.
    * E08: a person with no earlier 职业资格 / 技能等级 certificate who directly obtains 高级工 or above
      also counts as new skilled talent (XC23 附件2 备注2) — one who moves up from 中级 does not, he was
      counted when he became skilled.
    """
    if kind not in LEVELLED_KINDS or level is None:
        return frozenset()
    if level > SENIOR_WORKER:
        return frozenset({"skilled"})
    out = {"high_skilled"}
    if level <= TECHNICIAN:
        out.add("technicians")
    if not had_earlier:
        out.add("skilled")  # E08
    return frozenset(out)


def is_manufacturing(occupation_code: str) -> bool:
    """H04: a class counts as manufacturing when its occupation is in major group 6 (生产制造及有关人员)."""
    return occupation_code.split("-", 1)[0] == MANUFACTURING_MAJOR_GROUP


def completion_rate(actual: int, target: int) -> Decimal | None:
    """Share of the target done, exact to 0.01% (None: no target to measure against)."""
    if target <= 0:
        return None
    return (Decimal(actual) / Decimal(target)).quantize(RATE_QUANTUM, ROUND_HALF_UP)


def elapsed_share(year: int, today: dt.date) -> Decimal:
    """Share of the year gone by at the end of ``today``, in days (1 January = 1/365, 31 December = 1)."""
    if today.year < year:
        return Decimal(0)
    if today.year > year:
        return Decimal(1)
    days = 366 if _calendar.isleap(year) else 365
    return (Decimal(today.timetuple().tm_yday) / Decimal(days)).quantize(RATE_QUANTUM, ROUND_HALF_UP)


def behind_schedule(actual: int, target: int, *, year: int, today: dt.date) -> bool:
    """Behind when the share done is below the share of the year elapsed (days). No target: never."""
    rate = completion_rate(actual, target)
    return rate is not None and rate < elapsed_share(year, today)


def ranks(rates: Mapping[K, Decimal | None]) -> dict[K, int]:
    """Competition ranking by completion rate, highest first (1, 1, 3); rows without a target unranked."""
    ordered = sorted(((r, k) for k, r in rates.items() if r is not None), key=lambda p: p[0], reverse=True)
    out: dict[K, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (rate, key) in enumerate(ordered, start=1):
        if rate != previous:
            rank, previous = position, rate
        out[key] = rank
    return out


@dataclass(frozen=True)
class Ratio:
    """One H04 ratio as measured: numerator, denominator, share, the profile's bound and the verdict."""

    rule: str
    label: str
    numerator: int
    denominator: int
    share: Decimal | None
    bound: Decimal
    at_least: bool  # True: share ≥ bound is required; False: share ≤ bound
    clause: str

    @property
    def ok(self) -> bool:
        if self.share is None:
            return True
        return self.share >= self.bound if self.at_least else self.share <= self.bound

    def violation(self, where: str = "") -> Violation | None:
        if self.ok or self.share is None:
            return None
        sign = "不低于" if self.at_least else "不超过"
        return Violation(
            rule=self.rule,
            clause=self.clause,
            message=(
                f"{where}{self.label}为 {_pct(self.share)}（{self.numerator}/{self.denominator}），"
                f"应{sign} {_pct(self.bound)}"
            ),
            field=self.label,
            value=_pct(self.share),
        )


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _share(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator <= 0 else (Decimal(numerator) / Decimal(denominator)).quantize(RATE_QUANTUM)


def high_skilled_ratio(profile: Profile, *, high_skilled: int, skilled: int) -> Ratio:
    """H04: new high-skilled talent ≥ high_skilled_share_min of new skilled talent (XC23 一: 35%).
    Raises ParameterNotSet where the profile's document fixes no share."""
    return Ratio(
        rule="H04",
        label="新增高技能人才占新增技能人才比例",
        numerator=high_skilled,
        denominator=skilled,
        share=_share(high_skilled, skilled),
        bound=profile.value("high_skilled_share_min"),
        at_least=True,
        clause=profile.cite("high_skilled_share_min"),
    )


def manufacturing_ratio(profile: Profile, *, manufacturing: int, subsidised: int) -> Ratio:
    """H04: per county, manufacturing subsidised training ≥ manufacturing_share_min of all subsidised
    training (XC23 二(二): 30%); manufacturing = occupation major group 6 (see is_manufacturing)."""
    return Ratio(
        rule="H04",
        label="制造业补贴性培训占比",
        numerator=manufacturing,
        denominator=subsidised,
        share=_share(manufacturing, subsidised),
        bound=profile.value("manufacturing_share_min"),
        at_least=True,
        clause=profile.cite("manufacturing_share_min"),
    )


def special_completion_ratio(profile: Profile, *, special_and_completion: int, certificates: int) -> Ratio:
    """H04: 专项职业能力证书 + 培训合格证书 ≤ special_completion_cert_share_max of all certificates
    issued (XC23 二(三): 10%)."""
    return Ratio(
        rule="H04",
        label="专项能力与培训合格证书占比",
        numerator=special_and_completion,
        denominator=certificates,
        share=_share(special_and_completion, certificates),
        bound=profile.value("special_completion_cert_share_max"),
        at_least=False,
        clause=profile.cite("special_completion_cert_share_max"),
    )


# --- H08 宣传信息 ---------------------------------------------------------------------------------------
# Media levels as the document ranks them; 0 is what the platform records but H08 never counts (a township
# newsletter, an internal bulletin). "县级以上" and "市级以上" are the document's own thresholds (XC23 三(四)),
# definitions rather than numbers a profile tunes; the counts (3 and 1) are profile parameters.
MEDIA_OTHER, MEDIA_COUNTY, MEDIA_CITY, MEDIA_PROVINCE, MEDIA_NATIONAL = 0, 1, 2, 3, 4
MEDIA_LEVELS: Mapping[int, str] = {
    MEDIA_OTHER: "乡镇及以下或内部资料",
    MEDIA_COUNTY: "县级",
    MEDIA_CITY: "市级",
    MEDIA_PROVINCE: "省级",
    MEDIA_NATIONAL: "国家级",
}
H08 = "H08"
COUNTY, DEPARTMENT = "county", "department"
_H08_SIDES: Mapping[str, tuple[str, int, str]] = {
    # side → (profile parameter, lowest media level that counts, what the message calls the media)
    COUNTY: ("county_media_items_min", MEDIA_COUNTY, "县级以上媒体"),
    DEPARTMENT: ("department_media_items_min", MEDIA_CITY, "市级以上媒体"),
}


@dataclass(frozen=True)
class MediaStanding:
    """H08 for one county (各县（市、区）) or one city department (市直各成员单位) over a year."""

    kind: str  # COUNTY or DEPARTMENT
    key: Hashable
    name: str
    counted: int  # items in media at or above the side's level
    below: int  # items recorded in lower-level media: listed, never counted
    minimum: int
    clause: str

    @property
    def shortfall(self) -> int:
        return max(0, self.minimum - self.counted)

    @property
    def ok(self) -> bool:
        return self.shortfall == 0

    @property
    def media(self) -> str:
        return _H08_SIDES[self.kind][2]

    def violation(self) -> Violation | None:
        if self.ok:
            return None
        return Violation(
            rule=H08,
            clause=self.clause,
            message=(
                f"{self.name}在{self.media}发布宣传信息 {self.counted} 篇，应不少于 {self.minimum} 篇，"
                f"差 {self.shortfall} 篇"
            ),
            field="宣传信息篇数",
            value=str(self.counted),
        )


def media_standings(
    profile: Profile,
    *,
    counties: Mapping[K, tuple[str, Mapping[int, int]]],
    departments: Mapping[K, tuple[str, Mapping[int, int]]],
) -> list[MediaStanding]:
    """H08: each county's items in county-level-or-higher media against county_media_items_min, each
    city department's items in city-level-or-higher media against department_media_items_min.

    ``counties`` / ``departments``: key → (name, media level → number of the year's items). A side with
    rows asks its parameter, so a profile whose document fixes no count raises ParameterNotSet
    ("本政策口径未规定…") instead of judging against zero."""
    out: list[MediaStanding] = []
    for kind, rows in ((COUNTY, counties), (DEPARTMENT, departments)):
        if not rows:
            continue
        param, lowest, _ = _H08_SIDES[kind]
        minimum = int(profile.value(param))
        clause = profile.cite(param)
        for key, (name, by_level) in rows.items():
            counted = sum(n for level, n in by_level.items() if level >= lowest)
            below = sum(n for level, n in by_level.items() if level < lowest)
            out.append(MediaStanding(kind, key, name, counted, below, minimum, clause))
    return out


def media_violations(standings: list[MediaStanding]) -> list[Violation]:
    """The H08 shortfalls, one per county or department short of its minimum."""
    return [v for s in standings if (v := s.violation()) is not None]


# --- E09: the training ledger (技能培训台账) ------------------------------------------------------------------


def ledger_days_late(profile: Profile, *, ended: dt.date, entered: dt.date) -> int | None:
    """E09: how many days after the profile's deadline (``ledger_entry_days`` calendar days after the
    training ended: "培训结束后 15 日内") a ledger entry was made; 0 when on time, None when the profile
    sets no deadline (then there is nothing to be late for)."""
    days = profile.get("ledger_entry_days")
    if days is None:
        return None
    return max(0, (entered - ended).days - days)


def ledger_late_violation(profile: Profile, *, ended: dt.date, entered: dt.date) -> Violation | None:
    """E09 as the ledger page shows it: a warning, not a refusal (the training did happen; it is counted,
    and the lateness is on the record for the county's assessment)."""
    late = ledger_days_late(profile, ended=ended, entered=entered)
    if not late:
        return None
    days = profile.value("ledger_entry_days")
    return Violation(
        "E09",
        profile.cite("ledger_entry_days"),
        f"培训于 {ended:%Y-%m-%d} 结束，应在 {days} 日内录入台账，已逾期 {late} 日",
        field="结束日期",
        value=ended.isoformat(),
    )

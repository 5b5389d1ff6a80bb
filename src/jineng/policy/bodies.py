"""Who may evaluate what (I08, I09): an evaluation body assesses only the occupations, levels and
certificate kinds it is filed for (评价机构目录 / 职业技能等级认定备案), on a day its filing is in force and in
a region its filing covers; where no local body is filed, the bureau may arrange a body from elsewhere
for a class (跨区域提供服务, 统筹集中考核), and then the region is not asked.

Pure: the caller reads the filings and the bureau's decisions and passes them as plain rows. Regions are
compared by their materialised paths ("/410000/410100/"): a filing of a region covers every region below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation

FIELD = "考核机构"

# The labels of the certificate kinds and levels, for the messages (the codes of catalogue.models).
KIND_LABELS = {
    "qualification": "职业资格证书",
    "skill_level": "职业技能等级证书",
    "special_operation": "特种作业操作证",
    "special_equipment": "特种设备作业人员证",
    "special_ability": "专项职业能力证书",
    "completion": "培训合格证书",
}
LEVEL_LABELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}


@dataclass(frozen=True)
class FilingLine:
    """One line of a body's filing: an occupation × certificate kind × level (None: a kind with no level)."""

    body_id: int
    body_name: str
    filing_ref: str
    region_path: str
    region_name: str
    occupation_id: int
    certificate_kind: str
    level: int | None
    valid_from: dt.date
    valid_to: dt.date | None  # the first day the filing no longer holds

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def covers(self, region_path: str) -> bool:
        return region_path.startswith(self.region_path)

    def fits(self, want: Wanted) -> bool:
        return (
            self.occupation_id == want.occupation_id
            and self.certificate_kind == want.certificate_kind
            and self.level == want.level
        )


@dataclass(frozen=True)
class Wanted:
    """What an assessment asks of a body: the class's occupation and region, the kind, level and day."""

    occupation_id: int
    occupation_name: str
    certificate_kind: str
    level: int | None
    region_path: str
    region_name: str
    day: dt.date

    @property
    def scope_text(self) -> str:
        level = f"（{LEVEL_LABELS[self.level]}）" if self.level else ""
        return (
            f"{self.occupation_name}{level} {KIND_LABELS.get(self.certificate_kind, self.certificate_kind)}"
        )


def bodies_offered(want: Wanted, lines: Iterable[FilingLine], arranged: Iterable[int] = ()) -> set[int]:
    """I09/I08: the bodies that may run this assessment: filed for its scope, in force on its day, and
    either filed for a region that covers the class or arranged for the class by the bureau (I08)."""
    arranged_ids = set(arranged)
    return {
        ln.body_id
        for ln in lines
        if ln.fits(want)
        and ln.in_force(want.day)
        and (ln.covers(want.region_path) or ln.body_id in arranged_ids)
    }


def local_bodies(want: Wanted, lines: Iterable[FilingLine]) -> set[int]:
    """I08: the bodies filed for the scope, in force on the day, in a region covering the class."""
    return {
        ln.body_id for ln in lines if ln.fits(want) and ln.in_force(want.day) and ln.covers(want.region_path)
    }


def check_body(
    profile: Profile,
    want: Wanted,
    *,
    body_id: int,
    body_name: str,
    lines: Sequence[FilingLine],
    arranged: bool = False,
) -> Violation | None:
    """I09: the named body may run this assessment, or a violation saying why not (the nearest miss).
    ``lines``: the body's own filing lines; ``arranged``: the bureau arranged it for this class (I08)."""

    def no(message: str, rule: str = "I09") -> Violation:
        return Violation(rule, profile.rule_clause(rule), message, field=FIELD, value=body_name)

    mine = [ln for ln in lines if ln.body_id == body_id]
    if not mine:
        return no(f"{body_name}未列入评价机构目录，也未备案职业技能等级认定，不能承担{want.scope_text}的考核")
    same_occupation = [ln for ln in mine if ln.occupation_id == want.occupation_id]
    if not same_occupation:
        return no(f"{body_name}的备案范围不含“{want.occupation_name}”，不能承担该职业的考核")
    same_kind = [ln for ln in same_occupation if ln.certificate_kind == want.certificate_kind]
    if not same_kind:
        kinds = "、".join(
            sorted({KIND_LABELS.get(ln.certificate_kind, ln.certificate_kind) for ln in same_occupation})
        )
        return no(
            f"{body_name}对“{want.occupation_name}”备案的证书类别为{kinds}，不含{KIND_LABELS.get(want.certificate_kind, want.certificate_kind)}"
        )
    fitting = [ln for ln in same_kind if ln.level == want.level]
    if not fitting:
        levels = "、".join(
            LEVEL_LABELS.get(ln.level, "无等级") if ln.level else "无等级"
            for ln in sorted(same_kind, key=lambda ln: -(ln.level or 0))
        )
        asked = LEVEL_LABELS.get(want.level, "无等级") if want.level else "无等级"
        return no(f"{body_name}对“{want.occupation_name}”备案的等级为{levels}，不含{asked}")
    in_force = [ln for ln in fitting if ln.in_force(want.day)]
    if not in_force:
        ln = min(fitting, key=lambda x: abs((x.valid_from - want.day).days))
        if ln.valid_from > want.day:
            when = f"自 {ln.valid_from.isoformat()} 起生效"
        else:
            assert ln.valid_to is not None
            when = f"已于 {ln.valid_to.isoformat()} 失效"
        return no(
            f"{body_name}的备案（{ln.filing_ref}）{when}，考核日期 {want.day.isoformat()} 不在备案有效期内"
        )
    if arranged or any(ln.covers(want.region_path) for ln in in_force):
        return None
    regions = "、".join(sorted({ln.region_name for ln in in_force}))
    return no(
        f"{body_name}的备案区域为{regions}，不含本班所在的{want.region_name}；本地没有备案机构时，须由人社局作出跨区域（统筹集中）考核安排（规则 I08，依据 {profile.rule_clause('I08')}）"
    )

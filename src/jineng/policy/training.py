"""Rules of issue 3: class opening (A), roster eligibility (B), supervision (C), online (D), assessment (E).

Plain frozen dataclasses in, :class:`~jineng.policy.violations.Violation` values out. The Django side
builds the facts from the database (in bulk: :func:`check_roster` never does I/O per row) and shows the
violations; nothing here knows about models, requests or users.

Every number comes from the :class:`~jineng.policy.profiles.Profile`. A rule whose parameter the profile
leaves unset (``not_set`` in the TOML) is *not checked* under that profile: the document does not impose
it, and inventing a number would refuse classes the bureau accepts. Each function says which parameter
switches which rule.

Interpretations the documents leave open, decided once here:

* Occupation codes follow the 职业分类大典 (``6-02-06-01`` = 大类-中类-小类-细类, a trade may add a fifth
  segment). "相同或相近" (B04) means the same 小类, the first three segments; "同一职业分类" (B05) is the
  same 小类 too, so that for any pair of occupations exactly one of B04 "close" / B05 "different
  category" holds: a transfer is precisely a training that would not count as an upgrade in one's post.
* Months (B03, B07) are calendar months: ``add_months(2023-01-31, 1) == 2023-02-28``. As for any period
  (民法典 第二百零一条) the day the period starts from is not counted, so the period ends on the
  corresponding day of the later month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal, NamedTuple

from jineng.policy.identity import (
    RULE_B01_CLAUSE,
    InvalidIdNumber,
    birth_and_sex,
    checked_id_number,
    mask_id_number,
)
from jineng.policy.profiles import TRAINEE_GROUPS, Profile
from jineng.policy.violations import Violation
from jineng.policy.workdays import WorkCalendar

if TYPE_CHECKING:
    from jineng.policy.standards import StandardItem

# --- codes ----------------------------------------------------------------------------------------------

# E02: the certificate kinds of the documents. "completion" (培训合格证书) is the lowest; the others are
# not ranked against each other by any document, so E03 only asks "is anything above completion obtainable".
CERTIFICATE_KINDS: Mapping[str, str] = {
    "qualification": "职业资格证书",
    "skill_level": "职业技能等级证书",
    "special_operation": "特种作业操作证",
    "special_equipment": "特种设备作业人员证",
    "special_ability": "专项职业能力证书",
    "completion": "培训合格证书",
}
COMPLETION = "completion"

FUNDING_TYPES: Mapping[str, str] = {
    "new_hire": "新录用人员岗前培训",
    "on_job": "在岗职工技能提升培训",
    "off_job": "脱产培训",
    "apprenticeship": "企业新型学徒制",
    "yigong": "以工代训",
    "entrepreneurship": "创业培训",
    "employment": "就业技能培训",
}
# The funding types that are 技能提升培训 (岗位技能提升: employees' own upgrading, new hires' pre-job
# training, apprentices), as against 就业技能培训, 创业培训 and 以工代训: XC19's programme shares count these.
UPGRADE_FUNDING_TYPES = frozenset({"new_hire", "on_job", "off_job", "apprenticeship"})
DELIVERIES: Mapping[str, str] = {"offline": "线下", "online": "纯线上", "blended": "线上+线下"}
INSTITUTION_STATUSES: Mapping[str, str] = {"active": "正常", "suspended": "暂停", "exited": "已退出"}
ENROLMENT_STATUSES: Mapping[str, str] = {"enrolled": "在册", "withdrawn": "退出"}

# A15 names these two kinds (codes of jineng.orgs Organisation.Kind); schools are managed otherwise.
TEACHER_FILING_KINDS = frozenset({"private_school", "enterprise_centre"})

# B06 (graduating_year choice): XC23 exempts 特殊职业教育 and 普通高校 students.
GRADUATING_EXEMPT_SCHOOL_KINDS = frozenset({"special_vocational", "university"})

# E05: who set the exam, lowest to highest. The profile names the lowest acceptable level.
EXAM_LEVELS: tuple[str, ...] = ("institution", "county", "city", "province")
EXAM_LEVEL_LABELS: Mapping[str, str] = {
    "institution": "培训机构自行",
    "county": "县（区）级人社部门",
    "city": "市级人社部门",
    "province": "省级人社部门",
}

LEVEL_LABELS: Mapping[int, str] = {
    5: "五级/初级工",
    4: "四级/中级工",
    3: "三级/高级工",
    2: "二级/技师",
    1: "一级/高级技师",
}


def _require(value: str, allowed: Iterable[str], what: str) -> None:
    # A code outside the set is a bug in the caller (the Django choices), not a user's mistake.
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")


def _non_negative(**numbers: int) -> None:
    for name, number in numbers.items():
        if number < 0:
            raise ValueError(f"{name} must not be negative, got {number}")


# --- small helpers ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a roster repeats a handful of codes ten thousand times
def minor_group(occupation_code: str) -> str | None:
    """The 小类 of an occupation code ("6-02-06-01" → "6-02-06"); None when the code is too short."""
    parts = [p.strip() for p in occupation_code.strip().split("-")]
    if len(parts) < 3 or not all(parts[:3]):
        return None
    return "-".join(parts[:3])


@functools.lru_cache(maxsize=8192)  # B03/B07 ask it for every row, mostly of the same few dates
def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` calendar months later, clamped to the month's last day (1-31 + 1 → 2-28)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def percent(share: Decimal) -> str:
    """0.5 → "50%", 0.64646… → "64.6%" (one decimal, half-up: for messages only, never for decisions)."""
    value = (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}%"


def _ratio(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole)


def _int(profile: Profile, name: str) -> int | None:
    value = profile.get(name)
    return None if value is None else int(value)


def _dec(profile: Profile, name: str) -> Decimal | None:
    value = profile.get(name)
    return None if value is None else Decimal(value)


def _flag(profile: Profile, name: str) -> bool:
    # A bool parameter left unset behaves as false: the rule is not checked.
    return profile.get(name) is True


def _strs(profile: Profile, name: str) -> list[str] | None:
    value = profile.get(name)
    return None if value is None else [str(v) for v in value]


def _limit(profile: Profile, name: str) -> str:
    return profile.param(name).display()


_PAREN_RE = re.compile(r"[（(][^）)]*[）)]")


def _occupation_base_name(name: str) -> str:
    # 附件3 writes "电子商务师(含跨境电子商务师)"; the catalogue name is "电子商务师".
    return _PAREN_RE.sub("", name).strip()


def _name_in(name: str, names: Sequence[str]) -> bool:
    base = _occupation_base_name(name)
    return any(name.strip() == n or base == _occupation_base_name(n) for n in names)


# --- class facts ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TeacherFacts:
    """One teacher assigned to the class."""

    name: str
    occupation_code: str  # the occupation the teacher teaches (their 专业)
    full_time: bool  # 专职 (True) or 兼职 (False)
    filed: bool  # A15: in the institution's 师资报备 list


class CatalogueEntry(NamedTuple):
    """A11: one occupation of the institution on the 目录清单, in force from ``valid_from`` (the day of change)."""

    occupation_code: str
    valid_from: dt.date
    valid_to: dt.date | None  # last day in force; None = still listed


@dataclass(frozen=True, slots=True, kw_only=True)
class InstitutionFacts:
    """The training institution as it stands when the class is checked."""

    name: str
    kind: str  # jineng.orgs Organisation.Kind code: "private_school", "enterprise_centre", "technical_school", …
    city_code: str  # 6-digit region code of the institution's 地级市 ("411000")
    county_code: str  # 6-digit region code of its 县（区）("411002"); A13 group cross-county filing
    is_technical_school: bool  # 技工学校 of any grade: exempt from A13 cross-city approval
    degree_education: bool  # A09: may run 学制教育 → the higher yearly apprentice cap
    is_group_centre: bool = False  # A13: a 集团公司培训中心 (cross-county training needs filing)
    catalogue: tuple[CatalogueEntry, ...] = ()  # A11: every listing, past and present
    status: str = "active"  # "active" / "suspended" / "exited"
    status_until: dt.date | None = None  # last day of a suspension; None = open-ended
    latest_finding_on: dt.date | None = (
        None  # A12: date of the latest audit/inspection finding of a clear problem
    )
    fulltime_teachers: tuple[tuple[str, int], ...] = ()  # A08: (occupation code, full-time teachers) pairs

    def __post_init__(self) -> None:
        _require(self.status, INSTITUTION_STATUSES, "institution status")

    def fulltime_teachers_for(self, occupation_code: str) -> int:
        return sum(n for code, n in self.fulltime_teachers if code == occupation_code)

    def listed_for(self, occupation_code: str, on: dt.date) -> bool:
        """A11: listed for the occupation (or for the occupation a trade code belongs to) on ``on``."""
        for entry in self.catalogue:
            same = occupation_code == entry.occupation_code or occupation_code.startswith(
                entry.occupation_code + "-"
            )
            if same and entry.valid_from <= on and (entry.valid_to is None or on <= entry.valid_to):
                return True
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassFacts:
    """One class application (开班申请), everything check_class and the assessment rules read."""

    ref: str  # 开班编号
    occupation_code: str  # 职业分类大典 code of the occupation or trade ("6-31-01-03")
    occupation_name: str  # as in 附件3 of ZZ21/HC21 (D02 lists are by name)
    level: int | None  # 5 = 五级/初级工 … 1 = 一级/高级技师; None for certificates without a level
    target_certificate: str  # E02 kind code the class leads to (see CERTIFICATE_KINDS)
    obtainable_certificates: frozenset[str]  # E02 kind codes obtainable in this occupation (E03)
    occupation_hour_rule: int | None  # A07: the occupation's own minimum hours, if it has one
    planned_trainees: int  # 拟培训人数
    total_hours: int  # 总课时
    theory_hours: int  # 理论课时
    practical_hours: int  # 实操课时
    minutes_per_hour: int  # 每课时分钟数 (A04)
    online_hours: int  # theory hours taught on an online platform (D05)
    offline_practical_hours: int  # practical hours taught on site (D02)
    delivery: str  # "offline" / "online" / "blended"
    funding_type: str  # FUNDING_TYPES code
    teachers: tuple[TeacherFacts, ...]  # A01, A15
    teachers_for_major: int  # A06: teachers of this class who teach its major (专业)
    workstations: int  # 工位数 (A02)
    start_date: dt.date
    end_date: dt.date
    institution: InstitutionFacts
    location_city_code: str  # 培训地点所在地级市 (A13)
    location_county_code: str  # 培训地点所在县（区）(A13)
    cross_city_approved: bool = False  # A13: the provincial office agreed to a cross-city class
    location_has_local_institution: bool = True  # A13: the location's city has its own institutions for it
    cross_county_filed: bool = False  # A13: a group centre's cross-county class was filed and agreed
    apprentices_in_occupation: int = 0  # A08: apprentices the institution already trains in this occupation
    apprentices_same_enterprise_occupation: int = 0  # A09: same institution + enterprise + occupation
    apprentices_institution_year: int = 0  # A09: the institution's apprentices this year
    online_platform_listed: bool = False  # D01/D05: the online platform is on the catalogue
    trade_name: str = ""  # 工种, when the class names one
    standard: StandardItem | None = None  # F02: the 补贴标准目录 item the class names (policy.standards)
    programme: str = ""  # J03: the profile's special programme the class counts towards; "" = none

    def __post_init__(self) -> None:
        _require(self.target_certificate, CERTIFICATE_KINDS, "certificate kind")
        for kind in self.obtainable_certificates:
            _require(kind, CERTIFICATE_KINDS, "certificate kind")
        _require(self.delivery, DELIVERIES, "delivery")
        _require(self.funding_type, FUNDING_TYPES, "funding type")
        if self.level is not None and self.level not in LEVEL_LABELS:
            raise ValueError(f"level must be 1–5 or None, got {self.level}")
        _non_negative(
            planned_trainees=self.planned_trainees,
            total_hours=self.total_hours,
            theory_hours=self.theory_hours,
            practical_hours=self.practical_hours,
            minutes_per_hour=self.minutes_per_hour,
            online_hours=self.online_hours,
            offline_practical_hours=self.offline_practical_hours,
            teachers_for_major=self.teachers_for_major,
            workstations=self.workstations,
        )

    @property
    def higher_certificates(self) -> frozenset[str]:
        """E03: obtainable kinds above the completion certificate."""
        return self.obtainable_certificates - {COMPLETION}


# --- A, D: check_class -----------------------------------------------------------------------------------


def check_class(profile: Profile, facts: ClassFacts, *, today: dt.date) -> list[Violation]:
    """Every class-opening rule, all at once so the institution sees every problem in one pass.

    Rules and the parameters that switch them on (unset → not checked under that profile):

    * A01 ``max_trainees_per_teacher`` — planned trainees ≤ N × teachers.
    * A02 ``max_trainees_per_workstation`` — planned trainees ≤ N × workstations.
    * A03 ``max_class_size``.  A04 ``min_minutes_per_class_hour``.
    * A05 ``min_practical_share`` — practical / total ≥ share, compared exactly in Decimal; theory +
      practical must add up to the total, or the share would mean nothing.
    * A06 ``min_teachers_per_major``.
    * A07 ``min_hours_completion_only`` — only when nothing above the completion certificate is
      obtainable; an occupation's own hour rule replaces the number ("有明确学时规定的除外").
    * A08 ``apprentice_per_fulltime_teacher_max`` and A09 ``apprentice_*`` — apprenticeship classes only;
      the counts already in the system plus this class's planned trainees.
    * A11 ``catalogue_listing_required`` — listed for the occupation on the start date (a change of
      occupations counts from its day), and not exited or suspended (suspension judged on ``today``
      and on the start date).
    * A12 ``audit_findings_since`` — a finding on or after that date bars the institution.
    * A13 ``cross_city_approval_required`` / ``group_cross_county_filing_required``.
    * A15 ``teacher_filing_required`` — private schools and enterprise centres only.
    * D01 ``online_platform_must_be_listed`` and D05 ``max_online_theory_share`` — when any hours are online.
    * D02 ``online_fully_online_occupations`` / ``online_offline_required_occupations`` /
      ``online_offline_min_hours`` — online and blended classes; an occupation on both lists (HC21 prints
      some twice) needs the offline hours, the stricter reading.
    * E03 ``higher_certificate_required`` — refused already at opening, since the assessment would be.
    """
    out: list[Violation] = []
    n = facts.planned_trainees

    limit = _int(profile, "max_trainees_per_teacher")
    if limit is not None:
        teachers = len(facts.teachers)
        if n > limit * teachers:
            out.append(
                Violation(
                    "A01",
                    profile.cite("max_trainees_per_teacher"),
                    f"拟培训人数 {n} 人，授课教师 {teachers} 名，师生比超过 1:{limit}（最多 {limit * teachers} 人）",
                    field="授课教师",
                    value=str(teachers),
                )
            )

    limit = _int(profile, "max_trainees_per_workstation")
    if limit is not None and n > limit * facts.workstations:
        out.append(
            Violation(
                "A02",
                profile.cite("max_trainees_per_workstation"),
                f"拟培训人数 {n} 人，工位 {facts.workstations} 个，工位与学员比超过 1:{limit}（最多 {limit * facts.workstations} 人）",
                field="工位数",
                value=str(facts.workstations),
            )
        )

    limit = _int(profile, "max_class_size")
    if limit is not None and n > limit:
        out.append(
            Violation(
                "A03",
                profile.cite("max_class_size"),
                f"拟培训人数 {n} 人，超过每班 {limit} 人的上限",
                field="拟培训人数",
                value=str(n),
            )
        )

    limit = _int(profile, "min_minutes_per_class_hour")
    if limit is not None and facts.minutes_per_hour < limit:
        out.append(
            Violation(
                "A04",
                profile.cite("min_minutes_per_class_hour"),
                f"每课时 {facts.minutes_per_hour} 分钟，低于 {limit} 分钟",
                field="每课时分钟数",
                value=str(facts.minutes_per_hour),
            )
        )

    out += _a05(profile, facts)

    limit = _int(profile, "min_teachers_per_major")
    if limit is not None and facts.teachers_for_major < limit:
        out.append(
            Violation(
                "A06",
                profile.cite("min_teachers_per_major"),
                f"本专业授课教师 {facts.teachers_for_major} 名，每个专业每个班级不少于 {limit} 名",
                field="授课教师",
                value=str(facts.teachers_for_major),
            )
        )

    out += _a07(profile, facts)
    out += _a08_a09(profile, facts)
    out += _a11(profile, facts, today)
    out += _a12(profile, facts)
    out += _a13(profile, facts)
    out += _a15(profile, facts)
    out += _d01_d05(profile, facts)
    out += _d02(profile, facts)
    out += _e03(profile, facts)
    out += check_programme(profile, facts.programme)
    if facts.standard is not None:
        from jineng.policy.standards import check_item  # standards reads ClassFacts from here

        out += check_item(profile, facts, facts.standard, trade=facts.trade_name)
    return out


def _a05(profile: Profile, facts: ClassFacts) -> list[Violation]:
    share = _dec(profile, "min_practical_share")
    if share is None:
        return []
    cite = profile.cite("min_practical_share")
    total, practical = facts.total_hours, facts.practical_hours
    if total == 0:
        return [Violation("A05", cite, "总课时为 0，无法计算实操课时占比", field="总课时", value="0")]
    if facts.theory_hours + practical != total:
        return [
            Violation(
                "A05",
                cite,
                f"理论课时 {facts.theory_hours} 与实操课时 {practical} 之和不等于总课时 {total}",
                field="总课时",
                value=str(total),
            )
        ]
    if Decimal(practical) < share * total:
        return [
            Violation(
                "A05",
                cite,
                f"实操课时 {practical} 占总课时 {total} 的 {percent(_ratio(practical, total))}，低于 {_limit(profile, 'min_practical_share')}",
                field="实操课时",
                value=str(practical),
            )
        ]
    return []


def _a07(profile: Profile, facts: ClassFacts) -> list[Violation]:
    default = _int(profile, "min_hours_completion_only")
    if default is None or facts.target_certificate != COMPLETION or facts.higher_certificates:
        return []
    own = facts.occupation_hour_rule
    minimum = own if own is not None else default
    if facts.total_hours >= minimum:
        return []
    basis = f"该职业（工种）规定的 {own} 学时" if own is not None else f"{default} 学时"
    return [
        Violation(
            "A07",
            profile.cite("min_hours_completion_only"),
            f"只能取得培训合格证书的培训总课时 {facts.total_hours}，少于{basis}",
            field="总课时",
            value=str(facts.total_hours),
        )
    ]


def _a08_a09(profile: Profile, facts: ClassFacts) -> list[Violation]:
    if facts.funding_type != "apprenticeship":
        return []
    return check_apprentice_caps(
        profile,
        ApprenticeCounts(
            occupation_code=facts.occupation_code,
            adding=facts.planned_trainees,
            in_occupation=facts.apprentices_in_occupation,
            same_enterprise_occupation=facts.apprentices_same_enterprise_occupation,
            institution_year=facts.apprentices_institution_year,
        ),
        facts.institution,
        adding_what="本班",
        field="拟培训人数",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprenticeCounts:
    """A08/A09: the new apprentices an institution takes on (a class, or a cohort of 企业新型学徒制) and
    the apprentices it already trains: in the occupation, for the same enterprise and occupation, and in
    the year."""

    occupation_code: str
    adding: int
    in_occupation: int = 0  # A08
    same_enterprise_occupation: int = 0  # A09
    institution_year: int = 0  # A09


def check_apprentice_caps(
    profile: Profile,
    counts: ApprenticeCounts,
    institution: InstitutionFacts,
    *,
    adding_what: str,
    field: str,
    row: int | None = None,
) -> list[Violation]:
    """A08 (≤ N × the institution's full-time teachers of the occupation) and A09 (same institution +
    enterprise + occupation ≤ cap; per institution per year ≤ the cap of its kind), each where the
    profile sets its number. ``adding_what`` names the newcomers in the message ("本班", "本次新增")."""
    out: list[Violation] = []
    n = counts.adding
    factor = _int(profile, "apprentice_per_fulltime_teacher_max")
    if factor is not None:
        teachers = institution.fulltime_teachers_for(counts.occupation_code)
        total = counts.in_occupation + n
        if total > factor * teachers:
            out.append(
                Violation(
                    "A08",
                    profile.cite("apprentice_per_fulltime_teacher_max"),
                    f"该职业学徒已有 {counts.in_occupation} 人，加{adding_what} {n} 人共 {total} 人，超过该职业专职教师 {teachers} 名的 {factor} 倍（{factor * teachers} 人）",
                    field=field,
                    row=row,
                    value=str(n),
                )
            )
    cap = _int(profile, "apprentice_same_enterprise_occupation_max")
    if cap is not None:
        total = counts.same_enterprise_occupation + n
        if total > cap:
            out.append(
                Violation(
                    "A09",
                    profile.cite("apprentice_same_enterprise_occupation_max"),
                    f"本机构对同一企业同一职业的学徒已有 {counts.same_enterprise_occupation} 人，加{adding_what} {n} 人共 {total} 人，超过 {cap} 人",
                    field=field,
                    row=row,
                    value=str(n),
                )
            )
    name = (
        "apprentice_yearly_max_degree_school"
        if institution.degree_education
        else "apprentice_yearly_max_other"
    )
    cap = _int(profile, name)
    if cap is not None:
        total = counts.institution_year + n
        if total > cap:
            kind = "具备学制教育资质的机构" if institution.degree_education else "不具备学制教育资质的机构"
            out.append(
                Violation(
                    "A09",
                    profile.cite(name),
                    f"本机构年内学徒已有 {counts.institution_year} 人，加{adding_what} {n} 人共 {total} 人，超过{kind}年 {cap} 人的上限",
                    field=field,
                    row=row,
                    value=str(n),
                )
            )
    return out


def _a11(profile: Profile, facts: ClassFacts, today: dt.date) -> list[Violation]:
    if not _flag(profile, "catalogue_listing_required"):
        return []
    cite = profile.cite("catalogue_listing_required")
    inst = facts.institution
    out: list[Violation] = []
    if inst.status == "exited":
        out.append(
            Violation("A11", cite, f"培训机构“{inst.name}”已退出目录清单", field="培训机构", value=inst.name)
        )
    elif inst.status == "suspended" and (inst.status_until is None or inst.status_until >= today):
        until = f"至 {inst.status_until.isoformat()}" if inst.status_until else "（未定期限）"
        out.append(
            Violation("A11", cite, f"培训机构“{inst.name}”暂停开班{until}", field="培训机构", value=inst.name)
        )
    elif (
        inst.status == "suspended" and inst.status_until is not None and inst.status_until >= facts.start_date
    ):
        out.append(
            Violation(
                "A11",
                cite,
                f"培训机构“{inst.name}”暂停开班至 {inst.status_until.isoformat()}，开班日期 {facts.start_date.isoformat()} 在暂停期内",
                field="开班日期",
                value=facts.start_date.isoformat(),
            )
        )
    if not inst.listed_for(facts.occupation_code, facts.start_date):
        out.append(
            Violation(
                "A11",
                cite,
                f"培训机构“{inst.name}”在开班日期 {facts.start_date.isoformat()} 未就职业（工种）{facts.occupation_name}（{facts.occupation_code}）纳入目录清单",
                field="培训职业",
                value=facts.occupation_code,
            )
        )
    return out


def _a12(profile: Profile, facts: ClassFacts) -> list[Violation]:
    since = profile.get("audit_findings_since")
    found = facts.institution.latest_finding_on
    if since is None or found is None or found < since:
        return []
    return [
        Violation(
            "A12",
            profile.cite("audit_findings_since"),
            f"培训机构“{facts.institution.name}”于 {found.isoformat()} 被审计、检查发现明显问题（{since.isoformat()} 以来），不得开展补贴性培训",
            field="培训机构",
            value=found.isoformat(),
        )
    ]


def _a13(profile: Profile, facts: ClassFacts) -> list[Violation]:
    out: list[Violation] = []
    inst = facts.institution
    if (
        _flag(profile, "cross_city_approval_required")
        and facts.location_city_code != inst.city_code
        and facts.location_has_local_institution
        and not inst.is_technical_school
        and not facts.cross_city_approved
    ):
        out.append(
            Violation(
                "A13",
                profile.cite("cross_city_approval_required"),
                f"培训地点所在地市（{facts.location_city_code}）与机构所在地市（{inst.city_code}）不同，且当地已有相关培训机构：跨地市补贴性培训须经省领导小组办公室同意",
                field="培训地点",
                value=facts.location_city_code,
            )
        )
    if (
        _flag(profile, "group_cross_county_filing_required")
        and inst.is_group_centre
        and facts.location_county_code != inst.county_code
        and not facts.cross_county_filed
    ):
        out.append(
            Violation(
                "A13",
                profile.cite("group_cross_county_filing_required"),
                f"集团培训中心在县（区）{facts.location_county_code} 跨区域培训，须先向当地人力资源社会保障局报备同意",
                field="培训地点",
                value=facts.location_county_code,
            )
        )
    return out


def _a15(profile: Profile, facts: ClassFacts) -> list[Violation]:
    if not _flag(profile, "teacher_filing_required") or facts.institution.kind not in TEACHER_FILING_KINDS:
        return []
    return [
        Violation(
            "A15",
            profile.cite("teacher_filing_required"),
            f"教师 {t.name} 未在本机构专职师资报备名单中",
            field="授课教师",
            value=t.name,
        )
        for t in facts.teachers
        if not t.filed
    ]


def _d01_d05(profile: Profile, facts: ClassFacts) -> list[Violation]:
    out: list[Violation] = []
    online = facts.online_hours
    if online == 0 and facts.delivery == "offline":
        return out
    if _flag(profile, "online_platform_must_be_listed") and not facts.online_platform_listed:
        out.append(
            Violation(
                "D01",
                profile.cite("online_platform_must_be_listed"),
                "线上培训平台未纳入目录清单或未经报备审核",
                field="线上平台",
            )
        )
    share = _dec(profile, "max_online_theory_share")
    if share is None:
        return out
    cite = profile.cite("max_online_theory_share")
    if online > facts.theory_hours:
        out.append(
            Violation(
                "D05",
                cite,
                f"线上课时 {online} 超过理论课时 {facts.theory_hours}：只有理论学习部分可以线上培训",
                field="线上理论课时",
                value=str(online),
            )
        )
    if facts.total_hours > 0 and Decimal(online) > share * facts.total_hours:
        out.append(
            Violation(
                "D05",
                cite,
                f"线上理论课时 {online} 占总课时 {facts.total_hours} 的 {percent(_ratio(online, facts.total_hours))}，超过 {_limit(profile, 'max_online_theory_share')}",
                field="线上理论课时",
                value=str(online),
            )
        )
    return out


def _d02(profile: Profile, facts: ClassFacts) -> list[Violation]:
    if facts.delivery == "offline":
        return []
    fully = _strs(profile, "online_fully_online_occupations")
    offline_required = _strs(profile, "online_offline_required_occupations")
    min_hours = _int(profile, "online_offline_min_hours")
    if fully is None or offline_required is None:
        return []
    name = facts.occupation_name
    if _name_in(name, offline_required):
        if min_hours is not None and facts.offline_practical_hours < min_hours:
            return [
                Violation(
                    "D02",
                    profile.cite("online_offline_min_hours"),
                    f"职业（工种）{name} 线上培训须开展不少于 {min_hours} 学时的线下实训，本班线下实训 {facts.offline_practical_hours} 学时",
                    field="线下实训课时",
                    value=str(facts.offline_practical_hours),
                )
            ]
        return []
    if _name_in(name, fully):
        return []
    return [
        Violation(
            "D02",
            profile.cite("online_fully_online_occupations"),
            f"职业（工种）{name} 不在“互联网+职业技能培训”职业（工种）目录中，不得线上培训",
            field="授课形式",
            value=DELIVERIES[facts.delivery],
        )
    ]


def _e03(profile: Profile, facts: ClassFacts, *, field: str = "拟取得证书") -> list[Violation]:
    higher = facts.higher_certificates
    if (
        not _flag(profile, "higher_certificate_required")
        or facts.target_certificate != COMPLETION
        or not higher
    ):
        return []
    kinds = "、".join(CERTIFICATE_KINDS[k] for k in CERTIFICATE_KINDS if k in higher)
    return [
        Violation(
            "E03",
            profile.cite("higher_certificate_required"),
            f"该职业（工种）可取得{kinds}，须组织学员参加相应鉴定评价或考核，直接组织培训合格证书考核的不予认可",
            field=field,
            value=CERTIFICATE_KINDS[COMPLETION],
        )
    ]


# --- A10: review deadlines ---------------------------------------------------------------------------------


def class_review_due(
    profile: Profile, work_calendar: WorkCalendar, received_on: dt.date, stage: Literal["dept", "hr"]
) -> dt.date | None:
    """A10: the last day for a review step, ``class_{stage}_review_working_days`` working days after receipt.

    The start day is not counted (see :mod:`jineng.policy.workdays`). None when the profile sets no
    deadline. Raises CalendarNotCovered for a year nobody has entered: a deadline is never guessed.
    """
    days = _int(profile, f"class_{stage}_review_working_days")
    if days is None:
        return None
    return work_calendar.add_working_days(received_on, days)


# --- B: roster ----------------------------------------------------------------------------------------------


# Not frozen, unlike the other facts: a roster makes ten thousand of these and a batch of claims a
# million, and a frozen dataclass's __init__ sets each field through object.__setattr__, twice the
# cost. Nothing here changes them; they are never hashed.
@dataclass(slots=True, kw_only=True)
class RosterRow:
    """One row of the uploaded 花名册, as typed (the ID number raw, not yet validated)."""

    row: int  # row number as in the spreadsheet (header is row 1)
    id_number: str  # raw 身份证号
    name: str
    phone: str = ""
    employer: str = ""  # 工作单位: credit code or name
    is_employee: bool = False  # 企业职工 (B04)
    post_occupation_code: str = ""  # 现岗位职业编码 (B04)
    is_transfer: bool = False  # 转岗职工 (B05)
    previous_post_occupation_code: str = ""  # 原岗位职业编码 (B05)
    hired_on: dt.date | None = None  # 入职日期 (B07)
    is_student: bool = False  # 在校生 (B06)
    school_org_id: int | None = None  # the school, when it is an organisation in the system
    school_kind: str = ""  # B06: "special_vocational" / "university" are exempt under graduating_year
    major_occupation_code: str = ""  # 在读专业对应职业编码 (B06 current_major)
    is_graduating_year: bool = False  # 毕业年度 (B06 graduating_year)
    wants_training: bool | None = None  # A14 questionnaire; None = not answered
    wants_work: bool | None = None
    able_to_work: bool | None = None
    group: str = ""  # J03: TRAINEE_GROUPS code; "" = not declared
    place_code: str = ""  # J01: 常住地或求职就业地, a 6-digit GB/T 2260 code; "" = not declared
    sentence_ends_on: dt.date | None = None  # J02: 刑期届满日期 (prisoners)
    trained_in_sentence: bool | None = None  # J02: trained during the sentence; None = not answered
    held_level: int | None = None  # J02: the level the trainee holds in the class's occupation, if any


@dataclass(slots=True, kw_only=True)  # not frozen: see RosterRow
class Enrolment:
    """A person's enrolment the system already knows about (any institution, any year)."""

    class_ref: str
    occupation_code: str
    level: int | None
    funding_type: str
    start_date: dt.date
    end_date: dt.date
    assessed_on: dt.date | None  # set when the class was assessed: the B03 clock starts here
    subsidised: bool
    status: str = "enrolled"  # "enrolled" / "withdrawn"
    institution: str = ""  # for the message only

    def __post_init__(self) -> None:
        _require(self.funding_type, FUNDING_TYPES, "funding type")
        _require(self.status, ENROLMENT_STATUSES, "enrolment status")

    @property
    def counts(self) -> bool:
        """Whether it counts for B02/B03/B08: subsidised and not withdrawn from."""
        return self.subsidised and self.status != "withdrawn"


# What the system knows per person, keyed by the normalised ID number (identity.normalise_id_number).
PersonHistory = Mapping[str, Sequence[Enrolment]]


def _level_label(level: int | None) -> str:
    return LEVEL_LABELS[level] if level is not None else "无等级"


@dataclass(frozen=True, slots=True)
class _RosterParams:
    """The profile's B-rule and A14 parameters, read once per roster instead of once per row (a
    10,000-row roster made 300,000 profile look-ups). ``None`` / ``False``: the rule is not set."""

    b02_limit: int | None
    b02_cite: str
    b03_months: int | None
    b03_cite: str
    b04: bool
    b04_cite: str
    b05: bool
    b05_cite: str
    b06: str | None
    b06_cite: str
    b07_months: int | None
    b07_cite: str
    b08_other: str | None  # the funding type this class's excludes, when B08 applies to it
    b08_cite: str
    a14: bool
    a14_cite: str
    target_group: str | None  # 小类 of the class's occupation (B04–B06)
    j01_city: str | None  # J01: the 4-digit prefix of the class's city, when the place rule is set
    j01_cite: str
    j02: _J02 | None  # J02: the conditions on prisoners and the like, when the profile names the groups
    j03_groups: frozenset[str] | None  # J03: the groups the class's programme is for; None = any
    j03_cite: str

    @classmethod
    def of(cls, profile: Profile, facts: ClassFacts) -> _RosterParams:
        def cite(name: str) -> str:
            return profile.cite(name) if profile.get(name) is not None else ""

        b08 = _flag(profile, "yigong_and_new_hire_exclusive")
        return cls(
            b02_limit=_int(profile, "max_subsidised_trainings_per_year"),
            b02_cite=cite("max_subsidised_trainings_per_year"),
            b03_months=_int(profile, "min_months_after_assessment"),
            b03_cite=cite("min_months_after_assessment"),
            b04=_flag(profile, "employee_post_match_required"),
            b04_cite=cite("employee_post_match_required"),
            b05=_flag(profile, "transfer_category_must_differ"),
            b05_cite=cite("transfer_category_must_differ"),
            b06=profile.get("student_exclusion"),
            b06_cite=cite("student_exclusion"),
            b07_months=_int(profile, "new_hire_window_months") if facts.funding_type == "new_hire" else None,
            b07_cite=cite("new_hire_window_months"),
            b08_other={"new_hire": "yigong", "yigong": "new_hire"}.get(facts.funding_type) if b08 else None,
            b08_cite=cite("yigong_and_new_hire_exclusive"),
            a14=_flag(profile, "pre_opening_questionnaire_required"),
            a14_cite=cite("pre_opening_questionnaire_required"),
            target_group=minor_group(facts.occupation_code),
            j01_city=facts.location_city_code[:4] if _flag(profile, "subsidy_place_rule") else None,
            j01_cite=cite("subsidy_place_rule"),
            j02=_J02.of(profile),
            j03_groups=_programme_groups(profile, facts),
            j03_cite=_programme_cite(profile, facts),
        )


@dataclass(frozen=True, slots=True)
class _J02:
    groups: frozenset[str]
    cite: str
    max_age: int | None
    questionnaire: bool
    untrained: bool
    next_level: bool
    ends_before: dt.date | None

    @classmethod
    def of(cls, profile: Profile) -> _J02 | None:
        groups = _strs(profile, "j02_groups")
        if not groups:
            return None
        return cls(
            groups=frozenset(groups),
            cite=profile.cite("j02_groups"),
            max_age=_int(profile, "j02_max_age"),
            questionnaire=_flag(profile, "j02_questionnaire_required"),
            untrained=_flag(profile, "j02_untrained_in_sentence"),
            next_level=_flag(profile, "j02_next_level"),
            ends_before=profile.get("j02_sentence_ends_before"),
        )


def _programme_groups(profile: Profile, facts: ClassFacts) -> frozenset[str] | None:
    programme = profile.programmes.get(facts.programme) if facts.programme else None
    return frozenset(programme.groups) if programme is not None and programme.groups else None


def _programme_cite(profile: Profile, facts: ClassFacts) -> str:
    programme = profile.programmes.get(facts.programme) if facts.programme else None
    return f"{profile.code} {programme.clause}" if programme is not None else ""


def check_programme(profile: Profile, programme: str) -> list[Violation]:
    """J03: a class names a special programme of its own profile, or none."""
    if not programme or programme in profile.programmes:
        return []
    names = "、".join(p.name for p in profile.programmes.values()) or "（本政策口径未列专项计划）"
    return [
        Violation(
            "J03",
            f"{profile.code} {profile.rule_clause('J03')}",
            f"“{programme}”不是本政策口径的专项培训计划；可选：{names}",
            field="专项培训计划",
            value=programme,
        )
    ]


def check_roster(
    profile: Profile,
    cls: ClassFacts,
    rows: Sequence[RosterRow],
    history: PersonHistory,
    *,
    today: dt.date,
) -> list[Violation]:
    """Every trainee-eligibility rule over a whole roster; violations in row order.

    ``history`` maps normalised ID numbers to what the system already holds about each person,
    fetched in one query by the caller; this class's own enrolments (same ``class_ref``) are ignored,
    so the roster can be re-checked after it has been stored. The caller leaves out enrolments of
    cancelled classes. Rules and their switches (unset → not checked):

    * B01 always: a valid 18-digit number with a real birth date and check digit, once per roster
      (the second and later rows of a number are refused, naming the first).
    * B02 ``max_subsidised_trainings_per_year`` — subsidised, not withdrawn enrolments starting in the
      class's start year, plus this one; and never the same occupation at the same level twice.
    * B03 ``min_months_after_assessment`` — any earlier-starting (or same-day) counted enrolment not yet
      assessed, or assessed less than N months before this class's start, refuses the row.
    * B04 ``employee_post_match_required`` / B05 ``transfer_category_must_differ`` — same 小类 (module doc).
    * B06 ``student_exclusion`` — "current_major": a student whose major is in the class occupation's
      小类, whatever school they attend (ZZ21 reads "职业院校在校生", not only the institution's own);
      "graduating_year": graduating-year students except special vocational education and universities,
      entrepreneurship classes excepted.
    * B07 ``new_hire_window_months`` — new-hire classes: hired on or before the start, and the start
      no later than N months after hiring.
    * B08 ``yigong_and_new_hire_exclusive`` — a new-hire class for someone with 以工代训 and vice versa.
    * A14 ``pre_opening_questionnaire_required`` — each of the three answers must be yes; an unanswered
      question refuses the row too, since the questionnaire is required.
    """
    p = _RosterParams.of(profile, cls)
    # B02's yearly cap refuses even a person with no history when it is below one.
    b02_without_past = p.b02_limit is not None and p.b02_limit < 1
    out: list[Violation] = []
    first_row: dict[str, int] = {}
    for r in rows:
        number: str | None = None
        try:
            number = checked_id_number(r.id_number, today=today)
        except InvalidIdNumber as exc:
            out.append(exc.violation(row=r.row, value=r.id_number))
        if number is not None:
            if number in first_row:
                out.append(
                    Violation(
                        "B01",
                        RULE_B01_CLAUSE,
                        f"身份证号与第{first_row[number]}行重复，同一人在一个花名册中只能出现一次",
                        field="身份证号",
                        row=r.row,
                        value=mask_id_number(number),
                    )
                )
            else:
                first_row[number] = r.row
            known = history.get(number)
            past = [e for e in known if e.class_ref != cls.ref and e.counts] if known else []
            # Without a past enrolment B02 (cap ≥ 1), B03 and B08 have nothing to judge.
            if past or b02_without_past:
                out += _b02(p, cls, r, past)
                out += _b03(p, cls, r, past)
                out += _b08(p, r, past)
        if r.is_transfer or r.is_employee:
            out += _b04_b05(p, cls, r)
        if r.is_student and p.b06 is not None:
            out += _b06(p, cls, r)
        if p.b07_months is not None:
            out += _b07(p, cls, r)
        if p.a14 and not (r.wants_training and r.wants_work and r.able_to_work):
            out += _a14(p, r)
        if p.j01_city is not None:
            out += _j01(p, r, number)
        if p.j02 is not None and r.group in p.j02.groups:
            out += _j02(p.j02, cls, r, number, past if number is not None else [])
        if p.j03_groups is not None and r.group not in p.j03_groups:
            out += _j03(p, r)
    return out


def count_rows_with_errors(violations: Iterable[Violation]) -> int:
    """Distinct roster rows with at least one violation (the "问题行数" of the upload report)."""
    return len({v.row for v in violations if v.row is not None})


def _b02(p: _RosterParams, cls: ClassFacts, r: RosterRow, past: Sequence[Enrolment]) -> list[Violation]:
    limit = p.b02_limit
    if limit is None:
        return []
    cite = p.b02_cite
    out: list[Violation] = []
    year = cls.start_date.year
    this_year = [e for e in past if e.start_date.year == year]
    if len(this_year) + 1 > limit:
        refs = "、".join(e.class_ref for e in this_year)
        out.append(
            Violation(
                "B02",
                cite,
                f"{r.name} {year} 年已享受补贴性培训 {len(this_year)} 次（{refs}），加本班超过每年 {limit} 次",
                field="身份证号",
                row=r.row,
                value=mask_id_number(r.id_number),
            )
        )
    same = [e for e in past if e.occupation_code == cls.occupation_code and e.level == cls.level]
    if same:
        out.append(
            Violation(
                "B02",
                cite,
                f"{r.name} 已在 {same[0].class_ref} 享受同一职业（{cls.occupation_code}）同一等级（{_level_label(cls.level)}）的补贴性培训，不可重复享受",
                field="身份证号",
                row=r.row,
                value=mask_id_number(r.id_number),
            )
        )
    return out


def _b03(p: _RosterParams, cls: ClassFacts, r: RosterRow, past: Sequence[Enrolment]) -> list[Violation]:
    months = p.b03_months
    if months is None:
        return []
    cite = p.b03_cite
    earlier = sorted((e for e in past if e.start_date <= cls.start_date), key=lambda e: e.start_date)
    pending = [e for e in earlier if e.assessed_on is None]
    if pending:
        e = pending[-1]
        return [
            Violation(
                "B03",
                cite,
                f"{r.name} 参加的补贴性培训 {e.class_ref}（{e.start_date.isoformat()} 开班）尚未考核，不得参加下一次补贴性培训",
                field="身份证号",
                row=r.row,
                value=mask_id_number(r.id_number),
            )
        ]
    recent = [
        e for e in earlier if e.assessed_on is not None and add_months(e.assessed_on, months) > cls.start_date
    ]
    if recent:
        e = max(recent, key=lambda e: e.assessed_on or e.start_date)
        assert e.assessed_on is not None
        return [
            Violation(
                "B03",
                cite,
                f"{r.name} 参加的补贴性培训 {e.class_ref} 于 {e.assessed_on.isoformat()} 考核，距本班开班 {cls.start_date.isoformat()} 不足 {months} 个月（最早 {add_months(e.assessed_on, months).isoformat()}）",
                field="身份证号",
                row=r.row,
                value=mask_id_number(r.id_number),
            )
        ]
    return []


def _b04_b05(p: _RosterParams, cls: ClassFacts, r: RosterRow) -> list[Violation]:
    target = p.target_group
    if r.is_transfer:
        if not p.b05:
            return []
        cite = p.b05_cite
        old = r.previous_post_occupation_code.strip()
        if not old:
            return [Violation("B05", cite, "转岗职工须填写原岗位职业编码", field="原岗位职业编码", row=r.row)]
        group = minor_group(old)
        if group is None:
            return [
                Violation(
                    "B05",
                    cite,
                    f"原岗位职业编码 {old} 格式不正确（应如 6-02-06-01）",
                    field="原岗位职业编码",
                    row=r.row,
                    value=old,
                )
            ]
        if group == target:
            return [
                Violation(
                    "B05",
                    cite,
                    f"转岗职工原岗位职业 {old} 与培训职业 {cls.occupation_code} 同属小类 {group}，转岗培训须选择不同职业分类",
                    field="原岗位职业编码",
                    row=r.row,
                    value=old,
                )
            ]
        return []
    if not r.is_employee or not p.b04:
        return []
    cite = p.b04_cite
    post = r.post_occupation_code.strip()
    if not post:
        return [Violation("B04", cite, "企业职工须填写现岗位职业编码", field="现岗位职业编码", row=r.row)]
    group = minor_group(post)
    if group is None:
        return [
            Violation(
                "B04",
                cite,
                f"现岗位职业编码 {post} 格式不正确（应如 6-02-06-01）",
                field="现岗位职业编码",
                row=r.row,
                value=post,
            )
        ]
    if group != target:
        return [
            Violation(
                "B04",
                cite,
                f"现岗位职业 {post} 与培训职业 {cls.occupation_code} 不属于同一小类，企业职工须参加与本人岗位相同或相近的职业培训",
                field="现岗位职业编码",
                row=r.row,
                value=post,
            )
        ]
    return []


def _b06(p: _RosterParams, cls: ClassFacts, r: RosterRow) -> list[Violation]:
    choice = p.b06
    if choice is None or not r.is_student:
        return []
    cite = p.b06_cite
    if choice == "current_major":
        major = r.major_occupation_code.strip()
        if not major:
            return [
                Violation(
                    "B06", cite, "在校生须填写在读专业对应职业编码", field="在读专业对应职业编码", row=r.row
                )
            ]
        if minor_group(major) is not None and minor_group(major) == p.target_group:
            return [
                Violation(
                    "B06",
                    cite,
                    f"在校生在读专业（{major}）与培训职业 {cls.occupation_code} 属同一小类，不得开展在读专业的补贴性培训",
                    field="在读专业对应职业编码",
                    row=r.row,
                    value=major,
                )
            ]
        return []
    if choice == "graduating_year":
        if (
            r.is_graduating_year
            and r.school_kind not in GRADUATING_EXEMPT_SCHOOL_KINDS
            and cls.funding_type != "entrepreneurship"
        ):
            return [
                Violation(
                    "B06",
                    cite,
                    "毕业年度在校生不得参加政府补贴性职业技能培训（特殊职业教育、普通高校学生及创业培训除外）",
                    field="毕业年度学生",
                    row=r.row,
                    value="是",
                )
            ]
        return []
    raise AssertionError(f"unknown student_exclusion {choice!r}")  # the profile loader checks choices


def _b07(p: _RosterParams, cls: ClassFacts, r: RosterRow) -> list[Violation]:
    months = p.b07_months  # None unless set and the class is a new-hire class
    if months is None:
        return []
    cite = p.b07_cite
    if r.hired_on is None:
        return [Violation("B07", cite, "新录用人员岗前培训须填写入职日期", field="入职日期", row=r.row)]
    if r.hired_on > cls.start_date:
        return [
            Violation(
                "B07",
                cite,
                f"入职日期 {r.hired_on.isoformat()} 晚于开班日期 {cls.start_date.isoformat()}，不属于新录用人员",
                field="入职日期",
                row=r.row,
                value=r.hired_on.isoformat(),
            )
        ]
    last = add_months(r.hired_on, months)
    if cls.start_date > last:
        return [
            Violation(
                "B07",
                cite,
                f"入职日期 {r.hired_on.isoformat()}，开班日期 {cls.start_date.isoformat()} 已超过入职后 {months} 个月（至 {last.isoformat()}）",
                field="入职日期",
                row=r.row,
                value=r.hired_on.isoformat(),
            )
        ]
    return []


def _b08(p: _RosterParams, r: RosterRow, past: Sequence[Enrolment]) -> list[Violation]:
    other = p.b08_other  # None unless set and the class is new-hire or 以工代训
    if other is None:
        return []
    clash = [e for e in past if e.funding_type == other]
    if not clash:
        return []
    this = {"new_hire": "yigong", "yigong": "new_hire"}[other]
    return [
        Violation(
            "B08",
            p.b08_cite,
            f"{r.name} 已在 {clash[0].class_ref} 享受{FUNDING_TYPES[other]}补贴，与{FUNDING_TYPES[this]}补贴不得重复享受",
            field="身份证号",
            row=r.row,
            value=mask_id_number(r.id_number),
        )
    ]


_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("wants_training", "有培训意愿", "无相应培训意愿"),
    ("wants_work", "有就业意愿", "无就业意愿"),
    ("able_to_work", "有劳动能力", "无就业能力"),
)


def _a14(p: _RosterParams, r: RosterRow) -> list[Violation]:
    if not p.a14:
        return []
    cite = p.a14_cite
    out: list[Violation] = []
    for attr, column, refusal in _QUESTIONS:
        answer: bool | None = getattr(r, attr)
        if answer is None:
            out.append(Violation("A14", cite, f"开班前问卷“{column}”未作答", field=column, row=r.row))
        elif not answer:
            out.append(
                Violation(
                    "A14",
                    cite,
                    f"开班前问卷显示{refusal}，不得参加政府补贴性培训",
                    field=column,
                    row=r.row,
                    value="否",
                )
            )
    return out


# --- J: trainee groups and place ---------------------------------------------------------------------------


def _j01(p: _RosterParams, r: RosterRow, number: str | None) -> list[Violation]:
    """J01: the worker is subsidised where registered (户籍地: the ID number's area code), living or
    seeking work (the declared 常住地或求职就业地); compared at the city, the level of the paying bureau."""
    city = p.j01_city
    if city is None or number is None:
        return []  # an invalid number is B01's refusal
    if number.startswith(city) or (r.place_code and r.place_code.startswith(city)):
        return []
    declared = (
        f"，常住地或求职就业地 {r.place_code} 亦不在本市" if r.place_code else "，且未填写常住地或求职就业地"
    )
    return [
        Violation(
            "J01",
            p.j01_cite,
            f"{r.name} 户籍地（身份证号前6位 {number[:6]}）不在本市{declared}",
            field="常住地或求职就业地",
            row=r.row,
            value=r.place_code,
        )
    ]


def _j02(
    j: _J02, cls: ClassFacts, r: RosterRow, number: str | None, past: Sequence[Enrolment]
) -> list[Violation]:
    """J02: the document's conditions on prisoners (and, where it says so, correction and rehabilitation)."""
    group = TRAINEE_GROUPS[r.group]
    out: list[Violation] = []

    def refuse(message: str, column: str, value: str = "") -> None:
        out.append(
            Violation("J02", j.cite, f"{r.name}（{group}）{message}", field=column, row=r.row, value=value)
        )

    if j.max_age is not None and number is not None:
        born, _ = birth_and_sex(number)
        age = (
            cls.start_date.year
            - born.year
            - ((cls.start_date.month, cls.start_date.day) < (born.month, born.day))
        )
        if age > j.max_age:
            refuse(f"开班时 {age} 周岁，超过 {j.max_age} 周岁", "身份证号", mask_id_number(number))
    if j.questionnaire:
        for attr, column in (
            ("able_to_work", "有劳动能力"),
            ("wants_work", "有就业意愿"),
            ("wants_training", "有培训意愿"),
        ):
            if not getattr(r, attr):
                refuse(f"须{column}（问卷{'未作答' if getattr(r, attr) is None else '为否'}）", column)
    if j.untrained and r.trained_in_sentence is not False:
        said = "未填写" if r.trained_in_sentence is None else "为是"
        refuse(
            f"须服刑期间未参加过职业技能培训（“服刑期间参加过职业技能培训”{said}）",
            "服刑期间参加过职业技能培训",
        )
    if j.ends_before is not None and (r.sentence_ends_on is None or r.sentence_ends_on >= j.ends_before):
        refuse(
            "未填写刑期届满日期"
            if r.sentence_ends_on is None
            else f"刑期届满 {r.sentence_ends_on.isoformat()}，须早于 {j.ends_before.isoformat()}",
            "刑期届满日期",
            r.sentence_ends_on.isoformat() if r.sentence_ends_on else "",
        )
    if j.next_level:
        held = [
            e.level for e in past if e.occupation_code == cls.occupation_code and e.assessed_on and e.level
        ]
        if r.held_level is not None:
            held.append(r.held_level)
        wanted = min(held) - 1 if held else 5
        if cls.level is None or cls.level != wanted:
            now = f"现持有本职业{LEVEL_LABELS[min(held)]}" if held else "未持有本职业等级"
            target = LEVEL_LABELS.get(wanted, "无更高等级")
            refuse(
                f"{now}，须参加晋升上一级（{target}）的培训，本班为{_level_label(cls.level)}",
                "本职业现持有等级",
                LEVEL_LABELS[r.held_level] if r.held_level else "",
            )
    return out


def _j03(p: _RosterParams, r: RosterRow) -> list[Violation]:
    groups = p.j03_groups or frozenset()
    allowed = "、".join(TRAINEE_GROUPS[g] for g in sorted(groups, key=list(TRAINEE_GROUPS).index))
    said = f"为“{TRAINEE_GROUPS[r.group]}”" if r.group else "未填写"
    return [
        Violation(
            "J03",
            p.j03_cite,
            f"{r.name} 人员类别{said}；本班所属专项计划只面向{allowed}",
            field="人员类别",
            row=r.row,
            value=TRAINEE_GROUPS.get(r.group, r.group),
        )
    ]


# --- C: supervision -----------------------------------------------------------------------------------------


def trained_headcount(inspection_counts: Sequence[int], *, opening_headcount: int | None = None) -> int:
    """C02: the trained headcount is the average present at the inspections, rounded down.

    Floor, not half-up: the subsidy is paid per person, and rounding up would pay for someone no
    inspector ever counted. HC21 uses the average only where inspections found fewer than the opening
    headcount, so when ``opening_headcount`` is given the result never exceeds it. Raises ValueError
    when no inspection was recorded: C01 requires one, and zero would silently forfeit the class.
    """
    if not inspection_counts:
        raise ValueError("没有实地检查记录，无法按检查在位平均人数确定培训人数（规则 C01、C02）")
    if any(c < 0 for c in inspection_counts):
        raise ValueError("检查在位人数不能为负数")
    average = sum(inspection_counts) // len(inspection_counts)
    return average if opening_headcount is None else min(average, opening_headcount)


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonVideo:
    """The video record of one lesson (one sitting of one or more class hours)."""

    lesson: int  # lesson number within the class, for messages
    day: dt.date
    kind: Literal["theory", "practical"]
    scheduled_minutes: int  # class hours × minutes per class hour
    recorded_minutes: int  # minutes actually on video
    continuous_minutes_per_hour: tuple[int, ...] = ()  # practical: longest unbroken recording per class hour
    not_all_visible: int = 0  # C05: times the video failed to show all trainees

    def __post_init__(self) -> None:
        _require(self.kind, ("theory", "practical"), "lesson kind")
        _non_negative(scheduled_minutes=self.scheduled_minutes, recorded_minutes=self.recorded_minutes)


def check_video(profile: Profile, lessons: Sequence[LessonVideo]) -> list[Violation]:
    """C04 (``min_practical_video_minutes_per_hour``) per lesson, C05 (``video_incomplete_forfeit_count``)
    over the whole class. Theory must be recorded for its whole scheduled length. A practical lesson
    with no per-hour figures has no evidence of continuous recording and is refused.
    """
    out: list[Violation] = []
    minimum = _int(profile, "min_practical_video_minutes_per_hour")
    if minimum is not None:
        cite = profile.cite("min_practical_video_minutes_per_hour")
        for lesson in lessons:
            where = f"第{lesson.lesson}次课（{lesson.day.isoformat()}）"
            if lesson.kind == "theory":
                if lesson.recorded_minutes < lesson.scheduled_minutes:
                    out.append(
                        Violation(
                            "C04",
                            cite,
                            f"{where}理论教学录像 {lesson.recorded_minutes} 分钟，少于课时 {lesson.scheduled_minutes} 分钟：理论教学须全程录像",
                            field="录像时长",
                            value=str(lesson.recorded_minutes),
                        )
                    )
                continue
            hours = lesson.continuous_minutes_per_hour
            short = [i for i, m in enumerate(hours, start=1) if m < minimum]
            if not hours or short:
                detail = (
                    "、".join(f"第{i}学时 {hours[i - 1]} 分钟" for i in short)
                    if hours
                    else "无分学时录像记录"
                )
                out.append(
                    Violation(
                        "C04",
                        cite,
                        f"{where}实操培训每学时连续录像须不少于 {minimum} 分钟：{detail}",
                        field="录像时长",
                    )
                )
    forfeit = _int(profile, "video_incomplete_forfeit_count")
    if forfeit is not None:
        total = sum(lesson.not_all_visible for lesson in lessons)
        if total >= forfeit:
            out.append(
                Violation(
                    "C05",
                    profile.cite("video_incomplete_forfeit_count"),
                    f"本班录像无法显示全体参训人员 {total} 次，达到 {forfeit} 次，取消补贴资格",
                    field="录像",
                    value=str(total),
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class SatisfactionOutcome:
    """C09: what a satisfaction survey below the profile's minimum leads to."""

    effect: str  # "stop_opening" (ZZ21, HC21) or "suspend_assessment" (XC23)
    rectification_months: int | None  # at least this long a rectification period
    violation: Violation


def satisfaction_effect(profile: Profile, share: Decimal) -> SatisfactionOutcome | None:
    """C09: None when ``share`` (0–1, exact Decimal) meets ``satisfaction_min``.

    Exactly at the minimum passes ("低于85%" is strictly below). Not checked (None) unless the profile
    sets both the minimum and ``satisfaction_effect``: a consequence is never assumed.
    """
    minimum = _dec(profile, "satisfaction_min")
    effect = profile.get("satisfaction_effect")
    if minimum is None or effect is None or share >= minimum:
        return None
    months = _int(profile, "satisfaction_rectification_months")
    consequence = {
        "stop_opening": "停止培训开班",
        "suspend_assessment": "暂停结业考核，重新组织培训或取消当班补贴资格",
    }[effect]
    if months is not None:
        consequence += f"，整改期不少于 {months} 个月"
    return SatisfactionOutcome(
        effect=str(effect),
        rectification_months=months,
        violation=Violation(
            "C09",
            profile.cite("satisfaction_effect"),
            f"培训满意率 {percent(share)}，低于 {_limit(profile, 'satisfaction_min')}：{consequence}",
            field="满意率",
            value=percent(share),
        ),
    )


# --- E: assessment -----------------------------------------------------------------------------------------


def check_assessment_application(
    profile: Profile,
    cls: ClassFacts,
    assessment_date: dt.date,
    applied_on: dt.date,
    *,
    offline: bool,
    exam_set_by_level: str | None,
) -> list[Violation]:
    """The application for a class's final assessment (结业考核申请).

    * E01 ``assessment_notice_days`` — calendar days (the forms say "提前3天", not working days): the
      assessment date is at least N days after the application day; exactly N passes.
    * E03 ``higher_certificate_required`` — a completion-certificate assessment where a higher kind is
      obtainable is refused.
    * E04 ``offline_assessment_required`` — ``offline`` must be true.
    * E05 ``completion_exam_min_level`` — completion-certificate exams only: ``exam_set_by_level``
      (one of EXAM_LEVELS, None = not stated) at least the profile's level.
    """
    out: list[Violation] = []
    days = _int(profile, "assessment_notice_days")
    if days is not None and (assessment_date - applied_on).days < days:
        ahead = (assessment_date - applied_on).days
        out.append(
            Violation(
                "E01",
                profile.cite("assessment_notice_days"),
                f"考核日期 {assessment_date.isoformat()} 仅提前 {ahead} 天申报（{applied_on.isoformat()}），须提前 {days} 天",
                field="考核日期",
                value=assessment_date.isoformat(),
            )
        )
    out += _e03(profile, cls, field="考核证书类别")
    if _flag(profile, "offline_assessment_required") and not offline:
        out.append(
            Violation(
                "E04",
                profile.cite("offline_assessment_required"),
                "政府补贴性培训一律实行线下考核",
                field="考核方式",
                value="线上",
            )
        )
    minimum = profile.get("completion_exam_min_level")
    if minimum is not None and cls.target_certificate == COMPLETION:
        if exam_set_by_level is not None:
            _require(exam_set_by_level, EXAM_LEVELS, "exam level")
        if exam_set_by_level is None or EXAM_LEVELS.index(exam_set_by_level) < EXAM_LEVELS.index(minimum):
            given = EXAM_LEVEL_LABELS[exam_set_by_level] if exam_set_by_level else "未填写"
            out.append(
                Violation(
                    "E05",
                    profile.cite("completion_exam_min_level"),
                    f"培训合格证书考核的理论、实操试题须由{EXAM_LEVEL_LABELS[minimum]}以上统一出题并组织考核（本次：{given}）",
                    field="出题组织单位",
                    value=given,
                )
            )
    return out


def check_special_completion_share(profile: Profile, counts: Mapping[str, int]) -> Violation | None:
    """E06 (``max_special_completion_share``): special-ability plus completion certificates over all
    certificates issued, by kind code. No certificates at all → nothing to judge (None).
    """
    maximum = _dec(profile, "max_special_completion_share")
    for kind, n in counts.items():
        _require(kind, CERTIFICATE_KINDS, "certificate kind")
        _non_negative(**{kind: n})
    total = sum(counts.values())
    if maximum is None or total == 0:
        return None
    part = counts.get("special_ability", 0) + counts.get(COMPLETION, 0)
    if Decimal(part) <= maximum * total:
        return None
    return Violation(
        "E06",
        profile.cite("max_special_completion_share"),
        f"专项职业能力证书和培训合格证书 {part} 本，占全部证书 {total} 本的 {percent(_ratio(part, total))}，超过 {_limit(profile, 'max_special_completion_share')}",
        field="证书类别",
        value=str(part),
    )


def special_completion_share_ok(profile: Profile, counts: Mapping[str, int]) -> bool:
    """E06 as a yes/no: exactly at the maximum is still fine ("不超过")."""
    return check_special_completion_share(profile, counts) is None


@dataclass(frozen=True)
class ShareAtClaim:
    """E06 at the point of claiming: an institution's certificates of a year (``total``, every kind), the
    special-ability + completion ones already in live claims (``claimed``), and those this claim adds."""

    institution: str
    year: int
    total: int
    claimed: int
    adding: int

    @property
    def after(self) -> int:
        return self.claimed + self.adding


def check_special_completion_claim(profile: Profile, share: ShareAtClaim) -> Violation | None:
    """E06 (``max_special_completion_share``) where certificates would be claimed: the year's special-ability
    and completion certificates claimed, with this claim's, may be at most the share of all the
    institution's certificates of the year; the ones beyond are refused. A profile that does not set the
    share checks nothing (None); a claim adding none of these certificates is never refused."""
    maximum = _dec(profile, "max_special_completion_share")
    _non_negative(total=share.total, claimed=share.claimed, adding=share.adding)
    if share.after > share.total:
        raise ValueError(
            f"claimed certificates ({share.after}) cannot exceed all certificates ({share.total})"
        )
    if maximum is None or share.adding == 0:
        return None
    if Decimal(share.after) <= maximum * share.total:
        return None
    allowed = int(maximum * share.total)  # whole certificates within the share
    return Violation(
        "E06",
        profile.cite("max_special_completion_share"),
        f"{share.institution}{share.year}年取得证书共 {share.total} 本，专项职业能力证书和培训合格证书已申领 "
        f"{share.claimed} 本，本次申领 {share.adding} 本，合计 {share.after} 本，占 "
        f"{percent(_ratio(share.after, share.total))}，超过 {_limit(profile, 'max_special_completion_share')}"
        f"（至多 {allowed} 本）",
        field="证书类别",
        value=str(share.adding),
    )

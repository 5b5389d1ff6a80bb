"""以工代训 (work-based training subsidy) as its own programme: an enterprise declares employees of the
groups the document names and claims month by month (F03, J04, B08). Pure: plain dataclasses in, one
line per employee and month out, a whole declaration's month — or several months — at once.

What the documents say (only XC19 二(三)1 has 以工代训; ZZ21, HC21 and XC23 set none of it, and a profile
without the numbers refuses with "本政策口径未规定…", never a zero):

* J04 ``yigong_groups``: who may be declared — XC19 names 贫困劳动力, 就业困难人员 and 零就业家庭成员.
* F03 ``yigong_min_employment_months`` applies to the groups of ``yigong_min_employment_groups``: XC19's
  "吸纳贫困劳动力就业6个月以上" is written of the poor labour only. Read here as: the month claimed is
  paid once the employee has been employed that many months by the month's last day (the period
  convention of ``policy.training.add_months``: hired 2020-09-15, six months on 2021-03-15, so March 2021
  is the first month paid).
* J04 ``yigong_insured_groups``: "参保企业吸纳就业困难人员、零就业家庭成员" — for those groups the enterprise
  is insured, from no later than the month's last day. XC19 asks neither condition of the other group
  (poor labour in a cooperative or 扶贫车间 is paid without the enterprise being insured; 就业困难人员 are
  paid from their first month), and neither is added here.
* J04: the person is employed by the enterprise in the month claimed (hired by its last day, not left
  before its first).
* F03 ``subsidy_yigong_monthly`` per person-month, at most ``yigong_max_months`` months per person,
  whoever declared them: the months already held by live lines of any declaration count (the caller
  reads them all), and the months of one batch count in calendar order.
* B08 ``yigong_and_new_hire_exclusive``: a person with a payable new-hire pre-job subsidy line (F01) is
  refused, and so is a month after the start of a new-hire class he is enrolled in whose subsidy is not
  claimed yet — of the two, the earlier is paid, as the roster rules weigh them; a month that started on
  or before the class's start is paid and then weighs against the class's line (the claim pipeline reads
  it through the programme's history funding).
* One person-month is paid once: the line key is ``yigong:<person>:<YYYY-MM>``, whoever declares it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jineng.policy.identity import mask_id_number
from jineng.policy.profiles import YIGONG_GROUPS, Profile
from jineng.policy.subsidy import EntitlementNotSet, _money, _not_set, _source, yuan
from jineng.policy.training import add_months
from jineng.policy.violations import Violation

ZERO = Decimal("0.00")
LABEL_TO_GROUP = {label: code for code, label in YIGONG_GROUPS.items()}

# Every number and list the programme needs, in the order a refusal lists the missing ones.
PARAMS = (
    "subsidy_yigong_monthly",
    "yigong_max_months",
    "yigong_groups",
    "yigong_min_employment_months",
    "yigong_min_employment_groups",
    "yigong_insured_groups",
)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month_of(month), 1) - dt.timedelta(days=1)


def month_key(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def line_key(person_id: int, month: dt.date) -> str:
    """One person-month, whoever declares it: held once by a live claim line."""
    return f"yigong:{person_id}:{month_key(month)}"


@dataclass(frozen=True)
class Terms:
    """The profile's 以工代训 terms, read once."""

    monthly: Decimal
    max_months: int
    min_months: int
    groups: frozenset[str]  # group codes
    min_groups: frozenset[str]
    insured_groups: frozenset[str]
    b08: bool
    source: str  # "许政办〔2019〕20号 二(三)1", for computations
    cite_amount: str
    cite_cap: str
    cite_groups: str
    cite_min: str
    cite_insured: str
    cite_b08: str


def _codes(labels: Iterable[str]) -> frozenset[str]:
    return frozenset(LABEL_TO_GROUP[label] for label in labels)  # the profile loader checked the names


def terms(profile: Profile) -> Terms:
    """The terms, or :class:`EntitlementNotSet` listing every number the profile does not set (F03, J04:
    "本政策口径未规定…" with the profile's reason and the document)."""
    missing = [_not_set(profile, name, "以工代训") for name in PARAMS if not profile.param(name).is_set]
    if missing:
        raise EntitlementNotSet(profile, missing)
    b08 = bool(profile.get("yigong_and_new_hire_exclusive", False))
    return Terms(
        monthly=_money(profile.value("subsidy_yigong_monthly")),
        max_months=int(profile.value("yigong_max_months")),
        min_months=int(profile.value("yigong_min_employment_months")),
        groups=_codes(profile.value("yigong_groups")),
        min_groups=_codes(profile.value("yigong_min_employment_groups")),
        insured_groups=_codes(profile.value("yigong_insured_groups")),
        b08=b08,
        source=_source(profile, "subsidy_yigong_monthly"),
        cite_amount=profile.cite("subsidy_yigong_monthly"),
        cite_cap=profile.cite("yigong_max_months"),
        cite_groups=profile.cite("yigong_groups"),
        cite_min=profile.cite("yigong_min_employment_months"),
        cite_insured=profile.cite("yigong_insured_groups"),
        cite_b08=profile.cite("yigong_and_new_hire_exclusive") if b08 else "",
    )


def group_violation(t: Terms, group: str, *, row: int | None = None) -> Violation | None:
    """J04: the group is one the document names (at declaration and again at each month)."""
    if group in t.groups:
        return None
    label = YIGONG_GROUPS.get(group, group)
    named = "、".join(YIGONG_GROUPS[g] for g in YIGONG_GROUPS if g in t.groups)
    return Violation(
        "J04",
        t.cite_groups,
        f"人员类别“{label}”不是以工代训补贴对象（本政策为：{named}）",
        field="人员类别",
        row=row,
        value=label,
    )


# --- input ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enterprise:
    name: str
    insured: bool  # 参保企业
    insured_since: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Employee:
    person_id: int
    name: str
    id_number: str
    row: int
    group: str  # YIGONG_GROUPS code
    hired_on: dt.date
    left_on: dt.date | None = None


@dataclass(frozen=True)
class History:
    """What the system already holds for the declared persons (one read each, by the caller)."""

    # person → {"YYYY-MM": claim ref} of the 以工代训 months held by live payable lines, any declaration.
    months: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    # person → claim ref of a payable new-hire pre-job subsidy line (F01), for B08.
    new_hire: Mapping[int, str] = field(default_factory=dict)
    # person → (class ref, start date) of the new-hire classes he is enrolled in whose subsidy is not (yet)
    # claimed nor refused: B08 pays the earlier of the two, so a class that started before the month wins.
    new_hire_classes: Mapping[int, Sequence[tuple[str, dt.date]]] = field(default_factory=dict)


# --- output -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthLine:
    person_id: int
    row: int
    month: dt.date
    key: str
    label: str
    amount: Decimal  # zero exactly when excluded
    rule_ids: tuple[str, ...]
    computation: str
    violations: tuple[Violation, ...] = ()

    @property
    def payable(self) -> bool:
        return not self.violations


def _person_violations(
    t: Terms,
    e: Employee,
    month: dt.date,
    enterprise: Enterprise,
    held: Mapping[str, str],
    new_hire: str,
    classes: Sequence[tuple[str, dt.date]] = (),
) -> list[Violation]:
    end = month_end(month)
    label = month_label(month)
    out: list[Violation] = []
    group = group_violation(t, e.group, row=e.row)
    if group is not None:
        out.append(group)
    if e.hired_on > end or (e.left_on is not None and e.left_on < month):
        left = f"，离职日期 {e.left_on.isoformat()}" if e.left_on else ""
        out.append(
            Violation(
                "J04",
                t.cite_groups,
                f"{label}不在本企业就业期间（入职日期 {e.hired_on.isoformat()}{left}）",
                field="入职日期",
                row=e.row,
                value=e.hired_on.isoformat(),
            )
        )
    elif e.group in t.min_groups:
        enough = add_months(e.hired_on, t.min_months)
        if enough > end:
            out.append(
                Violation(
                    "F03",
                    t.cite_min,
                    f"入职日期 {e.hired_on.isoformat()}，至{label}末 {end.isoformat()} 就业不满 {t.min_months} 个月"
                    f"（{enough.isoformat()} 满 {t.min_months} 个月）",
                    field="入职日期",
                    row=e.row,
                    value=e.hired_on.isoformat(),
                )
            )
    if e.group in t.insured_groups:
        if not enterprise.insured:
            out.append(
                Violation(
                    "J04",
                    t.cite_insured,
                    f"{YIGONG_GROUPS[e.group]}须由参保企业吸纳，{enterprise.name}未参加社会保险",
                    field="企业参保",
                    row=e.row,
                    value="否",
                )
            )
        elif enterprise.insured_since is not None and enterprise.insured_since > end:
            out.append(
                Violation(
                    "J04",
                    t.cite_insured,
                    f"{YIGONG_GROUPS[e.group]}须由参保企业吸纳，{enterprise.name}参保起始日期 "
                    f"{enterprise.insured_since.isoformat()} 晚于{label}末",
                    field="参保起始日期",
                    row=e.row,
                    value=enterprise.insured_since.isoformat(),
                )
            )
    key = month_key(month)
    if key in held:
        out.append(
            Violation(
                "F03",
                t.cite_amount,
                f"{e.name} {label}的以工代训补贴已在申领 {held[key]} 中，同一人同一月只补贴一次",
                field="申领月份",
                row=e.row,
                value=key,
            )
        )
    else:
        earlier = sorted(held)
        if len(earlier) >= t.max_months:
            out.append(
                Violation(
                    "F03",
                    t.cite_cap,
                    f"{e.name} 已享受以工代训补贴 {len(earlier)} 个月（{'、'.join(earlier)}），"
                    f"最长不超过 {t.max_months} 个月",
                    field="补贴月数",
                    row=e.row,
                    value=str(len(earlier)),
                )
            )
    started = [(ref, start) for ref, start in classes if start < month]
    if t.b08 and (new_hire or started):
        where = (
            f"已在 {new_hire} 享受新录用人员岗前培训补贴"
            if new_hire
            else f"已参加 {started[0][1].isoformat()} 开班的新录用人员岗前培训 {started[0][0]}"
        )
        out.append(
            Violation(
                "B08",
                t.cite_b08,
                f"{e.name} {where}，与以工代训补贴不得重复享受",
                field="身份证号",
                row=e.row,
                value=mask_id_number(e.id_number),
            )
        )
    return out


def month_lines(
    t: Terms,
    *,
    months: Sequence[dt.date],
    enterprise: Enterprise,
    employees: Sequence[Employee],
    history: History,
    claim_refs: Mapping[str, str] | None = None,
) -> dict[dt.date, list[MonthLine]]:
    """Every employee's line for each month, months in calendar order: a month paid earlier in the batch
    counts against the cap of the later ones (``claim_refs``: month key → the reference the batch's claim
    will be shown as, default "本次申领")."""
    held: dict[int, dict[str, str]] = {pid: dict(m) for pid, m in history.months.items()}
    out: dict[dt.date, list[MonthLine]] = {}
    per_head = t.monthly
    for month in sorted({month_of(m) for m in months}):
        label = month_label(month)
        text = f"F03 以工代训 {label} {yuan(per_head)}/人/月 × 1个月 = {yuan(per_head)}（{t.source}）"
        lines = []
        for e in sorted(employees, key=lambda e: e.row):
            mine = held.setdefault(e.person_id, {})
            violations = _person_violations(
                t,
                e,
                month,
                enterprise,
                mine,
                history.new_hire.get(e.person_id, ""),
                history.new_hire_classes.get(e.person_id, ()),
            )
            if violations:
                reasons = "；".join(v.message for v in violations)
                rules = ("F03", *dict.fromkeys(v.rule for v in violations if v.rule != "F03"))
                lines.append(
                    MonthLine(
                        person_id=e.person_id,
                        row=e.row,
                        month=month,
                        key=line_key(e.person_id, month),
                        label=label,
                        amount=ZERO,
                        rule_ids=rules,
                        computation=f"{text}；不予补贴：{reasons}",
                        violations=tuple(violations),
                    )
                )
                continue
            mine[month_key(month)] = (claim_refs or {}).get(month_key(month), "本次申领")
            lines.append(
                MonthLine(
                    person_id=e.person_id,
                    row=e.row,
                    month=month,
                    key=line_key(e.person_id, month),
                    label=label,
                    amount=per_head,
                    rule_ids=("F03",),
                    computation=text,
                )
            )
        out[month] = lines
    return out

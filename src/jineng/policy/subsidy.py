"""Entitlements (issue 4): what each trainee of an assessed class is owed, as pure policy.

Plain frozen dataclasses in, :class:`EntitlementLine` / :class:`ClassEntitlement` out. The Django side
builds the facts (the class through ``training.facts.class_facts`` with the assessed certificate as its
target, the roster with each trainee's result, the history in one query) and stores or shows the result;
nothing here knows about models, requests or users. Every line carries the rule IDs and a Chinese
computation that quotes the document and clause, e.g.
``F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）``.

Which rule pays which funding type (``ClassFacts.funding_type``):

* ``new_hire`` → F01, a flat amount per person (ZZ21 三(一) "按每人600元的标准给予企业或培训机构补贴").
* ``on_job`` / ``off_job`` → F02, by the certificate the trainee obtained: 培训合格证书, 初级工 (level 5),
  中级工 (4), 高级工 (3); an off-job (脱产) class is paid ``subsidy_offjob_completion`` for a completion
  certificate and the same level amounts as in-job training (the 1200 yuan is written as an exception to
  the completion amount only). Levels 2 and 1 and the special certificates (专项职业能力, 特种作业, 特种设备)
  have no amount in any document: refused, never paid as zero.
* ``yigong`` → F03, ``subsidy_yigong_monthly`` per month of 以工代训, at most ``yigong_max_months``.
* ``apprenticeship``, ``entrepreneurship``, ``employment``: no document states an amount → refused.

Refusals. A number the profile does not set (``not_set`` in the TOML) is never taken as zero: when a line
that would otherwise be payable needs it, :func:`class_entitlement` raises :class:`EntitlementNotSet`
listing every missing number of the batch ("本政策口径未规定…" + the profile's reason). A number that no line
needs (everybody excluded, or the whole class forfeited) does not stop the evaluation.

Interpretations the documents leave open, decided once here:

* F01 names no certificate; a trainee is paid once they passed the final assessment (obtained any
  certificate, the completion certificate included), since every subsidised class ends with an offline
  assessment (E04) and XC19 二(三)1 pays training subsidies against certificates ("取得证书…给予职业培训补贴").
  F03 (以工代训) is not certificate-based.
* Who is paid: F01 the enterprise or the institution ("给予企业或培训机构补贴"), F03 the enterprise
  ("给予生产经营主体以工代训补贴"), F02 whoever applies (附件2 "企业或培训机构或个人向行业主管部门申请").
* B02 (at most N subsidised trainings a year, one occupation + level once), B07 and B08 are re-judged
  at payment with the same functions as at roster import. Only *earlier* enrolments count against a
  class — ordered by start date, then class reference — so that exactly the first N of a year are paid
  and, of a 以工代训 and a new-hire subsidy, the earlier one, whatever order the claims are evaluated in.
  The caller passes enrolments whose subsidy was finally refused as ``subsidised=False``.
  B02 is about 职业培训补贴 (XC19 二(三)1 "取得证书的…每人每年可享受不超过3次"): it does not limit 以工代训.
* F03 ``yigong_min_employment_months`` ("吸纳…就业6个月以上"): the trainee has been employed that many
  months by the last day of the 以工代训 period (the class's end date).
* C02: the trained headcount (``training.trained_headcount``: floor of the average present at the
  inspections, at most the opening headcount) caps how many people are paid. Trainees excluded on their
  own account take no place. When more are eligible than were counted, the places go in roster order
  (``row`` ascending) and the rest are excluded under C02: deterministic, and the same rule an inspector
  reading the roster top-down would apply. 以工代训 has no class inspections and no cap. A class with no
  inspection at all has no trained headcount and is not paid (C01 requires one).
* C05 and E03 forfeit the class. C09 forfeits it only where the profile's effect is
  ``suspend_assessment`` (XC23 "重新组织培训或取消当班补贴资格": the share passed in is the latest survey,
  after any retraining); ``stop_opening`` (ZZ21, HC21) stops the institution's next classes and is
  reported as a notice, the class itself is paid.
* F04: the prepayment range is ``prepay_share_min``–``prepay_share_max`` of a basis: of
  :func:`planned_subsidy` at opening, and of the final total in :class:`ClassEntitlement` (for a
  project-based class, ``mode == "project"``). :func:`settle_prepayment` gives the balance due or the
  amount to recover (F14 追缴).
* Money is Decimal, rounded to the fen half-up (四舍五入) where a share is applied (F04, F05).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from jineng.policy import online
from jineng.policy import standards as std
from jineng.policy.identity import RULE_B01_CLAUSE
from jineng.policy.profiles import Profile
from jineng.policy.standards import StandardItem
from jineng.policy.training import (
    CERTIFICATE_KINDS,
    COMPLETION,
    FUNDING_TYPES,
    LEVEL_LABELS,
    ClassFacts,
    Enrolment,
    LessonVideo,
    PersonHistory,
    RosterRow,
    _RosterParams,
    add_months,
    check_video,
    percent,
    satisfaction_effect,
    trained_headcount,
)

# The roster rules are re-judged at payment with the very functions the roster import uses, so that the
# two can never disagree; they are module-private there because they take one roster row at a time.
from jineng.policy.training import _b02 as _rule_b02
from jineng.policy.training import _b07 as _rule_b07
from jineng.policy.training import _b08 as _rule_b08
from jineng.policy.training import _e03 as _rule_e03
from jineng.policy.violations import Violation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# 拟培训方式: codes shared with jineng.training.models.Mode.
MODES: Mapping[str, str] = {
    "enterprise_self": "企业自主培训",
    "commissioned": "委托培训",
    "project": "项目制培训",
    "institution": "培训机构面向社会开班",
}
PAYEES: Mapping[str, str] = {"enterprise": "企业", "institution": "培训机构", "individual": "个人"}

# Funding type → the rule that sets its amount. Types missing here have no amount in any document.
FUNDING_RULES: Mapping[str, str] = {"new_hire": "F01", "on_job": "F02", "off_job": "F02", "yigong": "F03"}

# Who may receive it, as the clauses quoted in the profiles say (module doc). F02 is open to any applicant.
ALLOWED_PAYEES: Mapping[str, frozenset[str]] = {
    "F01": frozenset({"enterprise", "institution"}),
    "F03": frozenset({"enterprise"}),
}
# The parameter whose clause is quoted for a rule's refusals.
RULE_PARAM: Mapping[str, str] = {
    "F01": "subsidy_new_hire",
    "F02": "subsidy_completion",
    "F03": "subsidy_yigong_monthly",
}

# F02: certificate levels with an amount (E07 numbering: 5 = 初级工 … 1 = 高级技师).
LEVELLED_KINDS = std.LEVELLED_KINDS
LEVEL_PARAMS = std.LEVEL_PARAMS


EQUIPMENT_KINDS: Mapping[str, tuple[str, str]] = {
    "base": ("高技能人才培训基地", "equipment_cap_base"),
    "studio": ("技能大师工作室", "equipment_cap_studio"),
}

Status = Literal["payable", "excluded"]


def _require(value: str, allowed: Mapping[str, object], what: str) -> None:
    # A code outside the set is a bug in the caller (the Django choices), not a user's mistake.
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(sorted(allowed))}")


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal) -> str:
    """2000 → "2000元", 2700.5 → "2700.50元" (fen shown only when there are any)."""
    text = f"{_money(amount):f}"
    return (text[:-3] if text.endswith(".00") else text) + "元"


def _doc_number(profile: Profile) -> str:
    # "郑技领办〔2021〕6号 2021年郑州市…" → "郑技领办〔2021〕6号"
    return profile.document.split()[0]


def _source(profile: Profile, name: str) -> str:
    """Document number and clause number, for computations: "郑技领办〔2021〕6号 三(一)"."""
    clause = profile.param(name).clause.split()
    return f"{_doc_number(profile)} {clause[0]}" if clause else _doc_number(profile)


def _profile_ref(profile: Profile) -> str:
    return f"{profile.code} 《{profile.document}》"


def _cite(profile: Profile, name: str) -> str:
    # The clause of a parameter when the document sets it, else the document itself.
    return profile.cite(name) if profile.param(name).is_set else _profile_ref(profile)


def _not_set(profile: Profile, name: str, field: str) -> Violation:
    param = profile.param(name)
    return Violation(
        param.rule, _profile_ref(profile), f"本政策口径未规定“{param.spec.label}”：{param.note}", field=field
    )


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class EntitlementNotSet(LookupError):
    """The profile does not fix a number a payable line needs: refuse, never pay zero.

    ``violations`` has one entry per missing number, each "本政策口径未规定…" with the profile's reason;
    the Django side shows them with ``Refusal.from_violations``.
    """

    def __init__(self, profile: Profile, violations: Sequence[Violation]) -> None:
        self.profile = profile
        self.violations = tuple(violations)
        super().__init__("；".join(v.render() for v in self.violations))


# --- input ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SubsidyClass:
    """An assessed class as the entitlement rules see it.

    ``facts`` is the class as issue 3 built it (``training.facts.class_facts``), with the *assessed*
    certificate kind as ``target_certificate``: funding type (F01–F03, 脱产 = ``off_job``), occupation and
    level (B02), dates (B02, B07, F03), obtainable certificates (E03).
    """

    facts: ClassFacts
    mode: str  # MODES code; "project" makes the F04 prepayment range apply
    payee: str  # PAYEES code: who applies for and receives the subsidy
    inspection_counts: tuple[int, ...] = ()  # C02: trainees present at each in-training inspection
    opening_headcount: int | None = None  # C02: trainees actually present on the opening day
    lessons: tuple[LessonVideo, ...] = ()  # C05: the lesson videos with their "not all visible" counts
    satisfaction_share: Decimal | None = None  # C09: latest survey, 0–1; None = no survey recorded
    # The 补贴标准目录 items that may price this class (its occupation, the region's list and its
    # ancestors' for the class's year), the most local region first; ``standards_region`` names where
    # they were looked for, for a refusal (see policy.standards).
    standards: tuple[StandardItem, ...] = ()
    standards_region: str = ""
    # D04 / C07: the hours a trainee must have learnt online (valid lessons) and checked in on site (face
    # check-ins); 0 = nothing to judge (an offline class, a purely online one, or a profile without it).
    online_hours_required: int = 0
    checkin_hours_required: int = 0
    # C02: a purely online class has no inspection; who was trained comes from the platform's logs.
    headcount_from_logs: bool = False
    # D05 on what was delivered: the most online hours any trainee logged (None: no log to judge).
    delivered_online_hours: int | None = None

    def __post_init__(self) -> None:
        _require(self.mode, MODES, "mode")
        _require(self.payee, PAYEES, "payee")
        if any(c < 0 for c in self.inspection_counts) or (
            self.opening_headcount is not None and self.opening_headcount < 0
        ):
            raise ValueError("headcounts must not be negative")
        if self.satisfaction_share is not None and not ZERO <= self.satisfaction_share <= 1:
            raise ValueError(f"satisfaction_share must be within 0–1, got {self.satisfaction_share}")

    @property
    def project_based(self) -> bool:
        return self.mode == "project"

    @property
    def off_job(self) -> bool:
        return self.facts.funding_type == "off_job"

    @property
    def rule(self) -> str | None:
        """F01 / F02 / F03, or None for a funding type no document gives an amount for."""
        return FUNDING_RULES.get(self.facts.funding_type)


@dataclass(slots=True, kw_only=True)  # not frozen, made per trainee: see training.RosterRow
class TraineeFacts:
    """One trainee of the class with the outcome of the assessment."""

    person_key: str  # one key per person, the key of PersonHistory (the ID number, or the caller's id)
    name: str  # as id_number: needed only where a B-rule may name the trainee (see trainees_named)
    row: int  # 花名册行号: lines are listed, and C02 places given, in this order
    certificate: str | None = None  # CERTIFICATE_KINDS code obtained; None = failed or not assessed
    level: int | None = None  # level of a qualification / skill-level certificate (5 = 初级工 … 1)
    hired_on: dt.date | None = None  # 入职日期: B07 (new hire), F03 employment months
    yigong_months: int = 0  # F03: months of 以工代训 claimed for this person
    id_number: str = ""  # the normalised ID number, when person_key is not it (B02/B07/B08 messages)
    online_valid_hours: int = 0  # D04: hours of valid online lessons, from the platform's logs
    online_logged: bool = False  # D04: the platform sent any log of this trainee
    checked_in_hours: int = 0  # C07: hours between matched face check-ins and check-outs
    made_up_hours: int = 0  # C08: hours of filmed make-up lessons after written leave

    def __post_init__(self) -> None:
        if self.certificate is not None:
            if self.certificate not in CERTIFICATE_KINDS:
                _require(self.certificate, CERTIFICATE_KINDS, "certificate kind")
            if self.certificate in LEVELLED_KINDS and self.level not in LEVEL_LABELS:
                raise ValueError(f"a {self.certificate} certificate needs a level 1–5, got {self.level}")
        if self.yigong_months < 0:
            raise ValueError(f"yigong_months must not be negative, got {self.yigong_months}")

    def roster_row(self) -> RosterRow:
        return RosterRow(
            row=self.row, id_number=self.id_number or self.person_key, name=self.name, hired_on=self.hired_on
        )


def trainees_named(profile: Profile, facts: ClassFacts, *, with_history: bool) -> bool:
    """Whether a B-rule may name a trainee of this class (name and masked ID number in its message):
    always where one has earlier enrolments (B02, B08 weigh them), and without any only where B07 judges
    the class (a new-hire class) or B02 allows no subsidised training at all. A caller that reads the
    trainees' identities lazily reads them for exactly these (``_trainee_exclusions`` builds the roster
    row on the same condition)."""
    if with_history:
        return True
    params = _RosterParams.of(profile, facts)
    return (params.b02_limit is not None and params.b02_limit < 1) or params.b07_months is not None


# --- output -----------------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)  # not frozen, made per trainee: see training.RosterRow
class EntitlementLine:
    """One trainee's entitlement. ``amount`` is what is payable: zero exactly when ``status`` is
    "excluded", and then ``violations`` says why (the computation still shows the amount at stake)."""

    person_key: str
    name: str
    row: int
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    status: Status
    violations: tuple[Violation, ...] = ()

    @property
    def payable(self) -> bool:
        return self.status == "payable"


@dataclass(frozen=True, slots=True, kw_only=True)
class PrepaymentRange:
    """F04: what may be prepaid of ``basis``."""

    basis: Decimal
    share_min: Decimal
    share_max: Decimal
    minimum: Decimal
    maximum: Decimal
    computation: str
    rule_ids: tuple[str, ...] = ("F04",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settlement:
    """A prepayment settled against the final amount: exactly one of the two is non-zero, or neither."""

    final: Decimal
    prepaid: Decimal
    balance_due: Decimal
    to_recover: Decimal
    computation: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassEntitlement:
    class_ref: str
    profile_key: str
    funding_type: str
    payee: str
    lines: tuple[EntitlementLine, ...]  # in roster order
    forfeits: tuple[Violation, ...] = ()  # class-level: any of them and nothing is payable
    notices: tuple[Violation, ...] = ()  # class-level consequences that do not touch this class's money
    trained_headcount: int | None = None  # C02 cap (None: no cap applies)
    prepayment: PrepaymentRange | None = None  # F04, project-based classes
    prepayment_refusals: tuple[Violation, ...] = ()  # F04 shares the profile does not set

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.payable), ZERO)

    @property
    def payable_lines(self) -> tuple[EntitlementLine, ...]:
        return tuple(line for line in self.lines if line.payable)

    @property
    def payable_count(self) -> int:
        return len(self.payable_lines)

    @property
    def excluded(self) -> tuple[EntitlementLine, ...]:
        return tuple(line for line in self.lines if not line.payable)

    @property
    def forfeited(self) -> bool:
        return bool(self.forfeits)

    def settle(self, prepaid: Decimal) -> Settlement:
        return settle_prepayment(self.total, prepaid)


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """:func:`planned_subsidy`: the amount a class would be owed if every planned trainee passed."""

    per_head: Decimal
    heads: int
    amount: Decimal
    computation: str
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EquipmentEntitlement:
    """F05: the one-off equipment grant of a high-skilled talent base or a master's studio."""

    kind: str  # "base" / "studio"
    equipment_value: Decimal
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    status: Status
    violations: tuple[Violation, ...] = ()


# --- rates ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rate:
    rule: str
    label: str  # "中级工", "新录用人员岗前培训", "以工代训"
    per_head: Decimal
    factors: str  # "2000元/人" or "200元/人/月 × 6个月"
    source: str  # "郑技领办〔2021〕6号 三(一)"
    rule_ids: tuple[str, ...]

    def text(self, heads: int) -> str:
        total = _money(self.per_head * heads)
        return f"{self.rule} {self.label} {self.factors} × {heads} = {yuan(total)}（{self.source}）"


_RateResult = tuple[_Rate | None, list[Violation]]  # (rate, missing numbers)


def _rate(
    profile: Profile, cls: SubsidyClass, certificate: str | None, level: int | None, months: int
) -> _RateResult:
    """The per-head amount for one outcome; None with no missing number when nothing is owed at all
    (no certificate, no month), None with the missing numbers when the profile cannot say.

    The resolution order (policy.standards): the document's own amount, else the 补贴标准目录 item in
    force on the class's start date where the profile prices by the province standard, else a refusal.
    """
    rule = cls.rule
    if rule == "F03":
        return _f03(profile, months)
    if certificate is None:
        return None, []
    facts = cls.facts
    if std.document_param(profile, facts.funding_type, certificate, level) is not None:
        if rule == "F01":
            rate = profile.value("subsidy_new_hire")
            ids = ("F01", "B07") if profile.param("new_hire_window_months").is_set else ("F01",)
            source = _source(profile, "subsidy_new_hire")
            return _Rate("F01", FUNDING_TYPES["new_hire"], rate, f"{yuan(rate)}/人", source, ids), []
        return _f02(profile, cls, certificate, level)
    if std.switch_on(profile):
        return _standard(profile, cls, certificate, level)
    if rule is None:
        label = FUNDING_TYPES[facts.funding_type]
        return None, [
            Violation(
                "F02",
                _profile_ref(profile),
                f"本政策口径未规定“{label}”的补贴标准：补贴标准只规定了新录用人员岗前培训（F01）、在岗和脱产培训按取得证书（F02）、以工代训（F03）",
                field="补贴类别",
                value=label,
            )
        ]
    if rule == "F01":
        return None, [_not_set(profile, "subsidy_new_hire", "补贴类别")]
    return _f02(profile, cls, certificate, level)


def _standard(profile: Profile, cls: SubsidyClass, certificate: str, level: int | None) -> _RateResult:
    """A line priced by the 补贴标准目录 item in force on the class's start date; cites the item and the
    profile's switch."""
    facts = cls.facts
    trade = facts.trade_name
    item = std.find(cls.standards, facts, certificate, level, trade=trade)
    if item is None:
        return None, [
            std.missing(profile, facts, certificate, level, trade=trade, region=cls.standards_region)
        ]
    rule = cls.rule or "F02"
    source = f"{item.cite()}；{_source(profile, std.SWITCH)}"
    return _Rate(rule, item.what, item.amount, f"{yuan(item.amount)}/人", source, (rule,)), []


def _f02(profile: Profile, cls: SubsidyClass, certificate: str | None, level: int | None) -> _RateResult:
    if certificate is None:
        return None, []
    if certificate == COMPLETION:
        name, label = (
            ("subsidy_offjob_completion", "脱产培训合格证书")
            if cls.off_job
            else ("subsidy_completion", "培训合格证书")
        )
    elif certificate in LEVELLED_KINDS and level is not None and level in LEVEL_PARAMS:
        name, label = LEVEL_PARAMS[level]
    else:
        what = (
            f"{CERTIFICATE_KINDS[certificate]}（{LEVEL_LABELS[level]}）"
            if certificate in LEVELLED_KINDS and level is not None
            else CERTIFICATE_KINDS[certificate]
        )
        return None, [
            Violation(
                "F02",
                _cite(profile, "subsidy_completion"),
                f"本政策口径未规定取得“{what}”的补贴标准：只规定了培训合格证书、初级工、中级工、高级工的标准",
                field="取得证书",
                value=what,
            )
        ]
    rate = profile.get(name)
    if rate is None:
        return None, [_not_set(profile, name, "取得证书")]
    return _Rate("F02", label, rate, f"{yuan(rate)}/人", _source(profile, name), ("F02",)), []


def _f03(profile: Profile, months: int) -> _RateResult:
    if months <= 0:
        return None, []
    monthly = profile.get("subsidy_yigong_monthly")
    cap = profile.get("yigong_max_months")
    missing = [
        _not_set(profile, name, "以工代训月数")
        for name, value in (("subsidy_yigong_monthly", monthly), ("yigong_max_months", cap))
        if value is None
    ]
    if monthly is None or cap is None:
        return None, missing
    paid = min(months, int(cap))
    note = f"（申报{months}个月，最长{cap}个月）" if months > paid else ""
    factors = f"{yuan(monthly)}/人/月 × {paid}个月{note}"
    source = _source(profile, "subsidy_yigong_monthly")
    return _Rate("F03", "以工代训", monthly * paid, factors, source, ("F03",)), []


# --- per-trainee exclusions -------------------------------------------------------------------------------


def _earlier(cls: ClassFacts, past: Sequence[Enrolment]) -> list[Enrolment]:
    """Counted enrolments before this class (start date, then reference): the ones B02/B08 weigh."""
    if not past:
        return []
    key = (cls.start_date, cls.ref)
    earlier = [e for e in past if e.class_ref != cls.ref and e.counts and (e.start_date, e.class_ref) < key]
    return sorted(earlier, key=lambda e: (e.start_date, e.class_ref))


def _trainee_exclusions(
    profile: Profile,
    cls: SubsidyClass,
    t: TraineeFacts,
    history: PersonHistory,
    class_e03: bool,
    params: _RosterParams,
) -> list[Violation]:
    facts = cls.facts
    rule = cls.rule or "F02"  # a funding type without an amount is refused under F02 (see _rate)
    out: list[Violation] = []
    param = RULE_PARAM[rule]
    if rule == "F03":
        if t.yigong_months <= 0:
            out.append(
                Violation(
                    "F03",
                    _cite(profile, param),
                    "未填写以工代训月数",
                    field="以工代训月数",
                    row=t.row,
                    value="0",
                )
            )
        out += _f03_employment(profile, facts, t)
    elif t.certificate is None:
        out.append(
            Violation(
                rule,
                _cite(profile, param),
                "未取得证书（结业考核未合格或未参加考核），不予补贴",
                field="取得证书",
                row=t.row,
                value="无",
            )
        )
    elif t.certificate == COMPLETION and not class_e03:
        # E03 per trainee: a completion certificate where the occupation offers a higher one.
        out += [
            replace(v, row=t.row)
            for v in _rule_e03(profile, replace(facts, target_certificate=COMPLETION), field="取得证书")
        ]
    # D04 / C07: the online part counts only its valid hours, the offline part its face check-ins.
    for found in (
        online.online_shortfall(
            profile,
            required_hours=cls.online_hours_required,
            valid_hours=t.online_valid_hours,
            logged=t.online_logged,
        ),
        online.checkin_shortfall(
            profile,
            required_hours=cls.checkin_hours_required,
            checked_hours=t.checked_in_hours,
            made_up_hours=t.made_up_hours,
        ),
    ):
        if found is not None:
            out.append(replace(found, row=t.row))
    earlier = _earlier(facts, history.get(t.person_key, ()))
    # As the roster check does: without an earlier enrolment B02 (cap ≥ 1) and B08 have nothing to judge,
    # and B07 only judges new-hire classes — then the trainee's roster row need not even be built.
    b02_without_past = params.b02_limit is not None and params.b02_limit < 1
    if not earlier and not b02_without_past and params.b07_months is None:
        return out
    row = t.roster_row()
    if rule != "F03" and (earlier or b02_without_past):
        out += _rule_b02(params, facts, row, earlier)
    out += _rule_b07(params, facts, row)
    if earlier:
        out += _rule_b08(params, row, earlier)
    return out


def _f03_employment(profile: Profile, facts: ClassFacts, t: TraineeFacts) -> list[Violation]:
    months = profile.get("yigong_min_employment_months")
    if months is None:
        return []
    cite = profile.cite("yigong_min_employment_months")
    if t.hired_on is None:
        return [Violation("F03", cite, "以工代训须填写入职日期", field="入职日期", row=t.row)]
    enough = add_months(t.hired_on, int(months))
    if enough > facts.end_date:
        return [
            Violation(
                "F03",
                cite,
                f"入职日期 {t.hired_on.isoformat()}，至以工代训结束 {facts.end_date.isoformat()} 就业不满 {months} 个月（{enough.isoformat()} 满 {months} 个月）",
                field="入职日期",
                row=t.row,
                value=t.hired_on.isoformat(),
            )
        ]
    return []


# --- class-level forfeits ---------------------------------------------------------------------------------


def _class_checks(profile: Profile, cls: SubsidyClass) -> tuple[list[Violation], list[Violation], int | None]:
    """(forfeits, notices, trained headcount)."""
    facts = cls.facts
    rule = cls.rule
    forfeits: list[Violation] = []
    notices: list[Violation] = []
    allowed = ALLOWED_PAYEES.get(rule) if rule else None
    if rule and allowed is not None and cls.payee not in allowed:
        names = "或".join(PAYEES[p] for p in PAYEES if p in allowed)
        forfeits.append(
            Violation(
                rule,
                _cite(profile, RULE_PARAM[rule]),
                f"{FUNDING_TYPES[facts.funding_type]}补贴给予{names}，不能由{PAYEES[cls.payee]}申领",
                field="申领主体",
                value=PAYEES[cls.payee],
            )
        )
    if rule != "F03":
        forfeits += _rule_e03(profile, facts, field="考核证书类别")
    forfeits += [v for v in check_video(profile, cls.lessons) if v.rule == "C05"]
    forfeits += online.check_delivered(profile, facts, cls.lessons, online_hours=cls.delivered_online_hours)
    if cls.satisfaction_share is not None:
        outcome = satisfaction_effect(profile, cls.satisfaction_share)
        if outcome is not None and outcome.effect == "suspend_assessment":
            v = outcome.violation
            forfeits.append(
                Violation(
                    v.rule,
                    v.clause,
                    f"{v.message}；未重新组织培训并达标的，取消当班补贴资格",
                    field=v.field,
                    value=v.value,
                )
            )
        elif outcome is not None:
            notices.append(outcome.violation)
    headcount: int | None = None
    if rule != "F03":
        if cls.inspection_counts:
            headcount = trained_headcount(cls.inspection_counts, opening_headcount=cls.opening_headcount)
        elif cls.headcount_from_logs:
            pass  # C02 of a purely online class: each trainee counts by his valid hours (D04), no cap
        else:
            forfeits.append(
                Violation(
                    "C02",
                    profile.rule_clause("C02_trained"),
                    "本班没有培训期间检查记录，无法确定培训人数（检查在位平均人数），不予补贴",
                    field="培训期间检查",
                    value="0",
                )
            )
    return forfeits, notices, headcount


# --- the batch ----------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    trainee: TraineeFacts
    rate: _Rate | None
    missing: list[Violation]
    excluded: list[Violation] = field(default_factory=list)


def class_entitlement(
    profile: Profile, cls: SubsidyClass, trainees: Sequence[TraineeFacts], history: PersonHistory
) -> ClassEntitlement:
    """Every trainee of one class in one call; deterministic whatever the order of ``trainees``.

    ``history`` maps person keys to what the system holds about each person (one query by the caller;
    this class's own enrolments are ignored). Raises :class:`EntitlementNotSet` when a line that would be
    payable needs a number the profile does not set.
    """
    facts = cls.facts
    forfeits, notices, headcount = _class_checks(profile, cls)
    class_e03 = any(v.rule == "E03" for v in forfeits)

    drafts: list[_Draft] = []
    first_row: dict[str, int] = {}
    params = _RosterParams.of(profile, cls.facts)  # read once per class, as the roster import does
    # A class has a handful of outcomes (certificate, level, months): each one's rate is worked out once,
    # not once per trainee. _rate depends on nothing else, and its results are frozen.
    rates: dict[tuple[str | None, int | None, int], _RateResult] = {}
    for t in sorted(trainees, key=lambda t: t.row):
        outcome = (t.certificate, t.level, t.yigong_months)
        found = rates.get(outcome)
        if found is None:
            found = rates[outcome] = _rate(profile, cls, t.certificate, t.level, t.yigong_months)
        rate, missing = found
        draft = _Draft(t, rate, missing)
        if t.person_key in first_row:
            draft.excluded.append(
                Violation(
                    "B01",
                    RULE_B01_CLAUSE,
                    f"与第{first_row[t.person_key]}行为同一人，同一人在一个班中只能补贴一次",
                    field="身份证号",
                    row=t.row,
                )
            )
        else:
            first_row[t.person_key] = t.row
        draft.excluded += _trainee_exclusions(profile, cls, t, history, class_e03, params)
        drafts.append(draft)

    if not forfeits:
        needed = [m for d in drafts if not d.excluded for m in d.missing]
        if needed:
            unique = list({(v.rule, v.message): v for v in needed}.values())
            raise EntitlementNotSet(profile, unique)

    # C02: places go in roster order to trainees not excluded on their own account.
    if headcount is not None and not forfeits:
        eligible = [d for d in drafts if not d.excluded]
        for d in eligible[headcount:]:
            d.excluded.append(
                Violation(
                    "C02",
                    profile.rule_clause("C02_trained"),
                    f"培训人数（检查在位平均人数）为 {headcount} 人，符合条件的 {len(eligible)} 人按花名册顺序补贴前 {headcount} 人，本行超出",
                    field="培训人数",
                    row=d.trainee.row,
                    value=str(headcount),
                )
            )

    # Each rate's one-person computation and amount, worked out once per class. Keyed by the rate object
    # (a class's drafts share the few in ``rates``): hashing a frozen rate's fields for every trainee
    # cost more than the line itself.
    texts: dict[int, tuple[str, Decimal]] = {}
    lines = tuple(_line(cls, d, forfeits, texts) for d in drafts)
    result = ClassEntitlement(
        class_ref=facts.ref,
        profile_key=profile.key,
        funding_type=facts.funding_type,
        payee=cls.payee,
        lines=lines,
        forfeits=tuple(forfeits),
        notices=tuple(notices),
        trained_headcount=headcount,
    )
    if not cls.project_based:
        return result
    try:
        prepay = prepayment_range(profile, result.total)
    except EntitlementNotSet as exc:
        return replace(result, prepayment_refusals=exc.violations)
    return replace(result, prepayment=prepay)


def _line(
    cls: SubsidyClass, d: _Draft, forfeits: Sequence[Violation], texts: dict[int, tuple[str, Decimal]]
) -> EntitlementLine:
    t = d.trainee
    violations = (*d.excluded, *forfeits) if forfeits else d.excluded
    rule_ids = d.rate.rule_ids if d.rate else ((cls.rule,) if cls.rule else ())
    text, per_head = "", ZERO
    if d.rate is not None:
        known = texts.get(id(d.rate))
        if known is None:
            known = texts[id(d.rate)] = (d.rate.text(1), _money(d.rate.per_head))
        text, per_head = known
    if not violations:
        assert d.rate is not None  # a line with no rate always carries its reason
        return EntitlementLine(
            person_key=t.person_key,
            name=t.name,
            row=t.row,
            amount=per_head,
            rule_ids=rule_ids,
            computation=text,
            status="payable",
        )
    reasons = "；".join(v.message for v in violations)
    computation = f"{text}；不予补贴：{reasons}" if d.rate else f"不予补贴：{reasons}"
    return EntitlementLine(
        person_key=t.person_key,
        name=t.name,
        row=t.row,
        amount=ZERO,
        rule_ids=_unique([*rule_ids, *(v.rule for v in violations)]),
        computation=computation,
        status="excluded",
        violations=tuple(violations),
    )


# --- F04 prepayment -----------------------------------------------------------------------------------------


def planned_subsidy(
    profile: Profile, cls: SubsidyClass, *, trainees: int, yigong_months: int | None = None
) -> Estimate:
    """The amount owed if every one of ``trainees`` passed with the class's target certificate (F01,
    F02) or had ``yigong_months`` (default: the most F03 pays) of 以工代训: the F04 basis at opening."""
    if trainees < 0:
        raise ValueError(f"trainees must not be negative, got {trainees}")
    months = yigong_months
    if months is None and cls.rule == "F03":
        cap = profile.get("yigong_max_months")
        if cap is None:
            raise EntitlementNotSet(profile, [_not_set(profile, "yigong_max_months", "以工代训月数")])
        months = int(cap)
    rate, missing = _rate(profile, cls, cls.facts.target_certificate, cls.facts.level, months or 0)
    if rate is None:
        if not missing:
            raise ValueError("planned_subsidy needs a positive number of months for a 以工代训 class")
        raise EntitlementNotSet(profile, missing)
    return Estimate(
        per_head=_money(rate.per_head),
        heads=trainees,
        amount=_money(rate.per_head * trainees),
        computation=rate.text(trainees),
        rule_ids=rate.rule_ids,
    )


def prepayment_range(profile: Profile, basis: Decimal) -> PrepaymentRange:
    """F04: ``prepay_share_min``–``prepay_share_max`` of ``basis`` (30%–50% ZZ21, 50% XC19)."""
    if basis < 0:
        raise ValueError(f"basis must not be negative, got {basis}")
    low, high = profile.get("prepay_share_min"), profile.get("prepay_share_max")
    missing = [
        _not_set(profile, name, "预拨比例")
        for name, value in (("prepay_share_min", low), ("prepay_share_max", high))
        if value is None
    ]
    if low is None or high is None:
        raise EntitlementNotSet(profile, missing)
    minimum, maximum = _money(basis * low), _money(basis * high)
    if low == high:
        factors, amounts = percent(low), yuan(minimum)
    else:
        factors, amounts = f"{percent(low)}—{percent(high)}", f"{yuan(minimum)}—{yuan(maximum)}"
    return PrepaymentRange(
        basis=_money(basis),
        share_min=low,
        share_max=high,
        minimum=minimum,
        maximum=maximum,
        computation=f"F04 项目制预拨 {yuan(basis)} × {factors} = {amounts}（{_source(profile, 'prepay_share_min')}）",
    )


def settle_prepayment(final: Decimal, prepaid: Decimal) -> Settlement:
    """F04 prepayment against the final entitlement: the balance still due, or what is recovered (F14)."""
    if final < 0 or prepaid < 0:
        raise ValueError("amounts must not be negative")
    final, prepaid = _money(final), _money(prepaid)
    if prepaid > final:
        recover = prepaid - final
        return Settlement(
            final=final,
            prepaid=prepaid,
            balance_due=ZERO,
            to_recover=recover,
            computation=f"已预拨 {yuan(prepaid)} − 核定补贴 {yuan(final)} = 应追回 {yuan(recover)}",
            rule_ids=("F04", "F14"),
        )
    due = final - prepaid
    return Settlement(
        final=final,
        prepaid=prepaid,
        balance_due=due,
        to_recover=ZERO,
        computation=f"核定补贴 {yuan(final)} − 已预拨 {yuan(prepaid)} = 应拨付余额 {yuan(due)}",
        rule_ids=("F04",),
    )


# --- F05 equipment ------------------------------------------------------------------------------------------


def equipment_subsidy(
    profile: Profile,
    *,
    kind: str,
    equipment_value: Decimal,
    staff_education_fund_used: bool,
    already_granted: bool = False,
) -> EquipmentEntitlement:
    """F05: ``equipment_share`` of the newly bought training equipment, at most the cap of the kind
    ("base": ``equipment_cap_base``, "studio": ``equipment_cap_studio``).

    XC19 二(二)1 grants it to an enterprise that used its staff-education fund for building the base or
    studio, once ("一次性补助"): otherwise the grant is excluded with an F05 violation.
    """
    _require(kind, EQUIPMENT_KINDS, "equipment kind")
    if equipment_value < 0:
        raise ValueError(f"equipment_value must not be negative, got {equipment_value}")
    label, cap_name = EQUIPMENT_KINDS[kind]
    share, cap = profile.get("equipment_share"), profile.get(cap_name)
    cite = _cite(profile, "equipment_share")
    violations: list[Violation] = []
    if not staff_education_fund_used:
        violations.append(
            Violation(
                "F05",
                cite,
                f"企业未依法提取职工教育经费并用于{label}建设，不予实训设备补助",
                field="职工教育经费",
                value="否",
            )
        )
    if already_granted:
        violations.append(
            Violation(
                "F05", cite, f"{label}实训设备补助为一次性补助，已享受过", field="已享受补助", value="是"
            )
        )
    text = ""
    amount = ZERO
    if share is not None and cap is not None:
        raw = _money(equipment_value * share)
        amount = min(raw, _money(cap))
        text = f"F05 {label} 新购置实训设备总值 {yuan(equipment_value)} × {percent(share)} = {yuan(raw)}"
        if raw > amount:
            text += f"，超过上限 {yuan(cap)}，补助 {yuan(amount)}"
        text += f"（{_source(profile, 'equipment_share')}）"
    elif not violations:
        missing = [
            _not_set(profile, name, "实训设备补助")
            for name, value in (("equipment_share", share), (cap_name, cap))
            if value is None
        ]
        raise EntitlementNotSet(profile, missing)
    if violations:
        reasons = "；".join(v.message for v in violations)
        return EquipmentEntitlement(
            kind=kind,
            equipment_value=_money(equipment_value),
            amount=ZERO,
            rule_ids=("F05",),
            computation=f"{text}；不予补助：{reasons}" if text else f"不予补助：{reasons}",
            status="excluded",
            violations=tuple(violations),
        )
    return EquipmentEntitlement(
        kind=kind,
        equipment_value=_money(equipment_value),
        amount=amount,
        rule_ids=("F05",),
        computation=text,
        status="payable",
    )

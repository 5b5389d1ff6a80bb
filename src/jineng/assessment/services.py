"""Writes of 结业考核: the institution's application (E01, E03, E04, E05) and the evaluation body's
results, one trainee at a time or a whole workbook at once (all or nothing).

The class's state moves ended → assessment_applied (``assessment_apply``) and assessment_applied →
assessed (when every enrolled trainee has a result) only here, on a row locked with select_for_update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.models import Assessment, CrossRegionArrangement, ExamSetBy, Result
from jineng.audit.services import event_record
from jineng.catalogue.models import LEVELLED_KINDS, CertificateKind, Level
from jineng.catalogue.selectors import filing_lines
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.online import selectors as online
from jineng.orgs.models import Organisation
from jineng.policy import bodies
from jineng.policy import online as online_rules
from jineng.policy import training as rules
from jineng.policy.identity import InvalidIdNumber, mask_id_number, parse_id_number
from jineng.policy.profiles import Profile, get_profile
from jineng.policy.violations import Violation
from jineng.regions.selectors import NoProfile, profile_for
from jineng.supervision.models import Summary
from jineng.training.facts import class_facts
from jineng.training.models import ClassState, Delivery, Enrolment, TrainingClass


def _profile(tc: TrainingClass) -> Profile:
    try:
        return profile_for(tc.region, tc.year)
    except NoProfile as exc:
        raise Refusal(str(exc)) from None


def _clause_of(tc: TrainingClass, rule: str) -> Callable[[], str]:
    """The clause of ``rule`` in the class's profile (frozen at submission, else the region's), looked up
    only when a refusal needs it: entering results never needed a profile before a row was refused."""

    @functools.cache
    def clause() -> str:
        profile = get_profile(tc.profile_code, tc.profile_version) if tc.profile_code else _profile(tc)
        return profile.rule_clause(rule)

    return clause


def _locked(tc: TrainingClass) -> TrainingClass:
    return (
        TrainingClass.objects.select_for_update()
        .select_related("region", "institution", "occupation")
        .get(pk=tc.pk)
    )


def _class_facts(tc: TrainingClass, kind: str, level: int | None) -> rules.ClassFacts:
    """The class's own facts (training.facts), with the kind and level this assessment is for."""
    return dataclasses.replace(class_facts(tc), target_certificate=kind, level=level)


@transaction.atomic
def assessment_apply(
    *,
    actor: User,
    training_class: TrainingClass,
    body: Organisation,
    certificate_kind: str,
    level: int | None,
    assessment_date: dt.date,
    offline: bool = True,
    exam_set_by: str = "",
    venue: str = "",
    today: dt.date | None = None,
) -> Assessment:
    """结业考核申请 by the institution's clerk, naming an evaluation body: ended → assessment_applied."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本机构经办人可以申请结业考核")
    profile = _profile(tc)
    if tc.state != ClassState.ENDED:
        raise Refusal(f"培训班当前状态为“{tc.get_state_display()}”，结业后方可申请考核", field="状态")
    summary = Summary.objects.filter(training_class=tc).first()
    if summary is not None and summary.assessment_suspended:
        raise Refusal(
            "本班培训满意率低于规定比例，结业考核已暂停：须重新组织培训或取消当班补贴资格",
            field="满意率",
            value=str(summary.satisfaction_share),
            rule="C09",
            clause=profile.cite("satisfaction_effect"),
        )
    if certificate_kind not in CertificateKind.values:
        raise Refusal(
            "未知的证书类型",
            field="考核证书类别",
            value=certificate_kind,
            rule="E02",
            clause=profile.rule_clause("E02"),
        )
    if exam_set_by and exam_set_by not in ExamSetBy.values:
        raise Refusal("未知的出题组织单位", field="出题组织单位", value=exam_set_by)
    if certificate_kind in LEVELLED_KINDS and level not in (1, 2, 3, 4, 5):
        raise Refusal("职业资格证书、职业技能等级证书须填写等级（1–5）", field="等级", value=str(level))
    kept_level = level if certificate_kind in LEVELLED_KINDS else None
    body_refused = body_check(profile, tc, body, certificate_kind, kept_level, assessment_date)
    if body_refused is not None:  # I09 / I08: the body is filed for this scope, in force, here
        raise Refusal.from_violations("结业考核申请未通过检查，未提交", [body_refused])
    facts = _class_facts(tc, certificate_kind, level)
    violations: list[Violation] = []
    if facts.obtainable_certificates and certificate_kind not in facts.obtainable_certificates:
        names = "、".join(CertificateKind(k).label for k in sorted(facts.obtainable_certificates))
        violations.append(
            Violation(
                "E02",
                profile.rule_clause("E02"),
                f"该职业可取得的证书为：{names}",
                field="考核证书类别",
                value=CertificateKind(certificate_kind).label,
            )
        )
    violations += rules.check_assessment_application(
        profile, facts, assessment_date, today, offline=offline, exam_set_by_level=exam_set_by or None
    )
    if tc.delivery != Delivery.OFFLINE:  # D03, D06 and (where the profile says so) D04
        request = online.assessment_request(tc)
        violations += online_rules.check_online_assessment(
            profile,
            delivery=tc.delivery,
            assessment_date=assessment_date,
            requester=request.requester if request else None,
            short_trainees=online.short_trainees(tc)
            if profile.get("online_invalid_refuses_assessment")
            else (),
        )
    if violations:
        raise Refusal.from_violations("结业考核申请未通过检查，未提交", violations)
    assessment = Assessment.objects.create(
        training_class=tc,
        body=body,
        certificate_kind=certificate_kind,
        level=kept_level,
        assessment_date=assessment_date,
        applied_on=today,
        offline=offline,
        exam_set_by=exam_set_by,
        venue=venue.strip(),
        applied_by=actor,
    )
    from_state = tc.state
    tc.state = ClassState.ASSESSMENT_APPLIED
    tc.save(update_fields=["state", "updated_at"])
    event_record(
        actor=actor,
        action="class.assessment_applied",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={
            "assessment": assessment.pk,
            "body": body.pk,
            "kind": certificate_kind,
            "date": assessment_date.isoformat(),
        },
    )
    return assessment


def wanted(tc: TrainingClass, certificate_kind: str, level: int | None, day: dt.date) -> bodies.Wanted:
    """What an assessment of the class asks of its body (I09)."""
    return bodies.Wanted(
        occupation_id=tc.occupation_id,
        occupation_name=tc.occupation.name,
        certificate_kind=certificate_kind,
        level=level,
        region_path=tc.region.path,
        region_name=tc.region.name,
        day=day,
    )


def body_check(
    profile: Profile,
    tc: TrainingClass,
    body: Organisation,
    certificate_kind: str,
    level: int | None,
    day: dt.date,
) -> Violation | None:
    """I09: ``body`` is filed for the class's occupation, the kind and level, in force on ``day``, in a region
    covering the class — or the bureau arranged it for the class (I08)."""
    arranged = CrossRegionArrangement.objects.filter(training_class=tc, body=body).exists()
    return bodies.check_body(
        profile,
        wanted(tc, certificate_kind, level, day),
        body_id=body.pk,
        body_name=body.name,
        lines=filing_lines(body_ids=[body.pk]),
        arranged=arranged,
    )


ARRANGEABLE_STATES = frozenset({ClassState.APPROVED, ClassState.IN_TRAINING, ClassState.ENDED})


@transaction.atomic
def cross_region_arrange(
    *,
    actor: User,
    training_class: TrainingClass,
    body: Organisation,
    basis: str,
    reason: str,
    today: dt.date | None = None,
) -> CrossRegionArrangement:
    """I08: the bureau lets a body filed elsewhere assess this class — no body is filed locally for its
    occupation, certificate and level (跨区域提供服务), or its few trainees join a centralised exam (统筹集中考核).
    The body must be filed for the scope (I09); only the region is not asked then."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    profile = _profile(tc)
    clause = profile.rule_clause("I08")
    if not can(actor.role, "assessment.arrange") or not tc.region.path.startswith(
        scope_of(actor).region_path
    ):
        raise Refusal("只有本班所在地区的人社局管理员可以作出跨区域考核安排")
    if tc.state not in ARRANGEABLE_STATES:
        raise Refusal(
            f"培训班当前状态为“{tc.get_state_display()}”：考核申请前方可作出跨区域考核安排",
            field="状态",
            rule="I08",
            clause=clause,
        )
    if basis not in CrossRegionArrangement.Basis.values:
        raise Refusal("请选择安排依据", field="依据", value=basis, rule="I08", clause=clause)
    reason = reason.strip()
    if not reason:
        raise Refusal("请写明理由", field="理由", rule="I08", clause=clause)
    if CrossRegionArrangement.objects.filter(training_class=tc, body=body).exists():
        raise Refusal(f"已安排{body.name}承担本班考核", field="考核机构", value=body.name)
    level = tc.level if tc.target_certificate in LEVELLED_KINDS else None
    want = wanted(tc, tc.target_certificate, level, today)
    lines = filing_lines(occupation_id=tc.occupation_id, certificate_kind=tc.target_certificate)
    mine = [
        ln
        for ln in lines
        if ln.body_id == body.pk and ln.fits(want) and (ln.valid_to is None or ln.valid_to > today)
    ]
    if not mine:
        raise Refusal(
            f"{body.name}未备案{want.scope_text}（或备案已失效），不能安排其承担考核",
            field="考核机构",
            value=body.name,
            rule="I09",
            clause=profile.rule_clause("I09"),
        )
    if any(ln.covers(want.region_path) for ln in mine):
        raise Refusal(
            f"{body.name}的备案区域已含本班所在的{tc.region.name}，无需跨区域安排",
            field="考核机构",
            value=body.name,
            rule="I08",
            clause=clause,
        )
    local = bodies.local_bodies(want, lines)
    if basis == CrossRegionArrangement.Basis.NO_LOCAL_BODY and local:
        names = "、".join(sorted({ln.body_name for ln in lines if ln.body_id in local}))
        raise Refusal(
            f"本地已有备案的评价机构（{names}），不属于“本地无备案评价机构”",
            field="依据",
            value=CrossRegionArrangement.Basis(basis).label,
            rule="I08",
            clause=clause,
        )
    arrangement = CrossRegionArrangement.objects.create(
        training_class=tc, body=body, basis=basis, reason=reason, decided_by=actor
    )
    event_record(
        actor=actor,
        action="assessment.cross_region_arranged",
        obj=tc,
        to_state=tc.state,
        from_state=tc.state,
        payload={"arrangement": arrangement.pk, "body": body.pk, "basis": basis, "reason": reason},
    )
    return arrangement


# --- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    id_number: str
    passed: bool
    certificate_kind: str = ""
    level: int | None = None
    certificate_number: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""
    row: int | None = None  # spreadsheet row, for the report
    # 考号: the trainee's roster row in this class. The template handed to the evaluation body carries it
    # with a masked ID number instead of the whole one (least privilege); a file from the body's own
    # system may give the whole number and no 考号.
    key: int | None = None


def _row_problems(
    assessment: Assessment, r: ResultRow, row: int, clause: Callable[[], str]
) -> list[Violation]:
    def v(field: str, message: str, value: str = "", rule: str = "E02") -> Violation:
        return Violation(rule, clause(), message, field=field, row=row, value=value)

    out: list[Violation] = []
    if not r.passed:
        return out
    if r.certificate_kind not in CertificateKind.values:
        out.append(v("证书类型", "合格学员须填写证书类型", r.certificate_kind))
    elif r.certificate_kind != assessment.certificate_kind:
        out.append(
            v(
                "证书类型",
                f"本次考核申请的证书类型为“{assessment.get_certificate_kind_display()}”",
                CertificateKind(r.certificate_kind).label,
                "E03",
            )
        )
    if r.certificate_kind in LEVELLED_KINDS and r.level not in (1, 2, 3, 4, 5):
        out.append(v("等级", "该证书须填写等级（1–5）", str(r.level or "")))
    if not r.certificate_number.strip():
        out.append(v("证书编号", "合格学员须填写证书编号"))
    if r.issued_on is None:
        out.append(v("发证日期", "合格学员须填写发证日期"))
    elif r.issued_on < assessment.assessment_date:
        out.append(v("发证日期", "发证日期早于考核日期", r.issued_on.isoformat()))
    if not r.issuer.strip():
        out.append(v("发证机构", "请填写发证机构"))
    return out


def _rows_by_key(
    tc: TrainingClass, rows: list[ResultRow], problems: list[Violation], clause: Callable[[], str]
) -> list[ResultRow]:
    """Rows that name their trainee by 考号 get his whole ID number from the roster; the number the row
    shows (masked, as in the template, or whole) must be his."""
    keys = {r.key for r in rows if r.key is not None}
    if not keys:
        return rows
    numbers = dict(
        Enrolment.objects.filter(
            training_class=tc, status=Enrolment.Status.ENROLLED, row__in=keys
        ).values_list("row", "person__id_number")
    )
    out = []
    for i, r in enumerate(rows, start=1):
        if r.key is None:
            out.append(r)
            continue
        row = r.row or i
        number = numbers.get(r.key)
        shown = r.id_number.strip().upper()
        if number is None:
            problems.append(
                Violation(
                    "E02", clause(), "考号不在本次考核的名单中", field="考号", row=row, value=str(r.key)
                )
            )
            number = ""
        elif shown and shown not in (number, mask_id_number(number)):
            problems.append(
                Violation(
                    "E02", clause(), "身份证号与考号对应的学员不符", field="身份证号", row=row, value=shown
                )
            )
        out.append(dataclasses.replace(r, id_number=number))
    return out


@transaction.atomic
def results_enter(*, actor: User, assessment: Assessment, rows: list[ResultRow]) -> int:
    """Results of trainees, all or nothing: any bad row refuses the whole batch with a report by row.

    When every enrolled trainee has a result, the class becomes ``assessed`` and each enrolment's
    ``assessed_on`` is the assessment date (the B03 clock).
    """
    tc = _locked(assessment.training_class)
    a = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if actor.role != Role.EVALUATOR or actor.organisation_id != a.body_id:
        raise Refusal("只有本次考核的评价机构经办人可以录入结果")
    if a.state != Assessment.State.APPLIED or tc.state != ClassState.ASSESSMENT_APPLIED:
        raise Refusal(f"本次考核当前状态为“{a.get_state_display()}”，不能录入结果", field="状态")
    if not rows:
        raise Refusal("没有可录入的结果", field="结果")
    problems: list[Violation] = []
    e02 = _clause_of(tc, "E02")
    rows = _rows_by_key(tc, rows, problems, e02)
    numbers: dict[int, str] = {}
    for i, r in enumerate(rows, start=1):
        row = r.row or i
        if not r.id_number:
            continue  # a 考号 that matched no trainee: reported by _rows_by_key
        try:
            numbers[row] = parse_id_number(r.id_number).number
        except InvalidIdNumber as exc:
            problems.append(
                Violation("B01", "GB 11643", exc.message, field="身份证号", row=row, value=r.id_number)
            )
    enrolments = {
        e.person.id_number: e
        for e in Enrolment.objects.filter(
            training_class=tc, status=Enrolment.Status.ENROLLED, person__id_number__in=set(numbers.values())
        ).select_related("person")
    }
    done = set(Result.objects.filter(enrolment__training_class=tc).values_list("enrolment_id", flat=True))
    seen: set[str] = set()
    cert_numbers = {
        (r.certificate_kind, r.certificate_number.strip())
        for r in rows
        if r.passed and r.certificate_number.strip()
    }
    taken = set(
        Result.objects.filter(certificate_number__in={n for _, n in cert_numbers}).values_list(
            "certificate_kind", "certificate_number"
        )
    )
    seen_certs: set[tuple[str, str]] = set()
    for i, r in enumerate(rows, start=1):
        row = r.row or i
        if row not in numbers:
            continue
        number = numbers[row]
        e = enrolments.get(number)
        if e is None:
            problems.append(
                Violation(
                    "E02",
                    e02(),
                    "该身份证号不在本班花名册中",
                    field="身份证号",
                    row=row,
                    value=r.id_number[:4] + "…",
                )
            )
            continue
        if number in seen:
            problems.append(
                Violation(
                    "E02",
                    e02(),
                    "同一学员在本批中出现两次",
                    field="身份证号",
                    row=row,
                    value=e.person.name,
                )
            )
            continue
        seen.add(number)
        if e.pk in done:
            problems.append(
                Violation(
                    "E02",
                    e02(),
                    "该学员的考核结果已录入",
                    field="身份证号",
                    row=row,
                    value=e.person.name,
                )
            )
        problems += _row_problems(a, r, row, e02)
        cert = (r.certificate_kind, r.certificate_number.strip())
        if r.passed and cert[1]:
            if cert in taken or cert in seen_certs:
                problems.append(
                    Violation("E02", e02(), "证书编号重复", field="证书编号", row=row, value=cert[1])
                )
            seen_certs.add(cert)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field))
        bad = len({p.row for p in problems})
        raise Refusal.from_violations(f"共 {len(rows)} 行，其中 {bad} 行有问题，未录入任何结果", problems)
    Result.objects.bulk_create(
        [
            Result(
                assessment=a,
                enrolment=enrolments[numbers[r.row or i]],
                passed=r.passed,
                certificate_kind=r.certificate_kind if r.passed else "",
                level=r.level if r.passed and r.certificate_kind in LEVELLED_KINDS else None,
                certificate_number=r.certificate_number.strip() if r.passed else "",
                issued_on=r.issued_on if r.passed else None,
                issuer=r.issuer.strip() if r.passed else "",
                entered_by=actor,
            )
            for i, r in enumerate(rows, start=1)
        ]
    )
    # Issue 16: each passed result is a certificate of the one register (one row per kind + number).
    from jineng.certificates.services import ClassCertificate, class_certificates_register

    class_certificates_register(
        actor=actor,
        training_class=tc,
        body=a.body,
        rows=[
            ClassCertificate(
                enrolment=enrolments[numbers[r.row or i]],
                kind=r.certificate_kind,
                level=r.level if r.certificate_kind in LEVELLED_KINDS else None,
                number=r.certificate_number.strip(),
                issued_on=r.issued_on,  # type: ignore[arg-type]  # a passed row has its date (_row_problems)
                issuer_name=r.issuer.strip(),
            )
            for i, r in enumerate(rows, start=1)
            if r.passed
        ],
    )
    event_record(
        actor=actor,
        action="assessment.results_entered",
        obj=a,
        scope=tc,
        from_state=a.state,
        to_state=a.state,
        payload={"rows": len(rows), "passed": sum(r.passed for r in rows)},
    )
    enrolled = Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED)
    if not enrolled.filter(result__isnull=True).exists():
        enrolled.update(assessed_on=a.assessment_date)
        a.state = Assessment.State.RESULTS_ENTERED
        a.results_completed_at = timezone.now()
        a.save(update_fields=["state", "results_completed_at"])
        from_state = tc.state
        tc.state = ClassState.ASSESSED
        tc.save(update_fields=["state", "updated_at"])
        event_record(
            actor=actor,
            action="class.assessed",
            obj=tc,
            from_state=from_state,
            to_state=tc.state,
            payload={"assessment": a.pk, "assessed_on": a.assessment_date.isoformat()},
        )
    return len(rows)


# --- the results workbook -----------------------------------------------------------------------------------

TEMPLATE_HEADERS = ["身份证号", "姓名", "是否合格", "证书类型", "等级", "证书编号", "发证日期", "发证机构"]
# Written into the template after the columns above; optional when reading (a body's own file may
# name trainees by whole ID numbers instead).
KEY_HEADER = "考号"
KIND_BY_LABEL = {label: value for value, label in CertificateKind.choices}
LEVEL_BY_LABEL: dict[str, int] = {label: value for value, label in Level.choices}


def _cell_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def results_workbook_read(content: bytes, *, assessment: Assessment | None = None) -> list[ResultRow]:
    """Reads the template's columns; an unreadable row refuses the whole file with a report by row.

    A bad row quotes E02 as the assessment's profile words it; read without an assessment (parsing only),
    the report names the rule and no clause."""
    e02 = _clause_of(assessment.training_class, "E02") if assessment is not None else str
    rows = uploads.xlsx_rows(
        content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what="结果文件"
    )
    if not rows or [str(c or "").strip() for c in rows[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field="结果文件")
    header = [str(c or "").strip() for c in rows[0]]
    key_at = header.index(KEY_HEADER) if KEY_HEADER in header else None
    out: list[ResultRow] = []
    problems: list[Violation] = []
    for n, values in enumerate(rows[1:], start=2):
        cells = [*values, *[None] * len(TEMPLATE_HEADERS)][: len(TEMPLATE_HEADERS)]
        if all(c in (None, "") for c in cells):
            continue
        id_number, _name, passed, kind, level, number, issued, issuer = cells
        key_text = str(values[key_at] if key_at is not None and key_at < len(values) else "").strip()
        key_text = key_text.removesuffix(".0")  # a number cell read as a float
        if key_text and not key_text.isdigit():
            problems.append(Violation("E02", e02(), "考号应为数字", field=KEY_HEADER, row=n, value=key_text))
            continue
        passed_text = str(passed or "").strip()
        if passed_text not in ("合格", "不合格"):
            problems.append(
                Violation(
                    "E02",
                    e02(),
                    "“是否合格”应为“合格”或“不合格”",
                    field="是否合格",
                    row=n,
                    value=passed_text,
                )
            )
            continue
        kind_text = str(kind or "").strip()
        kind_code = KIND_BY_LABEL.get(kind_text, kind_text)
        try:
            issued_on = _cell_date(issued)
            level_text = str(level if level is not None else "").strip()
            # The template writes the level as its label (四级/中级工); a number typed by hand is read too.
            level_value = LEVEL_BY_LABEL.get(level_text) or (int(level_text) if level_text else None)
        except ValueError:
            problems.append(
                Violation(
                    "E02",
                    e02(),
                    "发证日期应为日期（如 2023-06-30），等级应为 1–5 或“四级/中级工”这样的等级名称",
                    field="发证日期/等级",
                    row=n,
                )
            )
            continue
        out.append(
            ResultRow(
                id_number=str(id_number or "").strip(),
                passed=passed_text == "合格",
                certificate_kind=kind_code,
                level=level_value,
                certificate_number=str(number or "").strip(),
                issued_on=issued_on,
                issuer=str(issuer or "").strip(),
                row=n,
                key=int(key_text) if key_text else None,
            )
        )
    if problems:
        raise Refusal.from_violations(
            f"文件中有 {len({p.row for p in problems})} 行无法读取，未录入任何结果", problems
        )
    return out

"""Writes of 企业新型学徒制: register a cohort, add its apprentices, record leaving and certificates,
complete it, and claim a yearly stage through the one claim pipeline.

The institution's clerk acts for the cohort (the institution runs the training the agreement buys and
applies for its subsidy, as it does for a class it runs for an enterprise); the enterprise's clerk and
the bureau read it. A08/A09 are judged whenever apprentices are taken on, by the same pure rule as an
apprenticeship class (jineng.policy.training.check_apprentice_caps), on the counts of both: the
apprentices of the institution's live cohorts and those enrolled in its apprenticeship classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jineng.accounts.models import User
from jineng.apprenticeship.apps import PROGRAMME
from jineng.apprenticeship.models import Apprentice, ApprenticeState, Cohort, CohortState
from jineng.audit.services import event_record
from jineng.catalogue.models import LEVELLED_KINDS, LEVELLESS_KINDS, CertificateKind, Occupation
from jineng.catalogue.selectors import standards_for
from jineng.claims.models import Claim
from jineng.claims.sourced import SourceClaim, SourceLine, claims_create_for_sources
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.people.services import person_register
from jineng.policy import apprenticeship as rules
from jineng.policy.profiles import Profile, get_profile
from jineng.policy.training import ApprenticeCounts, check_apprentice_caps
from jineng.policy.violations import Violation
from jineng.regions.models import Department
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.facts import LIVE_STATES, institution_facts
from jineng.training.models import Enrolment, FundingType

MAX_ROWS = 2000  # one import; A09's largest yearly cap is 1000


@dataclass(frozen=True)
class ApprenticeRow:
    """One row of the apprentice list as typed or read from the sheet."""

    id_number: str
    name: str
    hired_on: dt.date | None
    joined_on: dt.date | None
    row: int


def _clerk(actor: User, cohort: Cohort | None = None, institution: Organisation | None = None) -> None:
    org = cohort.institution_id if cohort is not None else (institution.pk if institution else None)
    if actor.role != Role.INSTITUTION or actor.organisation_id is None or actor.organisation_id != org:
        raise Refusal("学徒制培养由承担培训的培训机构经办人办理", field="培训机构")


def cohort_profile(cohort: Cohort) -> Profile:
    return get_profile(cohort.profile_code, cohort.profile_version)


@transaction.atomic
def cohort_register(
    *,
    actor: User,
    enterprise: Organisation,
    institution: Organisation,
    occupation: Occupation,
    level: int | None,
    certificate_kind: str,
    agreement_number: str,
    agreement_date: dt.date,
    start_date: dt.date,
    planned_years: int,
    department: Department,
    apprentices: Sequence[ApprenticeRow] = (),
    today: dt.date | None = None,
) -> Cohort:
    """登记学徒制培养: the agreement, and the apprentices taken on with it (A08/A09). All or nothing."""
    today = today or timezone.localdate()
    _clerk(actor, institution=institution)
    problems: list[Violation] = []

    def bad(field: str, message: str, value: str = "") -> None:
        problems.append(Violation("", "", message, field=field, value=value))

    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        bad("企业", f"“{enterprise.name}”不是企业（{enterprise.get_kind_display()}）", enterprise.name)
    if institution.kind not in Organisation.TRAINING_KINDS:
        bad("培训机构", f"“{institution.name}”不是培训机构", institution.name)
    if certificate_kind not in CertificateKind.values:
        bad("拟取得证书", "请选择证书类型", certificate_kind)
    elif certificate_kind in LEVELLED_KINDS and level is None:
        bad("等级", "职业资格证书、职业技能等级证书须选择等级")
    elif certificate_kind in LEVELLESS_KINDS and level is not None:
        bad("等级", "该证书不分等级")
    agreement_number = agreement_number.strip()
    if not agreement_number or len(agreement_number) > 64:
        bad("校企合作协议编号", "请填写校企合作协议编号（不超过64字）")
    if planned_years not in (1, rules.MAX_YEARS):
        bad("培养期（年）", f"企业新型学徒制培养期为 1 至 {rules.MAX_YEARS} 年", str(planned_years))
    if start_date < agreement_date:
        bad("培养开始日期", "培养开始日期早于协议签订日期", start_date.isoformat())
    if agreement_date > today:
        bad("协议签订日期", "协议签订日期晚于今天", agreement_date.isoformat())
    region = enterprise.region
    if department.region_id not in region.ancestor_ids():
        bad("行业主管部门", f"“{department.name}”不是企业所在地区的部门", department.name)
    if problems:
        raise Refusal.from_violations("学徒制培养未登记", problems)
    try:
        profile = profile_for(region, start_date.year)
    except NoProfile as exc:
        raise Refusal(str(exc), field="培养开始日期") from None
    cohort = Cohort.objects.create(
        ref=f"tmp-{timezone.now().timestamp()}",
        enterprise=enterprise,
        institution=institution,
        occupation=occupation,
        level=level,
        certificate_kind=certificate_kind,
        agreement_number=agreement_number,
        agreement_date=agreement_date,
        start_date=start_date,
        planned_years=planned_years,
        year=start_date.year,
        region=region,
        department=department,
        profile_code=profile.code,
        profile_version=profile.version,
        created_by=actor,
    )
    cohort.ref = f"XT{cohort.year}{region.area_code()[:6]}{cohort.pk:06d}"
    cohort.save(update_fields=["ref"])
    event_record(
        actor=actor,
        action="apprenticeship.registered",
        obj=cohort,
        to_state=cohort.state,
        payload={"ref": cohort.ref, "agreement": agreement_number, "profile": profile.code},
    )
    if apprentices:
        _add(actor=actor, cohort=cohort, rows=apprentices, profile=profile)
    return cohort


def caps_counts(cohort: Cohort) -> ApprenticeCounts:
    """A08/A09: the apprentices the institution already trains (not left), in its live cohorts and its
    live apprenticeship classes."""
    live = Apprentice.objects.filter(
        cohort__institution_id=cohort.institution_id, left_on__isnull=True
    ).exclude(cohort__state=CohortState.ENDED)
    mine = live.aggregate(
        occupation=Count("pk", filter=Q(cohort__occupation_id=cohort.occupation_id)),
        enterprise=Count(
            "pk",
            filter=Q(cohort__occupation_id=cohort.occupation_id, cohort__enterprise_id=cohort.enterprise_id),
        ),
        year=Count("pk", filter=Q(cohort__year=cohort.year)),
    )
    classes = Enrolment.objects.filter(
        training_class__institution_id=cohort.institution_id,
        training_class__funding_type=FundingType.APPRENTICESHIP,
        training_class__state__in=LIVE_STATES,
        status=Enrolment.Status.ENROLLED,
    ).aggregate(
        occupation=Count("pk", filter=Q(training_class__occupation_id=cohort.occupation_id)),
        enterprise=Count(
            "pk",
            filter=Q(
                training_class__occupation_id=cohort.occupation_id,
                training_class__enterprise_id=cohort.enterprise_id,
            ),
        ),
        year=Count("pk", filter=Q(training_class__year=cohort.year)),
    )
    return ApprenticeCounts(
        occupation_code=cohort.occupation.code,
        adding=0,
        in_occupation=mine["occupation"] + classes["occupation"],
        same_enterprise_occupation=mine["enterprise"] + classes["enterprise"],
        institution_year=mine["year"] + classes["year"],
    )


def _add(*, actor: User, cohort: Cohort, rows: Sequence[ApprenticeRow], profile: Profile) -> list[Apprentice]:
    if len(rows) > MAX_ROWS:
        raise Refusal(f"一次最多导入 {MAX_ROWS} 名学徒，请分批导入", field="学徒名单", value=str(len(rows)))
    problems: list[Violation] = []

    def bad(r: ApprenticeRow, field: str, message: str, value: str = "") -> None:
        problems.append(Violation("", "", message, field=field, row=r.row, value=value))

    end = cohort.end_date
    have = set(Apprentice.objects.filter(cohort=cohort).values_list("person__id_number", flat=True))
    seen: dict[str, int] = {}
    persons = {}
    for r in rows:
        if r.hired_on is None:
            bad(r, "入职日期", "请填写入职日期（学徒须为本企业职工）")
        if r.joined_on is None:
            bad(r, "加入日期", "请填写加入学徒培养的日期")
        elif not cohort.start_date <= r.joined_on <= end:
            bad(
                r,
                "加入日期",
                f"加入日期须在培养期 {cohort.start_date.isoformat()} 至 {end.isoformat()} 内",
                r.joined_on.isoformat(),
            )
        if r.hired_on is not None and r.joined_on is not None and r.hired_on > r.joined_on:
            bad(r, "入职日期", "学徒须为本企业职工：入职日期晚于加入日期", r.hired_on.isoformat())
        try:
            with transaction.atomic():
                person = person_register(
                    actor=actor, id_number=r.id_number, name=r.name, region=cohort.region
                )
        except Refusal as exc:
            problems.append(
                Violation(
                    exc.rule or "", exc.clause or "", exc.message, field=exc.field or "身份证号", row=r.row
                )
            )
            continue
        if person.id_number in have:
            bad(r, "身份证号", f"{person.name} 已在本学徒制培养中", person.id_number[:4] + "…")
        elif person.id_number in seen:
            bad(r, "身份证号", f"与第{seen[person.id_number]}行重复", person.id_number[:4] + "…")
        seen.setdefault(person.id_number, r.row)
        persons[r.row] = person
    counts = caps_counts(cohort)
    adding = ApprenticeCounts(
        occupation_code=counts.occupation_code,
        adding=len(rows),
        in_occupation=counts.in_occupation,
        same_enterprise_occupation=counts.same_enterprise_occupation,
        institution_year=counts.institution_year,
    )
    # A08 / A09: the newcomers with those the institution already trains.
    problems += check_apprentice_caps(
        profile, adding, institution_facts(cohort.institution), adding_what="本次新增学徒", field="学徒名单"
    )
    if problems:
        raise Refusal.from_violations(f"学徒名单未导入：共 {len(problems)} 处问题", problems)
    first = (
        Apprentice.objects.filter(cohort=cohort).order_by("-row").values_list("row", flat=True).first()
    ) or 0
    made = Apprentice.objects.bulk_create(
        [
            Apprentice(
                cohort=cohort,
                person=persons[r.row],
                row=first + n,
                hired_on=r.hired_on or cohort.start_date,  # checked above: never empty here
                joined_on=r.joined_on or cohort.start_date,
            )
            for n, r in enumerate(rows, start=1)
        ]
    )
    event_record(
        actor=actor,
        action="apprenticeship.apprentices_added",
        obj=cohort,
        from_state=cohort.state,
        to_state=cohort.state,
        payload={"added": len(made), "rules": ["A08", "A09"]},
    )
    return made


@transaction.atomic
def apprentices_add(
    *, actor: User, cohort: Cohort, rows: Sequence[ApprenticeRow], today: dt.date | None = None
) -> list[Apprentice]:
    """导入学徒: the rows, all or nothing, each problem named by row and field; A08/A09 over the lot."""
    c = (
        Cohort.objects.select_for_update()
        .select_related("institution", "occupation", "region")
        .get(pk=cohort.pk)
    )
    _clerk(actor, c)
    if c.state != CohortState.TRAINING:
        raise Refusal(f"学徒制培养当前状态为“{c.get_state_display()}”，不能新增学徒", field="状态")
    if not rows:
        raise Refusal("名单中没有学徒", field="学徒名单")
    return _add(actor=actor, cohort=c, rows=rows, profile=cohort_profile(c))


@transaction.atomic
def apprentice_leave(
    *, actor: User, apprentice: Apprentice, left_on: dt.date, reason: str, today: dt.date | None = None
) -> Apprentice:
    """A left apprentice stops: no stage that ends on or after the day he left pays him."""
    today = today or timezone.localdate()
    a = Apprentice.objects.select_for_update().select_related("cohort").get(pk=apprentice.pk)
    _clerk(actor, a.cohort)
    if a.left_on is not None:
        raise Refusal(f"该学徒已于 {a.left_on.isoformat()} 退出", field="退出日期")
    if left_on < a.joined_on or left_on > today:
        raise Refusal("退出日期须在加入日期与今天之间", field="退出日期", value=left_on.isoformat())
    reason = reason.strip()
    if not reason or len(reason) > 64:
        raise Refusal("请填写退出原因（不超过64字）", field="退出原因")
    before = a.state
    a.left_on, a.left_reason, a.state = left_on, reason, ApprenticeState.LEFT
    a.save(update_fields=["left_on", "left_reason", "state"])
    event_record(
        actor=actor,
        action="apprenticeship.apprentice_left",
        obj=a,
        from_state=before,
        to_state=a.state,
        payload={"row": a.row, "left_on": left_on.isoformat()},
    )
    return a


@transaction.atomic
def apprentice_certify(
    *,
    actor: User,
    apprentice: Apprentice,
    certificate_kind: str,
    level: int | None,
    certificate_number: str,
    issued_on: dt.date,
    issuer: str,
    today: dt.date | None = None,
) -> Apprentice:
    """结业取证: the certificate the apprentice obtained, which the final stage pays for."""
    today = today or timezone.localdate()
    a = Apprentice.objects.select_for_update().select_related("cohort").get(pk=apprentice.pk)
    _clerk(actor, a.cohort)
    if a.left_on is not None:
        raise Refusal("已退出的学徒不能登记结业证书", field="状态")
    if certificate_kind not in CertificateKind.values:
        raise Refusal("请选择证书类型", field="证书类型", value=certificate_kind)
    number = certificate_number.strip()
    if not number or len(number) > 64:
        raise Refusal("请填写证书编号（不超过64字）", field="证书编号")
    if issued_on > today or issued_on < a.joined_on:
        raise Refusal("发证日期须在加入日期与今天之间", field="发证日期", value=issued_on.isoformat())
    if (
        Apprentice.objects.filter(certificate_kind=certificate_kind, certificate_number=number)
        .exclude(pk=a.pk)
        .exists()
    ):
        raise Refusal("该证书编号已登记在另一名学徒名下", field="证书编号", value=number)
    before = a.state
    a.certificate_kind, a.certificate_level, a.certificate_number = certificate_kind, level, number
    a.certificate_issued_on, a.certificate_issuer = issued_on, issuer.strip()[:128]
    a.state = ApprenticeState.COMPLETED
    a.save()
    event_record(
        actor=actor,
        action="apprenticeship.apprentice_certified",
        obj=a,
        from_state=before,
        to_state=a.state,
        payload={"row": a.row, "certificate": number},
    )
    return a


@transaction.atomic
def cohort_complete(*, actor: User, cohort: Cohort, today: dt.date | None = None) -> Cohort:
    """结业: after the last stage has ended."""
    today = today or timezone.localdate()
    c = Cohort.objects.select_for_update().select_related("occupation").get(pk=cohort.pk)
    _clerk(actor, c)
    if c.state != CohortState.TRAINING:
        raise Refusal(f"学徒制培养当前状态为“{c.get_state_display()}”", field="状态")
    if today <= c.end_date:
        raise Refusal(f"培养期至 {c.end_date.isoformat()} 结束，结束后方可结业", field="状态")
    c.state = CohortState.COMPLETED
    c.save(update_fields=["state"])
    event_record(
        actor=actor,
        action="apprenticeship.completed",
        obj=c,
        from_state=CohortState.TRAINING,
        to_state=c.state,
        payload={"ref": c.ref},
    )
    return c


@transaction.atomic
def stage_claim_create(*, actor: User, cohort: Cohort, stage: int, today: dt.date | None = None) -> Claim:
    """申领第 N 年补贴: one draft claim of the institution, a line per apprentice (the stage's amount per
    person for the year, or nothing with the reason); then the common way (pledge, reviews, notice,
    batch, ledger). A stage of an apprentice already held by a live claim is not paid again (F02)."""
    today = today or timezone.localdate()
    c = (
        Cohort.objects.select_for_update()
        .select_related("institution", "enterprise", "occupation", "region", "department")
        .get(pk=cohort.pk)
    )
    _clerk(actor, c)
    if c.state == CohortState.ENDED:
        raise Refusal("学徒制培养已终止，不能申领补贴", field="状态")
    facts = c.facts()
    found = rules.stage_of(facts, stage)
    if found is None:
        raise Refusal(
            f"本学徒制培养期为 {c.planned_years} 年，没有第{stage}年", field="培养年度", value=str(stage)
        )
    if today <= found.end:
        raise Refusal(f"{found.label}尚未结束，结束后方可申领本年补贴", field="培养年度", value=str(stage))
    profile = cohort_profile(c)
    chain = c.region.ancestor_ids()
    key = (c.region_id, c.year, c.occupation_id)
    items = standards_for({key: chain}).get(key, [])
    item, refused = rules.price(profile, facts, items, region=c.region.name)
    if item is None:
        raise Refusal.from_violations("本学徒制培养的补贴不予计算", refused)
    apprentices = list(c.apprentices.select_related("person").order_by("row"))
    if not apprentices:
        raise Refusal("本学徒制培养没有学徒", field="学徒名单")
    lines = rules.stage_lines(profile, facts, found, [a.facts() for a in apprentices], item, today=today)
    names = {a.person_id: a.person.name for a in apprentices}
    inst = c.institution
    [claim] = claims_create_for_sources(
        actor=actor,
        programme_code=PROGRAMME,
        claims=[
            SourceClaim(
                source_id=c.pk,
                source_ref=c.ref,
                title=f"{c.occupation.name} {c.enterprise.name} 第{stage}年",
                region=c.region,
                department_id=c.department_id,
                applicant_kind="institution",
                profile=profile,
                year=found.end.year,
                period_start=found.start,
                period_end=found.end,
                lines=[
                    SourceLine(
                        key=rules.line_key(c.pk, ln.person_id, stage),
                        label=f"{names[ln.person_id]} 第{stage}年",
                        amount=ln.amount,
                        rule_ids=("F02",),
                        computation=ln.computation,
                        person_id=ln.person_id,
                        reasons=ln.reasons,
                        row=ln.row,
                    )
                    for ln in lines
                ],
                payee_organisation=inst,
                bank_name=inst.bank_name,
                bank_account=inst.bank_account,
                summary={"stage": stage, "item": item.cite(), "final": found.final},
            )
        ],
    )
    return claim


TEMPLATE_HEADERS = ["身份证号", "姓名", "入职日期", "加入日期"]


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def apprentices_workbook_read(content: bytes) -> list[ApprenticeRow]:
    """The template's four columns, through the one bounded reader (core.uploads); blank rows skipped. A
    date that cannot be read is left empty, and the row is refused for it by name."""
    rows = uploads.xlsx_rows(
        content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 学徒名单模板", what="学徒名单"
    )
    if not rows or [str(c or "").strip() for c in rows[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field="学徒名单")
    out = []
    for n, values in enumerate(rows[1:], start=2):
        cells = [*values, None, None, None, None][:4]
        if all(c in (None, "") for c in cells):
            continue
        out.append(
            ApprenticeRow(
                id_number=str(cells[0] or "").strip(),
                name=str(cells[1] or "").strip(),
                hired_on=_date(cells[2]),
                joined_on=_date(cells[3]),
                row=n,
            )
        )
    return out

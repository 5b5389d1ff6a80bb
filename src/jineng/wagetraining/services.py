"""以工代训: declare, list the employees, claim months. Every write here; the money from the month claim on
is the claim pipeline's (``claims.sourced``): pledge (F06), reviews, notice (F08), batch and ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.claims import selectors as claim_reads
from jineng.claims.models import ApplicantKind, ClaimLine, ClaimState
from jineng.claims.sourced import SourceClaim, SourceLine, claims_create_for_sources
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs import guards
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy import yigong as rules
from jineng.policy.identity import RULE_B01_CLAUSE, InvalidIdNumber, parse_id_number
from jineng.policy.profiles import YIGONG_GROUPS, Profile, get_profile
from jineng.policy.subsidy import EntitlementNotSet
from jineng.policy.violations import Violation
from jineng.regions.models import Department
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import ClassState, Enrolment, FundingType
from jineng.wagetraining.models import PROGRAMME, Declaration, DeclarationState, Employee, MonthClaim

# J04 "企业、农民专业合作社和扶贫车间等各类生产经营主体": of the registry's kinds, the enterprise.
PRODUCER_KINDS = frozenset({Organisation.Kind.ENTERPRISE})
NEW_HIRE = FundingType.NEW_HIRE  # the new-hire pre-job class (F01), for B08
MAX_EMPLOYEES = 2000  # rows of one import
MAX_MONTHS = 12  # months claimed at once: one declaration's year
TEMPLATE_HEADERS = ["身份证号", "姓名", "人员类别", "入职日期", "离职日期", "岗位"]
FORMAT = "以工代训人员名单"
FORMAT_RULE = "格式"  # the template's own layout, no document's rule
FORMAT_CLAUSE = "以工代训人员名单模板"


def _not_set(exc: EntitlementNotSet) -> Refusal:
    """F03/J04 not fixed by the profile: "本政策口径未规定…", naming the rule and the document."""
    first = exc.violations[0]
    return Refusal(first.message, rule=first.rule, clause=first.clause, violations=list(exc.violations))


def declaration_profile(declaration: Declaration) -> Profile:
    return get_profile(declaration.profile_code, declaration.profile_version)


def _terms(profile: Profile) -> rules.Terms:
    try:
        return rules.terms(profile)
    except EntitlementNotSet as exc:
        raise _not_set(exc) from None


def _enterprise_of(actor: User) -> Organisation:
    """The clerk's own enterprise: only a producer's clerk declares (J04)."""
    org = actor.organisation if actor.role == Role.INSTITUTION else None
    if org is None:
        raise Refusal("只有企业经办人可以申报以工代训")
    if org.kind not in PRODUCER_KINDS:
        raise Refusal(
            f"以工代训补贴给予吸纳就业的生产经营主体，{org.name}（{org.get_kind_display()}）不能申报",
            field="申报企业",
            value=org.get_kind_display(),
            rule="J04",
        )
    return org


def _own(actor: User, declaration: Declaration) -> Declaration:
    d = Declaration.objects.select_for_update().select_related("region", "enterprise").get(pk=declaration.pk)
    if actor.role != Role.INSTITUTION or actor.organisation_id != d.enterprise_id:
        raise Refusal("只有申报企业的经办人可以办理")
    if d.state != DeclarationState.OPEN:
        raise Refusal(f"申报当前状态为“{d.get_state_display()}”，不能办理")
    return d


# --- declaration ------------------------------------------------------------------------------------------


@transaction.atomic
def declaration_create(
    *,
    actor: User,
    department: Department,
    year: int,
    insured: bool,
    insurance_number: str = "",
    insured_since: dt.date | None = None,
    today: dt.date | None = None,
) -> Declaration:
    """An enterprise declares 以工代训 for a year in its own region, under that region's profile (frozen
    here): a profile that does not set F03 refuses "本政策口径未规定…", never a zero."""
    today = today or timezone.localdate()
    enterprise = _enterprise_of(actor)
    guards.refuse_blacklisted(enterprise.pk)  # F14
    region = enterprise.region
    if department.region_id not in region.ancestor_ids() or department.kind != Department.Kind.INDUSTRY:
        raise Refusal("行业主管部门须为企业所在地或其上级的行业主管部门", field="行业主管部门")
    if not 2000 <= year <= today.year:
        raise Refusal(f"申报年度应在 2000 至 {today.year} 年之间", field="申报年度", value=str(year))
    try:
        profile = profile_for(region, year)
    except NoProfile as exc:
        raise Refusal(str(exc), field="申报年度") from None
    _terms(profile)
    number = "".join(insurance_number.split())
    if insured:
        if not number or len(number) > 32:
            raise Refusal(
                "已参保的企业须填写单位社保登记号（不超过32位）", field="单位社保登记号", rule="J04"
            )
        if insured_since is None or insured_since > today:
            raise Refusal("请填写不晚于今天的参保起始日期", field="参保起始日期", rule="J04")
    elif number or insured_since is not None:
        raise Refusal("未参保的企业不填写社保登记号和参保起始日期", field="企业参保")
    d = Declaration.objects.create(
        ref=f"tmp-{timezone.now().timestamp()}",
        enterprise=enterprise,
        region=region,
        department=department,
        year=year,
        insured=insured,
        insurance_number=number,
        insured_since=insured_since if insured else None,
        profile_code=profile.code,
        profile_version=profile.version,
        created_by=actor,
        created_on=today,
    )
    d.ref = f"YG{year}{region.area_code()[:6]}{d.pk:06d}"
    d.save(update_fields=["ref"])
    event_record(
        actor=actor,
        action="yigong.declared",
        obj=d,
        to_state=d.state,
        payload={"year": year, "profile": profile.key, "insured": insured},
    )
    return d


@transaction.atomic
def declaration_close(*, actor: User, declaration: Declaration, today: dt.date | None = None) -> Declaration:
    """The enterprise ends the declaration: no more employees or months; claims made stay as they are."""
    d = _own(actor, declaration)
    d.state, d.closed_on = DeclarationState.CLOSED, today or timezone.localdate()
    d.save(update_fields=["state", "closed_on"])
    event_record(
        actor=actor, action="yigong.closed", obj=d, from_state=DeclarationState.OPEN, to_state=d.state
    )
    return d


# --- employees --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeRow:
    row: int
    id_number: str
    name: str
    group: str  # a code of YIGONG_GROUPS or its Chinese name
    hired_on: dt.date | None
    left_on: dt.date | None = None
    post: str = ""


def _v(row: int, field: str, message: str, value: str = "", rule: str = "J04", clause: str = "") -> Violation:
    return Violation(rule, clause, message, field=field, row=row, value=value)


@transaction.atomic
def employees_add(
    *, actor: User, declaration: Declaration, rows: Sequence[EmployeeRow], today: dt.date | None = None
) -> list[Employee]:
    """Declare employees, all or nothing: any bad row refuses the list with every row's reasons (B01 the
    ID number, J04 the group and the dates). New persons are registered in the real-name registry."""
    today = today or timezone.localdate()
    d = _own(actor, declaration)
    t = _terms(declaration_profile(d))
    if not rows:
        raise Refusal("名单中没有人员", field=FORMAT)
    if len(rows) > MAX_EMPLOYEES:
        raise Refusal(f"一次最多申报 {MAX_EMPLOYEES} 人，请分批导入", field=FORMAT, value=str(len(rows)))
    problems: list[Violation] = []
    numbers: dict[int, str] = {}
    seen: dict[str, int] = {}
    codes = {**{c: c for c in YIGONG_GROUPS}, **rules.LABEL_TO_GROUP}
    for r in rows:
        try:
            number = parse_id_number(r.id_number).number
        except InvalidIdNumber as exc:
            problems.append(_v(r.row, "身份证号", exc.message, r.id_number[:4] + "…", "B01", RULE_B01_CLAUSE))
        else:
            if number in seen:
                problems.append(
                    _v(r.row, "身份证号", f"与第{seen[number]}行为同一人", "", "B01", RULE_B01_CLAUSE)
                )
            seen.setdefault(number, r.row)
            numbers[r.row] = number
        if not r.name.strip() or len(r.name.strip()) > 32:
            problems.append(_v(r.row, "姓名", "姓名不能为空且不超过32个字", r.name, "B01", RULE_B01_CLAUSE))
        code = codes.get(r.group.strip())
        if code is None:
            problems.append(
                _v(
                    r.row,
                    "人员类别",
                    f"应为{'、'.join(YIGONG_GROUPS.values())}之一",
                    r.group,
                    clause=t.cite_groups,
                )
            )
        else:
            group = rules.group_violation(t, code, row=r.row)
            if group is not None:
                problems.append(group)
        if r.hired_on is None or r.hired_on > today:
            problems.append(
                _v(
                    r.row,
                    "入职日期",
                    "请填写不晚于今天的入职日期",
                    str(r.hired_on or ""),
                    clause=t.cite_groups,
                )
            )
        elif r.left_on is not None and r.left_on < r.hired_on:
            problems.append(
                _v(r.row, "离职日期", "离职日期早于入职日期", r.left_on.isoformat(), clause=t.cite_groups)
            )
        if len(r.post) > 64:
            problems.append(_v(r.row, "岗位", "岗位不超过64个字", r.post[:8] + "…", clause=t.cite_groups))
    known = dict(Person.objects.filter(id_number__in=list(numbers.values())).values_list("id_number", "pk"))
    names = dict(Person.objects.filter(pk__in=list(known.values())).values_list("pk", "name"))
    for r in rows:
        pid = known.get(numbers.get(r.row, ""))
        if pid is not None and names[pid] != r.name.strip():
            problems.append(
                _v(
                    r.row,
                    "姓名",
                    "该身份证号已登记，姓名与登记不一致，请核对",
                    r.name,
                    "B01",
                    RULE_B01_CLAUSE,
                )
            )
    already = set(
        Employee.objects.filter(declaration=d, person_id__in=list(known.values())).values_list(
            "person_id", flat=True
        )
    )
    for r in rows:
        if known.get(numbers.get(r.row, "")) in already:
            problems.append(_v(r.row, "身份证号", "已在本申报的人员名单中", "", clause=t.cite_groups))
    if problems:
        raise Refusal.from_violations(f"{FORMAT}未导入：{len(problems)} 处问题", problems)
    start = Employee.objects.filter(declaration=d).order_by("-row").values_list("row", flat=True).first() or 0
    made = []
    for i, r in enumerate(sorted(rows, key=lambda r: r.row), start=start + 1):
        person_id = known.get(numbers[r.row])
        if person_id is None:
            person_id = person_register(
                actor=actor, id_number=numbers[r.row], name=r.name, region=d.region
            ).pk
        made.append(
            Employee(
                declaration=d,
                person_id=person_id,
                row=i,
                group=codes[r.group.strip()],
                hired_on=r.hired_on or today,  # never empty here: a row without one was refused above
                left_on=r.left_on,
                post=r.post.strip(),
            )
        )
    Employee.objects.bulk_create(made)
    event_record(
        actor=actor,
        action="yigong.employees_added",
        obj=d,
        from_state=d.state,
        to_state=d.state,
        payload={"added": len(made), "rows": [e.row for e in made][:50]},
    )
    return made


@transaction.atomic
def employee_correct(
    *,
    actor: User,
    employee: Employee,
    group: str,
    hired_on: dt.date,
    left_on: dt.date | None = None,
    post: str = "",
    today: dt.date | None = None,
) -> Employee:
    """The enterprise corrects one declared employee (group, hire and leaving dates, post) while no live
    claim line of this declaration pays him: a line already claimed was judged on what was declared (J04),
    so the claim holding it is named and must be withdrawn or refused first."""
    today = today or timezone.localdate()
    e = Employee.objects.select_for_update().select_related("person").get(pk=employee.pk)
    d = _own(actor, e.declaration)
    t = _terms(declaration_profile(d))
    held = (
        ClaimLine.objects.filter(
            live=True,
            person_id=e.person_id,
            claim_id__in=MonthClaim.objects.filter(declaration=d).values("claim_id"),
        )
        .select_related("claim")
        .order_by("claim__period_start")
        .first()
    )
    if held is not None:
        raise Refusal(
            f"第{e.row}行 {e.person.name} 已在补贴申领 {held.claim.ref}（{held.claim.title}，"
            f"{held.claim.get_state_display()}）中，不能更正；请先撤回该申领或待其退回",
            field="人员名单",
            value=f"第{e.row}行",
            rule="J04",
            clause=t.cite_groups,
        )
    problems: list[Violation] = []
    codes = {**{c: c for c in YIGONG_GROUPS}, **rules.LABEL_TO_GROUP}
    code = codes.get(group.strip())
    if code is None:
        problems.append(
            _v(e.row, "人员类别", f"应为{'、'.join(YIGONG_GROUPS.values())}之一", group, clause=t.cite_groups)
        )
    else:
        wrong = rules.group_violation(t, code, row=e.row)
        if wrong is not None:
            problems.append(wrong)
    if hired_on > today:
        problems.append(
            _v(e.row, "入职日期", "请填写不晚于今天的入职日期", hired_on.isoformat(), clause=t.cite_groups)
        )
    elif left_on is not None and left_on < hired_on:
        problems.append(
            _v(e.row, "离职日期", "离职日期早于入职日期", left_on.isoformat(), clause=t.cite_groups)
        )
    if len(post.strip()) > 64:
        problems.append(_v(e.row, "岗位", "岗位不超过64个字", post[:8] + "…", clause=t.cite_groups))
    if problems:
        raise Refusal.from_violations(f"第{e.row}行未更正", problems)
    before = {"group": e.group, "hired_on": e.hired_on.isoformat(), "left_on": str(e.left_on or "")}
    e.group, e.hired_on, e.left_on, e.post = code or e.group, hired_on, left_on, post.strip()
    e.save(update_fields=["group", "hired_on", "left_on", "post"])
    event_record(
        actor=actor,
        action="yigong.employee_corrected",
        obj=d,
        from_state=d.state,
        to_state=d.state,
        payload={
            "row": e.row,
            "before": before,
            "after": {"group": e.group, "hired_on": hired_on.isoformat(), "left_on": str(left_on or "")},
        },
    )
    return e


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValueError(str(value)) from None


def employees_read(content: bytes) -> list[EmployeeRow]:
    """The template's columns, read by the one bounded reader; blank rows skipped."""
    sheet = uploads.xlsx_rows(content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what=FORMAT)
    if not sheet or [str(c or "").strip() for c in sheet[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field=FORMAT)
    out, problems = [], []
    for n, values in enumerate(sheet[1:], start=2):
        cells = [*values, *[None] * len(TEMPLATE_HEADERS)][: len(TEMPLATE_HEADERS)]
        if all(c in (None, "") for c in cells):
            continue
        dates: list[dt.date | None] = []
        for header, cell in zip(TEMPLATE_HEADERS[3:5], cells[3:5], strict=True):
            try:
                dates.append(_date(cell))
            except ValueError:
                problems.append(
                    Violation(
                        FORMAT_RULE,
                        FORMAT_CLAUSE,
                        "日期格式应为 2021-03-01",
                        field=header,
                        row=n,
                        value=str(cell)[:20],
                    )
                )
                dates.append(None)
        out.append(
            EmployeeRow(
                row=n,
                id_number=str(cells[0] or "").strip(),
                name=str(cells[1] or "").strip(),
                group=str(cells[2] or "").strip(),
                hired_on=dates[0],
                left_on=dates[1],
                post=str(cells[5] or "").strip(),
            )
        )
    if problems:
        raise Refusal.from_violations(f"{FORMAT}未导入：{len(problems)} 处问题", problems)
    return out


def employees_import(
    *, actor: User, declaration: Declaration, content: bytes, today: dt.date | None = None
) -> list[Employee]:
    """The list as an xlsx of the template: read (bounded), then :func:`employees_add`, all or nothing."""
    return employees_add(actor=actor, declaration=declaration, rows=employees_read(content), today=today)


# --- months -----------------------------------------------------------------------------------------------


def _history(person_ids: list[int], b08: bool) -> rules.History:
    months: dict[int, dict[str, str]] = {}
    prefix = f"{PROGRAMME}:"
    for person_id, key, ref in claim_reads.programme_lines_of_persons(
        programme=PROGRAMME, person_ids=person_ids
    ):
        if key.startswith(prefix):
            months.setdefault(person_id, {})[key.rsplit(":", 1)[1]] = ref
    if not b08:
        return rules.History(months=months)
    new_hire = claim_reads.class_lines_of_persons(funding_type=NEW_HIRE, person_ids=person_ids)
    # New-hire classes he is in whose line was not refused, claimed or not (B08: the earlier one wins).
    refused = ClaimLine.objects.filter(
        training_class_id=OuterRef("training_class_id"),
        person_id=OuterRef("person_id"),
        status=ClaimLine.Status.EXCLUDED,
    )
    classes: dict[int, list[tuple[str, dt.date]]] = {}
    for person_id, ref, start in (
        Enrolment.objects.filter(
            person_id__in=person_ids,
            status=Enrolment.Status.ENROLLED,
            training_class__funding_type=NEW_HIRE,
        )
        .exclude(training_class__state__in=(ClassState.WITHDRAWN, ClassState.CANCELLED))
        .exclude(Exists(refused))
        .order_by("training_class__start_date")
        .values_list("person_id", "training_class__ref", "training_class__start_date")
    ):
        classes.setdefault(person_id, []).append((ref, start))
    return rules.History(months=months, new_hire=new_hire, new_hire_classes=classes)


@transaction.atomic
def months_claim(
    *,
    actor: User,
    declaration: Declaration,
    months: Sequence[dt.date],
    activity: str,
    today: dt.date | None = None,
) -> list[MonthClaim]:
    """Claim one or more finished months of the declaration's year, one claim each (draft, to be signed
    and submitted as any claim). Each employee's line is judged by ``policy.yigong`` (F03, J04, B08); a
    month with no payable line is refused naming every reason, and the batch with it."""
    today = today or timezone.localdate()
    d = _own(actor, declaration)
    guards.refuse_blacklisted(d.enterprise_id)  # F14
    profile = declaration_profile(d)
    t = _terms(profile)
    activity = activity.strip()
    if not activity or len(activity) > 200:
        raise Refusal("请填写本月以工代训开展情况（不超过200字）", field="以工代训开展情况")
    wanted = sorted({rules.month_of(m) for m in months})
    if not wanted or len(wanted) > MAX_MONTHS:
        raise Refusal(f"请选择 1 至 {MAX_MONTHS} 个申领月份", field="申领月份")
    for m in wanted:
        if m.year != d.year:
            raise Refusal(
                f"申领月份 {rules.month_label(m)} 不在申报年度 {d.year} 年内",
                field="申领月份",
                value=f"{m:%Y-%m}",
            )
        if rules.month_end(m) >= today:
            raise Refusal(
                f"{rules.month_label(m)}尚未结束，月末后方可申领", field="申领月份", value=f"{m:%Y-%m}"
            )
    taken = (
        MonthClaim.objects.filter(declaration=d, month__in=wanted)
        .exclude(claim__state=ClaimState.WITHDRAWN)
        .select_related("claim")
        .order_by("month")
        .first()
    )
    if taken is not None:
        raise Refusal(
            f"本申报 {taken.month_label}已申领（{taken.claim.ref}），撤回后方可重新申领",
            field="申领月份",
            value=f"{taken.month:%Y-%m}",
        )
    staff = list(Employee.objects.filter(declaration=d).select_related("person").order_by("row"))
    if not staff:
        raise Refusal("申报中还没有以工代训人员，请先导入人员名单", field=FORMAT)
    ids = sorted({e.person_id for e in staff})
    # One person's months are counted under a lock on him: two enterprises claiming him at once wait for
    # each other, so that together they cannot pass the cap (F03).
    list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    facts = [
        rules.Employee(
            person_id=e.person_id,
            name=e.person.name,
            id_number=e.person.id_number,
            row=e.row,
            group=e.group,
            hired_on=e.hired_on,
            left_on=e.left_on,
        )
        for e in staff
    ]
    enterprise = rules.Enterprise(name=d.enterprise.name, insured=d.insured, insured_since=d.insured_since)
    judged = rules.month_lines(
        t, months=wanted, enterprise=enterprise, employees=facts, history=_history(ids, t.b08)
    )
    org = d.enterprise
    claims = claims_create_for_sources(
        actor=actor,
        programme_code=PROGRAMME,
        claims=[
            SourceClaim(
                source_id=d.pk,
                source_ref=d.ref,
                title=f"{rules.month_label(m)} 以工代训",
                region=d.region,
                department_id=d.department_id,
                applicant_kind=ApplicantKind.ENTERPRISE,
                profile=profile,
                year=m.year,
                period_start=m,
                period_end=rules.month_end(m),
                lines=[
                    SourceLine(
                        key=ln.key,
                        label=ln.label,
                        amount=ln.amount,
                        rule_ids=ln.rule_ids,
                        computation=ln.computation,
                        person_id=ln.person_id,
                        reasons=ln.violations,
                    )
                    for ln in lines
                ],
                payee_organisation=org,
                bank_name=org.bank_name,
                bank_account=org.bank_account,
                summary={"programme": PROGRAMME, "month": f"{m:%Y-%m}", "activity": activity},
            )
            for m, lines in judged.items()
        ],
    )
    made = MonthClaim.objects.bulk_create(
        [
            MonthClaim(declaration=d, month=m, claim=c, activity=activity, created_by=actor)
            for m, c in zip(judged, claims, strict=True)
        ]
    )
    event_record(
        actor=actor,
        action="yigong.months_claimed",
        obj=d,
        from_state=d.state,
        to_state=d.state,
        payload={"months": [f"{m:%Y-%m}" for m in judged], "claims": [c.ref for c in claims]},
    )
    return made


def month_claim(
    *, actor: User, declaration: Declaration, month: dt.date, activity: str, today: dt.date | None = None
) -> MonthClaim:
    """A batch of one."""
    return months_claim(actor=actor, declaration=declaration, months=[month], activity=activity, today=today)[
        0
    ]

"""Demo classes priced by the province's standards table (the demo's 示例标准) and carried from opening to
payment in the month's batch, under profiles whose documents fix no amount of their own: one of 潢川县
(HC21, 2021), one of 许昌市 under its 2019–2021 plan (XC19, 2021) and one under its 2023 plan (XC23). Where
a document leaves a step open (XC19's review deadline and notice period, HC21's and XC19's payment
cycle), the profile's local setting (本地补充规定) applies. Each bureau gets its own accounts (许昌's serve
both of its years); everything goes through the services the pages call, so each class and claim has
its reviews, checks and audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.assessment.services import ResultRow, assessment_apply, results_enter
from jineng.catalogue.models import CatalogueItem, Teacher
from jineng.claims import services as claims
from jineng.claims.models import Claim
from jineng.core.xlsx import workbook_bytes
from jineng.demo import classes as demo_classes
from jineng.demo.checkins import face_checkins
from jineng.ledger import services as ledger
from jineng.ledger.models import FundKind
from jineng.orgs.models import Organisation
from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.regions.models import Department, Region
from jineng.regions.selectors import profile_for
from jineng.supervision.services import class_end, class_open, inspection_record
from jineng.training import services
from jineng.training.models import TrainingClass
from jineng.training.roster import COLUMNS, HEADERS


@dataclass(frozen=True)
class PricedClass:
    """One class of a city whose profile prices by the standards table, and the bureau that runs it."""

    prefix: str  # account names: "<prefix>_jb", "<prefix>_hr1" …
    region: str  # where the class trains (a county or the city itself)
    bureau: str  # the HR bureau's department
    department: str  # the industry department reviewing the class
    finance: str
    institution: str
    occupation: str
    trade: str
    level: int
    start: dt.date
    trainees: int
    person_area: str
    notice_days: int  # working days of the profile's notice (F08), to close it on time
    finance_reviewers: int  # 0 where the profile has no finance review (F10); else two officers (F09)
    # J03: the special programme of the profile the class counts towards, and its trainees' one group.
    programme: str = ""
    group: str = ""


PRICED = (
    PricedClass(
        "hc",
        "潢川县",
        "人社局",
        "商务局",
        "财政局",
        "信阳工业学校",
        "4-03-02-01",
        "",
        4,
        dt.date(2021, 9, 6),
        24,
        "411526",
        3,
        0,
        "hc_rural",  # HC21 附件1 第1项 农村劳动力技能培训 (4,800 人次)
        "rural_transfer",
    ),
    PricedClass(
        "xc",
        "许昌市",
        "市人社局",
        "市工信局",
        "市财政局",
        "许昌技师学院",
        "6-18-02-04",
        "电焊工",
        5,
        dt.date(2023, 9, 4),
        20,
        "411002",
        5,
        2,
    ),
    PricedClass(
        "xc",
        "许昌市",
        "市人社局",
        "市工信局",
        "市财政局",
        "许昌技师学院",
        "6-31-01-03",
        "",
        4,
        dt.date(2021, 9, 6),
        18,
        "411002",
        5,
        2,
    ),
)
# username suffix → role (two finance officers: XC23's finance review is signed by two, F09)
ROLES = (
    ("jb", "institution"),
    ("hr1", "hr_first"),
    ("hr2", "hr_second"),
    ("admin", "hr_admin"),
    ("dept1", "dept_first"),
    ("dept2", "dept_second"),
    ("cz1", "finance"),
    ("cz2", "finance"),
    ("dc", "inspector"),
)
NAMES = ("何静", "郭亮", "罗敏", "梁伟", "宋洁", "唐军", "韩梅", "冯涛", "邓雪")


def priced_bureaus() -> list[PricedClass]:
    """One spec per bureau (许昌 runs two years with the same accounts)."""
    return list({spec.prefix: spec for spec in reversed(PRICED)}.values())[::-1]


def accounts_of(spec: PricedClass) -> list[tuple[str, str, str]]:
    """(role, username, display name) of the city's demo accounts, for demo_accounts()."""
    return [(role, f"{spec.prefix}_{suffix}", NAMES[i]) for i, (suffix, role) in enumerate(ROLES)]


def bureau_accounts(spec: PricedClass) -> dict[str, User]:
    city = Region.objects.get(name=spec.region)  # the bureau's region: the county or the city
    departments = {
        "institution": None,
        "hr_first": spec.bureau,
        "hr_second": spec.bureau,
        "hr_admin": spec.bureau,
        "dept_first": spec.department,
        "dept_second": spec.department,
        "finance": spec.finance,
        "inspector": None,
    }
    org = Organisation.objects.get(name=spec.institution)
    out: dict[str, User] = {}
    for (role, username, name), (suffix, _) in zip(accounts_of(spec), ROLES, strict=True):
        existing = User.objects.filter(username=username).first()
        if existing is not None:  # the bureau's second year
            out[suffix] = existing
            continue
        dept = departments[role]
        out[suffix] = user_create(
            actor=None,
            username=username,
            password=settings.JINENG_DEMO_PASSWORD,
            display_name=name,
            role=role,
            region=city,
            department=Department.objects.get(region=city, name=dept) if dept else None,
            organisation=org if role == "institution" else None,
        )
    return out


def demo_standards_load(evaluator: User) -> int:
    """Returns how many claims were paid; the caller's transaction holds them."""
    paid = 0
    for number, spec in enumerate(PRICED, start=1):
        claim = _run(spec, bureau_accounts(spec), evaluator, number)
        paid += claim.state == "paid"
    return paid


def _run(spec: PricedClass, acc: dict[str, User], evaluator: User, number: int) -> Claim:
    tc = class_assessed(spec, acc, evaluator, number)
    return _paid(spec, acc, tc, tc.end_date + dt.timedelta(days=21))


def class_assessed(
    spec: PricedClass,
    acc: dict[str, User],
    evaluator: User,
    number: int,
    holders: Sequence[tuple[str, str]] = (),
) -> TrainingClass:
    """One class of ``spec`` from creation to its certificates (every trainee passes), unclaimed;
    ``holders`` (ID number, name): people already registered who take the roster's last places."""
    clerk = acc["jb"]
    school = clerk.organisation
    assert school is not None
    region = Region.objects.get(name=spec.region)
    lines = CatalogueItem.objects.filter(
        year=spec.start.year,
        occupation__code=spec.occupation,
        level=spec.level,
        certificate_kind="skill_level",
        subsidy_type="skill_upgrade",
        valid_to__isnull=True,
    )
    item = lines.get(trade__name=spec.trade) if spec.trade else lines.get(trade__isnull=True)
    teachers = list(
        Teacher.objects.filter(organisation=school, occupation__code=spec.occupation).values_list(
            "pk", flat=True
        )
    )
    applied = spec.start - dt.timedelta(days=21)
    end = spec.start + dt.timedelta(days=18)
    tc = services.class_create(
        actor=clerk,
        data=services.ClassInput(
            region_id=region.pk,
            department_id=Department.objects.get(region=region, name=spec.department).pk,
            contact_name=clerk.label,
            contact_phone="13937600000",
            bank_name="中国农业银行",
            bank_account=f"62284800{number:011d}",
            batch=f"{spec.start.year}年标准目录第{number}期",
            start_date=spec.start,
            end_date=end,
            occupation_code=spec.occupation,
            trade_name=spec.trade,
            level=spec.level,
            target_certificate="skill_level",
            catalogue_item_id=item.pk,
            planned_trainees=spec.trainees,
            total_hours=max(item.hours, 100),
            theory_hours=30,
            practical_hours=max(item.hours, 100) - 30,
            minutes_per_hour=45,
            mode="institution",
            funding_type="off_job",
            programme=spec.programme,
            workstations=40,
            venue=f"{spec.region}{school.name}实训楼",
            teacher_ids=teachers,
        ),
    )
    job = services.roster_job_create(
        actor=clerk,
        training_class=tc,
        filename="花名册.xlsx",
        content=workbook_bytes("花名册", HEADERS, _roster(number, spec, holders)),
    )
    job = services.roster_job_run(job_id=job.pk, today=applied)
    if job.status != "accepted":
        raise RuntimeError(f"演示花名册未通过：{job.report[:3]}")
    tc = services.class_submit(actor=clerk, training_class=tc, today=applied)
    for suffix in ("dept1", "dept2"):
        tc = services.class_review(actor=acc[suffix], training_class=tc, decision="pass", today=applied)
    for suffix in ("hr1", "hr2"):
        tc = services.class_review(
            actor=acc[suffix], training_class=tc, decision="pass", today=applied + dt.timedelta(days=3)
        )
    _train(acc["dc"], tc, spec)
    tc = class_end(actor=acc["dc"], training_class=tc, today=end)
    body = evaluator.organisation
    assert body is not None
    exam = end + dt.timedelta(days=7)
    assessment = assessment_apply(
        actor=clerk,
        training_class=tc,
        body=body,
        certificate_kind="skill_level",
        level=spec.level,
        assessment_date=exam,
        venue=tc.venue,
        today=end + dt.timedelta(days=1),
    )
    rows = [
        ResultRow(
            id_number=id_number,
            passed=True,
            certificate_kind="skill_level",
            level=spec.level,
            certificate_number=f"B{exam:%Y%m%d}{number:02d}{i + 1:04d}",
            issued_on=exam + dt.timedelta(days=10),
            issuer=body.name,
        )
        for i, id_number in enumerate(
            tc.enrolments.order_by("row").values_list("person__id_number", flat=True)
        )
    ]
    results_enter(actor=evaluator, assessment=assessment, rows=rows)
    tc.refresh_from_db()
    return tc


def _roster(number: int, spec: PricedClass, holders: Sequence[tuple[str, str]]) -> list[list[object]]:
    rows = list(demo_classes._people(5000 + number * 100, spec.trainees - len(holders), spec.person_area))
    attrs = [c.attr for c in COLUMNS]
    if spec.group:
        for row in rows:
            row[attrs.index("group")] = TRAINEE_GROUPS[spec.group]
    for id_number, name in holders:
        row = list(rows[-1])
        row[attrs.index("id_number")], row[attrs.index("name")] = id_number, name
        rows.append(row)
    return rows


def _train(inspector: User, tc: TrainingClass, spec: PricedClass) -> None:
    class_open(
        actor=inspector,
        training_class=tc,
        present=spec.trainees,
        signed_in=spec.trainees,
        materials_kept=True,
        note="开班当日实地检查",
        today=spec.start,
    )
    face_checkins(tc)  # C07 where the profile requires it (许昌 2023)
    for days in (4, 11):
        inspection_record(
            actor=inspector,
            training_class=tc,
            at=timezone.make_aware(dt.datetime.combine(spec.start + dt.timedelta(days=days), dt.time(9, 30))),
            place=tc.venue,
            teachers_present="两名专职教师在岗",
            trainees_present=spec.trainees,
            note="随机抽查",
        )


def working_days_after(day: dt.date, n: int) -> dt.date:
    # The notice runs n working days from the claim's department approval; weekends only are skipped
    # here, and the service refuses a close that is early, so a holiday would show at load time.
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _paid(spec: PricedClass, acc: dict[str, User], tc: TrainingClass, day: dt.date) -> Claim:
    while day.weekday() != 0:  # claims go in on a Monday
        day += dt.timedelta(days=1)
    clerk = acc["jb"]
    city = clerk.region
    assert city is not None
    fund = ledger.fund_open(actor=acc["cz1"], region=city, kind=FundKind.EMPLOYMENT_SUBSIDY)
    ledger.fund_appropriate(
        actor=acc["cz1"],
        fund=fund,
        amount=Decimal("2000000.00"),
        key=f"demo:approp:{spec.prefix}:{spec.start.year}",
        date=dt.date(spec.start.year, 1, 4),
    )
    claim = claims.claim_create(actor=clerk, training_class=tc, today=day)
    claim = claims.claim_submit(actor=clerk, claim=claim, pledge_name=clerk.label, pledge=True, today=day)
    for suffix in ("dept1", "dept2"):
        claim = claims.claim_review(actor=acc[suffix], claim=claim, decision="pass", today=day)
    closed = working_days_after(day, spec.notice_days)
    claim = claims.claim_notice_close(actor=acc["hr1"], claim=claim, today=closed)
    for suffix in ("hr1", "hr2"):
        claim = claims.claim_review(actor=acc[suffix], claim=claim, decision="pass", today=closed)
    for suffix in ("cz1", "cz2")[: spec.finance_reviewers]:
        claim = claims.claim_review(actor=acc[suffix], claim=claim, decision="pass", today=closed)
    if not profile_for(city, spec.start.year).param("disbursement_cycle").is_set:
        return claim  # F11: no payment cycle in the document; approved, owed on the books, not batched
    batch = claims.batch_open(actor=acc["admin"], region=city, today=closed)
    claims.batch_collect(actor=acc["admin"], batch=batch)
    batch = claims.batch_send(actor=acc["hr2"], batch=batch)
    claims.batch_pay(
        actor=acc["cz1"],
        batch=batch,
        bank_reference=f"DEMO{spec.prefix.upper()}{closed:%Y%m%d}",
        today=batch.pay_on,
    )
    claim.refresh_from_db()
    return claim

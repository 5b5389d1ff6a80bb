"""Demo classes of the Zhengzhou school, one at each step of the lifecycle, built by the demo accounts
through the same services the pages call (so each has its reviews, checks and audit trail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from jineng.accounts.models import User
from jineng.assessment.services import ResultRow, assessment_apply, results_enter
from jineng.catalogue.models import Teacher
from jineng.core.xlsx import workbook_bytes
from jineng.demo import data
from jineng.demo.checkins import face_checkins
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_id_number
from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.regions.models import Department, Region
from jineng.supervision.services import class_end, class_open, inspection_record, satisfaction_record
from jineng.training import services
from jineng.training.models import TrainingClass
from jineng.training.roster import COLUMNS, HEADERS

# The furthest step each demo class reaches; the order is the lifecycle's.
STEPS = ("draft", "submitted", "dept_reviewed", "returned", "approved", "in_training", "applied", "assessed")


@dataclass(frozen=True)
class DemoClass:
    step: str
    occupation: str  # code of an occupation the school is listed for (catalogue demo)
    level: int
    unit: str  # short name of a Zhengzhou unit
    start: dt.date
    trainees: int
    # 脱产培训: the roster's trainees are job-seekers, not employees, and ZZ21 pays it by certificate (F02).
    funding: str = "off_job"
    # J03: the ZZ21 special programme the class counts towards ("" = none).
    programme: str = ""


CLASSES = (
    DemoClass("assessed", "4-03-02-01", 4, "金水区", dt.date(2021, 4, 6), 32, programme="zz_key_groups"),
    DemoClass("applied", "4-03-02-02", 4, "管城区", dt.date(2021, 5, 10), 28),
    DemoClass("in_training", "4-03-02-01", 5, "二七区", dt.date(2021, 6, 7), 36, programme="zz_key_groups"),
    DemoClass("approved", "4-03-02-07", 4, "中原区", dt.date(2021, 7, 5), 24),
    DemoClass("returned", "4-03-02-02", 5, "金水区", dt.date(2021, 7, 12), 30),
    DemoClass("dept_reviewed", "4-01-06-01", 5, "惠济区", dt.date(2021, 7, 19), 26),
    DemoClass("submitted", "4-03-02-01", 4, "郑东新区", dt.date(2021, 7, 26), 40),
    DemoClass("draft", "4-03-02-07", 5, "上街区", dt.date(2021, 8, 2), 20),
    # Earlier classes whose claims the money demo (demo/claims.py) carries on: paid, on notice, submitted.
    DemoClass("assessed", "4-03-02-02", 5, "中原区", dt.date(2021, 3, 1), 30),
    DemoClass("assessed", "4-03-02-07", 5, "二七区", dt.date(2021, 3, 8), 24),
    DemoClass("assessed", "4-01-06-01", 5, "惠济区", dt.date(2021, 3, 15), 20),
)
EVALUATION_BODY = "中国陶瓷行业特有工种职业技能鉴定站河南分站"
# J03: the groups the demo's job-seekers declare, in turn: those ZZ21 二(二)'s programme is for.
GROUPS = ("rural_transfer", "unemployed", "rural_transfer", "veteran", "farmer", "disabled", "rural_transfer")


def _reached(target: str, step: str) -> bool:
    return STEPS.index(target) >= STEPS.index(step)


def _people(start: int, n: int, area: str) -> Iterator[list[object]]:
    for i in range(start, start + n):
        birth = dt.date(1970 + i % 33, 1 + i % 12, 1 + (i * 11) % 28)
        row: dict[str, object] = {c.attr: "" for c in COLUMNS}
        row.update(
            name=data.SURNAMES[(i * 3) % len(data.SURNAMES)] + data.GIVEN[(i * 5) % len(data.GIVEN)],
            id_number=make_id_number(area, birth, 300 + i % 600),
            phone=f"137{20210000 + i * 7907:08d}",
            employer="",
            is_employee="否",
            is_transfer="否",
            is_student="否",
            is_graduating_year="否",
            wants_training="是",
            wants_work="是",
            able_to_work="是",
            group=TRAINEE_GROUPS[GROUPS[i % len(GROUPS)]],
        )
        yield [row[c.attr] for c in COLUMNS]


def _unit(city: Region, name: str) -> Region:
    return Region.objects.filter(parent=city).filter(short_name=name).first() or Region.objects.get(
        parent=city, name=name
    )


def demo_classes_load(accounts: dict[str, User]) -> int:
    """Returns how many classes were made; the caller's transaction holds them."""
    clerk = accounts["institution"]
    school: Organisation = clerk.organisation  # type: ignore[assignment]
    city = school.region
    department = Department.objects.get(region=city, name="市工信局")
    body = Organisation.objects.get(name=EVALUATION_BODY)
    made = 0
    person_serial = 0
    for number, spec in enumerate(CLASSES, start=1):
        unit = _unit(city, spec.unit)
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
                region_id=unit.pk,
                department_id=department.pk,
                contact_name=school.contact_name or "赵敏",
                contact_phone=school.contact_phone or "13838105678",
                bank_name="中国银行郑州分行",
                bank_account="6222020200112233445",
                batch=f"2021年第{number}期",
                start_date=spec.start,
                end_date=end,
                occupation_code=spec.occupation,
                level=spec.level,
                target_certificate="skill_level",
                planned_trainees=spec.trainees,
                total_hours=100,
                theory_hours=30,
                practical_hours=70,
                minutes_per_hour=45,
                mode="institution",
                funding_type=spec.funding,
                programme=spec.programme,
                workstations=40,
                venue=f"郑州市{unit.name}实训楼",
                teacher_ids=teachers,
            ),
        )
        job = services.roster_job_create(
            actor=clerk,
            training_class=tc,
            filename=f"花名册-第{number}期.xlsx",
            content=workbook_bytes(
                "花名册", HEADERS, _people(person_serial, spec.trainees, unit.code or "410100")
            ),
        )
        person_serial += spec.trainees
        job = services.roster_job_run(job_id=job.pk, today=applied)
        if job.status != "accepted":
            raise RuntimeError(f"演示花名册未通过：{job.report[:3]}")
        made += 1
        if not _reached(spec.step, "submitted"):
            continue
        tc = services.class_submit(actor=clerk, training_class=tc, today=applied)
        if spec.step == "returned":
            for role in ("dept_first", "dept_second"):
                tc = services.class_review(
                    actor=accounts[role], training_class=tc, decision="pass", today=applied
                )
            services.class_review(
                actor=accounts["hr_first"],
                training_class=tc,
                decision="return",
                comment="实训场地照片不清晰，请补充实训楼工位照片后重新提交",
                today=applied + dt.timedelta(days=2),
            )
            continue
        if not _reached(spec.step, "dept_reviewed"):
            continue
        for role in ("dept_first", "dept_second"):
            tc = services.class_review(
                actor=accounts[role], training_class=tc, decision="pass", today=applied
            )
        if not _reached(spec.step, "approved"):
            continue
        for role in ("hr_first", "hr_second"):
            tc = services.class_review(
                actor=accounts[role], training_class=tc, decision="pass", today=applied + dt.timedelta(days=3)
            )
        if not _reached(spec.step, "in_training"):
            continue
        if spec.programme:  # the bureau checked the declared groups against its registry data (J03)
            services.class_groups_confirm(actor=accounts["hr_first"], training_class=tc)
        _train(accounts, tc, spec, end)
        if not _reached(spec.step, "applied"):
            continue
        tc = class_end(actor=accounts["inspector"], training_class=tc, today=end)
        satisfaction_record(
            actor=accounts["inspector"],
            training_class=tc,
            surveyed=spec.trainees,
            satisfied=spec.trainees - 1,
            today=end,
        )
        exam = end + dt.timedelta(days=7)
        assessment = assessment_apply(
            actor=clerk,
            training_class=tc,
            body=body,
            certificate_kind="skill_level",
            level=spec.level,
            assessment_date=exam,
            venue=f"郑州市{unit.name}实训楼",
            today=end + dt.timedelta(days=1),
        )
        if not _reached(spec.step, "assessed"):
            continue
        rows = []
        for i, id_number in enumerate(
            tc.enrolments.order_by("row").values_list("person__id_number", flat=True)
        ):
            passed = i % 8 != 7  # one in eight fails, as a real sitting would
            rows.append(
                ResultRow(
                    id_number=id_number,
                    passed=passed,
                    certificate_kind="skill_level" if passed else "",
                    level=spec.level if passed else None,
                    certificate_number=f"S{exam:%Y%m%d}{number:02d}{i + 1:04d}" if passed else "",
                    issued_on=exam + dt.timedelta(days=10) if passed else None,
                    issuer=body.name if passed else "",
                )
            )
        results_enter(actor=accounts["evaluator"], assessment=assessment, rows=rows)
    return made


def _train(accounts: dict[str, User], tc: TrainingClass, spec: DemoClass, end: dt.date) -> None:
    inspector = accounts["inspector"]
    class_open(
        actor=inspector,
        training_class=tc,
        present=spec.trainees,
        signed_in=spec.trainees,
        materials_kept=True,
        note="开班当日实地检查，学员签到表、教学计划齐全",
        today=spec.start,
    )
    face_checkins(tc)  # C07 where the profile requires it (许昌 2023)
    for days, present in ((4, spec.trainees - 1), (11, spec.trainees - 2)):
        inspection_record(
            actor=inspector,
            training_class=tc,
            at=timezone.make_aware(dt.datetime.combine(spec.start + dt.timedelta(days=days), dt.time(9, 30))),
            place=tc.venue,
            teachers_present="两名专职教师在岗",
            trainees_present=present,
            media_refs=f"现场照片/{tc.ref}-{days}.jpg",
            note="随机抽查",
        )

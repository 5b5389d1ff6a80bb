"""Writes of the class lifecycle: apply, roster, submit, review (F09), withdraw, cancel.

Each public function is one transaction that writes its audit event; side effects (the roster job)
are queued after commit. The rule checks themselves live in jineng.policy.training; this module only
gathers the facts (jineng.training.facts) and acts on the verdict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record, events_record_objects
from jineng.catalogue.models import Occupation, Teacher, Trade
from jineng.core import uploads
from jineng.core.alongside import Alongside
from jineng.core.bulkwrite import collector_paused, copy_rows, reserve_ids
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.orgs import guards
from jineng.outbox.services import task_enqueue
from jineng.people.models import Person
from jineng.policy import training as rules
from jineng.policy.identity import birth_and_sex, normalise_id_number
from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation
from jineng.policy.workdays import CalendarNotCovered
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training import facts, selectors
from jineng.training.cancellations import cancel_followups
from jineng.training.classform import ClassInput
from jineng.training.models import (
    EDITABLE_STATES,
    ClassReview,
    ClassState,
    Decision,
    Delivery,
    Enrolment,
    FundingType,
    Mode,
    ReviewStage,
    ReviewStep,
    RosterJob,
    TrainingClass,
)
from jineng.training.roster import ParsedRow, read_roster
from jineng.workcal.selectors import work_calendar

T = TypeVar("T")
logger = logging.getLogger(__name__)


def _profile(region: Region, year: int) -> Profile:
    try:
        return profile_for(region, year)
    except NoProfile as exc:
        raise Refusal(str(exc), field="开班日期") from None


def _locked(tc: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update().select_related("region", "institution").get(pk=tc.pk)


def _apply_input(tc: TrainingClass, data: ClassInput, actor: User) -> list[Teacher]:
    """Copy the form onto the class; refuses references the clerk may not use. Returns the teachers."""
    region = Region.objects.filter(pk=data.region_id).first()
    institution = actor.organisation
    assert institution is not None
    if region is None:
        raise Refusal("培训地点所在区域不存在", field="培训区域", value=str(data.region_id))
    # Only the province of the institution: anything wider is not this bureau's programme.
    province = institution.region.path.split("/")[1] if "/" in institution.region.path else ""
    if province and f"/{province}/" not in region.path + "/":
        raise Refusal("培训地点须在本省范围内", field="培训区域", value=region.name)
    department = Department.objects.filter(pk=data.department_id).select_related("region").first()
    if department is None or not region.path.startswith(department.region.path):
        raise Refusal("行业主管部门须为培训地点所在区域或其上级区域的部门", field="行业主管部门")
    occupation = Occupation.objects.filter(code=data.occupation_code.strip()).first()
    if occupation is None:
        raise Refusal(
            "职业编码不在 2022 年版国家职业分类大典中", field="培训职业", value=data.occupation_code
        )
    trade = None
    if data.trade_name.strip():
        trade = Trade.objects.filter(occupation=occupation, name=data.trade_name.strip()).first()
        if trade is None:
            names = list(Trade.objects.filter(occupation=occupation).values_list("name", flat=True)[:30])
            offered = f"，可选：{'、'.join(names)}" if names else "；该职业不分工种，请留空"
            raise Refusal(
                f"{occupation.name}下没有“{data.trade_name.strip()}”这个工种{offered}",
                field="工种",
                value=data.trade_name,
            )
    for name, choices, label in (
        ("mode", Mode, "培训方式"),
        ("funding_type", FundingType, "补贴类别"),
        ("delivery", Delivery, "授课形式"),
    ):
        if getattr(data, name) not in choices.values:
            raise Refusal(f"未知的{label}", field=label, value=str(getattr(data, name)))
    if data.level is not None and data.level not in (1, 2, 3, 4, 5):
        raise Refusal("等级应为 1–5（五级/初级工 至 一级/高级技师）", field="等级", value=str(data.level))
    if data.end_date < data.start_date:
        raise Refusal("结业日期早于开班日期", field="结业日期", value=data.end_date.isoformat())
    if data.theory_hours + data.practical_hours != data.total_hours:
        raise Refusal(
            f"理论课时 {data.theory_hours} 与实操课时 {data.practical_hours} 之和不等于总课时 {data.total_hours}",
            field="总课时",
        )
    for label, value in (
        ("联系人", data.contact_name),
        ("开户银行", data.bank_name),
        ("培训地点", data.venue),
    ):
        if not value.strip():
            raise Refusal(f"请填写{label}", field=label)
    if not data.bank_account.strip().isdigit():
        raise Refusal("银行账号应为数字", field="银行账号")
    teachers = list(Teacher.objects.filter(pk__in=data.teacher_ids, organisation=institution))
    if len(teachers) != len(set(data.teacher_ids)):
        raise Refusal("所选教师须为本机构登记的教师", field="授课教师")
    # The same rows the page offers (training.selectors): the API may name no others.
    if data.enterprise_id is not None and not (
        selectors.class_enterprises(actor).filter(pk=data.enterprise_id).exists()
    ):
        raise Refusal("所选企业不是本省登记的企业", field="委托/学徒企业", value=str(data.enterprise_id))
    if data.online_platform_id is not None and not (
        selectors.class_platforms(actor).filter(pk=data.online_platform_id).exists()
    ):
        raise Refusal(
            "所选平台不是本省登记的线上培训平台", field="线上平台", value=str(data.online_platform_id)
        )
    if data.catalogue_item_id is not None:
        item = selectors.class_catalogue_items(actor).filter(pk=data.catalogue_item_id).first()
        if (
            item is None
            or item.region_id not in region.ancestor_ids()
            or item.year != data.start_date.year
            or item.occupation_id != occupation.pk
        ):
            raise Refusal(
                f"所选补贴标准目录项目须为培训地点所在区域（或上级区域）{data.start_date.year}年“{occupation.name}”的现行项目",
                field="补贴标准目录项目",
                value=str(item if item is not None else data.catalogue_item_id),
            )
    # The form's plain fields map one to one onto the class; references were resolved above.
    for f in fields(ClassInput):
        if f.name in ("region_id", "department_id", "occupation_code", "trade_name", "teacher_ids"):
            continue
        value = getattr(data, f.name)
        setattr(tc, f.name, value.strip() if isinstance(value, str) else value)
    tc.region = region
    tc.department = department
    tc.occupation = occupation
    tc.trade = trade
    tc.year = data.start_date.year
    return teachers


def _refuse_foreign_programme(tc: TrainingClass, profile: Profile) -> None:
    """J03: the programme must be one of the class's own profile (checked again at submission)."""
    problems = rules.check_programme(profile, tc.programme)
    if problems:
        raise Refusal.from_violations("专项培训计划不适用", problems)


@transaction.atomic
def class_create(*, actor: User, data: ClassInput) -> TrainingClass:
    guards.refuse_blacklisted(actor.organisation_id)  # F14: a blacklisted institution opens no class
    # I01: nor one under a sanction in force (suspension, stop-opening, …), under every profile
    guards.refuse_sanctioned([actor.organisation_id], on_date=timezone.localdate(), act="申请开班")
    if not can(actor.role, "class.apply") or actor.organisation is None:
        raise Refusal("只有培训机构经办人可以申请开班")
    if not actor.organisation.is_training_provider:
        raise Refusal("本单位不是培训机构，不能申请开班")
    tc = TrainingClass(
        institution=actor.organisation, created_by=actor, ref=f"tmp-{timezone.now().timestamp()}"
    )
    teachers = _apply_input(tc, data, actor)
    # a class in a year without a profile cannot be judged: say so now
    _refuse_foreign_programme(tc, _profile(tc.region, tc.year))
    tc.save()
    # A functional zone (郑东新区, 航空港区) has no GB/T 2260 code: the number carries its city's.
    tc.ref = f"KB{tc.year}{tc.region.area_code()[:6]}{tc.pk:06d}"
    tc.save(update_fields=["ref"])
    tc.teachers.set(teachers)
    event_record(actor=actor, action="class.created", obj=tc, to_state=tc.state)
    return tc


@transaction.atomic
def class_update(*, actor: User, training_class: TrainingClass, data: ClassInput) -> TrainingClass:
    tc = _locked(training_class)
    _own(actor, tc)
    if tc.state not in EDITABLE_STATES:
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，不能修改")
    teachers = _apply_input(tc, data, actor)
    _refuse_foreign_programme(tc, _profile(tc.region, tc.year))
    tc.save()
    tc.teachers.set(teachers)
    event_record(actor=actor, action="class.updated", obj=tc, from_state=tc.state, to_state=tc.state)
    return tc


def _own(actor: User, tc: TrainingClass) -> None:
    if actor.role != Role.INSTITUTION or actor.organisation_id != tc.institution_id:
        raise Refusal("只有本机构经办人可以办理")


# --- roster --------------------------------------------------------------------------------------------


@transaction.atomic
def roster_job_create(
    *, actor: User, training_class: TrainingClass, filename: str, content: bytes
) -> RosterJob:
    """Queue a roster upload; the check runs after commit (in-process when eager, else on a worker)."""
    tc = _locked(training_class)
    _own(actor, tc)
    if tc.state not in EDITABLE_STATES:
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，不能更换花名册")
    if not content:
        raise Refusal("上传的文件是空的", field="花名册文件")
    if len(content) > settings.JINENG_ROSTER_MAX_BYTES:
        raise Refusal(f"文件超过 {settings.JINENG_ROSTER_MAX_BYTES // 1_000_000} MB", field="花名册文件")
    # A zip bomb is refused here, before a job is stored; the sheet is checked by the job's reader.
    uploads.envelope_check(content, what="花名册文件")
    job = RosterJob.objects.create(
        training_class=tc,
        uploaded_by=actor,
        filename=filename[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    event_record(
        actor=actor,
        action="roster.uploaded",
        obj=job,
        to_state=job.status,
        payload={"class": tc.ref, "filename": job.filename, "sha256": job.sha256},
        region_path=tc.region.path,
        organisation_id=tc.institution_id,
    )
    from jineng.training.tasks import roster_job_run_task

    # In this transaction: the upload and its task commit together, and are sent after the commit.
    task_enqueue(task=roster_job_run_task, obj=job)
    return job


ROSTER_JOB_GIVEN_UP = "后台任务多次未能执行完毕（后台服务繁忙或中断），花名册未导入任何一行。请重新上传；如仍失败，请联系管理员。"
_FINAL = (RosterJob.Status.ACCEPTED, RosterJob.Status.REFUSED, RosterJob.Status.FAILED)


def roster_job_lease() -> dt.timedelta:
    """How long a run holds its job without a sign of life before another delivery may take it over.
    Shorter than the outbox's wait before it sends a task again, so that the sending again takes over."""
    return dt.timedelta(seconds=int(getattr(settings, "JINENG_ROSTER_JOB_LEASE_SECONDS", 300)))


def roster_jobs_finished(job_ids: Sequence[int]) -> set[int]:
    """Of these jobs, those whose check is over (the outbox asks, to close their tasks)."""
    return set(RosterJob.objects.filter(pk__in=job_ids, status__in=_FINAL).values_list("pk", flat=True))


@transaction.atomic
def roster_jobs_abandon(job_ids: Sequence[int]) -> int:
    """Fail jobs whose task could not be run (the outbox gave up), with a message the clerk reads on the
    job's page and in the API. A run still holding one (locked by its transaction) finishes first."""
    jobs = list(
        RosterJob.objects.select_for_update(of=("self",))
        .filter(pk__in=job_ids, status__in=(RosterJob.Status.QUEUED, RosterJob.Status.RUNNING))
        .select_related("training_class", "training_class__region")
        .defer("content")
    )
    now = timezone.now()
    for job in jobs:
        RosterJob.objects.filter(pk=job.pk).update(
            status=RosterJob.Status.FAILED, message=ROSTER_JOB_GIVEN_UP, finished_at=now, heartbeat_at=None
        )
        tc = job.training_class
        event_record(
            actor=None,
            action="roster.given_up",
            obj=job,
            from_state=job.status,
            to_state=RosterJob.Status.FAILED,
            payload={"class": tc.ref, "runs": job.runs},
            region_path=tc.region.path,
            organisation_id=tc.institution_id,
        )
    return len(jobs)


def _claim(job_id: int) -> int | None:
    """Take the job for this run: queued, or held by a run whose lease ran out (its process died). The
    run's token is the job's count of runs; None when another run holds it or it is over."""
    now = timezone.now()
    stale = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - roster_job_lease())
    claimed = (
        RosterJob.objects.filter(pk=job_id)
        .filter(Q(status=RosterJob.Status.QUEUED) | (Q(status=RosterJob.Status.RUNNING) & stale))
        .update(status=RosterJob.Status.RUNNING, runs=F("runs") + 1, heartbeat_at=now)
    )
    if not claimed:
        return None
    return int(RosterJob.objects.filter(pk=job_id).values_list("runs", flat=True).get())


def _progress(job: RosterJob, token: int, **values: int) -> None:
    # Outside the job's transaction on purpose: the page polls these numbers while the check runs. Each
    # is also a sign of life (the lease), written only while this run still holds the job.
    for name, value in values.items():
        setattr(job, name, value)
    RosterJob.objects.filter(pk=job.pk, runs=token, status=RosterJob.Status.RUNNING).update(
        heartbeat_at=timezone.now(), **values
    )


class _Superseded(Exception):
    """Another run took the job over (this one's lease had run out): this run's outcome is not written."""


def _hold(job_id: int, token: int) -> None:
    # Locks the job for the writing transaction: until it commits, nobody takes the job over or fails it.
    if (
        not RosterJob.objects.select_for_update()
        .filter(pk=job_id, runs=token, status=RosterJob.Status.RUNNING)
        .exists()
    ):
        raise _Superseded


@collector_paused()
def roster_job_run(*, job_id: int, today: dt.date | None = None) -> RosterJob:
    """Check a queued roster and, if every row passes, replace the class's roster. Idempotent: a job
    that is over, or held by a live run, is left alone; one whose run died is taken over."""
    today = today or timezone.localdate()
    token = _claim(job_id)
    job = RosterJob.objects.select_related("training_class", "training_class__region").get(pk=job_id)
    if token is None:
        return job  # already run, or running elsewhere (a retried task, a second worker): nothing to do
    try:
        return _run(job, token, today)
    except _Superseded:
        logger.warning(
            "roster job %s: run %s was taken over by a later run; its outcome is dropped", job_id, token
        )
        return RosterJob.objects.select_related("training_class").get(pk=job_id)
    except BaseException:
        # Let the task's next delivery run it at once rather than after the lease (nothing was written).
        try:
            RosterJob.objects.filter(pk=job_id, runs=token, status=RosterJob.Status.RUNNING).update(
                status=RosterJob.Status.QUEUED, heartbeat_at=None
            )
        except Exception:
            logger.warning("roster job %s: could not release run %s", job_id, token, exc_info=True)
        raise


def _run(job: RosterJob, token: int, today: dt.date) -> RosterJob:
    tc = job.training_class
    read = read_roster(bytes(job.content), max_rows=settings.JINENG_ROSTER_MAX_ROWS)
    if read.fatal:
        return _finish(job, token, RosterJob.Status.FAILED, read.fatal, [], 0)
    _progress(job, token, rows_total=len(read.rows))
    problems = list(read.problems)
    bad_format_rows = {p.row for p in problems}
    checkable = [r for r in read.rows if r.row not in bad_format_rows]
    try:
        profile = _profile(tc.region, tc.year)
        with transaction.atomic():
            _hold(job.pk, token)
            plan = _roster_plan(job, tc, read.rows)
            if problems or plan.clashes:
                # Nothing will be imported: the other rows are judged for a complete report.
                inputs = facts.roster_inputs(tc, checkable, persons=plan.known)
                raise _Refused(problems + plan.clashes + inputs.violations(profile, today=today))
            count = _judge_while_writing(plan, profile, checkable, today=today)
            # Accepted in the transaction that writes the rows: the roster and the job's outcome commit
            # together, so no crash leaves the rows written and the job 检查中.
            job.rows_done = len(read.rows)  # written by _finish, with the outcome
            return _finish(job, token, RosterJob.Status.ACCEPTED, f"已导入 {count} 名学员", [], 0)
    except _Refused as exc:
        _progress(job, token, rows_done=len(read.rows))
        problems = sorted(exc.problems, key=lambda v: (v.row or 0, v.field))
        bad = len({p.row for p in problems})
        message = f"花名册共 {len(read.rows)} 行，其中 {bad} 行有问题，未导入任何一行。请下载问题清单，修改后重新上传。"
        return _finish(job, token, RosterJob.Status.REFUSED, message, problems, bad)
    except Refusal as exc:
        return _finish(job, token, RosterJob.Status.REFUSED, exc.message, exc.violations, len(exc.violations))
    except IntegrityError:
        # Another transaction registered one of these persons (or changed the class) first: the
        # clerk's upload is still good, and uploading it again will find the state as it now is.
        logger.warning("roster job %s: integrity error while writing, rolled back", job.pk, exc_info=True)
        message = "保存花名册时与其他操作冲突（如同一学员正由另一花名册登记），未导入任何一行，请重新上传。"
        return _finish(job, token, RosterJob.Status.FAILED, message, [], 0)


class _Refused(Exception):
    def __init__(self, problems: list[Violation]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _judge_while_writing(
    plan: _RosterPlan, profile: Profile, rows: list[ParsedRow], *, today: dt.date
) -> int:
    """Judge the rows while they are being written (module core.alongside): the database server and
    Python each keep a core busy. The writer first reads the persons' history for the rules (the
    connection is the writer's until it is done), then writes. A problem cancels the writer and
    raises _Refused, and the caller's transaction rolls back: all rows or none."""
    tc = plan.tc
    cls = facts.class_facts(tc, trainees=len(rows))
    history: Future[list[facts.HistoryRow]] = Future()

    def work(check: Callable[[], None]) -> int:
        try:
            history.set_result(facts.history_rows(plan.known, exclude_class=tc.pk))
        except BaseException as exc:
            history.set_exception(exc)
            raise
        return _roster_write(plan, check)

    writer = Alongside(work)
    try:
        facts_rows = facts.roster_rows(rows)
        inputs = facts.RosterInputs(cls, facts_rows, facts.history_from(history.result(), plan.known))
        problems = inputs.violations(profile, today=today)
    except BaseException:
        writer.cancel()
        raise
    if problems:
        writer.cancel()
        raise _Refused(problems)
    return writer.result()


def _finish(
    job: RosterJob, token: int, status: str, message: str, problems: list[Violation], bad: int
) -> RosterJob:
    """The run's outcome, written only while this run still holds the job (else _Superseded)."""
    job.status = status
    job.message = message
    job.bad_rows = bad
    job.report = [
        {
            "row": p.row,
            "field": p.field,
            "value": p.value,
            "rule": p.rule,
            "clause": p.clause,
            "message": p.message,
        }
        for p in problems
    ]
    job.finished_at = timezone.now()
    with transaction.atomic():
        written = RosterJob.objects.filter(pk=job.pk, runs=token, status=RosterJob.Status.RUNNING).update(
            status=status,
            message=message,
            bad_rows=bad,
            report=job.report,
            finished_at=job.finished_at,
            rows_total=job.rows_total,
            rows_done=job.rows_done,
            heartbeat_at=None,
        )
        if not written:
            raise _Superseded
        if status != RosterJob.Status.ACCEPTED:
            # The upload's trail says it was not imported (an accepted one: class.roster_replaced).
            tc = job.training_class
            event_record(
                actor=None,
                action="roster.refused" if status == RosterJob.Status.REFUSED else "roster.failed",
                obj=job,
                from_state=RosterJob.Status.RUNNING,
                to_state=status,
                payload={"class": tc.ref, "bad_rows": bad},
                region_path=tc.region.path,
                organisation_id=tc.institution_id,
            )
    return job


# Person's columns in table order after the id: the rows below are written in it.
_PERSON_FIELDS = [f.attname for f in Person._meta.concrete_fields][1:]
assert _PERSON_FIELDS == [
    "id_number", "name", "sex", "birth_date", "phone", "region_id", "registered_by_id",
    "registered_by_organisation_id", "created_at",
], _PERSON_FIELDS  # fmt: skip
_ENROLMENT_FIELDS = [
    "training_class", "person", "row", "status", "phone", "employer", "is_employee", "post_occupation",
    "is_transfer", "previous_post_occupation", "hired_on", "is_student", "school", "major_occupation",
    "is_graduating_year", "wants_training", "wants_work", "able_to_work", "assessed_on", "group", "place_code",
    "sentence_ends_on", "trained_in_sentence", "held_level",
]  # fmt: skip


@dataclass(frozen=True)
class _RosterPlan:
    job: RosterJob
    tc: TrainingClass
    numbers: dict[str, Any]  # normalised ID number → its ParsedRow
    known: dict[str, int]  # normalised ID number → Person id, for persons already registered
    clashes: list[Violation]


def _roster_plan(job: RosterJob, training_class: TrainingClass, rows: list[Any]) -> _RosterPlan:
    """Lock the class and find who is already registered (one query), before the writer starts."""
    tc = _locked(training_class)
    if tc.state not in EDITABLE_STATES:
        raise Refusal(f"检查期间开班申请已变为“{tc.get_state_display()}”，花名册未导入")
    # Rows with an invalid number are B01's to refuse; normalising is what parsing would return.
    numbers = {normalise_id_number(r.id_number): r for r in rows}
    known = facts.persons_known(numbers)
    clashes = [
        Violation(
            "B01",
            "实名制（GB 11643 公民身份号码）",
            f"该身份证号已登记为“{known[n][1]}”，与花名册姓名不一致",
            "姓名",
            r.row,
            r.name,
        )
        for n, r in numbers.items()
        if n in known and known[n][1] != r.name
    ]
    return _RosterPlan(job, tc, numbers, {n: pk for n, (pk, _) in known.items()}, clashes)


def _checked(rows: Iterable[T], check: Callable[[], None], every: int = 2000) -> Iterator[T]:
    for i, row in enumerate(rows):
        if i % every == 0:
            check()
        yield row


def _roster_write(plan: _RosterPlan, check: Callable[[], None]) -> int:
    """The new persons, their events and the rows: one insert each, none per row. Runs alongside the
    check (``check()`` raises once it has found a problem); each foreign key is checked as its insert
    ends rather than at commit, so that this work too is done while the rules run."""
    tc, job, numbers, known = plan.tc, plan.job, plan.numbers, plan.known
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    actor = job.uploaded_by
    now = timezone.now()
    region, org = tc.region_id, tc.institution_id
    new_rows = []
    for number, r in numbers.items():
        if number not in known:
            birth, sex = birth_and_sex(number)
            new_rows.append((number, r.name, sex, birth, r.phone, region, actor.pk, org, now))
    check()
    ids = reserve_ids(Person, len(new_rows))
    if ids:
        copy_rows(
            Person,
            ["id", *_PERSON_FIELDS],
            _checked(((pk, *row) for pk, row in zip(ids, new_rows, strict=True)), check),
        )
        created = {row[0]: pk for pk, row in zip(ids, new_rows, strict=True)}
    else:
        copy_rows(Person, _PERSON_FIELDS, _checked(new_rows, check))
        created = dict(
            Person.objects.filter(id_number__in=facts.id_numbers_in(row[0] for row in new_rows)).values_list(
                "id_number", "pk"
            )
        )
    check()
    events_record_objects(
        actor=actor,
        action="person.registered",
        object_type=Person._meta.label,
        objects=[(created[row[0]], row[1]) for row in new_rows],  # a person's label is the name
        to_state="registered",
        payload={"roster_job": job.pk, "class": tc.ref},
        region_path=tc.region.path,
        organisation_id=tc.institution_id,
    )
    check()
    persons = known | created
    removed = Enrolment.objects.filter(training_class=tc).delete()[0]
    enrolled = Enrolment.Status.ENROLLED.value
    copy_rows(
        Enrolment,
        _ENROLMENT_FIELDS,
        _checked(
            (
                (tc.pk, persons[number], r.row, enrolled, r.phone, r.employer, r.is_employee, r.post_occupation,
                 r.is_transfer, r.previous_post_occupation, r.hired_on, r.is_student, r.school, r.major_occupation,
                 r.is_graduating_year, r.wants_training, r.wants_work, r.able_to_work, None, r.group, r.place_code,
                 r.sentence_ends_on, r.trained_in_sentence, r.held_level)
                for number, r in numbers.items()
            ),
            check,
        ),
    )  # fmt: skip
    event_record(
        actor=actor,
        action="class.roster_replaced",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={"job": job.pk, "rows": len(numbers), "replaced": removed, "new_persons": len(new_rows)},
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return len(numbers)


# --- submit and review -----------------------------------------------------------------------------------


def _due(profile: Profile, stage: Literal["dept", "hr"], today: dt.date) -> dt.date | None:
    try:
        return rules.class_review_due(profile, work_calendar(), today, stage)
    except CalendarNotCovered as exc:
        raise Refusal(f"无法计算审核期限：{exc}") from None


@transaction.atomic
def class_submit(
    *, actor: User, training_class: TrainingClass, today: dt.date | None = None
) -> TrainingClass:
    guards.refuse_blacklisted(actor.organisation_id)  # F14: nor submits one already drafted
    today = today or timezone.localdate()
    tc = _locked(training_class)
    _own(actor, tc)
    if tc.state not in EDITABLE_STATES:
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，不能提交")
    profile = _profile(tc.region, tc.year)
    # I01: no class while a sanction holds (every profile); I02: a private school's 年检 and incidents
    # where the profile asks for them (HC21 16).
    guards.refuse_sanctioned([tc.institution_id], on_date=today, act="提交开班申请", profile=profile)
    guards.refuse_private_school_standing(tc.institution_id, profile=profile, on_date=today)
    if not tc.enrolments.exists():
        raise Refusal("请先上传花名册，花名册为空的开班申请不能提交", field="花名册")
    violations = facts.class_violations(tc, profile, today=today)
    # The roster is judged again: the history may have changed since it was uploaded.
    violations += facts.enrolled_violations(tc, profile, today=today)
    if violations:
        raise Refusal.from_violations("开班申请未通过检查，未提交", violations)
    from_state = tc.state
    tc.state = ClassState.SUBMITTED
    tc.profile_code, tc.profile_version = profile.code, profile.version
    tc.submitted_at = timezone.now()
    tc.review_round += 1
    tc.return_comment = ""
    tc.review_due = _due(profile, "dept", today)
    tc.save()
    event_record(
        actor=actor,
        action="class.submitted",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={"profile": f"{profile.code} v{profile.version}"},
    )
    return tc


STAGE_OF_STATE = {ClassState.SUBMITTED: ReviewStage.DEPT, ClassState.DEPT_REVIEWED: ReviewStage.HR}
ROLE_FOR = {
    (ReviewStage.DEPT, ReviewStep.FIRST): Role.DEPT_FIRST,
    (ReviewStage.DEPT, ReviewStep.SECOND): Role.DEPT_SECOND,
    (ReviewStage.HR, ReviewStep.FIRST): Role.HR_FIRST,
    (ReviewStage.HR, ReviewStep.SECOND): Role.HR_SECOND,
}


def next_step(tc: TrainingClass) -> tuple[str, str] | None:
    stage = STAGE_OF_STATE.get(ClassState(tc.state))
    if stage is None:
        return None
    signed = set(
        ClassReview.objects.filter(training_class=tc, round=tc.review_round, stage=stage).values_list(
            "step", flat=True
        )
    )
    return (stage, ReviewStep.SECOND if ReviewStep.FIRST in signed else ReviewStep.FIRST)


@transaction.atomic
def class_review(
    *,
    actor: User,
    training_class: TrainingClass,
    decision: str,
    comment: str = "",
    today: dt.date | None = None,
) -> TrainingClass:
    """One signature (F09): first reviewer, then a different second reviewer, per stage."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    step = next_step(tc)
    if step is None:
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，无需审核")
    stage, which = step
    profile = _profile(tc.region, tc.year)
    clause = profile.cite("reviewers_per_step")
    needed = ROLE_FOR[(ReviewStage(stage), ReviewStep(which))]
    if actor.role != needed:
        raise Refusal(
            f"此环节须由{Role(needed).label}办理（当前：{ReviewStage(stage).label}{ReviewStep(which).label}）",
            rule="F09",
            clause=clause,
        )
    if stage == ReviewStage.DEPT and actor.department_id != tc.department_id:
        raise Refusal("只能审核本部门主管的开班申请")
    if decision not in Decision.values:
        raise Refusal("审核结论应为“通过”或“退回修改”", field="审核结论", value=decision)
    if decision == Decision.RETURN and not comment.strip():
        raise Refusal("退回修改须填写意见", field="审核意见")
    rnd = tc.review_round
    first = ClassReview.objects.filter(
        training_class=tc, round=rnd, stage=stage, step=ReviewStep.FIRST
    ).first()
    if first is not None and first.reviewer_id == actor.pk:
        raise Refusal("初审人与复核人须为不同的人", rule="F09", clause=clause)
    signed_at = timezone.now()
    if today != timezone.localdate():
        # Recorded for another day (a back-dated record): the signature bears that day's date.
        signed_at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime(signed_at).time()))
    ClassReview.objects.create(
        training_class=tc,
        stage=stage,
        step=which,
        round=rnd,
        reviewer=actor,
        decision=decision,
        comment=comment.strip(),
        at=signed_at,
    )
    from_state = tc.state
    reviewers = int(profile.get("reviewers_per_step", 2))
    if decision == Decision.RETURN:
        tc.state = ClassState.RETURNED
        tc.return_comment = comment.strip()
        tc.review_due = None
    elif which == ReviewStep.SECOND or reviewers < 2:
        if stage == ReviewStage.DEPT:
            tc.state = ClassState.DEPT_REVIEWED
            tc.review_due = _due(profile, "hr", today)
        else:
            tc.state = ClassState.APPROVED
            tc.approved_at = timezone.now()
            tc.review_due = None
    tc.save()
    event_record(
        actor=actor,
        action=f"class.review.{stage}.{which}",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={"decision": decision, "comment": comment.strip(), "round": rnd},
    )
    return tc


@transaction.atomic
def class_withdraw(*, actor: User, training_class: TrainingClass, reason: str = "") -> TrainingClass:
    tc = _locked(training_class)
    _own(actor, tc)
    if tc.state not in (
        ClassState.DRAFT,
        ClassState.RETURNED,
        ClassState.SUBMITTED,
        ClassState.DEPT_REVIEWED,
    ):
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，不能撤回")
    from_state = tc.state
    tc.state = ClassState.WITHDRAWN
    tc.review_due = None
    tc.save()
    event_record(
        actor=actor,
        action="class.withdrawn",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={"reason": reason.strip()},
    )
    return tc


# A class's groups are confirmed once it has been submitted: before that the roster may still change.
GROUPS_CONFIRMABLE = frozenset(
    {
        ClassState.SUBMITTED,
        ClassState.DEPT_REVIEWED,
        ClassState.APPROVED,
        ClassState.IN_TRAINING,
        ClassState.ENDED,
        ClassState.ASSESSMENT_APPLIED,
        ClassState.ASSESSED,
    }
)


@transaction.atomic
def class_groups_confirm(*, actor: User, training_class: TrainingClass) -> int:
    """J03: the bureau confirms the declared groups of a class's trainees against the real-name registry's
    data (户籍、退役军人、残疾人、脱贫人口 records it holds), recording who confirmed them and when; the
    group targets count confirmed trainees apart. Returns how many were confirmed."""
    if not can(actor.role, "class.confirm_groups"):
        raise Refusal("只有人社部门工作人员可以核实学员人员类别")
    tc = _locked(training_class)
    if not selectors.classes_visible(actor).filter(pk=tc.pk).exists():
        raise Refusal("不在本人管辖范围内的班级")
    if tc.state not in GROUPS_CONFIRMABLE:
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，提交审核后方可核实人员类别")
    pending = tc.enrolments.filter(status=Enrolment.Status.ENROLLED, group_confirmed_at__isnull=True).exclude(
        group=""
    )
    confirmed = pending.update(group_confirmed_by=actor, group_confirmed_at=timezone.now())
    if not confirmed:
        raise Refusal("本班没有待核实人员类别的学员（未填写人员类别的不能核实）", field="人员类别")
    event_record(
        actor=actor,
        action="class.groups_confirmed",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={"confirmed": confirmed},
    )
    return confirmed


@transaction.atomic
def class_cancel(
    *, actor: User, training_class: TrainingClass, reason: str, today: dt.date | None = None
) -> TrainingClass:
    """The bureau cancels an approved class that has not started, or any class still under review."""
    today = today or timezone.localdate()
    tc = _locked(training_class)
    if actor.role not in (Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND):
        raise Refusal("只有人社部门可以取消开班")
    if tc.state not in (ClassState.SUBMITTED, ClassState.DEPT_REVIEWED, ClassState.APPROVED):
        raise Refusal(f"开班申请当前状态为“{tc.get_state_display()}”，不能取消")
    if not reason.strip():
        raise Refusal("请填写取消原因", field="取消原因")
    from_state = tc.state
    tc.state = ClassState.CANCELLED
    tc.review_due = None
    tc.save()
    event_record(
        actor=actor,
        action="class.cancelled",
        obj=tc,
        from_state=from_state,
        to_state=tc.state,
        payload={"reason": reason.strip()},
    )
    for followup in cancel_followups():  # e.g. its F04 prepayment closed or owed back (claims)
        followup(actor=actor, training_class=tc, day=today)
    return tc


def enrolled_count(tc: TrainingClass) -> int:
    return tc.enrolments.filter(status=Enrolment.Status.ENROLLED).count()

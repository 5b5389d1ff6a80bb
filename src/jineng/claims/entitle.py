"""From the records to jineng.policy.subsidy and back: what each trainee of assessed classes is owed.

Set-based over a batch of classes: one query each for the classes' assessments, certificates, supervision
summaries, inspections, videos, rosters, results, the history of every trainee across the system and the
lines already refused; the policy module then judges each class in one call. A claim for one class is a
batch of one, so the page, the API and the bench run the same code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Subquery

from jineng.assessment.models import Assessment, Result
from jineng.catalogue.models import OccupationCertificate
from jineng.catalogue.selectors import standards_for
from jineng.claims.models import ClaimLine
from jineng.claims.programmes import programmes
from jineng.core.bulkwrite import id_list
from jineng.online.selectors import (
    checked_in_minutes_many,
    offline_hours_required,
    online_hours_required,
    valid_hours_many,
)
from jineng.people.models import Person
from jineng.policy import subsidy
from jineng.policy import training as rules
from jineng.policy.profiles import Profile
from jineng.policy.training import Enrolment as PastEnrolment
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.supervision.models import Inspection, LessonVideo, Summary
from jineng.supervision.selectors import made_up_hours_many
from jineng.supervision.services import _lesson
from jineng.training.facts import LIVE_STATES
from jineng.training.models import Enrolment, TrainingClass


@dataclass(slots=True)  # made per trainee, a million a run: not frozen (see policy.training.RosterRow)
class Line:
    person_id: int
    row: int
    status: str
    amount: Decimal
    rule_ids: tuple[str, ...]
    computation: str
    reasons: tuple[Violation, ...]


@dataclass(frozen=True)
class Computed:
    lines: list[Line]
    total: Decimal
    headcount: int
    summary: dict[str, Any]
    refusals: list[Violation] = field(default_factory=list)


def _months(start: dt.date, end: dt.date) -> int:
    """以工代训 months of a class: whole months from its start to the day after its end, at least one."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
    return max(months, 1)


def _payee(tc: TrainingClass, person: Person | None) -> str:
    if person is not None:
        return "individual"
    return "enterprise" if tc.enterprise_id and tc.mode == "enterprise_self" else "institution"


def _entitlement_facts(
    tc: TrainingClass, obtainable: frozenset[str], assessed: tuple[str, int | None] | None
) -> rules.ClassFacts:
    """The class as the entitlement rules read it: its own row, the certificate it was assessed for and
    the kinds its occupation leads to (E03), its dates, funding type, occupation and level (B02, B07, F01–F03).

    The opening facts — the institution's catalogue and status, teachers, apprentice counts, the
    location's institutions — were judged by the A-rules when the class was submitted and are not
    read by any entitlement rule, so they are left empty here rather than read again for every class
    of a batch (ten queries a class; 20,000 classes would make 200,000). ``test_entitle`` proves that
    a class judged with the full ``training.facts.class_facts`` is owed exactly the same lines.
    """
    occupation = tc.occupation
    target, level = tc.target_certificate, tc.level
    if assessed is not None:
        target, level = assessed[0], assessed[1] or tc.level
    return rules.ClassFacts(
        ref=tc.ref,
        occupation_code=occupation.code,
        occupation_name=tc.trade.name if tc.trade_id and tc.trade else occupation.name,
        level=level,
        target_certificate=target,
        obtainable_certificates=obtainable,
        occupation_hour_rule=occupation.hour_rule,
        planned_trainees=tc.planned_trainees,
        total_hours=tc.total_hours,
        theory_hours=tc.theory_hours,
        practical_hours=tc.practical_hours,
        minutes_per_hour=tc.minutes_per_hour,
        online_hours=tc.online_hours,
        offline_practical_hours=tc.offline_practical_hours,
        delivery=tc.delivery,
        funding_type=tc.funding_type,
        teachers=(),
        teachers_for_major=0,
        workstations=tc.workstations,
        start_date=tc.start_date,
        end_date=tc.end_date,
        institution=rules.InstitutionFacts(
            name=tc.institution.name,
            kind=tc.institution.kind,
            city_code="",
            county_code="",
            is_technical_school=False,
            degree_education=False,
        ),
        location_city_code="",
        location_county_code="",
        cross_city_approved=tc.cross_city_approved,
        trade_name=tc.trade.name if tc.trade_id and tc.trade else "",
    )


@dataclass
class _Batch:
    """Everything the entitlement rules need about a batch of classes, read in one query per kind."""

    classes: dict[int, subsidy.SubsidyClass]
    trainees: dict[int, list[subsidy.TraineeFacts]]
    history: dict[str, list[PastEnrolment]]


def _subsidy_classes(classes: Sequence[TrainingClass]) -> dict[int, subsidy.SubsidyClass]:
    ids = [tc.pk for tc in classes]
    assessed: dict[int, tuple[str, int | None]] = {}
    # Ascending ids: the last one read for a class is its latest assessment, as order_by("-id").first().
    for cid, kind, level in (
        Assessment.objects.filter(training_class_id__in=ids)
        .order_by("training_class_id", "id")
        .values_list("training_class_id", "certificate_kind", "level")
    ):
        assessed[cid] = (kind, level)
    kinds: dict[int, set[str]] = defaultdict(set)
    for occ, kind in OccupationCertificate.objects.filter(
        occupation_id__in={tc.occupation_id for tc in classes}
    ).values_list("occupation_id", "kind"):
        kinds[occ].add(kind)
    summaries = {
        cid: (opening, share)
        for cid, opening, share in Summary.objects.filter(training_class_id__in=ids).values_list(
            "training_class_id", "opening_headcount", "satisfaction_share"
        )
    }
    counts: dict[int, list[int]] = defaultdict(list)
    for cid, present in (
        Inspection.objects.filter(training_class_id__in=ids)
        .order_by("training_class_id", "at", "id")
        .values_list("training_class_id", "trainees_present")
    ):
        counts[cid].append(present)
    by_pk = {tc.pk: tc for tc in classes}
    videos: dict[int, list[rules.LessonVideo]] = defaultdict(list)
    for v in LessonVideo.objects.filter(training_class_id__in=ids).order_by(
        "training_class_id", "lesson_date", "id"
    ):
        cid = v.training_class_id
        videos[cid].append(_lesson(by_pk[cid], v, len(videos[cid]) + 1))

    # F02: the 补贴标准目录 lines that may price each class (its region's chain, year and occupation).
    paths = dict(Region.objects.filter(pk__in={tc.region_id for tc in classes}).values_list("pk", "path"))
    chains = {rid: [int(p) for p in path.strip("/").split("/") if p] for rid, path in paths.items()}
    tops = dict(Region.objects.filter(pk__in={c[0] for c in chains.values() if c}).values_list("pk", "name"))
    standards = standards_for(
        {(tc.region_id, tc.year, tc.occupation_id): chains[tc.region_id] for tc in classes}
    )

    out: dict[int, subsidy.SubsidyClass] = {}
    for tc in classes:
        summary = summaries.get(tc.pk)
        chain = chains[tc.region_id]
        out[tc.pk] = subsidy.SubsidyClass(
            facts=_entitlement_facts(tc, frozenset(kinds[tc.occupation_id]), assessed.get(tc.pk)),
            mode=tc.mode,
            payee="institution",  # replaced per claim
            inspection_counts=tuple(counts[tc.pk]),
            opening_headcount=summary[0] if summary else None,
            lessons=tuple(videos[tc.pk]),
            satisfaction_share=summary[1] if summary else None,
            standards=tuple(standards[(tc.region_id, tc.year, tc.occupation_id)]),
            standards_region=tops.get(chain[0], "") if chain else "",
            online_hours_required=online_hours_required(tc),
            checkin_hours_required=offline_hours_required(tc),
            headcount_from_logs=tc.delivery == "online",
        )
    return out


def subsidy_class(tc: TrainingClass) -> subsidy.SubsidyClass:
    """One class as the entitlement rules see it (the F04 estimate at opening reads it too)."""
    return _subsidy_classes([tc])[tc.pk]


# (class whose assessment recorded it, passed, certificate kind, level), per enrolment.
_Outcome = tuple[int, bool, str, int | None]


def _results(ids: Sequence[int]) -> dict[int, _Outcome]:
    """The results recorded by the batch's classes' assessments, by enrolment. A result counts only for
    the class whose assessment recorded it, so these are all the ones that can count; read by assessment
    (a thousand short ranges of one index) rather than by the trainees' enrolment ids (50,000 probes a
    batch, a cost that grew with the batch and the table)."""
    rows = _tuples(
        Result.objects.filter(assessment__training_class_id__in=id_list(ids, ids))
        .order_by()
        .values_list("enrolment_id", "assessment__training_class_id", "passed", "certificate_kind", "level")
    )
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


def _read(classes: Sequence[TrainingClass], profiles: Mapping[int, Profile]) -> _Batch:
    ids = [tc.pk for tc in classes]
    out = _subsidy_classes(classes)
    # The classes' ids as one string too: given them as a list, PostgreSQL's plan scanned the whole
    # enrolment table for every batch instead of walking the class index.
    enrolled = Enrolment.objects.filter(
        training_class_id__in=id_list(ids, ids), status=Enrolment.Status.ENROLLED
    )
    yigong = {tc.pk: _months(tc.start_date, tc.end_date) for tc in classes if tc.funding_type == "yigong"}
    # The roster, then its results and the trainees' history, each by its own index. One query joining them
    # let PostgreSQL hash the whole person and result tables for every batch — a cost that grows with the
    # system, not the batch (a million lines: 21 s of 67 s in the roster alone).
    roster = _tuples(
        enrolled.order_by("training_class_id", "row").values_list(
            "pk", "training_class_id", "person_id", "row", "hired_on", "assessed_on"
        )
    )
    in_batch: Counter[int] = Counter(r[2] for r in roster)
    mine = [(person_id, cid, assessed_on) for _, cid, person_id, _, _, assessed_on in roster]
    history = _history(enrolled, classes, in_batch, mine)
    # A trainee's name and ID number are read only where a B-rule may name him (subsidy.trainees_named):
    # those with earlier enrolments, and everyone of a class that B07 judges. The rest are known by their
    # person id alone — most of a batch, where few trainees have been trained before.
    everyone = {tc.pk for tc in classes if subsidy.trainees_named(
        profiles[tc.pk], out[tc.pk].facts, with_history=False
    )}  # fmt: skip
    named = {int(key) for key in history} | {r[2] for r in roster if r[1] in everyone}
    people: dict[int, tuple[str, str]] = {}
    if named:
        people = {
            pk: (number, name)
            for pk, number, name in _tuples(
                Person.objects.filter(pk__in=id_list(named, Subquery(enrolled.values("person_id"))))
                .order_by()
                .values_list("pk", "id_number", "name")
            )
        }
    results = _results(ids)
    # D04 and C07: judged from the platforms' and devices' events only where the class's profile asks.
    judged_online = [
        tc
        for tc in classes
        if out[tc.pk].online_hours_required and profiles[tc.pk].get("online_lesson_checks")
    ]
    judged_checkin = [
        tc
        for tc in classes
        if out[tc.pk].checkin_hours_required and profiles[tc.pk].get("face_checkin_required")
    ]
    valid = valid_hours_many(judged_online) if judged_online else {}
    # D05 on what was delivered: the most online hours any trainee of the class logged.
    delivered: dict[int, int] = {}
    for enrolment_id, cid in ((r[0], r[1]) for r in roster if r[0] in valid):
        delivered[cid] = max(delivered.get(cid, 0), valid[enrolment_id][1])
    for cid, hours in delivered.items():
        out[cid] = replace(out[cid], delivered_online_hours=hours)
    minutes = checked_in_minutes_many(judged_checkin) if judged_checkin else {}
    made_up = made_up_hours_many([tc.pk for tc in judged_checkin]) if judged_checkin else {}
    per_hour = {tc.pk: max(1, tc.minutes_per_hour) for tc in classes}
    trainees: dict[int, list[subsidy.TraineeFacts]] = defaultdict(list)
    none = (None, None, None, None)
    anonymous = ("", "")
    for enrolment_id, cid, person_id, row, hired_on, _ in roster:
        number, name = people.get(person_id, anonymous)
        assessed_for, passed, kind, level = results.get(enrolment_id, none)
        # A result counts for the class whose assessment recorded it, when passed with a certificate.
        obtained = assessed_for == cid and passed and kind
        trainees[cid].append(
            subsidy.TraineeFacts(
                person_key=str(person_id),  # int(person_key) gives the line's person back
                name=name,
                id_number=number,
                row=row,
                certificate=kind if obtained else None,
                level=level if obtained else None,
                hired_on=hired_on,
                yigong_months=yigong.get(cid, 0),
                online_valid_hours=valid.get(enrolment_id, (0, 0))[0],
                online_logged=enrolment_id in valid,
                checked_in_hours=minutes.get(enrolment_id, 0) // per_hour[cid],
                made_up_hours=made_up.get(enrolment_id, 0),
            )
        )
    return _Batch(out, trainees, history)


def _tuples(qs: Any) -> list[tuple[Any, ...]]:
    """A ``values_list`` query's rows. On PostgreSQL straight from the cursor: the columns read here are
    numbers, strings, dates and booleans, which psycopg already returns as Python values, and Django's
    per-row iteration cost twice the query itself for a roster of 50,000. Elsewhere (SQLite returns
    dates as text) through Django, which converts them."""
    if connection.vendor != "postgresql":
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _history(
    enrolled: Any,
    classes: Sequence[TrainingClass],
    in_batch: Counter[int],
    mine: list[tuple[int, int, dt.date | None]],
) -> dict[str, list[PastEnrolment]]:
    """The enrolments, across institutions and years, of the persons enrolled in the batch's classes that
    any of those classes can weigh, those whose claim line was finally refused marked as not subsidised;
    keyed by the person's id as text (the trainees' ``person_key``), persons with none left out.

    The policy weighs only enrolments *before* a class, never the class itself (``subsidy._earlier``), so
    left out are: enrolments in classes starting after the batch's last start (no class of the batch can
    weigh them), and a trainee's own enrolment in the batch when it is his only one there. The batch's
    enrolments that another class of the batch does weigh come from the roster already read. (A withdrawn
    enrolment never counts, so the batch's withdrawn ones need not be read at all.)
    An enrolment holds nothing about the person, so one instance serves everybody with the same class,
    assessment date, status and subsidy (a history of millions is a few thousand distinct instances).
    """
    ids = [tc.pk for tc in classes]
    last_start = max(tc.start_date for tc in classes)
    # Narrow rows (no ORDER BY: the model's default ordering would join and sort tens of thousands of
    # rows for nothing); what a class is about is read once per class below, not once per enrolment.
    rows = _tuples(
        Enrolment.objects.filter(
            person_id__in=id_list(in_batch, Subquery(enrolled.values("person_id"))),
            training_class__state__in=LIVE_STATES,
            training_class__start_date__lte=last_start,
        )
        .exclude(training_class_id__in=ids)
        .order_by()
        .values_list("person_id", "training_class_id", "assessed_on", "status")
    )
    again = [m for m in mine if in_batch[m[0]] > 1]  # the batch's enrolments another of its classes weighs
    # Refused lines only of the persons with something to weigh (by the partial index of refused lines).
    weighed = {row[0] for row in rows} | {m[0] for m in again}
    refused: set[tuple[Any, ...]] = set()
    if weighed:
        refused = set(
            _tuples(
                ClaimLine.objects.filter(
                    person_id__in=id_list(weighed, Subquery(enrolled.values("person_id"))),
                    status=ClaimLine.Status.EXCLUDED,
                )
                .order_by()
                .values_list("person_id", "training_class_id")
            )
        )
    out: dict[str, list[PastEnrolment]] = defaultdict(list)
    shared: dict[tuple[Any, ...], PastEnrolment] = {}
    about: dict[
        int, tuple[Any, ...]
    ] = {}  # class → (ref, occupation, level, funding, start, end, institution)

    def add(person_id: int, cid: int, assessed: dt.date | None, status: str) -> None:
        subsidised = (person_id, cid) not in refused
        key = (cid, assessed, status, subsidised)
        past = shared.get(key)
        if past is None:
            ref, occ, level, funding, start, end, inst = about[cid]
            past = shared[key] = PastEnrolment(
                class_ref=ref,
                occupation_code=occ,
                level=level,
                funding_type=funding,
                start_date=start,
                end_date=end,
                assessed_on=assessed,
                subsidised=subsidised,
                status=status,
                institution=inst,
            )
        out[str(person_id)].append(past)

    for pk, *rest in (
        TrainingClass.objects.filter(pk__in={row[1] for row in rows})
        .order_by()
        .values_list(
            "pk",
            "ref",
            "occupation__code",
            "level",
            "funding_type",
            "start_date",
            "end_date",
            "institution__name",
        )
    ):
        about[pk] = tuple(rest)
    for tc in classes:
        about[tc.pk] = (
            tc.ref,
            tc.occupation.code,
            tc.level,
            tc.funding_type,
            tc.start_date,
            tc.end_date,
            tc.institution.name,
        )
    for person_id, cid, assessed, status in rows:
        add(person_id, cid, assessed, status)
    for person_id, cid, assessed in again:
        add(person_id, cid, assessed, Enrolment.Status.ENROLLED)
    _other_programmes(out, enrolled, in_batch, last_start)
    return out


def _other_programmes(
    out: dict[str, list[PastEnrolment]], enrolled: Any, in_batch: Counter[int], last_start: dt.date
) -> None:
    """B08 (and any rule that weighs a person's subsidies whatever paid them): the lines other
    programmes hold for the batch's trainees — a 以工代训 month, say — as past enrolments of the funding
    type their programme counts as (``Programme.history_funding``). Live payable lines only: a refused or
    withdrawn line paid nothing. One probe of the partial index of such lines per batch."""
    counted = {p.code: p.history_funding for p in programmes() if p.history_funding}
    if not counted:
        return
    rows = _tuples(
        ClaimLine.objects.filter(
            person_id__in=id_list(in_batch, Subquery(enrolled.values("person_id"))),
            training_class__isnull=True,
            status=ClaimLine.Status.PAYABLE,
            live=True,
            claim__programme__in=list(counted),
            claim__period_start__lte=last_start,
        )
        .order_by()
        .values_list(
            "person_id",
            "claim__programme",
            "claim__source_ref",
            "claim__period_start",
            "claim__period_end",
            "claim__payee_organisation__name",
        )
        .distinct()
    )
    for person_id, code, ref, start, end, payee in rows:
        out[str(person_id)].append(
            PastEnrolment(
                class_ref=ref,
                occupation_code="",
                level=None,
                funding_type=counted[code],
                start_date=start,
                end_date=end or start,
                assessed_on=None,
                subsidised=True,
                institution=payee or "",
            )
        )


def compute_many(
    classes: Sequence[TrainingClass], profiles: Mapping[int, Profile], *, person: Person | None = None
) -> dict[int, Computed]:
    """Each class judged whole (C02 places go in roster order across all its trainees); an individual's
    claim (``person``) keeps only that person's line. ``classes`` need ``occupation``, ``trade`` and
    ``institution`` loaded."""
    return {tc.pk: computed for tc, computed in judge_each(classes, profiles, person=person)}


def judge_each(
    classes: Sequence[TrainingClass], profiles: Mapping[int, Profile], *, person: Person | None = None
) -> Iterator[tuple[TrainingClass, Computed]]:
    """``compute_many`` one class at a time, in the order given. The facts of the whole batch are read
    here, now; each class is judged when the returned iterator reaches it, without a query — so that a
    caller can write one class's lines (a COPY, during which the connection runs nothing else) while the
    next is judged."""
    return _judged(_read(classes, profiles), classes, profiles, person)


def _judged(
    batch: _Batch,
    classes: Sequence[TrainingClass],
    profiles: Mapping[int, Profile],
    person: Person | None,
) -> Iterator[tuple[TrainingClass, Computed]]:
    for tc in classes:
        yield (
            tc,
            _judge(
                tc,
                profiles[tc.pk],
                replace(batch.classes[tc.pk], payee=_payee(tc, person)),
                batch.trainees[tc.pk],
                batch.history,
                person,
            ),
        )


def compute(tc: TrainingClass, profile: Profile, *, person: Person | None = None) -> Computed:
    return compute_many([tc], {tc.pk: profile}, person=person)[tc.pk]


def _judge(
    tc: TrainingClass,
    profile: Profile,
    cls: subsidy.SubsidyClass,
    trainees: list[subsidy.TraineeFacts],
    history: Mapping[str, Sequence[PastEnrolment]],
    person: Person | None,
) -> Computed:
    try:
        result = subsidy.class_entitlement(profile, cls, trainees, history)
    except subsidy.EntitlementNotSet as exc:
        return Computed([], Decimal("0.00"), 0, {}, refusals=list(exc.violations))
    payable_status, excluded_status = ClaimLine.Status.PAYABLE, ClaimLine.Status.EXCLUDED
    lines = [
        Line(
            person_id=int(ln.person_key),
            row=ln.row,
            status=payable_status if ln.status == "payable" else excluded_status,
            amount=ln.amount,
            rule_ids=ln.rule_ids,
            computation=ln.computation,
            reasons=ln.violations,
        )
        for ln in result.lines
        if person is None or int(ln.person_key) == person.pk
    ]
    payable = [ln for ln in lines if ln.status == payable_status]
    summary: dict[str, Any] = {
        "profile": result.profile_key,
        "trained_headcount": result.trained_headcount,
        "forfeits": [v.render() for v in result.forfeits],
        "notices": [v.render() for v in result.notices],
    }
    if result.prepayment is not None:
        summary["prepayment"] = result.prepayment.computation
    return Computed(
        lines=lines,
        total=sum((ln.amount for ln in payable), Decimal("0.00")),
        headcount=len(payable),
        summary=summary,
    )

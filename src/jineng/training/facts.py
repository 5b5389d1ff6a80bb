"""The database, read into jineng.policy.training's plain facts. One query per kind of fact per batch.

Nothing here decides anything: the rules are in jineng.policy.training. This module only knows where
each fact lives, and reads it in bulk so that a 10,000-row roster costs a handful of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from jineng.catalogue.models import (
    InstitutionOccupation,
    OccupationCertificate,
    OnlinePlatformFiling,
    Teacher,
)
from jineng.catalogue.selectors import line_version_on, standard_fact
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy import training as rules
from jineng.policy.identity import normalise_id_number
from jineng.policy.profiles import Profile
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.training.models import ClassState, Enrolment, FundingType, TrainingClass
from jineng.training.roster import ParsedRow

TECHNICAL_SCHOOL_KINDS = frozenset(
    {
        Organisation.Kind.TECHNICIAN_COLLEGE,
        Organisation.Kind.SENIOR_TECHNICAL_SCHOOL,
        Organisation.Kind.TECHNICAL_SCHOOL,
    }
)
# Classes that exist for the B-rules: applied for and not abandoned. A draft is the clerk's work in
# progress and a withdrawn or cancelled class never trained anyone.
LIVE_STATES = frozenset(set(ClassState.values) - {"draft", "returned", "withdrawn", "cancelled"})


def _codes(region: Region) -> tuple[str, str]:
    """(city code, county code) of a region; a zone without its own code counts as its city."""
    chain = {r.pk: r for r in Region.objects.filter(pk__in=region.ancestor_ids())}
    city = next((chain[i] for i in region.ancestor_ids() if chain[i].kind == Region.Kind.CITY), None)
    city_code = (city.code or "") if city else ""
    county_code = region.code or city_code if region.kind != Region.Kind.CITY else city_code
    return city_code, county_code or ""


def institution_facts(org: Organisation) -> rules.InstitutionFacts:
    city_code, county_code = _codes(org.region)
    catalogue = tuple(
        rules.CatalogueEntry(code, start, end)
        for code, start, end in InstitutionOccupation.objects.filter(organisation=org).values_list(
            "occupation__code", "valid_from", "valid_to"
        )
    )
    fulltime = tuple(
        (code, n)
        for code, n in Teacher.objects.filter(organisation=org, full_time=True, active=True)
        .values_list("occupation__code")
        .annotate(n=Count("pk"))
        .values_list("occupation__code", "n")
    )
    return rules.InstitutionFacts(
        name=org.name,
        kind=org.kind,
        city_code=city_code,
        county_code=county_code,
        is_technical_school=org.kind in TECHNICAL_SCHOOL_KINDS,
        degree_education=org.degree_education,
        catalogue=catalogue,
        status=org.status,
        status_until=org.suspended_until,
        latest_finding_on=org.audit_finding_on,
        fulltime_teachers=fulltime,
    )


def class_facts(tc: TrainingClass, *, trainees: int | None = None) -> rules.ClassFacts:
    """The class as the A- and D-rules see it; ``trainees`` overrides the planned number when the
    roster is larger (the ratios are judged on the people actually enrolled)."""
    occupation = tc.occupation
    teachers = list(tc.teachers.select_related("occupation")) if tc.pk else []
    obtainable = frozenset(
        OccupationCertificate.objects.filter(occupation=occupation).values_list("kind", flat=True)
    )
    city_code, county_code = _codes(tc.region)
    apprentices = Enrolment.objects.filter(
        training_class__institution_id=tc.institution_id,
        training_class__funding_type=FundingType.APPRENTICESHIP,
        training_class__state__in=LIVE_STATES,
        status=Enrolment.Status.ENROLLED,
    ).exclude(training_class_id=tc.pk)
    counts = apprentices.aggregate(
        occupation=Count("pk", filter=Q(training_class__occupation_id=tc.occupation_id)),
        enterprise=Count(
            "pk",
            filter=Q(
                training_class__occupation_id=tc.occupation_id, training_class__enterprise_id=tc.enterprise_id
            ),
        ),
        year=Count("pk", filter=Q(training_class__year=tc.year)),
    )
    # 企业新型学徒制 cohorts count too: A08/A09 weigh every apprentice the institution trains. The
    # apprenticeship app sits above training, so its apprentices still in a live cohort are read through
    # the relation its Cohort declares on Organisation, without importing it.
    cohort = "apprentice_cohorts_taught"
    live = Q(**{f"{cohort}__apprentices__left_on__isnull": True}) & ~Q(**{f"{cohort}__state": "ended"})
    same_occupation = live & Q(**{f"{cohort}__occupation_id": tc.occupation_id})
    in_cohorts = Organisation.objects.filter(pk=tc.institution_id).aggregate(
        occupation=Count(f"{cohort}__apprentices", filter=same_occupation),
        enterprise=Count(
            f"{cohort}__apprentices",
            filter=same_occupation & Q(**{f"{cohort}__enterprise_id": tc.enterprise_id}),
        ),
        year=Count(f"{cohort}__apprentices", filter=live & Q(**{f"{cohort}__year": tc.year})),
    )
    counts = {key: counts[key] + (in_cohorts[key] or 0) for key in counts}
    local_institutions = (
        InstitutionOccupation.objects.filter(
            occupation_id=tc.occupation_id,
            organisation__region__path__startswith=_city_path(tc.region),
            valid_from__lte=tc.start_date,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=tc.start_date))
        .exists()
    )
    platform_listed = bool(
        tc.online_platform_id
        and OnlinePlatformFiling.objects.filter(
            organisation_id=tc.online_platform_id, platform_listed=True
        ).exists()
    )
    planned = max(tc.planned_trainees, trainees or 0)
    return rules.ClassFacts(
        ref=tc.ref,
        occupation_code=occupation.code,
        occupation_name=tc.trade.name if tc.trade else occupation.name,
        level=tc.level,
        target_certificate=tc.target_certificate,
        obtainable_certificates=obtainable,
        occupation_hour_rule=occupation.hour_rule,
        planned_trainees=planned,
        total_hours=tc.total_hours,
        theory_hours=tc.theory_hours,
        practical_hours=tc.practical_hours,
        minutes_per_hour=tc.minutes_per_hour,
        online_hours=tc.online_hours,
        offline_practical_hours=tc.offline_practical_hours,
        delivery=tc.delivery,
        funding_type=tc.funding_type,
        teachers=tuple(
            rules.TeacherFacts(
                name=t.name,
                occupation_code=t.occupation.code,
                full_time=t.full_time,
                filed=t.filed_on is not None,
            )
            for t in teachers
        ),
        teachers_for_major=sum(1 for t in teachers if t.occupation_id == tc.occupation_id),
        workstations=tc.workstations,
        start_date=tc.start_date,
        end_date=tc.end_date,
        institution=institution_facts(tc.institution),
        location_city_code=city_code,
        location_county_code=county_code,
        cross_city_approved=tc.cross_city_approved,
        location_has_local_institution=local_institutions,
        apprentices_in_occupation=counts["occupation"],
        apprentices_same_enterprise_occupation=counts["enterprise"] if tc.enterprise_id else 0,
        apprentices_institution_year=counts["year"],
        online_platform_listed=platform_listed,
        trade_name=tc.trade.name if tc.trade else "",
        # F02 judges the named line's version in force on the start date (the page offers current ones).
        standard=standard_fact(line_version_on(tc.catalogue_item, tc.start_date))
        if tc.catalogue_item_id and tc.catalogue_item
        else None,
        programme=tc.programme,
    )


def _city_path(region: Region) -> str:
    parts = region.path.strip("/").split("/")
    # path = "/province/city/…": the city is the second level (a province-level class stays province-wide)
    return "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else region.path


_STORABLE_ID = re.compile(r"[0-9]{17}[0-9X]")


def id_numbers_in(numbers: Iterable[str]) -> Any:
    """The right-hand side of ``id_number__in`` for a roster's numbers (thousands of them).

    Only numbers of the stored form can match (Person keeps valid, normalised numbers), so the others
    are left out. On PostgreSQL the list goes as one string that the server splits: psycopg binds
    10,000 separate parameters, or a 10,000-item array, value by value in Python (a second and more).
    """
    plain = sorted({n for n in numbers if _STORABLE_ID.fullmatch(n)})
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(string_to_array(%s, ','))", [",".join(plain)])
    return plain


def persons_known(numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
    """ID number → (Person id, name) of those already registered: one query."""
    return {
        number: (pk, name)
        for number, pk, name in Person.objects.filter(id_number__in=id_numbers_in(numbers))
        .order_by()  # no sort: the answer is a mapping
        .values_list("id_number", "pk", "name")
    }


def _ids_in(ids: Iterable[int]) -> Any:
    """``person_id__in`` for thousands of ids: one string parameter on PostgreSQL (see id_numbers_in)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(string_to_array(%s, ','))::bigint", [",".join(map(str, ids))])
    return list(ids)


HistoryRow = tuple[Any, ...]


def history_rows(persons: Mapping[str, int], *, exclude_class: int | None = None) -> list[HistoryRow]:
    """The enrolments of these persons (ID number → Person id) across institutions and years, as the
    query returns them: one query. history_from makes them the rules' facts."""
    if not persons:
        return []
    qs = Enrolment.objects.filter(
        person_id__in=_ids_in(persons.values()), training_class__state__in=LIVE_STATES
    ).order_by()  # history_from sorts per person, which costs less than sorting every row here
    if exclude_class is not None:
        qs = qs.exclude(training_class_id=exclude_class)
    return list(
        qs.values_list(
            "person_id",
            "training_class__ref",
            "training_class__occupation__code",
            "training_class__level",
            "training_class__funding_type",
            "training_class__start_date",
            "training_class__end_date",
            "assessed_on",
            "status",
            "training_class__institution__name",
        )
    )


def history_from(rows: Sequence[HistoryRow], persons: Mapping[str, int]) -> dict[str, list[rules.Enrolment]]:
    out: dict[str, list[rules.Enrolment]] = defaultdict(list)
    number_of = {pk: number for number, pk in persons.items()}
    for person, ref, occ, level, funding, start, end, assessed, status, inst in rows:
        out[number_of[person]].append(
            rules.Enrolment(
                class_ref=ref,
                occupation_code=occ,
                level=level,
                funding_type=funding,
                start_date=start,
                end_date=end,
                assessed_on=assessed,
                subsidised=True,
                status=status,
                institution=inst,
            )
        )
    # Oldest first, so that a refusal naming "the" earlier class names the same one every time.
    for enrolments in out.values():
        enrolments.sort(key=lambda e: (e.start_date, e.class_ref))
    return out


def history_for(
    persons: Mapping[str, int], *, exclude_class: int | None = None
) -> dict[str, list[rules.Enrolment]]:
    """What the system knows about these persons: their history as the rules read it."""
    return history_from(history_rows(persons, exclude_class=exclude_class), persons)


def roster_rows(rows: Sequence[ParsedRow]) -> list[rules.RosterRow]:
    return [_roster_row(r) for r in rows]


def _roster_row(r: Any) -> rules.RosterRow:
    return rules.RosterRow(
        row=r.row,
        id_number=r.id_number,
        name=r.name,
        phone=r.phone,
        employer=r.employer,
        is_employee=bool(r.is_employee),
        post_occupation_code=r.post_occupation,
        is_transfer=bool(r.is_transfer),
        previous_post_occupation_code=r.previous_post_occupation,
        hired_on=r.hired_on,
        is_student=bool(r.is_student),
        major_occupation_code=r.major_occupation,
        is_graduating_year=bool(r.is_graduating_year),
        wants_training=r.wants_training,
        wants_work=r.wants_work,
        able_to_work=r.able_to_work,
        group=r.group,
        place_code=r.place_code,
        sentence_ends_on=r.sentence_ends_on,
        trained_in_sentence=r.trained_in_sentence,
        held_level=r.held_level,
    )


def _numbers(rows: Sequence[Any]) -> set[str]:
    # A valid number parses to its normalised form; an invalid one is B01's to report, and looking it
    # up just finds nothing. Either way the key is the normalised number, without parsing twice.
    return {normalise_id_number(r.id_number) for r in rows}


def class_violations(tc: TrainingClass, profile: Profile, *, today: dt.date) -> list[Violation]:
    trainees = tc.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    return rules.check_class(profile, class_facts(tc, trainees=trainees), today=today)


@dataclass(frozen=True)
class RosterInputs:
    """Everything check_roster reads from the database, read before it runs (so that the judging
    itself touches no database and can run while the rows are being written)."""

    cls: rules.ClassFacts
    rows: list[rules.RosterRow]
    history: dict[str, list[rules.Enrolment]]

    def violations(self, profile: Profile, *, today: dt.date) -> list[Violation]:
        return rules.check_roster(profile, self.cls, self.rows, self.history, today=today)


def roster_inputs(
    tc: TrainingClass, rows: Sequence[ParsedRow], *, persons: Mapping[str, int]
) -> RosterInputs:
    """``persons``: the registered persons among the rows (persons_known), whose history is read."""
    return RosterInputs(
        class_facts(tc, trainees=len(rows)),
        roster_rows(rows),
        history_for(persons, exclude_class=tc.pk),
    )


def roster_violations(
    tc: TrainingClass, profile: Profile, rows: Sequence[ParsedRow], *, today: dt.date
) -> list[Violation]:
    known = persons_known(_numbers(rows))
    persons = {number: pk for number, (pk, _) in known.items()}
    return roster_inputs(tc, rows, persons=persons).violations(profile, today=today)


def enrolled_violations(tc: TrainingClass, profile: Profile, *, today: dt.date) -> list[Violation]:
    """The stored roster judged again (at submission: other classes may have moved on since upload)."""
    enrolments = list(tc.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("person"))
    rows = [
        ParsedRow(
            row=e.row,
            name=e.person.name,
            id_number=e.person.id_number,
            phone=e.phone,
            employer=e.employer,
            is_employee=e.is_employee,
            post_occupation=e.post_occupation,
            is_transfer=e.is_transfer,
            previous_post_occupation=e.previous_post_occupation,
            hired_on=e.hired_on,
            is_student=e.is_student,
            school=e.school,
            major_occupation=e.major_occupation,
            is_graduating_year=e.is_graduating_year,
            wants_training=e.wants_training,
            wants_work=e.wants_work,
            able_to_work=e.able_to_work,
            group=e.group,
            place_code=e.place_code,
            sentence_ends_on=e.sentence_ends_on,
            trained_in_sentence=e.trained_in_sentence,
            held_level=e.held_level,
        )
        for e in enrolments
    ]
    return roster_violations(tc, profile, rows, today=today)

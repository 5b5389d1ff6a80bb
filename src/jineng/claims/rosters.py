"""A batch's facts for the entitlement rules, the results read by the batch's own assessments.

``entitle._read`` looks each trainee's result up by enrolment id: for a batch of 1,000 classes 50,000
probes of the result table's enrolment index, a cost that grows with the batch and the table. A result
counts only for the class whose assessment recorded it (both readers compare the two), so the results
recorded by the batch's own assessments are all the ones that can count, and they are read here by
assessment — 1,000 short ranges of one index. Everything else is ``entitle``'s: the classes, the
persons, the history (B02), the judging. ``test_rosters`` proves both readers give the same batch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from django.db.models import Subquery

from jineng.assessment.models import Result
from jineng.claims import entitle
from jineng.people.models import Person
from jineng.policy import subsidy
from jineng.policy.profiles import Profile
from jineng.training.models import Enrolment, TrainingClass

# (class whose assessment recorded it, passed, certificate kind, level), per enrolment.
_Outcome = tuple[int, bool, str, int | None]


def _results(ids: Sequence[int]) -> dict[int, _Outcome]:
    """The results recorded by the batch's classes' assessments, by enrolment."""
    rows = entitle._tuples(
        Result.objects.filter(assessment__training_class_id__in=entitle._id_list(ids, ids))
        .order_by()
        .values_list("enrolment_id", "assessment__training_class_id", "passed", "certificate_kind", "level")
    )
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


def read(classes: Sequence[TrainingClass]) -> entitle._Batch:
    """What ``entitle._read`` returns, for the same classes."""
    ids = [tc.pk for tc in classes]
    out = entitle._subsidy_classes(classes)
    enrolled = Enrolment.objects.filter(
        training_class_id__in=entitle._id_list(ids, ids), status=Enrolment.Status.ENROLLED
    )
    yigong = {
        tc.pk: entitle._months(tc.start_date, tc.end_date) for tc in classes if tc.funding_type == "yigong"
    }
    trainees: dict[int, list[subsidy.TraineeFacts]] = defaultdict(list)
    person_of: dict[int, dict[str, int]] = defaultdict(dict)
    number_of: dict[int, str] = {}
    in_batch: Counter[int] = Counter()
    mine: list[tuple[int, int, dt.date | None]] = []  # (person, class, assessed on) of the batch
    # The roster, then its persons by their own index (joined in one query, PostgreSQL hashed the whole
    # person table for every batch), then the results by the batch's assessments.
    roster = entitle._tuples(
        enrolled.order_by("training_class_id", "row").values_list(
            "pk", "training_class_id", "person_id", "row", "hired_on", "assessed_on"
        )
    )
    people = {
        pk: (number, name)
        for pk, number, name in entitle._tuples(
            Person.objects.filter(
                pk__in=entitle._id_list({r[2] for r in roster}, Subquery(enrolled.values("person_id")))
            )
            .order_by()
            .values_list("pk", "id_number", "name")
        )
    }
    results = _results(ids)
    none = (None, None, None, None)
    trainee = subsidy.TraineeFacts
    for enrolment_id, cid, person_id, row, hired_on, assessed_on in roster:
        number, name = people[person_id]
        assessed_for, passed, kind, level = results.get(enrolment_id, none)
        # A result counts for the class whose assessment recorded it, when passed with a certificate.
        obtained = assessed_for == cid and passed and kind
        trainees[cid].append(
            trainee(
                person_key=number,
                name=name,
                row=row,
                certificate=kind if obtained else None,
                level=level if obtained else None,
                hired_on=hired_on,
                yigong_months=yigong.get(cid, 0),
            )
        )
        person_of[cid][number] = person_id
        number_of[person_id] = number
        in_batch[person_id] += 1
        mine.append((person_id, cid, assessed_on))
    history = entitle._history(enrolled, classes, number_of, in_batch, mine)
    return entitle._Batch(out, trainees, person_of, history)


def compute_many(
    classes: Sequence[TrainingClass], profiles: Mapping[int, Profile], *, person: Person | None = None
) -> dict[int, entitle.Computed]:
    """``entitle.compute_many`` with this module's reader: each class judged whole by
    ``policy.subsidy``; an individual's claim (``person``) keeps only that person's line."""
    batch = read(classes)
    return {
        tc.pk: entitle._judge(
            tc,
            profiles[tc.pk],
            replace(batch.classes[tc.pk], payee=entitle._payee(tc, person)),
            batch.trainees[tc.pk],
            batch.person_of[tc.pk],
            batch.history,
            person,
        )
        for tc in classes
    }

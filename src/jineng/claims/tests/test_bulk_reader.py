"""The bulk path's reader (results by assessment), the claim line's enrolment key and the paused collector."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from jineng.claims import entitle
from jineng.claims.bulk import claims_create_bulk
from jineng.claims.models import ClaimLine
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.training.tests.factories import approved_class


def test_f02_a_result_counts_only_for_the_class_whose_assessment_recorded_it(world: World) -> None:
    # Given two assessed classes, one with two failed exams, after a class claimed earlier
    earlier = assessed_class(world, failing_rows=(4,))
    claims_create_bulk(actor=world.users["institution"], classes=[earlier], today=CLAIMED)
    failing = assessed_class(world, failing_rows=(3, 9))
    cut = assessed_class(world, present=(28, 27))
    # When the batch is read (results by the classes' own assessments)
    batch = entitle._read([failing, cut])
    # then the failed rows have no certificate and every other trainee has the assessment's.
    failed = [t.row for t in batch.trainees[failing.pk] if t.certificate is None]
    assert failed == [3, 9]
    assert all(t.certificate == "skill_level" for t in batch.trainees[cut.pk])


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the enrolment key is PostgreSQL's (0003)")
def test_f02_a_line_for_someone_not_on_the_class_roster_is_refused_by_the_database(world: World) -> None:
    # Given a claimed class and another class with other trainees
    tc = assessed_class(world)
    claim = claims_create_bulk(actor=world.users["institution"], classes=[tc], today=CLAIMED)[0]
    stranger = approved_class(world).enrolments.exclude(person__in=tc.enrolments.values("person")).first()
    assert stranger is not None
    # When a line is written for a person not enrolled in the claim's class, then the key refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(
            claim=claim,
            person_id=stranger.person_id,
            training_class=tc,
            row=99,
            status="payable",
            amount=Decimal("2000.00"),
            rule_ids="F02",
            computation="F02",
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_f02_collector_is_on_again_after_a_batch_claimed_or_refused(world: World) -> None:
    assert gc.isenabled()
    claims_create_bulk(actor=world.users["institution"], classes=[assessed_class(world)], today=CLAIMED)
    assert gc.isenabled()
    with pytest.raises(Refusal):
        claims_create_bulk(actor=world.users["institution"], classes=[approved_class(world)], today=CLAIMED)
    assert gc.isenabled()
    # And a caller that had turned it off finds it off still
    gc.disable()
    try:
        claims_create_bulk(actor=world.users["institution"], classes=[assessed_class(world)], today=CLAIMED)
        assert not gc.isenabled()
    finally:
        gc.enable()

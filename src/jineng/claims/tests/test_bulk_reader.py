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
from jineng.policy.profiles import get_profile
from jineng.training.tests.factories import approved_class


def test_f02_a_result_counts_only_for_the_class_whose_assessment_recorded_it(world: World) -> None:
    # Given two assessed classes, one with two failed exams, after a class claimed earlier
    earlier = assessed_class(world, failing_rows=(4,))
    claims_create_bulk(actor=world.users["institution"], classes=[earlier], today=CLAIMED)
    failing = assessed_class(world, failing_rows=(3, 9))
    cut = assessed_class(world, present=(28, 27))
    # When the batch is read (results by the classes' own assessments)
    zz21 = get_profile("ZZ21")
    batch = entitle._read([failing, cut], {failing.pk: zz21, cut.pk: zz21})
    # then the failed rows have no certificate and every other trainee has the assessment's.
    failed = [t.row for t in batch.trainees[failing.pk] if t.certificate is None]
    assert failed == [3, 9]
    assert all(t.certificate == "skill_level" for t in batch.trainees[cut.pk])


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the enrolment guard is PostgreSQL's (0007)")
def test_f02_an_enrolment_whose_trainee_is_claimed_cannot_be_removed_or_rekeyed(world: World) -> None:
    from jineng.training.models import Enrolment

    # Given a claimed class, and another class with other trainees
    tc = assessed_class(world)
    claims_create_bulk(actor=world.users["institution"], classes=[tc], today=CLAIMED)
    claimed = tc.enrolments.get(row=3)
    stranger = approved_class(world).enrolments.exclude(person__in=tc.enrolments.values("person")).first()
    assert stranger is not None
    # When the claimed trainee's enrolment is deleted, or moved to another person, then the database refuses
    with (
        pytest.raises(IntegrityError, match=r"花名册第 3 行.*已有补贴申领明细，不能删除或更改"),
        transaction.atomic(),
    ):
        Enrolment.objects.filter(pk=claimed.pk).delete()
    with pytest.raises(IntegrityError, match="已有补贴申领明细"), transaction.atomic():
        Enrolment.objects.filter(pk=claimed.pk).update(person_id=stranger.person_id)
    # And the roster, its lines and the claim are as they were
    assert tc.enrolments.filter(pk=claimed.pk, person_id=claimed.person_id).exists()
    assert ClaimLine.objects.filter(training_class=tc, person_id=claimed.person_id).count() == 1
    # While an enrolment nobody claimed is still removed freely
    Enrolment.objects.filter(pk=stranger.pk).delete()
    assert not Enrolment.objects.filter(pk=stranger.pk).exists()


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


def test_b02_a_trainee_trained_three_times_this_year_is_refused_by_name_and_masked_id(world: World) -> None:
    import dataclasses

    from jineng.policy.identity import mask_id_number
    from jineng.training.models import Enrolment, TrainingClass

    # Given a profile capping subsidised trainings at 3 a year (XC19's B02 on ZZ21's amounts, as the bench)
    zz, xc = get_profile("ZZ21"), get_profile("XC19")
    cap = xc.params["max_subsidised_trainings_per_year"]
    profile = dataclasses.replace(zz, params={**zz.params, "max_subsidised_trainings_per_year": cap})
    # And row 4 of an assessed class enrolled in three earlier classes of the year; nobody else has any
    earlier = [approved_class(world) for _ in range(3)]
    tc = assessed_class(world)
    person = tc.enrolments.get(row=4).person
    for other in earlier:
        Enrolment.objects.create(training_class=other, person=person, row=99)
    loaded = TrainingClass.objects.select_related("occupation", "trade", "institution").get(pk=tc.pk)
    # When the class is judged
    computed = entitle.compute_many([loaded], {tc.pk: profile})[tc.pk]
    # Then only row 4 is refused, under B02, by name and masked ID number (read for him alone)
    refused = [ln for ln in computed.lines if ln.status == ClaimLine.Status.EXCLUDED]
    assert [ln.row for ln in refused] == [4]
    # (the year's cap, and the same occupation and level already subsidised in the first earlier class)
    reasons = [(v.rule, v.message, v.value) for v in refused[0].reasons]
    masked = mask_id_number(person.id_number)
    assert reasons == [
        ("B02", f"{person.name} 2021 年已享受补贴性培训 3 次（{'、'.join(c.ref for c in earlier)}），加本班超过每年 3 次", masked),
        ("B02", f"{person.name} 已在 {earlier[0].ref} 享受同一职业（6-31-01-03）同一等级（四级/中级工）的补贴性培训，不可重复享受", masked),
    ]  # fmt: skip
    assert masked.startswith("4101") and "*" in masked and person.name
    assert refused[0].person_id == person.pk and refused[0].amount == Decimal("0.00")
    assert computed.headcount == 29

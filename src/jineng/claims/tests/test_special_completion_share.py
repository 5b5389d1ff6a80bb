"""E06 where certificates are claimed: an institution's special-ability and completion certificates of a
year are claimed up to the profile's share of all its certificates (XC23: 10%); beyond it the class claim is
refused with the numbers, and the claim page warns before. A profile that sets no share checks nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.assessment.models import Assessment, Result
from jineng.catalogue.models import CatalogueItem
from jineng.claims import certshare, services
from jineng.claims.models import Claim
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.policy.profiles import get_profile
from jineng.training.models import TrainingClass

pytestmark = pytest.mark.django_db

XC23 = get_profile("XC23", 1)
XC23_E06 = XC23.cite("max_special_completion_share")


def special_ability(tc: TrainingClass) -> TrainingClass:
    """The class's passed trainees hold 专项职业能力证书 instead (as a class of such an occupation would),
    priced by a (sample) province standard line of 600 yuan."""
    CatalogueItem.objects.get_or_create(
        region_id=tc.region.ancestor_ids()[0],  # the province's list
        year=tc.year,
        occupation=tc.occupation,
        trade=None,
        level=None,
        certificate_kind="special_ability",
        subsidy_type="skill_upgrade",
        version=1,
        defaults={
            "hours": 40,
            "subsidy": Decimal("600.00"),
            "valid_from": dt.date(tc.year, 1, 1),
            "sample": True,
        },
    )
    Assessment.objects.filter(training_class=tc).update(certificate_kind="special_ability", level=None)
    Result.objects.filter(assessment__training_class=tc, passed=True).update(
        certificate_kind="special_ability", level=None
    )
    return tc


def under(tc: TrainingClass, code: str) -> TrainingClass:
    TrainingClass.objects.filter(pk=tc.pk).update(profile_code=code, profile_version=1)
    tc.refresh_from_db()
    return tc


def test_e06_under_xc23_a_claim_beyond_the_share_is_refused_with_the_numbers(world: World) -> None:
    # Given the school's year: 30 skill-level certificates and a class of 30 special-ability certificates
    assessed_class(world)
    tc = under(special_ability(assessed_class(world)), "XC23")
    # When its clerk claims the special-ability class under XC23 (at most 10%)
    with pytest.raises(Refusal) as exc:
        services.claim_create(actor=world.users[Role.INSTITUTION], training_class=tc, today=CLAIMED)
    # Then it is refused with E06, the clause and the numbers, and nothing is written
    assert exc.value.message == "本班补贴不予受理"
    [v] = exc.value.violations
    assert v.render() == (
        "“证书类别”：郑州商业技师学院2021年取得证书共 60 本，专项职业能力证书和培训合格证书已申领 0 本，"
        "本次申领 30 本，合计 30 本，占 50%，超过 10%（至多 6 本）"
        f"（规则 E06，依据 {XC23_E06}）"
    )
    assert Claim.objects.count() == 0


def test_e06_within_the_share_under_xc23_nothing_is_refused(world: World) -> None:
    # Given 30 skill-level certificates and a class of which 3 pass with special-ability certificates
    assessed_class(world)
    tc = special_ability(assessed_class(world, failing_rows=tuple(range(2, 29))))
    share = certshare.share_at_claim(tc)
    # Then 3 of 33 (9.1%) stays within 10%: no E06 violation
    assert (share.total, share.claimed, share.adding) == (33, 0, 3)
    assert certshare.share_violation(XC23, tc) is None


def test_e06_the_claimed_ones_count_and_a_trainees_own_claim_adds_only_his_certificate(world: World) -> None:
    # Given a ZZ21 class of 30 special-ability certificates already claimed (ZZ21 sets no share)
    skill = assessed_class(world)
    first = special_ability(assessed_class(world))
    services.claim_create(actor=world.users[Role.INSTITUTION], training_class=first, today=CLAIMED)
    second = special_ability(assessed_class(world))
    # Then under XC23's rule a second class finds 30 claimed of 90, and adds its 30
    share = certshare.share_at_claim(second)
    assert (share.total, share.claimed, share.adding) == (90, 30, 30)
    # and one trainee's own claim adds one certificate
    person_id = second.enrolments.order_by("row").first().person_id  # type: ignore[union-attr]
    assert certshare.share_at_claim(second, person_id=person_id).adding == 1
    # a skill-level class adds none, so it is never refused
    assert certshare.share_violation(XC23, skill) is None


def test_e06_not_checked_under_zz21_which_sets_no_share(world: World) -> None:
    # Given the same 50% year under ZZ21 (本文件未规定专项能力与合格证书占比上限)
    assessed_class(world)
    tc = special_ability(assessed_class(world))
    assert get_profile("ZZ21", 1).get("max_special_completion_share") is None
    # When the clerk claims the special-ability class, E06 asks nothing and the claim is made
    claim = services.claim_create(actor=world.users[Role.INSTITUTION], training_class=tc, today=CLAIMED)
    assert claim.training_class_id == tc.pk and Claim.objects.count() == 1
    assert certshare.share_violation(get_profile("ZZ21", 1), tc) is None


def test_e06_the_claim_page_warns_before_claiming(world: World) -> None:
    assessed_class(world)
    tc = under(special_ability(assessed_class(world)), "XC23")
    page = world.client(world.users[Role.INSTITUTION]).get("/claims/").content.decode()
    assert tc.ref in page
    assert (
        "郑州商业技师学院2021年取得证书共 60 本，专项职业能力证书和培训合格证书已申领 0 本，"
        "本次申领 30 本，合计 30 本，占 50%，超过 10%（至多 6 本）"
    ) in page


def test_e06_a_batch_counts_each_class_for_the_ones_after_it(world: World) -> None:
    from jineng.claims.bulk import claims_create_bulk

    # Given 30 skill-level certificates and two XC23 classes whose 3 passed trainees each hold 专项职业能力:
    # each alone is 3 of 36 (within 10%), together 6 of 36 (at most 3)
    assessed_class(world)
    first = under(special_ability(assessed_class(world, failing_rows=tuple(range(2, 29)))), "XC23")
    second = under(special_ability(assessed_class(world, failing_rows=tuple(range(2, 29)))), "XC23")
    assert certshare.share_violation(XC23, first) is None and certshare.share_violation(XC23, second) is None
    # When both are claimed in one batch (申领批处理), the second is refused on E06, and nothing is written
    with pytest.raises(Refusal) as exc:
        claims_create_bulk(actor=world.users[Role.INSTITUTION], classes=[first, second], today=CLAIMED)
    [v] = exc.value.violations
    assert (v.rule, v.clause) == ("E06", XC23_E06)
    assert "已申领 3 本，本次申领 3 本，合计 6 本" in v.message
    assert second.ref in exc.value.render()
    assert Claim.objects.count() == 0

"""Catalogue services and the selectors the training app uses; rule IDs in the test names."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import Event
from jineng.catalogue.models import InstitutionOccupation
from jineng.catalogue.selectors import (
    catalogue_for,
    institution_occupations_valid,
    obtainable_certificates,
    occupations_search,
    organisation_bars,
    teachers_of,
    workstations_of,
)
from jineng.catalogue.services import (
    catalogue_import,
    institution_occupation_end,
    institution_occupation_set,
    online_platform_file,
    teacher_file,
    workstation_set,
)
from jineng.catalogue.tests.helpers import xlsx
from jineng.catalogue.tests.scope_cases import ELECTRICIAN, WELDER, occupation, platform
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.orgs.models import Organisation
from jineng.orgs.services import (
    organisation_audit_finding_record,
    organisation_exit,
    organisation_reinstate,
    organisation_suspend,
)
from jineng.policy.identity import make_id_number
from jineng.policy.training import add_months

pytestmark = pytest.mark.django_db
D = dt.date(2021, 6, 1)


def _id(n: int) -> str:
    return make_id_number("410105", dt.date(1980, 1, 1), n)


# ---- A11


def test_A11_entry_is_valid_from_the_day_of_change(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    entry = institution_occupation_set(
        actor=admin, organisation=world.zz_school, occupation=occupation(WELDER), valid_from=D, today=D
    )
    org = world.zz_school.pk
    assert institution_occupations_valid([org], D - dt.timedelta(days=1)) == {org: set()}
    assert institution_occupations_valid([org], D) == {org: {WELDER}}
    end = dt.date(2021, 9, 1)
    institution_occupation_end(actor=admin, entry=entry, valid_to=end, today=dt.date(2021, 8, 1))
    assert institution_occupations_valid([org], end - dt.timedelta(days=1)) == {org: {WELDER}}
    assert institution_occupations_valid([org], end) == {org: set()}
    event = Event.objects.filter(action="institution_occupation.ended").get()
    assert event.to_state == "自 2021-09-01 起失效"


def test_A11_no_backdating_and_no_double_listing(world: World) -> None:
    with pytest.raises(Refusal) as caught:
        institution_occupation_set(
            actor=None,
            organisation=world.zz_school,
            occupation=occupation(WELDER),
            valid_from=D,
            today=D + dt.timedelta(1),
        )
    assert caught.value.rule == "A11" and "不得早于今天" in caught.value.message
    institution_occupation_set(
        actor=None, organisation=world.zz_school, occupation=occupation(WELDER), today=D
    )
    with pytest.raises(Refusal, match="已有"):
        institution_occupation_set(
            actor=None, organisation=world.zz_school, occupation=occupation(WELDER), today=D
        )
    with pytest.raises(Refusal, match="不是培训机构"):
        institution_occupation_set(
            actor=None, organisation=world.zz_station, occupation=occupation(WELDER), today=D
        )


def test_A11_exit_ends_the_catalogue_and_is_final(world: World) -> None:
    institution_occupation_set(
        actor=None, organisation=world.zz_school, occupation=occupation(WELDER), valid_from=D, today=D
    )
    organisation_exit(actor=None, organisation=world.zz_school, reason="自愿退出", today=dt.date(2022, 1, 1))
    assert InstitutionOccupation.objects.get().valid_to == dt.date(2022, 1, 1)
    event = Event.objects.filter(action="organisation.exited").get()
    assert (event.from_state, event.to_state) == ("active", "exited")
    with pytest.raises(Refusal):
        organisation_reinstate(actor=None, organisation=world.zz_school)
    bars = organisation_bars([world.zz_school.pk], dt.date(2022, 2, 1))[world.zz_school.pk]
    assert bars and "已退出" in bars[0].message


# ---- A12 / C09


def test_C09_suspension_shorter_than_the_rectification_period_is_refused(world: World) -> None:
    # Zhengzhou 2021: ZZ21 六(二)3, one month.
    with pytest.raises(Refusal) as caught:
        organisation_suspend(
            actor=None,
            organisation=world.zz_school,
            reason="满意度 80%",
            until=dt.date(2021, 6, 30),
            rule="C09",
            today=D,
        )
    refusal = caught.value
    assert refusal.rule == "C09" and refusal.clause.startswith("ZZ21 六(二)3")
    assert "2021-07-01" in refusal.message
    assert Organisation.objects.get(pk=world.zz_school.pk).status == "active"
    with pytest.raises(Refusal, match="C09"):
        organisation_suspend(
            actor=None, organisation=world.zz_school, reason="满意度 80%", until=None, rule="C09", today=D
        )
    org = organisation_suspend(
        actor=world.users[Role.HR_ADMIN],
        organisation=world.zz_school,
        reason="满意度 80%",
        until=dt.date(2021, 7, 1),
        rule="C09",
        today=D,
    )
    assert (org.status, org.status_reason, org.suspended_until) == (
        "suspended",
        "C09：满意度 80%",
        dt.date(2021, 7, 1),
    )
    event = Event.objects.filter(action="organisation.suspended").get()
    assert (event.from_state, event.to_state, event.payload["rule"]) == ("active", "suspended", "C09")
    bars = organisation_bars([org.pk], dt.date(2021, 6, 15))[org.pk]
    assert [b.rule for b in bars] == ["C09"]
    assert organisation_bars([org.pk], dt.date(2021, 7, 1))[org.pk] == []


def test_C09_no_profile_for_the_year_is_a_refusal(world: World) -> None:
    with pytest.raises(Refusal, match="未设定 2030 年"):
        organisation_suspend(
            actor=None,
            organisation=world.zz_school,
            reason="满意度 80%",
            until=dt.date(2030, 9, 1),
            rule="C09",
            today=dt.date(2030, 6, 1),
        )


def test_C09_reinstatement_waits_for_the_end_of_the_suspension(world: World) -> None:
    organisation_suspend(
        actor=None,
        organisation=world.zz_school,
        reason="满意度 80%",
        until=dt.date(2021, 7, 1),
        rule="C09",
        today=D,
    )
    with pytest.raises(Refusal) as caught:
        organisation_reinstate(actor=None, organisation=world.zz_school, today=dt.date(2021, 6, 20))
    assert caught.value.rule == "C09"
    org = organisation_reinstate(
        actor=None, organisation=world.zz_school, reason="整改完成", today=dt.date(2021, 7, 1)
    )
    assert (org.status, org.suspended_until) == ("active", None)
    event = Event.objects.filter(action="organisation.reinstated").get()
    assert (event.from_state, event.to_state) == ("suspended", "active")


def test_A12_audit_finding_since_2022_bars_training(world: World) -> None:
    org = world.zz_school
    organisation_audit_finding_record(
        actor=None, organisation=org, found_on=dt.date(2021, 5, 1), note="旧问题", today=D
    )
    assert organisation_bars([org.pk], D)[org.pk] == []  # before 2022: not an A12 bar
    organisation_audit_finding_record(
        actor=None, organisation=org, found_on=dt.date(2023, 3, 1), note="虚报学员", today=dt.date(2023, 4, 1)
    )
    bars = organisation_bars([org.pk], dt.date(2023, 5, 1))[org.pk]
    assert [b.rule for b in bars] == ["A12"] and "XC23 二(二)" in bars[0].clause
    with pytest.raises(Refusal):
        organisation_audit_finding_record(
            actor=None, organisation=org, found_on=dt.date(2030, 1, 1), note="未来", today=D
        )


def test_A12_suspension_without_end(world: World) -> None:
    org = organisation_suspend(
        actor=None, organisation=world.zz_school, reason="督查发现问题", until=None, rule="A12", today=D
    )
    assert [b.rule for b in organisation_bars([org.pk], dt.date(2025, 1, 1))[org.pk]] == ["A12"]


def test_add_months_clamps_the_day() -> None:
    assert add_months(dt.date(2021, 1, 31), 1) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2021, 12, 15), 1) == dt.date(2022, 1, 15)


# ---- A15 teachers, workstations


def test_A15_teacher_id_number_is_validated(world: World) -> None:
    bad = _id(1)[:-1] + ("0" if _id(1)[-1] != "0" else "1")
    with pytest.raises(Refusal) as caught:
        teacher_file(
            actor=None,
            organisation=world.zz_school,
            name="孙丽",
            id_number=bad,
            occupation=occupation(WELDER),
        )
    assert caught.value.rule == "B01" and "校验码" in caught.value.message
    assert "*" in caught.value.value  # the refused number is not echoed whole


def test_A15_full_time_at_one_institution_only(world: World) -> None:
    teacher_file(
        actor=None, organisation=world.zz_school, name="孙丽", id_number=_id(2), occupation=occupation(WELDER)
    )
    with pytest.raises(Refusal) as caught:
        teacher_file(
            actor=None,
            organisation=world.xc_school,
            name="孙丽",
            id_number=_id(2),
            occupation=occupation(WELDER),
        )
    assert caught.value.rule == "A15"
    part_time = teacher_file(
        actor=None,
        organisation=world.xc_school,
        name="孙丽",
        id_number=_id(2),
        occupation=occupation(WELDER),
        full_time=False,
    )
    assert not part_time.full_time
    with pytest.raises(Refusal, match="已报备过"):
        teacher_file(
            actor=None,
            organisation=world.zz_school,
            name="孙丽",
            id_number=_id(2),
            occupation=occupation(WELDER),
        )
    assert {t.organisation_id for t in teachers_of([world.zz_school.pk, world.xc_school.pk])} == {
        world.zz_school.pk,
        world.xc_school.pk,
    }


def test_workstations_of_is_keyed_by_organisation_and_code(world: World) -> None:
    workstation_set(actor=None, organisation=world.zz_school, occupation=occupation(WELDER), count=30)
    workstation_set(actor=None, organisation=world.zz_school, occupation=occupation(WELDER), count=40)
    assert workstations_of([world.zz_school.pk]) == {(world.zz_school.pk, WELDER): 40}
    event = Event.objects.filter(action="workstation.set").order_by("pk").last()
    assert event is not None and (event.from_state, event.to_state) == ("30", "40")


# ---- D01


def test_D01_platform_filing(world: World) -> None:
    online = platform(world)
    assert [b.rule for b in organisation_bars([online.pk], D)[online.pk]] == ["D01"]
    with pytest.raises(Refusal, match="不是线上培训平台"):
        online_platform_file(
            actor=None,
            organisation=world.zz_school,
            platform_listed=True,
            platform_filed_on=D,
            platform_approved_on=D,
        )
    with pytest.raises(Refusal, match="不得早于备案日期"):
        online_platform_file(
            actor=None,
            organisation=online,
            platform_listed=True,
            platform_filed_on=D,
            platform_approved_on=D - dt.timedelta(days=1),
        )
    online_platform_file(
        actor=None, organisation=online, platform_listed=True, platform_filed_on=D, platform_approved_on=D
    )
    assert organisation_bars([online.pk], D)[online.pk] == []
    assert [b.rule for b in organisation_bars([online.pk], D - dt.timedelta(days=1))[online.pk]] == ["D01"]


# ---- the other selectors


def test_catalogue_for_includes_the_province(world: World) -> None:
    occupation(ELECTRICIAN)
    occupation(WELDER)
    province = [[ELECTRICIAN, "电工", "", "五级", "职业技能等级证书", 80, 1500]]
    city = [[WELDER, "焊工", "", "五级", "职业技能等级证书", 80, 1500]]
    catalogue_import(actor=None, region=world.henan, year=2021, content=xlsx(province))
    catalogue_import(actor=None, region=world.zhengzhou, year=2021, content=xlsx(city))
    catalogue_import(actor=None, region=world.xuchang, year=2021, content=xlsx(city))
    codes = sorted(i.occupation.code for i in catalogue_for(world.jinshui, 2021))
    assert codes == [WELDER, ELECTRICIAN]  # 6-18… before 6-31…
    assert {i.region_id for i in catalogue_for(world.jinshui, 2021)} == {world.henan.pk, world.zhengzhou.pk}
    assert list(catalogue_for(world.jinshui, 2023)) == []
    assert obtainable_certificates([ELECTRICIAN, "1-01-00-01"]) == {ELECTRICIAN: {"skill_level"}}


def test_occupations_search(world: World) -> None:
    occupation("4-01-06-01")
    occupation(ELECTRICIAN)
    assert [o.name for o in occupations_search("电子")] == ["电子商务师"]
    assert [o.code for o in occupations_search("6-31")] == [ELECTRICIAN]
    assert [o.name for o in occupations_search("", flag="S")] == ["电子商务师"]

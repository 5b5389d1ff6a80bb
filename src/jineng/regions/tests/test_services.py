"""The region tree, departments, and which policy profile is in force where (inherited downwards)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.regions.models import ProfileAssignment, Region
from jineng.regions.selectors import NoProfile, profile_assignment_for, profile_for
from jineng.regions.services import department_create, profile_assign, region_create


def test_region_create_builds_the_materialised_path(world: World) -> None:
    # Given the fixture tree 河南省 → 郑州市 → 金水区
    assert world.henan.path == f"/{world.henan.pk}/"
    assert world.zhengzhou.path == f"/{world.henan.pk}/{world.zhengzhou.pk}/"
    assert world.jinshui.path == f"/{world.henan.pk}/{world.zhengzhou.pk}/{world.jinshui.pk}/"
    assert (world.henan.depth, world.zhengzhou.depth, world.jinshui.depth) == (0, 1, 2)
    assert world.jinshui.ancestor_ids() == [world.henan.pk, world.zhengzhou.pk, world.jinshui.pk]
    # When a zone is created under 金水区
    zone = region_create(actor=None, name="郑东新区", kind="zone", parent=world.jinshui, short_name="郑东")
    zone.refresh_from_db()
    # Then its path extends the parent's, and a zone without a GB/T 2260 code stores NULL (not "")
    assert zone.path == f"{world.jinshui.path}{zone.pk}/"
    assert zone.depth == 3
    assert zone.code is None
    assert zone.display_name == "郑东"


def test_two_regions_without_code_may_coexist(world: World) -> None:
    a = region_create(actor=None, name="航空港区", kind="zone", parent=world.zhengzhou, code="")
    b = region_create(actor=None, name="经开区", kind="zone", parent=world.zhengzhou)
    assert a.code is None and b.code is None


def test_department_create(world: World) -> None:
    dept = department_create(actor=None, region=world.jinshui, name="区人社局", kind="hrss", position=3)
    dept.refresh_from_db()
    assert (dept.region, dept.name, dept.kind, dept.position) == (world.jinshui, "区人社局", "hrss", 3)


def test_profile_for_inherits_from_the_city(world: World) -> None:
    # Given ZZ21 assigned to 郑州市 for 2021 (and nothing to 金水区)
    assert not ProfileAssignment.objects.filter(region=world.jinshui).exists()
    # Then 金水区 and 二七区 are under ZZ21
    assert profile_for(world.jinshui, 2021).key == "ZZ21@v1"
    assert profile_for(world.erqi, 2021).key == "ZZ21@v1"
    assert profile_assignment_for(world.jinshui, 2021).region == world.zhengzhou
    # And Xuchang's regions follow XC23 in 2023
    assert profile_for(world.weidu, 2023).key == "XC23@v1"


def test_a05_inherited_profile_gives_the_city_numbers(world: World) -> None:
    assert profile_for(world.jinshui, 2021).value("min_practical_share") == Decimal("0.65")
    assert profile_for(world.weidu, 2023).value("min_practical_share") == Decimal("0.60")


def test_a_region_assignment_overrides_the_city(world: World) -> None:
    # When 金水区 gets its own profile for 2021
    profile_assign(actor=None, region=world.jinshui, year=2021, profile_code="HC21")
    # Then 金水区 follows it, its sibling still inherits the city's
    assert profile_for(world.jinshui, 2021).key == "HC21@v1"
    assert profile_assignment_for(world.jinshui, 2021).region == world.jinshui
    assert profile_for(world.erqi, 2021).key == "ZZ21@v1"
    assert profile_for(world.zhengzhou, 2021).key == "ZZ21@v1"


def test_a_province_assignment_reaches_the_districts(world: World) -> None:
    profile_assign(actor=None, region=world.henan, year=2020, profile_code="XC19")
    assert profile_for(world.jinshui, 2020).key == "XC19@v1"
    assert profile_for(world.weidu, 2020).key == "XC19@v1"
    # the nearer assignment still wins where there is one
    assert profile_for(world.jinshui, 2021).key == "ZZ21@v1"


def test_a_year_with_no_assignment_raises_no_profile(world: World) -> None:
    with pytest.raises(NoProfile) as excinfo:
        profile_for(world.jinshui, 2022)
    assert str(excinfo.value) == "金水区 及其上级区域均未设定 2022 年适用的政策档案，请管理员先设定"
    assert (excinfo.value.region, excinfo.value.year) == (world.jinshui, 2022)
    # Xuchang's 2023 profile does not leak to Zhengzhou
    with pytest.raises(NoProfile):
        profile_for(world.jinshui, 2023)
    # nor to the province above
    with pytest.raises(NoProfile):
        profile_for(world.henan, 2021)


def test_profile_assign_replaces_in_place(world: World) -> None:
    first = profile_assign(
        actor=None, region=world.xuchang, year=2021, profile_code="XC19", profile_version=1
    )
    second = profile_assign(actor=None, region=world.xuchang, year=2021, profile_code="ZZ21")
    assert second.pk == first.pk
    assert ProfileAssignment.objects.filter(region=world.xuchang, year=2021).count() == 1
    second.refresh_from_db()
    assert (second.profile_code, second.profile_version) == ("ZZ21", 1)
    assert profile_for(world.weidu, 2021).key == "ZZ21@v1"


def test_profile_assign_unknown_profile_refused_and_nothing_written(world: World) -> None:
    before = (ProfileAssignment.objects.count(), Event.objects.count())
    with pytest.raises(KeyError, match="ZZ99"):
        profile_assign(actor=None, region=world.jinshui, year=2021, profile_code="ZZ99")
    with pytest.raises(KeyError, match="ZZ21 v7"):
        profile_assign(actor=None, region=world.jinshui, year=2021, profile_code="ZZ21", profile_version=7)
    assert (ProfileAssignment.objects.count(), Event.objects.count()) == before


def test_a_zone_without_a_gb_code_carries_its_citys_code_in_reference_numbers(world: World) -> None:
    # Given a functional zone (no GB/T 2260 code of its own) under Zhengzhou, and an uncoded top region
    zone = region_create(
        actor=None, name="郑州航空港经济综合实验区", kind=Region.Kind.ZONE, parent=world.zhengzhou
    )
    lonely = region_create(actor=None, name="未编码区域", kind=Region.Kind.PROVINCE, parent=None)
    # Then class, claim and batch numbers in the zone carry 410100; a county its own; no ancestor: 000000
    assert (zone.area_code(), world.jinshui.area_code(), lonely.area_code()) == ("410100", "410105", "000000")


def test_18_3_the_bureau_puts_a_profile_in_force_on_a_page_and_is_warned_off_other_years(world) -> None:
    import pytest

    from jineng.audit.models import Event
    from jineng.core.errors import Refusal
    from jineng.regions.selectors import profile_for
    from jineng.regions.services import profile_put_in_force

    admin = world.users["hr_admin"]
    # A document written for 2021, asked for 2026: refused until the bureau confirms it knowingly
    with pytest.raises(Refusal) as refused:
        profile_put_in_force(actor=admin, region=world.zhengzhou, year=2026, profile_code="ZZ21")
    assert refused.value.field == "政策档案"
    assert "是为 2021 年制定的，2026 年适用须确认" in refused.value.message
    profile_put_in_force(
        actor=admin, region=world.zhengzhou, year=2026, profile_code="ZZ21", other_years_confirmed=True
    )
    assert profile_for(world.jinshui, 2026).code == "ZZ21"  # inherited below
    event = Event.objects.filter(action="profile.assigned").latest("pk")
    assert (event.actor_id, event.to_state) == (admin.pk, "ZZ21@v1")
    # The trail shows the profile by its document's name, the key as secondary detail
    from jineng.audit import kinds

    assert kinds.state_label(event.object_type, event.to_state) == "郑州市 郑州2021"
    # Another city's region, or a reviewer, may not
    with pytest.raises(Refusal, match="只能为本辖区设定政策档案"):
        profile_put_in_force(actor=admin, region=world.weidu, year=2023, profile_code="XC23")
    with pytest.raises(Refusal, match="只有人社局管理员可以设定政策档案"):
        profile_put_in_force(
            actor=world.users["hr_first"], region=world.jinshui, year=2021, profile_code="ZZ21"
        )


def test_18_3_the_page_sets_and_lists_the_profiles_in_force(world) -> None:
    client = world.client(world.users["hr_admin"])
    response = client.post(
        "/regions/profiles/in-force/", {"region": world.erqi.pk, "year": 2021, "profile": "HC21"}
    )
    assert response.status_code == 302
    page = client.get("/regions/profiles/in-force/").content.decode()
    assert "二七区" in page and "HC21 v1" in page
    assert "设定" in page and "确认在文件年度以外适用" in page
    # The row says who put it in force and when; 2021 is HC21's own year, so no warning on it
    row = re.search(r"<tr><td class=\"fit\">2021</td><td>二七区</td>.*?</tr>", page, re.S)
    assert row is not None
    admin = world.users["hr_admin"]
    assert f"<td>{admin.label}</td>" in row.group(0)
    assigned = ProfileAssignment.objects.get(region=world.erqi, year=2021)
    assert assigned.set_by == admin and assigned.set_at is not None
    assert f"{timezone.localtime(assigned.set_at):%Y年%-m月%-d日 %H:%M}" in row.group(0)
    assert "文件为" not in row.group(0)
    # A document put in force outside its years, knowingly, carries the warning on its row
    client.post(
        "/regions/profiles/in-force/",
        {"region": world.erqi.pk, "year": 2026, "profile": "HC21", "other_years": "1"},
    )
    page = client.get("/regions/profiles/in-force/").content.decode()
    row = re.search(r"<tr><td class=\"fit\">2026</td><td>二七区</td>.*?</tr>", page, re.S)
    assert row is not None and "文件为2021年制定，经确认在2026年适用" in row.group(0)


def test_18_3_the_bureau_adds_a_department_of_its_subtree_on_a_page(world) -> None:
    import pytest

    from jineng.core.errors import Refusal
    from jineng.regions.models import Department
    from jineng.regions.services import department_add

    admin = world.users["hr_admin"]
    added = department_add(actor=admin, region=world.erqi, name="区退役军人事务局", kind="industry")
    assert (added.region_id, added.kind, added.name) == (world.erqi.pk, "industry", "区退役军人事务局")
    with pytest.raises(Refusal, match="二七区已有“区退役军人事务局”"):
        department_add(actor=admin, region=world.erqi, name="区退役军人事务局", kind="industry")
    with pytest.raises(Refusal, match="只能为本辖区增加部门"):
        department_add(actor=admin, region=world.weidu, name="区残联", kind="mass")
    with pytest.raises(Refusal, match="只有人社局管理员可以增加部门"):
        department_add(actor=world.users["hr_first"], region=world.erqi, name="区残联", kind="mass")
    page = world.client(admin).post(
        "/regions/departments/", {"region": world.erqi.pk, "name": "区残联", "kind": "mass"}
    )
    assert page.status_code == 302
    assert Department.objects.get(region=world.erqi, name="区残联").get_kind_display() == "群团组织"

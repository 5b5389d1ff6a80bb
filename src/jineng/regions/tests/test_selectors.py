"""Which profiles speak for a region: profiles_in_view, and the clause rule_clause quotes from them."""

from __future__ import annotations

import pytest

from jineng.conftest import World
from jineng.regions.selectors import NoProfile, profiles_in_view, rule_clause, rule_clause_shown
from jineng.regions.services import profile_assign, region_create

pytestmark = pytest.mark.django_db


def test_a_city_and_its_counties_are_spoken_for_by_the_citys_profile_from_its_year_on(world: World) -> None:
    # Given Zhengzhou under ZZ21 from 2021 and Xuchang under XC23 from 2023
    # Then a county takes its city's profile, in that year and any later one, and none before
    assert [p.code for p in profiles_in_view(world.jinshui, 2021)] == ["ZZ21"]
    assert [p.code for p in profiles_in_view(world.jinshui, 2030)] == ["ZZ21"]
    assert [p.code for p in profiles_in_view(world.weidu, 2023)] == ["XC23"]
    assert profiles_in_view(world.weidu, 2022) == []
    assert profiles_in_view(None, 2023) == []


def test_a_province_above_the_profiles_is_spoken_for_by_each_one_below_it_once(world: World) -> None:
    # Given a second city under ZZ21 too
    kaifeng = region_create(actor=None, name="开封市", kind="city", parent=world.henan, code="410200")
    profile_assign(actor=None, region=kaifeng, year=2021, profile_code="ZZ21")
    # Then the province has ZZ21 once and XC23 from 2023, by code
    assert [p.code for p in profiles_in_view(world.henan, 2022)] == ["ZZ21"]
    assert [p.code for p in profiles_in_view(world.henan, 2023)] == ["XC23", "ZZ21"]
    # And rule_clause joins the distinct wordings, each once
    assert rule_clause(world.henan, 2023, "F13") == (
        "XC23 附件3 资金来源；HC21 三(二) 优先使用专账资金；ZZ21 附件2 资金来源；HC21 三(二) 优先使用专账资金"
    )
    assert rule_clause(world.henan, 2023, "F14") == "ZZ21 七(二)；HC21 三(三)；XC23 三(三)"


def test_no_profile_at_all_refuses_the_clause_and_leaves_a_page_an_empty_one(world: World) -> None:
    # Given Xuchang's profile starts in 2023 / When a clause is asked for 2022
    with pytest.raises(NoProfile):
        rule_clause(world.xuchang, 2022, "F14")
    # Then a page's help text gets an empty clause (it says so itself), and one without a region too
    assert rule_clause_shown(world.xuchang, 2022, "F14") == ""
    assert rule_clause_shown(None, 2022, "F14") == ""
    assert rule_clause_shown(world.xuchang, 2023, "F14") == "ZZ21 七(二)；HC21 三(三)；XC23 三(三)"

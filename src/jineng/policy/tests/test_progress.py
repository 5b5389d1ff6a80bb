"""Progress rules: what a certificate counts toward (H03, E07, E08), completion, rank, schedule, H04."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.policy import progress as p
from jineng.policy.profiles import ParameterNotSet, get_profile


def test_e07_h03_senior_worker_certificate_counts_as_high_skilled_not_technician() -> None:
    # Given a 高级工 skill-level certificate of a person who already held a 中级 one
    got = p.certificate_counts_toward(kind="skill_level", level=3, had_earlier=True)
    # Then it is high-skilled talent only (E07), not new skilled talent again
    assert got == frozenset({"high_skilled"})


def test_e07_technician_and_senior_technician_count_as_technicians() -> None:
    assert p.certificate_counts_toward(kind="qualification", level=2, had_earlier=True) == {
        "high_skilled",
        "technicians",
    }
    assert p.certificate_counts_toward(kind="skill_level", level=1, had_earlier=True) == {
        "high_skilled",
        "technicians",
    }


def test_e08_first_certificate_directly_at_senior_level_also_counts_as_new_skilled() -> None:
    # Given a person with no earlier certificate who directly obtains 高级工
    got = p.certificate_counts_toward(kind="skill_level", level=3, had_earlier=False)
    # Then he counts both as new skilled and as new high-skilled talent (XC23 附件2 备注2)
    assert got == frozenset({"skilled", "high_skilled"})
    assert p.certificate_counts_toward(kind="skill_level", level=2, had_earlier=False) == {
        "skilled",
        "high_skilled",
        "technicians",
    }


def test_h03_junior_and_intermediate_certificates_are_new_skilled_only() -> None:
    for level in (5, 4):
        for earlier in (True, False):
            assert p.certificate_counts_toward(kind="skill_level", level=level, had_earlier=earlier) == {
                "skilled"
            }


def test_h03_special_ability_completion_and_operation_certificates_count_toward_no_talent_indicator() -> None:
    for kind in ("special_ability", "completion", "special_operation", "special_equipment"):
        assert p.certificate_counts_toward(kind=kind, level=None, had_earlier=False) == frozenset()
    assert p.certificate_counts_toward(kind="skill_level", level=None, had_earlier=False) == frozenset()


def test_h04_manufacturing_is_major_group_6_of_the_2022_classification() -> None:
    assert p.is_manufacturing("6-02-06-06")
    assert not p.is_manufacturing("4-01-02-01")
    assert not p.is_manufacturing("2-02-10-03")


def test_completion_rate_is_exact_and_none_without_target() -> None:
    assert p.completion_rate(315, 1000) == Decimal("0.3150")
    assert p.completion_rate(2, 3) == Decimal("0.6667")
    assert p.completion_rate(1200, 1000) == Decimal("1.2000")
    assert p.completion_rate(5, 0) is None


def test_elapsed_share_counts_days_of_the_year() -> None:
    assert p.elapsed_share(2021, dt.date(2021, 1, 1)) == Decimal("0.0027")  # 1/365
    assert p.elapsed_share(2021, dt.date(2021, 7, 2)) == Decimal("0.5014")  # day 183 of 365 = 0.50137
    assert p.elapsed_share(2021, dt.date(2021, 12, 31)) == Decimal("1.0000")
    assert p.elapsed_share(2024, dt.date(2024, 12, 31)) == Decimal("1.0000")  # leap year, 366 days
    assert p.elapsed_share(2021, dt.date(2020, 12, 31)) == Decimal(0)
    assert p.elapsed_share(2021, dt.date(2022, 1, 1)) == Decimal(1)


def test_behind_schedule_compares_share_done_with_share_of_year_elapsed() -> None:
    # 30 June 2021 is day 181 of 365: 49.59% of the year has gone by
    today = dt.date(2021, 6, 30)
    assert p.elapsed_share(2021, today) == Decimal("0.4959")
    assert p.behind_schedule(4958, 10000, year=2021, today=today)
    assert not p.behind_schedule(4959, 10000, year=2021, today=today)
    assert not p.behind_schedule(0, 0, year=2021, today=today)


def test_ranks_share_places_on_ties_and_skip_rows_without_target() -> None:
    got = p.ranks(
        {"a": Decimal("0.5"), "b": Decimal("0.9"), "c": Decimal("0.5"), "d": None, "e": Decimal("0.1")}
    )
    assert got == {"b": 1, "a": 2, "c": 2, "e": 4}


def test_h04_high_skilled_share_at_least_35_percent_under_xc23() -> None:
    xc23 = get_profile("XC23")
    ok = p.high_skilled_ratio(xc23, high_skilled=35, skilled=100)
    assert (ok.share, ok.bound, ok.ok) == (Decimal("0.3500"), Decimal("0.35"), True)
    low = p.high_skilled_ratio(xc23, high_skilled=34, skilled=100)
    assert not low.ok
    v = low.violation("许昌市")
    assert v is not None and v.rule == "H04"
    assert v.message == "许昌市新增高技能人才占新增技能人才比例为 34.00%（34/100），应不低于 35.00%"
    assert v.clause.startswith("XC23 一")


def test_h04_manufacturing_share_at_least_30_percent_per_county_under_xc23() -> None:
    xc23 = get_profile("XC23")
    assert p.manufacturing_ratio(xc23, manufacturing=300, subsidised=1000).ok
    low = p.manufacturing_ratio(xc23, manufacturing=299, subsidised=1000)
    assert (low.share, low.ok) == (Decimal("0.2990"), False)
    assert low.violation() is not None
    # No subsidised training yet: nothing to judge
    assert p.manufacturing_ratio(xc23, manufacturing=0, subsidised=0).share is None
    assert p.manufacturing_ratio(xc23, manufacturing=0, subsidised=0).ok


def test_h04_special_and_completion_certificates_at_most_10_percent_under_xc23() -> None:
    xc23 = get_profile("XC23")
    assert p.special_completion_ratio(xc23, special_and_completion=10, certificates=100).ok
    over = p.special_completion_ratio(xc23, special_and_completion=11, certificates=100)
    assert not over.ok
    assert over.violation() is not None
    assert over.violation().message == "专项能力与培训合格证书占比为 11.00%（11/100），应不超过 10.00%"  # type: ignore[union-attr]


def test_h04_ratio_refuses_where_the_profile_sets_no_threshold() -> None:
    # ZZ21 sets no high-skilled share: "本政策口径未规定", never a silent zero
    zz21 = get_profile("ZZ21")
    if zz21.param("high_skilled_share_min").is_set:
        pytest.skip("ZZ21 sets the share")
    with pytest.raises(ParameterNotSet, match="本政策口径未规定"):
        p.high_skilled_ratio(zz21, high_skilled=1, skilled=2)


# --- H08 ----------------------------------------------------------------------------------------------


def test_h08_xc23_county_counts_county_level_media_and_up_not_township_newsletters() -> None:
    # Given XC23 (counties ≥ 3 items in 县级以上 media, departments ≥ 1 in 市级以上 media)
    xc23 = get_profile("XC23")
    # and 禹州市 with 2 items in county media and 1 in a township newsletter (level 0), 长葛市 with
    # 1 county + 1 provincial + 1 national item, and 市工信局 with 2 county-level items, 市教育局 one city-level
    got = p.media_standings(
        xc23,
        counties={
            1: ("禹州市", {p.MEDIA_COUNTY: 2, p.MEDIA_OTHER: 1}),
            2: ("长葛市", {p.MEDIA_COUNTY: 1, p.MEDIA_PROVINCE: 1, p.MEDIA_NATIONAL: 1}),
        },
        departments={7: ("市工信局", {p.MEDIA_COUNTY: 2}), 8: ("市教育局", {p.MEDIA_CITY: 1})},
    )
    # Then the township item and the department's county-level items do not count
    assert [(s.name, s.counted, s.below, s.minimum, s.shortfall) for s in got] == [
        ("禹州市", 2, 1, 3, 1),
        ("长葛市", 3, 0, 3, 0),
        ("市工信局", 0, 2, 1, 1),
        ("市教育局", 1, 0, 1, 0),
    ]
    # and the violations name H08 and the clause, with the shortfall
    vs = p.media_violations(got)
    assert [v.rule for v in vs] == ["H08", "H08"]
    assert vs[0].clause == "XC23 三(四) 各县（市、区）在县级以上媒体发布宣传信息不少于3篇"
    assert vs[0].message == "禹州市在县级以上媒体发布宣传信息 2 篇，应不少于 3 篇，差 1 篇"
    assert vs[1].clause == "XC23 三(四) 市直各成员单位在市级以上媒体发布宣传信息不少于1篇"
    assert vs[1].message == "市工信局在市级以上媒体发布宣传信息 0 篇，应不少于 1 篇，差 1 篇"


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19"])
def test_h08_profiles_without_a_count_refuse_with_not_set(code: str) -> None:
    with pytest.raises(ParameterNotSet, match="本政策口径未规定“各县在县级以上媒体发布宣传信息最少篇数”"):
        p.media_standings(get_profile(code), counties={1: ("某县", {p.MEDIA_COUNTY: 5})}, departments={})
    with pytest.raises(ParameterNotSet, match="本政策口径未规定“市直单位在市级以上媒体发布宣传信息最少篇数”"):
        p.media_standings(get_profile(code), counties={}, departments={1: ("某局", {p.MEDIA_CITY: 5})})

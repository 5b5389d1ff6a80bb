"""以工代训 as pure policy (F03, J04, B08): one line per employee and month, whole batches at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.policy import yigong as y
from jineng.policy.profiles import ProfileError, get_profile, parse_profile
from jineng.policy.subsidy import EntitlementNotSet

XC19 = get_profile("XC19")
T = y.terms(XC19)
INSURED = y.Enterprise(name="某企业", insured=True, insured_since=dt.date(2019, 1, 1))


def emp(
    pid: int, group: str = "poor_labour", hired: dt.date = dt.date(2020, 1, 1), **kw: object
) -> y.Employee:
    return y.Employee(
        person_id=pid,
        name=f"员工{pid}",
        id_number="411002198501010017",
        row=pid + 1,
        group=group,
        hired_on=hired,
        **kw,
    )  # type: ignore[arg-type]


def test_f03_j04_xc19_terms_are_its_numbers_and_groups() -> None:
    assert (T.monthly, T.max_months, T.min_months, T.b08) == (D("200.00"), 6, 6, True)
    assert T.groups == {"poor_labour", "hard_to_employ", "zero_employment_family"}
    assert (T.min_groups, T.insured_groups) == ({"poor_labour"}, {"hard_to_employ", "zero_employment_family"})
    assert T.source == "许政办〔2019〕20号 二(三)1"


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC23"])
def test_f03_profiles_without_yigong_list_every_missing_number(code: str) -> None:
    with pytest.raises(EntitlementNotSet) as caught:
        y.terms(get_profile(code))
    assert [v.field for v in caught.value.violations] == ["以工代训"] * 6
    assert all(v.message.startswith("本政策口径未规定") for v in caught.value.violations)


def test_f03_one_line_per_month_with_the_computation_and_the_person_month_key() -> None:
    out = y.month_lines(
        T, months=[dt.date(2021, 3, 9)], enterprise=INSURED, employees=[emp(7)], history=y.History()
    )
    (line,) = out[dt.date(2021, 3, 1)]
    assert (line.key, line.label, line.amount, line.rule_ids) == (
        "yigong:7:2021-03",
        "2021年3月",
        D("200.00"),
        ("F03",),
    )
    assert (
        line.computation == "F03 以工代训 2021年3月 200元/人/月 × 1个月 = 200元（许政办〔2019〕20号 二(三)1）"
    )


def test_f03_the_cap_counts_held_months_then_the_batch_in_calendar_order() -> None:
    history = y.History(months={7: {"2021-01": "BT1", "2021-02": "BT2", "2021-03": "BT3", "2021-04": "BT4"}})
    months = [dt.date(2021, m, 1) for m in (8, 5, 6, 7)]
    out = y.month_lines(T, months=months, enterprise=INSURED, employees=[emp(7)], history=history)
    assert [(m, ln.payable) for m, lines in out.items() for ln in lines] == [
        (dt.date(2021, 5, 1), True),
        (dt.date(2021, 6, 1), True),
        (dt.date(2021, 7, 1), False),
        (dt.date(2021, 8, 1), False),
    ]
    assert out[dt.date(2021, 7, 1)][0].violations[0].message == (
        "员工7 已享受以工代训补贴 6 个月（2021-01、2021-02、2021-03、2021-04、2021-05、2021-06），最长不超过 6 个月"
    )


def test_f03_j04_min_months_for_poor_labour_only_and_insurance_for_the_other_groups_only() -> None:
    uninsured = y.Enterprise(name="某合作社", insured=False)
    hired = dt.date(2021, 1, 20)  # six months on 2021-07-20
    out = y.month_lines(
        T,
        months=[dt.date(2021, 6, 1)],
        enterprise=uninsured,
        employees=[emp(1, "poor_labour", hired), emp(2, "hard_to_employ", hired)],
        history=y.History(),
    )
    poor, hard = out[dt.date(2021, 6, 1)]
    assert [v.rule for v in poor.violations] == ["F03"]
    assert [v.rule for v in hard.violations] == ["J04"]
    assert hard.violations[0].message == "就业困难人员须由参保企业吸纳，某合作社未参加社会保险"


def test_b08_a_new_hire_line_refuses_the_month_and_a_profile_without_b08_does_not() -> None:
    history = y.History(new_hire={7: "BT2021410105000001"})
    (line,) = y.month_lines(
        T, months=[dt.date(2021, 3, 1)], enterprise=INSURED, employees=[emp(7)], history=history
    )[dt.date(2021, 3, 1)]
    assert [v.rule for v in line.violations] == ["B08"] and line.rule_ids == ("F03", "B08")
    without = dataclasses.replace(T, b08=False)
    (line,) = y.month_lines(
        without, months=[dt.date(2021, 3, 1)], enterprise=INSURED, employees=[emp(7)], history=history
    )[dt.date(2021, 3, 1)]
    assert line.payable


def test_j04_a_profile_naming_an_unknown_group_does_not_load() -> None:
    import tomllib

    from jineng.policy.profiles import PROFILE_DIR

    data = tomllib.loads((PROFILE_DIR / "XC19" / "v1.toml").read_text(encoding="utf-8"))
    data["params"]["yigong_groups"]["value"] = ["贫困劳动力", "退役军人"]
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "XC19/v1.toml")
    assert any("yigong_groups（J04）应为不重复的人员类别" in p for p in caught.value.problems)


def test_b08_of_a_month_and_an_unclaimed_new_hire_class_the_earlier_is_paid() -> None:
    # Given a new-hire class starting 2021-06-01 that the person is enrolled in, not yet claimed
    history = y.History(new_hire_classes={7: [("XC2021-0009", dt.date(2021, 6, 1))]})
    months = [dt.date(2021, 6, 1), dt.date(2021, 7, 1)]
    out = y.month_lines(T, months=months, enterprise=INSURED, employees=[emp(7)], history=history)
    # Then June (started on the class's day, not after it) is paid — the class then weighs it — and July not
    june, july = out[dt.date(2021, 6, 1)][0], out[dt.date(2021, 7, 1)][0]
    assert june.payable
    assert [v.message for v in july.violations] == [
        "员工7 已参加 2021-06-01 开班的新录用人员岗前培训 XC2021-0009，与以工代训补贴不得重复享受"
    ]

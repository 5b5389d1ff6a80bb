"""The claim's calendar: F07/F10 deadlines, the F08 notice across holidays, F09 signatures, F11/F12 cycles."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jineng.policy import claims as c
from jineng.policy.profiles import Parameter, ParameterNotSet, Profile, get_profile
from jineng.policy.workdays import WorkCalendar

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_f08_zz21_notice_of_3_working_days_runs_over_national_day_2021(cal: WorkCalendar) -> None:
    # Given a list published on Thursday 30 September 2021 under ZZ21 (3 working days)
    notice = c.notice_window(get_profile("ZZ21"), cal, D(2021, 9, 30))
    # Then 1–7 October do not count and Saturday 9 October (worked in lieu) is the third day
    assert (notice.start, notice.end, notice.working_days) == (D(2021, 9, 30), D(2021, 10, 9), 3)
    assert notice.clause == "ZZ21 附件2 补贴信息公示情况（不少于3个工作日）"


def test_f08_xc23_notice_of_5_working_days_over_the_2023_mid_autumn_and_national_day(
    cal: WorkCalendar,
) -> None:
    notice = c.notice_window(get_profile("XC23"), cal, D(2023, 9, 28))
    # 28 Sep, Sat 7 Oct and Sun 8 Oct (worked), 9 and 10 Oct
    assert (notice.start, notice.end) == (D(2023, 9, 28), D(2023, 10, 10))


def test_f08_notice_published_on_a_holiday_starts_on_the_next_working_day(cal: WorkCalendar) -> None:
    notice = c.notice_window(get_profile("ZZ21"), cal, D(2021, 10, 2))
    assert (notice.start, notice.end) == (D(2021, 10, 8), D(2021, 10, 11))


def test_f08_notice_closes_only_after_its_last_day_and_with_no_open_objection(cal: WorkCalendar) -> None:
    profile = get_profile("ZZ21")
    notice = c.notice_window(profile, cal, D(2021, 9, 30))
    on_last_day = c.notice_close_violations(profile, notice, D(2021, 10, 9), open_objections=1)
    assert [v.rule for v in on_last_day] == ["F08", "F08"]
    assert on_last_day[0].message.startswith("公示期为 2021-09-30 至 2021-10-09（3个工作日）")
    assert "尚有 1 件未处理" in on_last_day[1].message
    assert c.notice_close_violations(profile, notice, D(2021, 10, 10), open_objections=0) == []


def test_f08_objections_only_inside_the_notice(cal: WorkCalendar) -> None:
    notice = c.notice_window(get_profile("ZZ21"), cal, D(2021, 9, 30))
    assert c.objection_window_violations(notice, D(2021, 10, 9)) == []
    late = c.objection_window_violations(notice, D(2021, 10, 11))
    assert [(v.rule, v.field, v.value) for v in late] == [("F08", "异议日期", "2021-10-11")]


def _unset(code: str, name: str) -> Profile:
    """The profile with one number its document leaves open (a bureau's own profile may)."""
    base = get_profile(code)
    params = dict(base.params)
    params[name] = Parameter(params[name].spec, None, "", "本文件未规定")
    return dataclasses.replace(base, params=params)


def test_f08_profile_without_a_notice_period_refuses_in_chinese(cal: WorkCalendar) -> None:
    with pytest.raises(ParameterNotSet, match=r"本政策口径未规定“补贴公示期（工作日）”.*F08.*XC19"):
        c.notice_window(_unset("XC19", "public_notice_working_days"), cal, D(2021, 3, 1))


def test_f08_xc19_local_notice_period_of_five_working_days(cal: WorkCalendar) -> None:
    # Given XC19, whose document sets no notice period: the city's local setting (5 working days, as in
    # its 2023 plan) applies and is cited as local, not as the document's
    profile = get_profile("XC19")
    notice = c.notice_window(profile, cal, D(2021, 3, 1))
    assert (notice.start, notice.end) == (D(2021, 3, 1), D(2021, 3, 5))
    assert profile.cite("public_notice_working_days") == "XC19 本地补充规定（文件未规定补贴公示期）"


def test_f07_department_deadline_15_working_days_zz21_and_10_xc23(cal: WorkCalendar) -> None:
    # Received Tuesday 28 September 2021: 15 working days skip the National Day week
    assert c.review_due(get_profile("ZZ21"), cal, "dept", D(2021, 9, 28)) == D(2021, 10, 25)
    assert c.review_due(get_profile("XC23"), cal, "dept", D(2023, 6, 1)) == D(2023, 6, 15)


def test_f10_hr_deadline_only_where_the_profile_sets_one(cal: WorkCalendar) -> None:
    assert c.review_due(get_profile("HC21"), cal, "hr", D(2021, 9, 28)) == D(2021, 10, 25)
    assert c.review_due(get_profile("ZZ21"), cal, "hr", D(2021, 9, 28)) is None
    assert c.overdue(D(2021, 10, 25), D(2021, 10, 26)) is True
    assert c.overdue(D(2021, 10, 25), D(2021, 10, 25)) is False
    assert c.overdue(None, D(2030, 1, 1)) is False


def test_f10_finance_review_in_xc23_and_xuchangs_local_xc19_setting() -> None:
    assert c.needs_finance_review(get_profile("XC23")) is True
    assert c.needs_finance_review(get_profile("ZZ21")) is False
    assert c.needs_finance_review(get_profile("XC19")) is True  # a local setting, as in the city's 2023 plan
    assert c.needs_finance_review(get_profile("HC21")) is False


def test_f09_first_and_second_reviewer_differ() -> None:
    profile = get_profile("ZZ21")
    same = c.signature_violations(profile, first_reviewer=7, reviewer=7, step="second")
    assert [(v.rule, v.clause) for v in same] == [("F09", "ZZ21 附件2 初审人、复核人")]
    assert c.signature_violations(profile, first_reviewer=7, reviewer=8, step="second") == []


def test_f11_weekly_three_four_five(cal: WorkCalendar) -> None:
    cycle = c.disbursement_cycle(get_profile("ZZ21"), cal, D(2021, 6, 14))
    assert (cycle.kind, cycle.period_start, cycle.collect_on, cycle.send_on, cycle.pay_on) == (
        "weekly",
        D(2021, 6, 14),
        D(2021, 6, 16),  # Wednesday: collect and review the districts' claims
        D(2021, 6, 17),  # Thursday: aggregate and send to finance
        D(2021, 6, 18),  # Friday: finance reviews and pays
    )


def test_f11_weekly_cycle_moves_past_a_holiday_friday(cal: WorkCalendar) -> None:
    cycle = c.disbursement_cycle(get_profile("ZZ21"), cal, D(2021, 9, 29))
    assert (cycle.collect_on, cycle.send_on, cycle.pay_on) == (D(2021, 9, 29), D(2021, 9, 30), D(2021, 10, 8))


def test_f12_monthly_push_on_the_months_last_working_day(cal: WorkCalendar) -> None:
    # September 2023 ends on a Saturday that is a holiday (29 Sep–6 Oct): the push is Thursday 28 September
    cycle = c.disbursement_cycle(get_profile("XC23"), cal, D(2023, 9, 5))
    assert (cycle.kind, cycle.period_start, cycle.send_on) == ("monthly", D(2023, 9, 1), D(2023, 9, 28))


def test_f11_profile_without_a_cycle_refuses(cal: WorkCalendar) -> None:
    with pytest.raises(ParameterNotSet, match="资金拨付周期"):
        c.disbursement_cycle(_unset("HC21", "disbursement_cycle"), cal, D(2021, 6, 1))


def test_f11_f12_hc21_and_xc19_local_monthly_cycle_pays_on_the_last_working_day(cal: WorkCalendar) -> None:
    # Given HC21 and XC19, whose documents set no payment cycle: their local setting is a monthly push
    for code in ("HC21", "XC19"):
        cycle = c.disbursement_cycle(get_profile(code), cal, D(2021, 6, 1))
        # Then June 2021's list goes to finance and is paid on Wednesday 30 June, citing the local setting
        assert (cycle.kind, cycle.period_start, cycle.pay_on) == ("monthly", D(2021, 6, 1), D(2021, 6, 30))
        assert cycle.clause == f"{code} 本地补充规定（文件未规定拨付周期）"

"""The page where the bureau admin enters a year that chinese-calendar does not cover."""

import datetime as dt

import pytest

from jineng.audit.models import Event
from jineng.workcal.models import CalendarDay, CalendarYear
from jineng.workcal.selectors import work_calendar

SCHEDULE_2027 = {
    "year": "2027",
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "holidays": "2027-01-01 元旦\n2027-02-08 春节\n2027-02-09 春节",
    "workdays": "2027-02-06 春节",
}


def test_admin_enters_2027_and_deadlines_across_it_work(world, hr_admin):
    # given 2027 is not covered
    with pytest.raises(LookupError):
        work_calendar().is_working_day(dt.date(2027, 1, 4))
    # when the bureau admin enters the schedule
    response = world.client(hr_admin).post("/calendar/years/new/", SCHEDULE_2027)
    # then it is stored, audited, and the calendar answers for 2027
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert sorted(CalendarDay.objects.filter(calendar_year=year).values_list("date", "is_workday")) == [
        (dt.date(2027, 1, 1), False),
        (dt.date(2027, 2, 6), True),
        (dt.date(2027, 2, 8), False),
        (dt.date(2027, 2, 9), False),
    ]
    event = Event.objects.get(action="calendar.year_set")
    assert event.actor == hr_admin and event.object_id == str(year.pk)
    calendar = work_calendar()
    # Thu 2026-12-31 + 1 working day skips the 2027-01-01 holiday (Fri) and the weekend
    assert calendar.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert calendar.is_working_day(dt.date(2027, 2, 6))  # a Saturday worked


def test_a_bad_date_line_is_refused_with_its_line_number_and_nothing_written(world, hr_admin):
    bad = {**SCHEDULE_2027, "holidays": "2027-01-01 元旦\n2027-13-01 错误"}
    events = Event.objects.count()
    response = world.client(hr_admin).post("/calendar/years/new/", bad)
    assert response.status_code == 200
    assert "第2行“2027-13-01”不是 YYYY-MM-DD 格式的日期" in response.content.decode()
    assert not CalendarYear.objects.exists()
    assert Event.objects.count() == events


def test_a_year_the_package_covers_is_refused(world, hr_admin):
    response = world.client(hr_admin).post("/calendar/years/new/", {**SCHEDULE_2027, "year": "2026"})
    assert "2026 年的节假日安排已内置于系统（2004—2026 年），无需录入" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("role", ["hr_first", "auditor", "institution", "trainee"])
def test_other_roles_get_403_and_nothing_changes(world, role):
    events = Event.objects.count()
    response = world.client(world.users[role]).post("/calendar/years/new/", SCHEDULE_2027)
    assert response.status_code == 403
    assert not CalendarYear.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.parametrize("role", ["hr_first", "dept_first", "inspector", "institution"])
def test_the_calendar_says_where_its_holidays_come_from_in_words(world, role):
    """Issue 18: the source is the State Council's yearly notice; the package's name is a footnote."""
    page = world.client(world.users[role]).get("/calendar/").content.decode()
    assert (
        "<p>2004—2026 年：国务院办公厅每年公布的节假日安排（放假与调休上班日期），已内置于系统。</p>" in page
    )
    assert page.count("chinese-calendar") == 1
    assert '<p class="muted small">内置数据取自开源日历数据包 chinese-calendar，随系统升级更新。</p>' in page

"""18: dates on pages as the documents write them — 2021年9月6日, a period 2021年9月6日—9月24日 — through the
``date_range`` filter and the locale's date format (the pages' ``|date:"Y年n月j日"``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template

from jineng.core.templatetags.jineng import date_range


def test_a_period_names_its_year_once() -> None:
    assert date_range(dt.date(2021, 9, 6), dt.date(2021, 9, 24)) == "2021年9月6日—9月24日"
    assert date_range(dt.date(2021, 4, 6), dt.date(2021, 4, 24)) == "2021年4月6日—4月24日"
    # across a new year both years are named; one day is one date; without a start, nothing
    assert date_range(dt.date(2021, 12, 20), dt.date(2022, 1, 8)) == "2021年12月20日—2022年1月8日"
    assert date_range(dt.date(2021, 5, 10), dt.date(2021, 5, 10)) == "2021年5月10日"
    assert date_range(dt.date(2021, 5, 10), None) == "2021年5月10日"
    assert date_range(None, dt.date(2021, 5, 10)) == ""


def test_a_moment_is_dated_by_its_local_day() -> None:
    # 2021-09-05 23:30 UTC is 6 September in Beijing (the project's time zone)
    at = dt.datetime(2021, 9, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert date_range(at, dt.date(2021, 9, 24)) == "2021年9月6日—9月24日"


def test_in_a_template() -> None:
    html = Template("{% load jineng %}{{ a|date_range:b }}").render(
        Context({"a": dt.date(2021, 9, 6), "b": dt.date(2021, 9, 24)})
    )
    assert html == "2021年9月6日—9月24日"

"""18: the class lists date as the documents write them — 2021年6月1日—6月21日, not 2021-06-01 — 06-21."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.training.tests.factories import submitted_class

pytestmark = pytest.mark.django_db


def test_the_list_and_the_queue_write_dates_in_chinese(world: World) -> None:
    # Given a class from 1 to 21 June 2021, submitted on 10 May 2021
    tc = submitted_class(world)
    assert (tc.start_date.isoformat(), tc.end_date.isoformat()) == ("2021-06-01", "2021-06-21")
    # When the institution reads its list
    listing = world.client(world.users[Role.INSTITUTION]).get("/classes/").content.decode()
    # Then the period names its year once
    assert '<td class="fit">2021年6月1日—6月21日</td>' in listing
    assert "2021-06-01" not in listing and "06-21" not in listing
    # And the department's queue gives the deadline and the time of submission the same way
    queue = world.client(world.users[Role.DEPT_FIRST]).get("/classes/queue/").content.decode()
    due = tc.review_due
    assert due is not None and f"{due.year}年{due.month}月{due.day}日" in queue
    assert '<td class="fit">2021年6月1日</td>' in queue
    submitted = timezone.localtime(tc.submitted_at)
    assert (
        f'<td class="fit">{submitted:%Y}年{submitted.month}月{submitted.day}日 {submitted:%H:%M}</td>'
        in queue
    )
    assert not re.search(r">\d{4}-\d\d-\d\d", queue)

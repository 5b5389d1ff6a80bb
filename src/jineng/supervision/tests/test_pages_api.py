"""Supervision pages and API: the inspector's phone page opens a class (A10), the queue flags C01,
check-ins through the API are idempotent (C07)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.supervision.models import CheckIn
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState

pytestmark = pytest.mark.django_db


def today_class(w: World, state: str = ClassState.APPROVED) -> object:
    today = timezone.localdate()
    return make_class(w, state=state, start=today, end=today + dt.timedelta(days=20), year=2021)


def test_a10_today_page_opens_an_approved_class(world: World) -> None:
    tc = today_class(world)
    client = world.client(world.users[Role.INSPECTOR])
    page = client.get("/supervision/today/").content.decode()
    assert tc.ref in page and "提交开班当日检查" in page  # type: ignore[attr-defined]
    today = timezone.localdate()  # 18: the day as the documents write it
    assert f'<span class="count">{today.year}年{today.month}月{today.day}日 · 1 个班</span>' in page
    client.post(f"/supervision/classes/{tc.pk}/open/", {f"c{tc.pk}-present": 3, f"c{tc.pk}-signed_in": 3})  # type: ignore[attr-defined]
    tc.refresh_from_db()  # type: ignore[attr-defined]
    assert tc.state == ClassState.IN_TRAINING  # type: ignore[attr-defined]


def test_a10_api_open_of_unapproved_class_refused(world: World) -> None:
    tc = today_class(world, ClassState.SUBMITTED)
    response = world.client(world.users[Role.INSPECTOR]).post(
        f"/api/v1/supervision/classes/{tc.pk}/open",  # type: ignore[attr-defined]
        {"present": 3, "signed_in": 3, "materials_kept": True},
        content_type="application/json",
    )
    # A submitted class is not among the supervised ones (approved and later): not found, nothing changed.
    assert response.status_code == 404


def test_c01_queue_flags_class_without_inspection(world: World) -> None:
    tc = today_class(world, ClassState.IN_TRAINING)
    page = world.client(world.users[Role.INSPECTOR]).get("/supervision/").content.decode()
    assert "尚无培训期间检查的班级" in page and tc.ref in page  # type: ignore[attr-defined]
    start, end = tc.start_date, tc.end_date  # type: ignore[attr-defined]
    period = f"{start.year}年{start.month}月{start.day}日—" + (
        f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    )
    assert period in page and start.isoformat() not in page


def test_c07_api_checkins_idempotent(world: World) -> None:
    tc = today_class(world, ClassState.IN_TRAINING)
    numbers = list(tc.enrolments.values_list("person__id_number", flat=True))  # type: ignore[attr-defined]
    at = timezone.now().isoformat()
    rows = [{"id_number": n, "at": at, "matched": True, "device": "D1"} for n in numbers]
    rows.append({"id_number": "123", "at": at, "matched": True, "device": "D1"})
    client = world.client(world.users[Role.INSTITUTION])
    url = f"/api/v1/supervision/classes/{tc.pk}/checkins"  # type: ignore[attr-defined]
    first = client.post(url, rows, content_type="application/json").json()
    second = client.post(url, rows, content_type="application/json").json()
    assert (first["stored"], first["duplicates"], [r["row"] for r in first["refused"]]) == (3, 0, [4])
    assert (second["stored"], second["duplicates"]) == (0, 3)
    assert CheckIn.objects.count() == 3

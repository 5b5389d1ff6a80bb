"""18.12: a trainee sees his classes, attendance, results and certificates, his subsidy lines and their
payment state, and objects to his own line while its notice runs (F08) — never to another's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.claims.models import Objection
from jineng.claims.tests.factories import assessed_class, in_notice
from jineng.conftest import PASSWORD, World
from jineng.supervision.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def during_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tuesday 6 July 2021, inside the factories' notice of 5–7 July (F08)."""
    moment = timezone.make_aware(dt.datetime(2021, 7, 6, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _trainee_of(world: World, row: int):  # type: ignore[no-untyped-def]
    """A claim on notice whose roster row ``row`` failed or passed, and that row's trainee's account."""
    claim = in_notice(world, assessed_class(world, failing_rows=(3,)))
    enrolment = claim.training_class.enrolments.select_related("person").get(row=row)
    user = user_create(
        actor=None,
        username=f"trainee_row{row}",
        password=PASSWORD,
        display_name=enrolment.person.name,
        role="trainee",
        region=world.jinshui,
        person=enrolment.person,
    )
    return claim, enrolment, user


def test_trainee_sees_class_attendance_result_and_his_subsidy(world: World, during_notice: None) -> None:
    # Given row 2's trainee, who checked in on two days and passed
    claim, enrolment, user = _trainee_of(world, 2)
    for day in (4, 5):
        CheckIn.objects.create(
            training_class=claim.training_class,
            enrolment=enrolment,
            at=timezone.make_aware(dt.datetime(2021, 6, day, 8, 30)),
            matched=True,
            device="T-01",
        )
    # When he opens 我的培训与补贴
    html = world.client(user).get("/claims/mine/").content.decode()
    # Then his class, his two days, his pass, and his 2,000.00 line on notice are there
    tc = claim.training_class
    assert tc.ref in html and tc.institution.name in html
    assert "人脸签到 2 天" in html and '<span class="badge ok">合格</span>' in html
    assert "2,000.00 元</b> · 予以补贴" in html and claim.ref in html and "公示中" in html
    assert "提出异议" in html  # the notice runs
    # And nobody else's line is listed
    assert html.count('class="panel mine-line"') == 1


def test_a_failed_trainee_sees_why_and_is_not_paid(world: World, during_notice: None) -> None:
    _, _, user = _trainee_of(world, 3)
    html = world.client(user).get("/claims/mine/").content.decode()
    assert '<span class="badge grey">不合格</span>' in html and "不予补贴" in html


def test_trainee_objects_to_his_own_line_and_not_to_anothers(world: World, during_notice: None) -> None:
    claim, enrolment, user = _trainee_of(world, 2)
    own = claim.lines.get(row=2)
    other = claim.lines.get(row=4)
    client = world.client(user)
    # When he objects to his own line: recorded against it, with his registered name
    response = client.post(f"/claims/mine/lines/{own.pk}/object/", {"text": "本人只参加了一半课程"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.line_id, objection.name, objection.claim_id) == (
        own.pk,
        enrolment.person.name,
        claim.pk,
    )
    # When he tries another trainee's line: 404, nothing recorded
    assert client.post(f"/claims/mine/lines/{other.pk}/object/", {"text": "不是我的"}).status_code == 404
    assert Objection.objects.count() == 1
    assert User.objects.get(pk=user.pk).role == "trainee"


def test_after_objecting_he_sees_his_objection_instead_of_the_form(world: World, during_notice: None) -> None:
    # Given row 2's trainee, whose line is on notice
    claim, _, user = _trainee_of(world, 2)
    own = claim.lines.get(row=2)
    client = world.client(user)
    assert 'name="text"' in client.get("/claims/mine/").content.decode()
    # When he objects to it
    client.post(f"/claims/mine/lines/{own.pk}/object/", {"text": "本人只参加了一半课程"})
    # Then his page shows the objection filed, its date and text, and no second form
    html = client.get("/claims/mine/").content.decode()
    assert "<b>本人已于 2021年7月6日 对这一行提出异议</b>：本人只参加了一半课程" in html
    assert '<span class="badge warn">待处理</span>' in html
    assert 'name="text"' not in html


def test_a_trainees_objections_are_counted_per_account_not_per_address(
    world: World, during_notice: None
) -> None:
    from jineng.claims.objection_guard import OBJECTIONS_PER_HOUR, objection_throttle

    # Given the hour's allowance of his network address is used up by anonymous objectors
    claim, _, user = _trainee_of(world, 2)
    own = claim.lines.get(row=2)
    for _ in range(OBJECTIONS_PER_HOUR):
        objection_throttle("127.0.0.1")
    client = world.client(user)
    # When he objects to his own line from that address, Then it is recorded
    response = client.post(
        f"/claims/mine/lines/{own.pk}/object/", {"text": "本人只参加了一半课程"}, follow=True
    )
    assert "异议已收到" in response.content.decode()
    assert Objection.objects.count() == 1
    # And his own account has its own hourly allowance
    for _ in range(OBJECTIONS_PER_HOUR - 1):
        client.post(f"/claims/mine/lines/{own.pk}/object/", {"text": "本人只参加了一半课程"})
    assert Objection.objects.count() == OBJECTIONS_PER_HOUR
    response = client.post(
        f"/claims/mine/lines/{own.pk}/object/", {"text": "本人只参加了一半课程"}, follow=True
    )
    assert (
        f"每个账号每小时最多提出 {OBJECTIONS_PER_HOUR} 件异议，请稍后再试，或拨打公示所列咨询电话反映"
        in response.content.decode()
    )
    assert Objection.objects.count() == OBJECTIONS_PER_HOUR

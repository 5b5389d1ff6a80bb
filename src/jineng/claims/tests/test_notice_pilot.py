"""18.11: what a 公示 needs — the issuing bureau, its telephone, the objection deadline and the legal
basis (F08, the profile's clause); only the trainees to be paid; objections behind a CAPTCHA the product
draws itself and an hourly allowance per address. 18.13: the list as printed for a notice board."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from jineng.audit.models import Event
from jineng.claims.models import Objection
from jineng.claims.objection_guard import OBJECTIONS_PER_HOUR
from jineng.claims.tests.captcha_kit import solved
from jineng.claims.tests.factories import assessed_class, in_notice
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.policy.identity import mask_id_number
from jineng.regions.services import region_contact_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def during_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tuesday 6 July 2021, inside the factories' notice of 5–7 July (F08)."""
    moment = timezone.make_aware(dt.datetime(2021, 7, 6, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_f08_notice_names_the_bureau_its_telephone_deadline_and_the_document(world: World) -> None:
    # Given Zhengzhou's admin has set the bureau's telephone, and a claim of a Zhengzhou class on notice
    region_contact_set(actor=world.users[Role.HR_ADMIN], region=world.zhengzhou, phone="0371-67171234")
    claim = in_notice(world)
    # When anyone opens the notice and its print view
    page = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    printed = Client().get(f"/claims/notices/{claim.pk}/print/").content.decode()
    # Then both name the issuing bureau, the telephone, the deadline and the document with its clause
    for text in (page, printed):
        assert f"{claim.region.name}人力资源和社会保障局" in text
        assert "0371-67171234" in text
        assert "2021年7月7日" in text
        assert "郑技领办〔2021〕6号" in text and "附件2 补贴信息公示情况（不少于3个工作日）" in text
    assert "异议受理截止 <b>2021年7月7日</b>" in page
    event = Event.objects.get(action="region.contact_changed")
    assert event.payload == {"before": "", "phone": "0371-67171234"}


def test_f08_without_a_telephone_the_notice_names_the_12333_line(world: World) -> None:
    claim = in_notice(world)
    page = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    assert "咨询电话 <b>12333（人社服务热线）</b>" in page


def test_f08_print_view_lists_only_the_trainees_to_be_paid(world: World) -> None:
    # Given a claim on notice whose roster rows 3 and 4 failed the exam
    claim = in_notice(world, assessed_class(world, failing_rows=(3, 4)))
    printed = Client().get(f"/claims/notices/{claim.pk}/print/").content.decode()
    # Then the printed list has the 28 to be paid and neither of the two who failed
    for ln in claim.lines.select_related("person").filter(row__in=(3, 4)):
        assert mask_id_number(ln.person.id_number) not in printed
    assert printed.count('<td class="num">2,000.00</td>') == 28
    assert '合计</td><td class="num">56,000.00</td>' in printed


def test_bureau_telephone_only_for_own_region_and_as_a_number(world: World) -> None:
    admin = world.users[Role.HR_ADMIN]
    with pytest.raises(Refusal, match="本辖区"):
        region_contact_set(actor=admin, region=world.weidu, phone="0374-1234567")
    with pytest.raises(Refusal, match="电话号码"):
        region_contact_set(actor=admin, region=world.erqi, phone="请打市局")
    with pytest.raises(Refusal, match="人社局管理员"):
        region_contact_set(actor=world.users[Role.HR_FIRST], region=world.erqi, phone="0371-1234567")


def _objection(claim_pk: int, **captcha: str) -> tuple[int, dict[str, object]]:
    body = {"name": "王某", "contact": "13900001111", "text": "第3行学员未参加培训", "row": 3, **captcha}
    response = Client().post(
        f"/api/v1/notices/{claim_pk}/objections", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_objection_needs_the_captcha_read_right_and_each_captcha_is_tried_once(
    world: World, during_notice: None
) -> None:
    claim = in_notice(world)
    captcha = solved()
    # When the answer is wrong: refused, nothing stored
    status, body = _objection(claim.pk, captcha_key=captcha["captcha_key"], captcha="zzzz")
    assert (status, body["details"][0]["field"]) == (422, "验证码")
    # When the right answer is sent with the same (spent) challenge: refused too
    status, _ = _objection(claim.pk, **captcha)
    assert status == 422 and Objection.objects.count() == 0
    # When a fresh challenge is read right: recorded
    status, _ = _objection(claim.pk, **solved())
    assert status == 201 and Objection.objects.count() == 1


def test_objections_from_one_address_are_limited_per_hour(world: World, during_notice: None) -> None:
    claim = in_notice(world)
    for _ in range(OBJECTIONS_PER_HOUR):
        assert _objection(claim.pk, **solved())[0] == 201
    status, body = _objection(claim.pk, **solved())
    assert status == 422 and f"每小时最多提出 {OBJECTIONS_PER_HOUR} 件异议" in str(body["message"])
    assert Objection.objects.count() == OBJECTIONS_PER_HOUR


def test_the_objection_form_shows_a_captcha_image_the_product_draws(
    world: World, during_notice: None
) -> None:
    claim = in_notice(world)
    page = Client().get(f"/claims/notices/{claim.pk}/").content.decode()
    start = page.index('<img src="/claims/notices/captcha/') + len('<img src="')
    image = Client().get(page[start : page.index('"', start)])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # and the API offers the same
    offered = Client().get("/api/v1/notices/captcha").json()
    assert Client().get(offered["image"]).status_code == 200

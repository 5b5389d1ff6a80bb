"""F04, the other half of 项目制 (ZZ21 三(四)): an institution whose project-based classes show low
attendance or completion can have its 项目制 stopped — no more prepayments — and restored later.

The document fixes no threshold ("视情况适时停止"): the bureau decides from the figures the page shows
(attendance = the inspections' average present ÷ the opening headcount, C02; completion = passed ÷ the
assessed classes' trainees), and they are kept with the decision. Profiles whose documents say nothing of
it (HC21, XC19, XC23) refuse the stop on F04, naming the document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from jineng.audit.models import Event
from jineng.claims import prepayments
from jineng.claims.models import ProjectStop
from jineng.claims.tests.factories import assessed_class
from jineng.claims.tests.prepay import REQUESTED, project_class
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.regions.services import profile_assign

pytestmark = pytest.mark.django_db

ZZ21_CLAUSE = (
    "ZZ21 三(四) 对达不到培训预期效果、学员出勤率低、结业人数比例过低的单位，视情况适时停止“项目制”补贴性培训"
    "和其他相应职业技能提升培训项目资质"
)
STOPPED = dt.date(2021, 7, 20)


def poor_class(w: World) -> None:
    """A project-based class of 30 whose inspections found 15 and 16 present (trained headcount 15) and
    whose exam 10 failed (rows 2…11)."""
    assessed_class(w, mode="project", present=(15, 16), failing_rows=tuple(range(2, 12)))


def test_f04_the_bureau_stops_a_poor_project_institution_and_its_next_prepayment_is_refused(
    world: World,
) -> None:
    # Given the school's project-based class: 15 of 30 present on average, 20 of 30 passed
    poor_class(world)
    hr = world.client(world.users["hr_second"])
    page = hr.get("/claims/prepayments/").content.decode()
    assert "项目制机构培训效果" in page and "50%" in page and "67%" in page and ZZ21_CLAUSE[5:] in page
    # When the bureau's reviewer stops its 项目制, giving the reason
    stop = prepayments.project_stop(
        actor=world.users["hr_second"], institution=world.zz_school, reason="出勤率仅50%", today=STOPPED
    )
    # Then the decision keeps the figures it rests on, under the profile in force, with its event
    assert (stop.profile_code, stop.reason, stop.stopped_on) == ("ZZ21", "出勤率仅50%", STOPPED)
    assert stop.figures == {
        "classes": 1,
        "opening": 30,
        "trained": 15,
        "enrolled": 30,
        "passed": 20,
        "attendance": "0.500",
        "completion": "0.667",
    }
    event = Event.objects.get(action="project.stopped")
    assert (event.payload["rule"], event.payload["clause"], event.to_state) == ("F04", ZZ21_CLAUSE, "stopped")
    # And the school's next project-based class may not ask for a prepayment, the refusal naming F04
    tc = project_class(world)
    with pytest.raises(Refusal) as exc:
        prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    assert (exc.value.rule, exc.value.field, exc.value.clause) == ("F04", "培训机构", ZZ21_CLAUSE)
    assert "2021-07-20 停止（出勤率仅50%）" in exc.value.message
    # And its clerk sees why on the prepayment page
    school = world.client(world.users["institution"]).get("/claims/prepayments/").content.decode()
    assert "本机构的项目制资格已于 2021年7月20日 停止（F04）：出勤率仅50%" in school
    # When the bureau restores it after rectification, then the school may ask again
    prepayments.project_stop_lift(actor=world.users["hr_admin"], stop=stop, reason="已整改", today=STOPPED)
    p = prepayments.prepayment_request(actor=world.users["institution"], training_class=tc, today=REQUESTED)
    assert p.amount == D("30000.00")


def test_f04_a_second_stop_the_wrong_role_and_another_city_are_refused(world: World) -> None:
    poor_class(world)
    prepayments.project_stop(
        actor=world.users["hr_admin"], institution=world.zz_school, reason="结业比例低", today=STOPPED
    )
    with pytest.raises(Refusal, match="已停止"):
        prepayments.project_stop(
            actor=world.users["hr_second"], institution=world.zz_school, reason="再停", today=STOPPED
        )
    with pytest.raises(Refusal, match="复核人或管理员"):
        prepayments.project_stop(actor=world.users["hr_first"], institution=world.zz_school, reason="x")
    with pytest.raises(Refusal, match="复核人或管理员"):
        prepayments.project_stop(actor=world.outsiders["hr_admin"], institution=world.zz_school, reason="x")
    with pytest.raises(Refusal) as exc:
        prepayments.project_stop(
            actor=world.users["hr_admin"], institution=world.zz_station, reason="x", today=STOPPED
        )
    assert exc.value.rule == "F04" and "没有已开班的项目制培训班" in exc.value.message
    assert ProjectStop.objects.count() == 1


@pytest.mark.parametrize("code", ["HC21", "XC19", "XC23"])
def test_f04_profiles_that_say_nothing_of_stopping_refuse_it(world: World, code: str) -> None:
    # Given the school's region under a profile whose document does not provide for stopping 项目制
    poor_class(world)
    profile_assign(actor=None, region=world.zhengzhou, year=STOPPED.year, profile_code=code)
    # When the bureau tries, then it is refused on F04 naming the document, and nothing is written
    with pytest.raises(Refusal) as exc:
        prepayments.project_stop(
            actor=world.users["hr_admin"], institution=world.zz_school, reason="出勤率低", today=STOPPED
        )
    assert exc.value.rule == "F04" and exc.value.message.startswith("本政策口径未规定停止项目制资格")
    assert exc.value.clause.startswith(f"{code} 《")
    assert not ProjectStop.objects.exists()


def test_f04_api_gives_the_figures_and_stops_and_lifts(world: World) -> None:
    poor_class(world)
    profile_assign(actor=None, region=world.zhengzhou, year=timezone.localdate().year, profile_code="ZZ21")
    api = world.client(world.users["hr_admin"])
    [row] = api.get("/api/v1/prepayments/performance").json()
    assert (row["institution"], row["attendance"], row["completion"], row["stop_id"]) == (
        world.zz_school.name,
        "0.500",
        "0.667",
        None,
    )
    bad = api.post(
        "/api/v1/prepayments/stops",
        {"institution_id": world.zz_school.pk, "reason": "  "},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "停止原因"
    made = api.post(
        "/api/v1/prepayments/stops",
        {"institution_id": world.zz_school.pk, "reason": "出勤率低"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["figures"]["trained"] == 15
    lifted = api.post(
        f"/api/v1/prepayments/stops/{made.json()['id']}/lift",
        {"reason": "已整改"},
        content_type="application/json",
    )
    assert lifted.status_code == 200 and lifted.json()["lift_reason"] == "已整改"
    assert world.client(world.users["institution"]).get("/api/v1/prepayments/performance").json() == []

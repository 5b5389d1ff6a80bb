"""The sanctions' pages and API (I01, I02): the record page shows them in Chinese, the bureau imposes and
two of its staff lift; the home page's 待办 shows a lift waiting for its second signature; existing
suspensions became sanctions (the data migration)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from jineng.conftest import World
from jineng.core.roles import Role
from jineng.orgs.models import AnnualInspection, LiabilityIncident, Organisation, Sanction
from jineng.orgs.services import sanction_impose

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jineng.orgs.migrations.0004_sanctions_append_only_and_existing_standing")


def test_I01_the_record_page_shows_sanctions_in_force_and_past_in_chinese(world: World) -> None:
    # Given a stop-opening that ended and a blacklist in force on the school
    sanction_impose(
        actor=None,
        organisation=world.zz_school,
        kind="stop_opening",
        rule="C09",
        decision="满意率 80%，停止开班",
        reference="培训班满意度调查",
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 7, 1),
        today=dt.date(2021, 6, 1),
    )
    sanction_impose(
        actor=None, organisation=world.zz_school, kind="blacklist", decision="问题突出", reference="督查通报"
    )
    # When the bureau's reviewer opens the school's record
    page = world.client(world.users[Role.HR_FIRST]).get(f"/orgs/{world.zz_school.pk}/").content.decode()
    # Then both are listed with their Chinese kind and state, and the forms are offered
    assert "停止开班（满意度不达标整改）（C09）" in page and "已期满" in page
    assert "列入黑名单" in page and "执行中" in page and "提出解除" in page
    assert "登记处理决定" in page and "登记年检结果" in page
    # The school's own clerk sees them, without the bureau's forms
    own = world.client(world.users[Role.INSTITUTION]).get(f"/orgs/{world.zz_school.pk}/").content.decode()
    assert "列入黑名单" in own and "提出解除" not in own and "登记处理决定" not in own


def test_I01_impose_and_two_person_lift_through_the_pages_with_the_home_queue(world: World) -> None:
    hr1, hr2 = world.client(world.users[Role.HR_FIRST]), world.client(world.users[Role.HR_SECOND])
    school = world.zz_school
    # When the bureau records a failed annual inspection as a sanction
    response = hr1.post(
        f"/orgs/{school.pk}/sanctions/",
        {"kind": "inspection_failed", "decision": "2020年度年检不合格", "reference": "年检结论书"},
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.ends_on, sanction.recorded_by) == (
        "inspection_failed",
        None,
        world.users[Role.HR_FIRST],
    )
    assert Organisation.objects.get(pk=school.pk).status == "suspended"
    # And the in-force list shows it
    listed = hr2.get("/orgs/sanctions/").content.decode()
    assert "2020年度年检不合格" in listed and "年检未通过或发生责任事故" in listed
    # When the first signs a lift, the second reviewer's 待办 shows it
    hr1.post(f"/orgs/sanctions/{sanction.pk}/lift/", {"reason": "复检合格，申请解除"})
    assert "待第二人签署解除的处理决定" in hr2.get("/").content.decode()
    assert "待第二人签署解除的处理决定" not in hr1.get("/").content.decode()
    # And when the second signs, it is lifted and the school reads 正常
    hr2.post(f"/orgs/sanctions/{sanction.pk}/lift/", {"reason": ""})
    assert Organisation.objects.get(pk=school.pk).status == "active"
    assert "2020年度年检不合格" not in hr2.get("/orgs/sanctions/").content.decode()
    assert "已解除" in hr2.get("/orgs/sanctions/?all=1").content.decode()


def test_I01_api_list_impose_and_lift(world: World) -> None:
    hr1, hr2 = world.client(world.users[Role.HR_FIRST]), world.client(world.users[Role.HR_SECOND])
    body = {
        "organisation_id": world.zz_school.pk,
        "kind": "suspension",
        "decision": "督查发现虚报学员",
        "reference": "督查记录 2021-07-01",
    }
    made = hr1.post("/api/v1/sanctions", body, content_type="application/json")
    assert made.status_code == 201, made.content
    out = made.json()
    today = timezone.localdate().isoformat()
    assert (out["kind_label"], out["state"], out["state_label"], out["starts_on"], out["ends_on"]) == (
        "暂停",
        "in_force",
        "执行中",
        today,
        None,
    )
    items = hr2.get("/api/v1/sanctions?in_force=true").json()["items"]
    assert [i["decision"] for i in items] == ["督查发现虚报学员"]
    first = hr1.post(
        f"/api/v1/sanctions/{out['id']}/lift", {"reason": "整改完成复查合格"}, content_type="application/json"
    )
    assert first.json()["state_label"] == "执行中（待第二人签署解除）"
    again = hr1.post(f"/api/v1/sanctions/{out['id']}/lift", {}, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["details"][0]["rule"] == "I01"
    second = hr2.post(f"/api/v1/sanctions/{out['id']}/lift", {}, content_type="application/json").json()
    assert (second["state"], second["lifted_on"]) == ("lifted", today)
    assert [s["step_label"] for s in second["lift_signatures"]] == ["提出解除", "复核同意解除"]
    assert hr2.get("/api/v1/sanctions?in_force=true").json()["items"] == []


def test_I02_the_bureau_records_annual_inspections_and_incidents_by_api(world: World) -> None:
    hr = world.client(world.users[Role.HR_ADMIN])
    url = f"/api/v1/organisations/{world.zz_school.pk}"
    assert (
        hr.post(
            f"{url}/inspections", {"year": 2020, "passed": False}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        hr.post(
            f"{url}/inspections", {"year": 2020, "passed": True}, content_type="application/json"
        ).status_code
        == 201
    )
    assert list(AnnualInspection.objects.values_list("year", "passed")) == [(2020, True)]
    made = hr.post(
        f"{url}/incidents",
        {"occurred_on": "2020-04-01", "description": "实训设备伤人"},
        content_type="application/json",
    )
    assert made.json() == {
        "organisation_id": world.zz_school.pk,
        "occurred_on": "2020-04-01",
        "description": "实训设备伤人",
    }
    assert LiabilityIncident.objects.count() == 1


def test_I01_existing_suspensions_and_exits_become_sanctions(world: World) -> None:
    # Given institutions whose status was set before sanctions existed (a C09 suspension, an exit)
    Organisation.objects.filter(pk=world.zz_school.pk).update(
        status="suspended", status_reason="C09：满意度 80%", suspended_until=dt.date(2021, 7, 1)
    )
    Organisation.objects.filter(pk=world.xc_school.pk).update(status="exited", status_reason="自愿退出")
    # When the data migration runs
    migration.standing_carried(apps, None)
    # Then each has its sanction: a stop-opening to its end day, an exit until lifted
    got = sorted(
        Sanction.objects.values_list("organisation", "kind", "rule", "decision", "ends_on", "reference")
    )
    assert got == sorted(
        [
            (
                world.zz_school.pk,
                "stop_opening",
                "C09",
                "C09：满意度 80%",
                dt.date(2021, 7, 1),
                migration.MIGRATED,
            ),
            (world.xc_school.pk, "catalogue_exit", "", "自愿退出", None, migration.MIGRATED),
        ]
    )

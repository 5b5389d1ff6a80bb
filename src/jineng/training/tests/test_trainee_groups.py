"""J01–J03 through the roster, the class, the bureau's confirmation and the programme figures.

The pure rules are tested in jineng/policy/tests/test_trainee_groups.py; here the same rules reach the
clerk (roster report, class form), the bureau (confirming groups) and the targets page, under each profile.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.xlsx import workbook_bytes
from jineng.regions.services import profile_assign
from jineng.targets.models import Plan, Target
from jineng.training import services
from jineng.training.models import ClassState, TrainingClass
from jineng.training.roster import COLUMNS, HEADERS, read_roster
from jineng.training.tests.factories import (
    APPLIED,
    draft_class,
    fresh_rows,
    roster_bytes,
    roster_row,
    submitted_class,
)

pytestmark = pytest.mark.django_db

# Per profile: a programme of its document that is for named groups, a group it takes, one it does not.
PROGRAMMES = {
    "ZZ21": ("zz_rural", "脱贫人口", "退役军人", "ZZ21 二(六) 面向已脱贫劳动力开展免费技能培训"),
    "HC21": ("hc_veteran", "退役军人", "残疾人", "HC21 附件1 第10项；二 2 退役军人 200 人次"),
    "XC19": (
        "xc19_farmer",
        "高素质农民",
        "农村转移就业劳动者",
        "XC19 二(一)7 培养一批爱农业、懂技术、会经营的新型农民；其中技能提升培训占比40%以上",
    ),
    "XC23": ("xc23_key_groups", "退役军人", "企业职工", None),
}


def under(w: World, code: str) -> None:
    if code != "ZZ21":  # the world's 金水区 runs ZZ21 in 2021 unless told otherwise
        profile_assign(actor=None, region=w.jinshui, year=2021, profile_code=code)


def upload(w: World, tc: TrainingClass, rows: list[dict[str, Any]]) -> Any:
    job = services.roster_job_create(
        actor=w.users["institution"], training_class=tc, filename="花名册.xlsx", content=roster_bytes(rows)
    )
    return services.roster_job_run(job_id=job.pk, today=APPLIED)


def test_the_roster_stores_the_group_the_place_and_the_prisoners_facts(world: World) -> None:
    # Given a roster filled in on the current template
    tc = draft_class(world)
    rows = fresh_rows(2)
    rows[0].update(group="退役军人", place_code="411002")
    rows[1].update(
        group="在押服刑人员", sentence_ends_on="2024-10-01", trained_in_sentence="否", held_level="五级"
    )
    # When it is uploaded
    job = upload(world, tc, rows)
    # Then each row's J-facts are kept on its enrolment, coded
    assert job.status == "accepted", job.report
    stored = list(
        tc.enrolments.order_by("row").values_list(
            "group", "place_code", "sentence_ends_on", "trained_in_sentence", "held_level"
        )
    )
    assert stored == [
        ("veteran", "411002", None, None, None),
        ("prisoner", "", dt.date(2024, 10, 1), False, 5),
    ]


def test_a_roster_on_the_older_template_without_the_new_columns_is_still_read() -> None:
    old = [c for c in COLUMNS if not c.optional_header]
    row = roster_row(1)
    content = workbook_bytes("花名册", [c.header for c in old], [[row.get(c.attr, "") for c in old]])
    result = read_roster(content, max_rows=10)
    assert (result.fatal, result.problems) == ("", [])
    assert (result.rows[0].group, result.rows[0].held_level, result.rows[0].trained_in_sentence) == (
        "",
        None,
        None,
    )
    assert len(HEADERS) == len(old) + 5


def test_a_mistyped_group_place_or_level_is_a_format_problem_on_its_cell() -> None:
    row = roster_row(1, group="军人", place_code="999999", held_level="中级")
    result = read_roster(roster_bytes([row]), max_rows=10)
    assert [(p.row, p.field, p.value) for p in result.problems] == [
        (2, "人员类别", "军人"),
        (2, "常住地或求职就业地", "999999"),
        (2, "本职业现持有等级", "中级"),
    ]
    assert result.problems[1].message == "应为现行6位行政区划代码，如 411002"
    assert result.problems[0].message.startswith(
        "人员类别应为：农村转移就业劳动者、两后生（未继续升学的初高中毕业生）、"
    )


@pytest.mark.parametrize("code", list(PROGRAMMES))
def test_j03_a_programmes_roster_refuses_a_trainee_of_another_group_under_each_profile(
    world: World, code: str
) -> None:
    programme, inside, outside, clause = PROGRAMMES[code]
    under(world, code)
    # Given a class of the document's group programme
    tc = draft_class(world, programme=programme)
    assert tc.programme == programme
    rows = fresh_rows(3)
    rows[0]["group"] = inside
    rows[1]["group"] = outside
    rows[2]["group"] = ""
    # When the roster names a trainee of another group and one of none
    job = upload(world, tc, rows)
    # Then it is refused on those rows, naming the column, J03 and the programme's clause
    assert job.status == "refused"
    j03 = [p for p in job.report if p["rule"] == "J03"]
    assert [(p["row"], p["field"], p["value"]) for p in j03] == [
        (3, "人员类别", outside),
        (4, "人员类别", ""),
    ]
    if clause is not None:
        assert {p["clause"] for p in j03} == {clause}
    # And with every trainee of the programme's group the roster is accepted and the class submitted
    for r in rows:
        r["group"] = inside
    assert upload(world, tc, rows).status == "accepted"
    tc = services.class_submit(actor=world.users["institution"], training_class=tc, today=APPLIED)
    assert (tc.state, tc.profile_code) == (ClassState.SUBMITTED, code)


def test_j03_a_class_cannot_name_another_documents_programme(world: World) -> None:
    # Given 金水区 under ZZ21, when the clerk names 潢川's 退役军人 programme
    with pytest.raises(Refusal) as refused:
        draft_class(world, programme="hc_veteran")
    # Then the class is not saved and the refusal names the field, J03 and ZZ21's clause
    problem = refused.value.violations[0]
    assert (problem.rule, problem.field, problem.value) == ("J03", "专项培训计划", "hc_veteran")
    assert problem.clause == "ZZ21 ZZ21 二 实施就业重点群体就业创业技能提升计划等专项培训"
    assert not TrainingClass.objects.exists()


def test_j03_the_bureau_confirms_the_declared_groups_once_and_who_did_it_is_kept(world: World) -> None:
    tc = submitted_class(world, trainees=3)
    tc.enrolments.filter(row=2).update(group="veteran")
    tc.enrolments.filter(row=3).update(group="disabled")
    tc.enrolments.filter(row=4).update(group="")
    hr = world.users["hr_first"]
    # When the bureau's first reviewer confirms
    assert services.class_groups_confirm(actor=hr, training_class=tc) == 2
    # Then the two declared rows carry who confirmed them; the undeclared row is left
    confirmed = list(tc.enrolments.order_by("row").values_list("row", "group_confirmed_by"))
    assert confirmed == [(2, hr.pk), (3, hr.pk), (4, None)]
    event = Event.objects.get(action="class.groups_confirmed")
    assert (event.actor_id, event.payload) == (hr.pk, {"confirmed": 2})
    # And nothing is left to confirm; the clerk may not confirm at all
    with pytest.raises(Refusal, match="本班没有待核实人员类别的学员"):
        services.class_groups_confirm(actor=hr, training_class=tc)
    with pytest.raises(Refusal, match="只有人社部门工作人员可以核实学员人员类别"):
        services.class_groups_confirm(actor=world.users["institution"], training_class=tc)


def test_j03_a_class_returned_for_revision_has_no_groups_to_confirm(world: World) -> None:
    tc = submitted_class(world, trainees=1)
    tc = services.class_review(
        actor=world.users["dept_first"],
        training_class=tc,
        decision="return",
        comment="花名册待补充",
        today=APPLIED,
    )
    with pytest.raises(Refusal, match="开班申请当前状态为“已退回修改”，提交审核后方可核实人员类别"):
        services.class_groups_confirm(actor=world.users["hr_admin"], training_class=tc)


def test_j03_the_class_page_shows_its_programme_the_groups_and_the_confirm_button(world: World) -> None:
    tc = grouped_class(world, "zz_key_groups", "退役军人", 2)
    client = world.client(world.users["hr_first"])
    page = client.get(f"/classes/{tc.pk}/").content.decode()
    assert "就业重点群体就业创业技能提升计划（二(二) 引导农村转移就业劳动者" in page
    assert "面向人员类别（J03）：农村转移就业劳动者、高素质农民、失业人员、退役军人、残疾人" in page
    assert "核实人员类别（2 人待核实）" in page
    response = client.post(f"/classes/{tc.pk}/groups/confirm/")
    assert response.status_code == 302
    page = client.get(f"/classes/{tc.pk}/").content.decode()
    assert "已核实 2 名学员的人员类别" in page
    assert page.count("已核实</span>") == 2 and "待核实）" not in page


def grouped_class(w: World, programme: str, group: str, trainees: int, **overrides: Any) -> TrainingClass:
    """A submitted class of the programme whose trainees all declared the group."""
    tc = draft_class(w, programme=programme, planned_trainees=trainees, **overrides)
    rows = fresh_rows(trainees)
    for r in rows:
        r["group"] = group
    assert upload(w, tc, rows).status == "accepted"
    return services.class_submit(actor=w.users["institution"], training_class=tc, today=APPLIED)


def _opened(
    w: World, code: str, programme: str, group: str, trainees: int, **overrides: Any
) -> TrainingClass:
    tc = grouped_class(w, programme, group, trainees, **overrides)
    # Given the class opened (supervision's opening check is tested in its own app)
    TrainingClass.objects.filter(pk=tc.pk).update(state=ClassState.IN_TRAINING)
    return tc


def test_j03_hc21_group_targets_are_counted_from_the_enrolments_of_opened_classes(world: World) -> None:
    under(world, "HC21")
    # Given HC21 附件1's 退役军人 row (200) for 金水区 2021, an opened 退役军人 class of 4, another of 3
    # (one trainee confirmed), and a class still under review that does not count yet
    plan = Plan.objects.create(
        year=2021, region=world.jinshui, source="附件1", title="任务分解表", layout=Plan.Layout.TASK,
        created_by=world.users["hr_admin"],
    )  # fmt: skip
    Target.objects.create(
        plan=plan, indicator="training", region=world.jinshui, label="退役军人技能培训", persons=200
    )
    _opened(world, "HC21", "hc_veteran", "退役军人", 4)
    second = _opened(world, "HC21", "hc_veteran", "退役军人", 3)
    second.enrolments.filter(row=2).update(
        group_confirmed_by=world.users["hr_first"], group_confirmed_at=APPLIED_AT
    )
    grouped_class(world, "hc_disabled", "残疾人", 2)
    # When the bureau opens the page and the API
    client = world.client(world.users["hr_admin"])
    page = client.get(f"/targets/programmes/?year=2021&region={world.jinshui.pk}").content.decode()
    api = json.loads(client.get(f"/api/v1/plans/programmes?year=2021&region_id={world.jinshui.pk}").content)
    # Then the 退役军人 programme shows 2 classes, 7 person-times, 1 confirmed, 3.5% of 200
    veteran = next(r for r in api["programmes"] if r["code"] == "hc_veteran")
    assert (veteran["target"], veteran["count"]) == (
        200,
        {"classes": 2, "trainees": 7, "confirmed": 1, "upgrade": 0},
    )
    assert veteran["groups"] == ["退役军人"]
    disabled = next(r for r in api["programmes"] if r["code"] == "hc_disabled")
    assert (disabled["target"], disabled["count"]) == (
        None,
        {"classes": 0, "trainees": 0, "confirmed": 0, "upgrade": 0},
    )
    by_group = {g["code"]: g["count"]["trainees"] for g in api["groups"]}
    assert (by_group["veteran"], by_group["disabled"], api["profile"]) == (7, 0, "HC21 v1")
    assert "退役军人技能培训" in page and "3.5%" in page
    assert len(api["programmes"]) == 14


@pytest.mark.parametrize("code", list(PROGRAMMES))
def test_j03_every_profile_lists_its_own_programmes_on_the_page(world: World, code: str) -> None:
    under(world, code)
    programme = PROGRAMMES[code][0]
    _opened(world, code, programme, PROGRAMMES[code][1], 2)
    client = world.client(world.users["hr_admin"])
    api = json.loads(client.get(f"/api/v1/plans/programmes?year=2021&region_id={world.jinshui.pk}").content)
    counted = {r["code"]: r["count"]["trainees"] for r in api["programmes"] if r["count"]["trainees"]}
    assert (api["profile"], counted) == (f"{code} v1", {programme: 2})


def test_j03_xc19_programmes_show_their_share_of_skill_upgrading_against_the_documents_least(
    world: World,
) -> None:
    under(world, "XC19")
    # Given XC19 二(一)4 (现代服务业, 技能提升 ≥ 50%): a 就业技能 class of 2 and a 脱产 (技能提升) class of 2;
    # and 二(一)6 (高危行业, ≥ 80%): one 就业技能 class of 3
    _opened(world, "XC19", "xc19_services", "失业人员", 2, funding_type="employment")
    _opened(world, "XC19", "xc19_services", "失业人员", 2, funding_type="off_job")
    _opened(world, "XC19", "xc19_hazard", "失业人员", 3, funding_type="employment")
    client = world.client(world.users["hr_admin"])
    api = json.loads(client.get(f"/api/v1/plans/programmes?year=2021&region_id={world.jinshui.pk}").content)
    rows = {r["code"]: r for r in api["programmes"]}
    # Then 现代服务业 is at 50% (not short of 50%), 高危行业 at 0% short of 80%; 创业 names no share
    assert (rows["xc19_services"]["count"]["upgrade"], rows["xc19_services"]["upgrade_short"]) == (2, False)
    assert rows["xc19_services"]["upgrade_share_min"] == "0.50"
    assert (rows["xc19_hazard"]["count"], rows["xc19_hazard"]["upgrade_short"]) == (
        {"classes": 1, "trainees": 3, "confirmed": 0, "upgrade": 0},
        True,
    )
    assert rows["xc19_startup"]["upgrade_share_min"] is None
    page = client.get(f"/targets/programmes/?year=2021&region={world.jinshui.pk}").content.decode()
    assert '低于文件要求的技能提升培训占比">0.0%</span>（≥80%）' in page
    assert "50.0%（≥50%）" in page


APPLIED_AT = dt.datetime(2021, 5, 20, 10, 0, tzinfo=dt.UTC)


def test_j03_a_city_counts_the_programmes_of_its_districts_classes(world: World) -> None:
    # Given an opened 金水区 class of ZZ21's 乡村振兴 programme, when 郑州市 (the city above it) is asked
    _opened(world, "ZZ21", "zz_rural", "脱贫人口", 3)
    api = json.loads(
        world.client(world.users["hr_admin"])
        .get(f"/api/v1/plans/programmes?year=2021&region_id={world.zhengzhou.pk}")
        .content
    )
    counted = {r["code"]: r["count"]["trainees"] for r in api["programmes"] if r["count"]["trainees"]}
    by_group = {g["code"]: g["count"]["trainees"] for g in api["groups"] if g["count"]["trainees"]}
    assert (api["region"], counted, by_group) == ("郑州市", {"zz_rural": 3}, {"poverty": 3})

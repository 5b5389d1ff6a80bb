"""The supervision step pages: lesson videos (C04–C06), leave and make-up lessons (C08), ending a class
(C01, C02) and the satisfaction survey (C09), and the links to them on the class pages.

Each page: the happy path writes exactly its rows and audit event; a refusal shows the rule ID and the
clause next to the field and changes nothing; bad input gets a clear message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.policy.identity import mask_id_number
from jineng.regions.models import ProfileAssignment
from jineng.supervision.models import Inspection, Leave, LessonVideo, Summary
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState, TrainingClass

pytestmark = pytest.mark.django_db

ZZ21_C04 = "ZZ21 六(一) 理论教学须全程录像，实操培训每学时连续录像不低于15分钟"
# The class is in Zhengzhou: the clauses quoted are ZZ21's own, not another city's document.
C08_FALLBACK = "ZZ21 本文件未规定请假补课计入到课率"
# The C01 clause exactly as the application has always quoted it (it now lives in the profiles' [clauses]).
C01_CLAUSE = (
    "ZZ21 六(一) 严格落实年度补贴性培训申请表（见附件2）规定流程开展培训；附件2 过程监管：开班当日检查情况，"
    "培训期间检查情况（时间、地点、师资情况、学员出勤情况、检查人员签字）"
)
HC21_C08 = "HC21 三(二) 履行书面请假手续的，可在结业考核前通过补课等方式完成规定课程，并计入培训到课率"
ZZ21_C09 = "ZZ21 六(二)3 低于85%的停止培训开班，给予为期一个月的整改期"


def today() -> dt.date:
    return timezone.localdate()


def running(
    w: World,
    *,
    state: str = ClassState.IN_TRAINING,
    started: int = 1,
    left: int = 30,
    xc: bool = False,
    year: int = 2021,
) -> TrainingClass:
    """A class under way around today (Zhengzhou under ZZ21, or Xuchang under XC23), opened with 3."""
    where: dict[str, Any] = (
        {"region": w.weidu, "institution": w.xc_school, "department": w.xc_industry, "year": 2023}
        if xc
        else {"year": year}
    )
    tc = make_class(
        w,
        state=state,
        start=today() - dt.timedelta(days=started),
        end=today() + dt.timedelta(days=left),
        **where,
    )
    Summary.objects.create(training_class=tc, opening_headcount=3)
    return tc


def last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def events_since(mark: int) -> list[str]:
    return list(Event.objects.filter(pk__gt=mark).order_by("pk").values_list("action", flat=True))


def clerk(w: World, xc: bool = False) -> Any:
    return w.client((w.outsiders if xc else w.users)[Role.INSTITUTION])


# --- C04–C06 lesson videos -----------------------------------------------------------------------------------


def video_data(**kw: Any) -> dict[str, Any]:
    data = {
        "lesson_date": today().isoformat(),
        "kind": "practical",
        "hours": "2",
        "filmed_minutes": "90",
        "continuous_minutes_per_hour": "20，18",
        "not_all_visible": "0",
        "video_ref": "VID-0601",
    }
    data.update(kw)
    return data


def test_c04_video_page_records_a_practical_lesson(world: World) -> None:
    # Given a Zhengzhou class in training and its institution's clerk
    tc = running(world)
    client = clerk(world)
    page = client.get(f"/supervision/classes/{tc.pk}/videos/").content.decode()
    assert "登记一次课的录像" in page and "每学时连续录像分钟数" in page and ZZ21_C04 in page
    mark = last_event()
    # When the clerk records a two-hour practical lesson filmed 20 and 18 minutes unbroken per hour
    response = client.post(f"/supervision/classes/{tc.pk}/videos/", video_data())
    # Then exactly one video is stored as entered, with its audit event, and the page says so
    assert response.status_code == 302 and response["Location"] == f"/supervision/classes/{tc.pk}/videos/"
    v = LessonVideo.objects.get()
    assert (v.lesson_date, v.kind, v.hours, v.filmed_minutes) == (today(), "practical", 2, 90)
    assert (v.continuous_minutes_per_hour, v.not_all_visible, v.video_ref) == ([20, 18], 0, "VID-0601")
    assert v.retain_until is None  # C06: ZZ21 fixes no retention period
    assert events_since(mark) == ["lesson.video_recorded"]
    shown = client.get(response["Location"]).content.decode()
    assert f"已登记 {today():%Y-%m-%d} 实操课录像 VID-0601" in shown and "20、18" in shown


def test_c04_short_continuous_video_refused_next_to_the_field(world: World) -> None:
    # Given a class in training
    tc = running(world)
    mark = last_event()
    # When the second hour's longest unbroken recording is 14 minutes (ZZ21: at least 15)
    response = clerk(world).post(
        f"/supervision/classes/{tc.pk}/videos/", video_data(continuous_minutes_per_hour="20,14")
    )
    # Then the refusal names C04 and its clause under the per-hour field, and nothing was written
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["continuous_minutes_per_hour"] == [
        f"“录像时长”：第1次课（{today().isoformat()}）实操培训每学时连续录像须不少于 15 分钟："
        f"第2学时 14 分钟（规则 C04，依据 {ZZ21_C04}）"
    ]
    assert form.non_field_errors() == ["授课录像不符合要求，未登记"]
    assert "规则 C04" in response.content.decode()
    assert LessonVideo.objects.count() == 0 and events_since(mark) == []


def test_c04_theory_lesson_filmed_short_refused_under_filmed_minutes(world: World) -> None:
    tc = running(world)
    response = clerk(world).post(
        f"/supervision/classes/{tc.pk}/videos/",
        video_data(kind="theory", hours="2", filmed_minutes="80", continuous_minutes_per_hour=""),
    )
    # 2 class hours × 45 minutes = 90 minutes must be filmed in full.
    assert response.context["form"].errors["filmed_minutes"] == [
        f"“录像时长”：第1次课（{today().isoformat()}）理论教学录像 80 分钟，少于课时 90 分钟："
        f"理论教学须全程录像（规则 C04，依据 {ZZ21_C04}）"
    ]
    assert LessonVideo.objects.count() == 0


def test_video_bad_input_gets_clear_messages_and_changes_nothing(world: World) -> None:
    tc = running(world)
    mark = last_event()
    response = clerk(world).post(
        f"/supervision/classes/{tc.pk}/videos/",
        video_data(lesson_date="2021-13-01", filmed_minutes="九十", continuous_minutes_per_hour="20,十八"),
    )
    errors = response.context["form"].errors
    assert errors["lesson_date"] == ["“授课日期”不是有效日期：日期格式为 年-月-日，如 2021-06-01"]
    assert errors["filmed_minutes"] == ["“录像分钟数”须为整数分钟，如 45"]
    assert errors["continuous_minutes_per_hour"] == [
        "“每学时连续录像分钟数”须为整数分钟，逐学时用逗号分隔，如 20,18（填写的是“20,十八”）"
    ]
    assert LessonVideo.objects.count() == 0 and events_since(mark) == []


def test_c05_c06_xc23_third_lesson_not_showing_everyone_forfeits_and_keeps_three_years(world: World) -> None:
    # Given a Xuchang class (XC23: forfeit at 3 lessons not showing everyone, keep video 3 years)
    tc = running(world, xc=True, started=3)
    client = clerk(world, xc=True)
    first = today() - dt.timedelta(days=1)
    client.post(
        f"/supervision/classes/{tc.pk}/videos/",
        video_data(lesson_date=first.isoformat(), not_all_visible="2", video_ref="V1"),
    )
    mark = last_event()
    # When a second lesson adds one more time the video did not show every trainee
    response = client.post(
        f"/supervision/classes/{tc.pk}/videos/", video_data(not_all_visible="1", video_ref="V2"), follow=True
    )
    # Then the class loses its subsidy (C05), once, and the page says why with the rule and clause
    summary = Summary.objects.get(training_class=tc)
    assert (summary.not_all_visible_total, summary.subsidy_forfeited) == (3, True)
    assert events_since(mark) == ["lesson.video_recorded", "class.subsidy_forfeited"]
    page = response.content.decode()
    assert "本班已取消补贴资格：" in page and "规则 C05" in page
    assert "XC23 二(三)2 对同一班次录像无法显示全体参训人员达3次及以上的取消补贴资格" in page
    assert LessonVideo.objects.get(video_ref="V1").retain_until == first.replace(year=first.year + 3)


def test_video_page_for_an_approved_class_offers_no_form_and_refuses_a_post(world: World) -> None:
    tc = running(world, state=ClassState.APPROVED)
    client = clerk(world)
    page = client.get(f"/supervision/classes/{tc.pk}/videos/").content.decode()
    assert "登记录像</button>" not in page and "培训班当前状态为“已批准待开班”" in page
    response = client.post(f"/supervision/classes/{tc.pk}/videos/", video_data())
    assert response.context["form"].non_field_errors() == [
        "“状态”：培训班当前状态为“已批准待开班”，不能登记授课录像"
    ]
    assert LessonVideo.objects.count() == 0


# --- C08 leave and make-up lessons ------------------------------------------------------------------------


def first_enrolment(tc: TrainingClass) -> Any:
    e = tc.enrolments.order_by("row").first()
    assert e is not None
    return e


def test_c08_leave_page_records_a_written_leave_and_masks_id_numbers(world: World) -> None:
    # Given a class in training; the clerk does not need whole ID numbers
    tc = running(world)
    e = first_enrolment(tc)
    client = clerk(world)
    page = client.get(f"/supervision/classes/{tc.pk}/leaves/").content.decode()
    assert mask_id_number(e.person.id_number) in page and e.person.id_number not in page
    mark = last_event()
    # When the clerk records a written leave for yesterday's lesson
    response = client.post(
        f"/supervision/classes/{tc.pk}/leaves/",
        {"enrolment": e.pk, "lesson_date": tc.start_date.isoformat(), "reason": "病假", "written": "on"},
    )
    # Then one leave, with its event; the list shows it with the masked number
    assert response.status_code == 302
    leave = Leave.objects.get()
    assert (leave.enrolment_id, leave.lesson_date, leave.reason, leave.written) == (
        e.pk,
        tc.start_date,
        "病假",
        True,
    )
    assert (leave.made_up_on, leave.recorded_by) == (None, world.users[Role.INSTITUTION])
    assert events_since(mark) == ["leave.recorded"]
    listed = client.get(response["Location"]).content.decode()
    assert f"已登记 {e.person.name} {tc.start_date:%Y-%m-%d} 的书面请假" in listed
    assert mask_id_number(e.person.id_number) in listed and e.person.id_number not in listed


def test_c08_leave_without_written_request_refused_next_to_the_field(world: World) -> None:
    tc = running(world)
    e = first_enrolment(tc)
    mark = last_event()
    response = clerk(world).post(
        f"/supervision/classes/{tc.pk}/leaves/",
        {"enrolment": e.pk, "lesson_date": tc.start_date.isoformat(), "reason": "病假"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["written"] == [
        f"“书面请假”：须履行书面请假手续，口头请假不予登记（规则 C08，依据 {C08_FALLBACK}）"
    ]
    assert Leave.objects.count() == 0 and events_since(mark) == []


def test_c08_leave_bad_input_and_a_trainee_of_another_class(world: World) -> None:
    tc = running(world)
    other = make_class(world, state=ClassState.IN_TRAINING, institution=world.zz_school)
    response = clerk(world).post(
        f"/supervision/classes/{tc.pk}/leaves/",
        {"enrolment": first_enrolment(other).pk, "lesson_date": "6月1日", "reason": "病假", "written": "on"},
    )
    errors = response.context["form"].errors
    assert errors["enrolment"] == ["所选学员不在本班花名册中"]
    assert errors["lesson_date"] == ["“请假课程日期”不是有效日期：日期格式为 年-月-日，如 2021-06-01"]
    assert Leave.objects.count() == 0


def hc21_class(w: World) -> TrainingClass:
    """A Zhengzhou class judged under HC21 (make-up lessons count toward attendance, C08)."""
    ProfileAssignment.objects.create(region=w.zhengzhou, year=2022, profile_code="HC21", profile_version=1)
    return running(w, year=2022)


def leave_of(w: World, tc: TrainingClass) -> Leave:
    return Leave.objects.create(
        enrolment=first_enrolment(tc),
        lesson_date=tc.start_date,
        reason="病假",
        recorded_by=w.users[Role.INSTITUTION],
    )


def test_c08_make_up_by_htmx_updates_the_row(world: World) -> None:
    # Given a leave in a class whose profile (HC21) counts make-up lessons
    tc = hc21_class(world)
    leave = leave_of(world, tc)
    client = clerk(world)
    page = client.get(f"/supervision/classes/{tc.pk}/leaves/").content.decode()
    assert f'hx-post="/supervision/leaves/{leave.pk}/makeup/"' in page and HC21_C08 in page
    mark = last_event()
    # When the clerk records the filmed make-up lesson from the leave's row
    response = client.post(
        f"/supervision/leaves/{leave.pk}/makeup/",
        {f"m{leave.pk}-made_up_on": today().isoformat(), f"m{leave.pk}-video_ref": "BK-01"},
        HTTP_HX_REQUEST="true",
    )
    # Then the row comes back marked made up, and the leave and the trail say so
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith(f'<tr id="leave-{leave.pk}">')
    assert "已补课" in body and "BK-01" in body
    leave.refresh_from_db()
    assert (leave.made_up_on, leave.make_up_video_ref) == (today(), "BK-01")
    assert events_since(mark) == ["leave.made_up"]


def test_c08_make_up_without_video_refused_in_the_row(world: World) -> None:
    tc = hc21_class(world)
    leave = leave_of(world, tc)
    mark = last_event()
    response = clerk(world).post(
        f"/supervision/leaves/{leave.pk}/makeup/",
        {f"m{leave.pk}-made_up_on": today().isoformat(), f"m{leave.pk}-video_ref": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        f"“补课录像编号”：补课须全程录像，请填写录像编号（规则 C08，依据 {HC21_C08}）"
        in response.content.decode()
    )
    leave.refresh_from_db()
    assert (leave.made_up_on, leave.make_up_video_ref) == (None, "")
    assert events_since(mark) == []


def test_c08_make_up_without_htmx_redirects_with_the_refusal(world: World) -> None:
    tc = hc21_class(world)
    leave = leave_of(world, tc)
    response = clerk(world).post(
        f"/supervision/leaves/{leave.pk}/makeup/",
        {f"m{leave.pk}-made_up_on": "昨天", f"m{leave.pk}-video_ref": "BK-01"},
        follow=True,
    )
    assert "“补课日期”不是有效日期：日期格式为 年-月-日，如 2021-06-01" in response.content.decode()
    leave.refresh_from_db()
    assert leave.made_up_on is None


def test_c08_zz21_offers_no_make_up_and_says_why(world: World) -> None:
    tc = running(world)
    leave = leave_of(world, tc)
    page = clerk(world).get(f"/supervision/classes/{tc.pk}/leaves/").content.decode()
    assert "ZZ21 未规定请假补课计入到课率：本文件未规定请假补课" in page
    assert f"/supervision/leaves/{leave.pk}/makeup/" not in page


# --- C01, C02 end of training -------------------------------------------------------------------------------


def inspect(w: World, tc: TrainingClass, *present: int) -> None:
    for n in present:
        Inspection.objects.create(
            training_class=tc,
            at=timezone.now(),
            place="实训楼",
            teachers_present="王老师",
            trainees_present=n,
            inspector=w.users[Role.INSPECTOR],
        )


def test_c02_end_page_ends_the_class_with_the_average_present(world: World) -> None:
    # Given a class whose end date is today, inspected twice with 3 and 2 present
    tc = running(world, started=20, left=0)
    inspect(world, tc, 3, 2)
    client = clerk(world)
    page = client.get(f"/supervision/classes/{tc.pk}/end/").content.decode()
    assert "确认结业</button>" in page
    mark = last_event()
    # When the clerk confirms the end of training
    response = client.post(f"/supervision/classes/{tc.pk}/end/", follow=True)
    # Then the class has ended with 2 trained (the average 2.5 rounded down, C02), one event
    tc.refresh_from_db()
    summary = Summary.objects.get(training_class=tc)
    assert tc.state == ClassState.ENDED
    assert (summary.trained_headcount, summary.inspections_counted, summary.ended_on) == (2, 2, today())
    assert events_since(mark) == ["class.ended"]
    assert f"{tc.ref} 已结业：培训人数按 2 次检查的在位平均人数计为 2 人（C02）" in response.content.decode()


def test_c01_end_without_inspection_refused_with_rule_and_clause(world: World) -> None:
    tc = running(world, started=20, left=0)
    mark = last_event()
    response = clerk(world).post(f"/supervision/classes/{tc.pk}/end/")
    assert response.status_code == 200
    assert response.context["errors"] == [
        "“培训期间检查”：本班尚无培训期间检查记录：培训期间至少进行一次实地检查或随机抽查，"
        f"培训人数以检查在位平均人数为准（规则 C01，依据 {C01_CLAUSE}）"
    ]
    tc.refresh_from_db()
    assert tc.state == ClassState.IN_TRAINING and events_since(mark) == []
    assert Summary.objects.get(training_class=tc).trained_headcount is None


def test_end_before_the_end_date_offers_no_button(world: World) -> None:
    tc = running(world)
    inspect(world, tc, 3)
    page = clerk(world).get(f"/supervision/classes/{tc.pk}/end/").content.decode()
    assert (
        "确认结业</button>" not in page
        and f"结业日期为 {tc.end_date.year}年{tc.end_date.month}月{tc.end_date.day}日，到期后方可办理结业"
        in page
    )


# --- C09 satisfaction ----------------------------------------------------------------------------------------


def ended(w: World) -> TrainingClass:
    tc = running(w, state=ClassState.ENDED, started=20, left=0)
    Summary.objects.filter(training_class=tc).update(trained_headcount=3)
    return tc


def test_c09_inspector_records_the_survey(world: World) -> None:
    # Given an ended class and an inspector of the city
    tc = ended(world)
    client = world.client(world.users[Role.INSPECTOR])
    page = client.get(f"/supervision/classes/{tc.pk}/satisfaction/")
    assert page.context["form"]["surveyed"].value() == 3  # the trained headcount, to start from
    mark = last_event()
    # When 19 of 20 surveyed trainees are satisfied
    response = client.post(
        f"/supervision/classes/{tc.pk}/satisfaction/", {"surveyed": "20", "satisfied": "19"}
    )
    # Then the share is recorded with no consequence, one event
    assert response.status_code == 302 and response["Location"] == f"/supervision/classes/{tc.pk}/"
    s = Summary.objects.get(training_class=tc)
    assert (s.surveyed, s.satisfied, s.satisfaction_share, s.satisfaction_effect) == (
        20,
        19,
        Decimal("0.9500"),
        "",
    )
    assert events_since(mark) == ["class.satisfaction_recorded"]


def test_c09_below_the_minimum_shows_the_consequence_with_rule_and_clause(world: World) -> None:
    tc = ended(world)
    response = world.client(world.users[Role.HR_FIRST]).post(
        f"/supervision/classes/{tc.pk}/satisfaction/", {"surveyed": "20", "satisfied": "16"}, follow=True
    )
    page = response.content.decode()
    assert (
        f"“满意率”：培训满意率 80%，低于 85%：停止培训开班，整改期不少于 1 个月（规则 C09，依据 {ZZ21_C09}）"
        in page
    )
    s = Summary.objects.get(training_class=tc)
    assert (s.satisfaction_effect, s.assessment_suspended) == ("stop_opening", False)


def test_c09_more_satisfied_than_surveyed_refused_next_to_the_field(world: World) -> None:
    tc = ended(world)
    mark = last_event()
    response = world.client(world.users[Role.INSPECTOR]).post(
        f"/supervision/classes/{tc.pk}/satisfaction/", {"surveyed": "20", "satisfied": "21"}
    )
    assert response.context["form"].errors["satisfied"] == [
        "“满意人数”：调查人数至少 1 人，满意人数不能超过调查人数"
    ]
    assert Summary.objects.get(training_class=tc).surveyed is None and events_since(mark) == []


def test_c09_bad_input_and_the_clerk_may_not_enter_the_survey(world: World) -> None:
    tc = ended(world)
    response = world.client(world.users[Role.INSPECTOR]).post(
        f"/supervision/classes/{tc.pk}/satisfaction/", {"surveyed": "二十", "satisfied": ""}
    )
    assert response.context["form"].errors == {
        "surveyed": ["“调查人数”须为整数人数，如 45"],
        "satisfied": ["请填写满意人数"],
    }
    assert clerk(world).get(f"/supervision/classes/{tc.pk}/satisfaction/").status_code == 403


# --- links on the class pages ---------------------------------------------------------------------------------


def test_class_pages_link_each_step_only_for_who_can_act_now(world: World) -> None:
    # Given a class in training (end date ahead), an ended class, and a class ending today
    running_tc = running(world)
    ended_tc = ended(world)
    due = running(world, started=20, left=0)
    urls = {
        "videos": f"/supervision/classes/{running_tc.pk}/videos/",
        "leaves": f"/supervision/classes/{running_tc.pk}/leaves/",
        "end": f"/supervision/classes/{due.pk}/end/",
        "survey": f"/supervision/classes/{ended_tc.pk}/satisfaction/",
        "apply": f"/assessment/classes/{ended_tc.pk}/apply/",
    }

    def links(role: str, tc: TrainingClass, page: str = "training") -> set[str]:
        path = f"/classes/{tc.pk}/" if page == "training" else f"/supervision/classes/{tc.pk}/"
        html = world.client(world.users[role]).get(path).content.decode()
        return {k for k, u in urls.items() if f'href="{u}"' in html}

    # Then the clerk gets the running class's records, the ended class's application, the due class's end
    assert links(Role.INSTITUTION, running_tc) == {"videos", "leaves"}
    assert links(Role.INSTITUTION, running_tc, "supervision") == {"videos", "leaves"}
    assert links(Role.INSTITUTION, ended_tc) == {"apply"}
    assert links(Role.INSTITUTION, due) == {"end"}
    # the inspector the survey and the end, the department reviewer nothing
    assert links(Role.INSPECTOR, ended_tc) == {"survey"}
    assert links(Role.INSPECTOR, due, "supervision") == {"end"}
    assert links(Role.INSPECTOR, running_tc) == set()
    assert links(Role.DEPT_FIRST, due) == set() and links(Role.DEPT_FIRST, ended_tc) == set()
    # and a suspended assessment (C09) is not offered for application
    Summary.objects.filter(training_class=ended_tc).update(assessment_suspended=True)
    assert links(Role.INSTITUTION, ended_tc) == set()

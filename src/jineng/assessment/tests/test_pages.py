"""The assessment pages: the institution's application form from the class page (E01, E03–E05, C09) and
the evaluation body's per-trainee results form (all or nothing, next to the workbook upload).

Each: the happy path writes exactly its rows and audit events; a refusal shows the rule ID and the
clause next to the field (or the trainee's line) and changes nothing; bad input gets a clear message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jineng.assessment.models import Assessment, Result
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.policy.identity import mask_id_number
from jineng.supervision.models import Summary
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState, Enrolment, TrainingClass

pytestmark = pytest.mark.django_db

# The E02 clause exactly as the application has always quoted it (it now lives in the profiles' [clauses]).
E02_CLAUSE = "ZZ21 附件2；XC23 附件3 结业考核（职业资格、职业技能等级、特种作业、专项能力、培训合格证书）"

ZZ21_E01 = "ZZ21 附件2 组织考核（评价、鉴定）时间提前3天提出"
ZZ21_E04 = "ZZ21 六(二)3 政府补贴性培训一律实行线下考核"


def today() -> dt.date:
    return timezone.localdate()


def last_event() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def events_since(mark: int) -> list[str]:
    return list(Event.objects.filter(pk__gt=mark).order_by("pk").values_list("action", flat=True))


def ended(w: World, *, suspended: bool = False) -> TrainingClass:
    """A Zhengzhou class (ZZ21) that ended today, trained 3."""
    tc = make_class(w, state=ClassState.ENDED, start=today() - dt.timedelta(days=20), end=today(), year=2021)
    Summary.objects.create(
        training_class=tc, opening_headcount=3, trained_headcount=3, assessment_suspended=suspended
    )
    return tc


def apply_data(w: World, **kw: Any) -> dict[str, Any]:
    data = {
        "body": w.zz_station.pk,
        "certificate_kind": "skill_level",
        "level": "4",
        "assessment_date": (today() + dt.timedelta(days=3)).isoformat(),
        "offline": "1",
        "exam_set_by": "",
        "venue": "实训楼 301",
    }
    data.update(kw)
    return data


# --- the application ------------------------------------------------------------------------------------


def test_e01_clerk_applies_from_the_class_page(world: World) -> None:
    # Given an ended class; its page offers the application to the institution's clerk
    tc = ended(world)
    client = world.client(world.users[Role.INSTITUTION])
    assert f'href="/assessment/classes/{tc.pk}/apply/"' in client.get(f"/classes/{tc.pk}/").content.decode()
    form = client.get(f"/assessment/classes/{tc.pk}/apply/").context["form"]
    assert (form["certificate_kind"].value(), form["level"].value()) == ("skill_level", 4)
    assert (
        world.zz_station.name in form["body"].as_widget()
        and world.zz_school.name not in form["body"].as_widget()
    )
    mark = last_event()
    # When the clerk asks for a skill-level assessment exactly 3 days ahead (ZZ21 E01: 3 days)
    response = client.post(f"/assessment/classes/{tc.pk}/apply/", apply_data(world))
    # Then one assessment as entered, the class moves on, one event; the detail page opens
    a = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/{a.pk}/"
    assert (a.training_class_id, a.body_id, a.certificate_kind, a.level) == (
        tc.pk,
        world.zz_station.pk,
        "skill_level",
        4,
    )
    assert (a.assessment_date, a.applied_on, a.offline, a.exam_set_by, a.venue) == (
        today() + dt.timedelta(days=3),
        today(),
        True,
        "",
        "实训楼 301",
    )
    tc.refresh_from_db()
    assert tc.state == ClassState.ASSESSMENT_APPLIED
    assert events_since(mark) == ["class.assessment_applied"]


def test_e01_assessment_two_days_ahead_refused_next_to_the_date(world: World) -> None:
    tc = ended(world)
    mark = last_event()
    day = today() + dt.timedelta(days=2)
    response = world.client(world.users[Role.INSTITUTION]).post(
        f"/assessment/classes/{tc.pk}/apply/", apply_data(world, assessment_date=day.isoformat())
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["assessment_date"] == [
        f"“考核日期”：考核日期 {day.isoformat()} 仅提前 2 天申报（{today().isoformat()}），须提前 3 天"
        f"（规则 E01，依据 {ZZ21_E01}）"
    ]
    assert form.non_field_errors() == ["结业考核申请未通过检查，未提交"]
    assert Assessment.objects.count() == 0 and events_since(mark) == []
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ENDED


def test_e04_online_assessment_refused_next_to_the_mode(world: World) -> None:
    tc = ended(world)
    response = world.client(world.users[Role.INSTITUTION]).post(
        f"/assessment/classes/{tc.pk}/apply/", apply_data(world, offline="0")
    )
    assert response.context["form"].errors["offline"] == [
        f"“考核方式”：政府补贴性培训一律实行线下考核（规则 E04，依据 {ZZ21_E04}）"
    ]
    assert Assessment.objects.count() == 0


def test_apply_bad_input_gets_clear_messages(world: World) -> None:
    tc = ended(world)
    client = world.client(world.users[Role.INSTITUTION])
    response = client.post(f"/assessment/classes/{tc.pk}/apply/", apply_data(world, assessment_date="下周三"))
    assert response.context["form"].errors == {
        "assessment_date": ["“考核日期”不是有效日期：日期格式为 年-月-日，如 2021-06-01"]
    }
    # I09: a training institution is filed for nothing: it is not offered, so it cannot be chosen.
    response = client.post(f"/assessment/classes/{tc.pk}/apply/", apply_data(world, body=world.zz_school.pk))
    assert response.context["form"].errors == {
        "body": ["所选机构未备案本班职业，或备案区域不含本班所在地区（规则 I09）"]
    }
    response = client.post(f"/assessment/classes/{tc.pk}/apply/", apply_data(world, level=""))
    assert response.context["form"].errors == {
        "level": ["“等级”：职业资格证书、职业技能等级证书须填写等级（1–5）"]
    }
    assert Assessment.objects.count() == 0


def test_c09_suspended_assessment_offers_no_form_and_is_refused(world: World) -> None:
    tc = ended(world, suspended=True)
    client = world.client(world.users[Role.INSTITUTION])
    page = client.get(f"/assessment/classes/{tc.pk}/apply/").content.decode()
    assert "结业考核已暂停（规则 C09）" in page and "提交申请</button>" not in page
    assert (
        f'href="/assessment/classes/{tc.pk}/apply/"' not in client.get(f"/classes/{tc.pk}/").content.decode()
    )
    mark = last_event()
    response = client.post(f"/assessment/classes/{tc.pk}/apply/", apply_data(world))
    assert response.context["form"].non_field_errors() == [
        "“满意率”：本班培训满意率低于规定比例，结业考核已暂停：须重新组织培训或取消当班补贴资格"
        "（规则 C09，依据 ZZ21 六(二)3 低于85%的停止培训开班，给予为期一个月的整改期）"
    ]
    assert Assessment.objects.count() == 0 and events_since(mark) == []


# --- the per-trainee results ------------------------------------------------------------------------------


def applied(w: World) -> Assessment:
    tc = make_class(
        w,
        state=ClassState.ASSESSMENT_APPLIED,
        start=today() - dt.timedelta(days=30),
        end=today() - dt.timedelta(days=10),
    )
    # As a real submission does, the class carries the profile it was judged under (results quote its E02).
    TrainingClass.objects.filter(pk=tc.pk).update(profile_code="ZZ21", profile_version=1)
    tc.refresh_from_db()
    return Assessment.objects.create(
        training_class=tc,
        body=w.zz_station,
        certificate_kind="skill_level",
        level=4,
        assessment_date=today() - dt.timedelta(days=5),
        applied_on=today() - dt.timedelta(days=10),
        applied_by=w.users[Role.INSTITUTION],
    )


def trainees(a: Assessment) -> list[Enrolment]:
    return list(a.training_class.enrolments.select_related("person").order_by("row"))


def line(e: Enrolment, outcome: str, number: str = "", **kw: str) -> dict[str, str]:
    data = {"outcome": outcome, "certificate_kind": "skill_level", "level": "4", "certificate_number": number}
    data.update(kw)
    return {f"e{e.pk}-{k}": v for k, v in data.items()}


def common(day: dt.date | None = None, issuer: str = "河南省职业技能鉴定中心") -> dict[str, str]:
    return {"all-issued_on": (day or today()).isoformat(), "all-issuer": issuer}


def test_results_form_enters_every_trainee_and_the_class_is_assessed(world: World) -> None:
    # Given an applied assessment of 3 trainees and its evaluation body's clerk (masked ID numbers)
    a = applied(world)
    e1, e2, e3 = trainees(a)
    client = world.client(world.users[Role.EVALUATOR])
    assert f'href="/assessment/{a.pk}/results/"' in client.get(f"/assessment/{a.pk}/").content.decode()
    page = client.get(f"/assessment/{a.pk}/results/").content.decode()
    assert mask_id_number(e1.person.id_number) in page and e1.person.id_number not in page
    mark = last_event()
    # When two pass (one with her own issue date) and one fails, in one submission
    response = client.post(
        f"/assessment/{a.pk}/results/",
        {
            **common(),
            **line(e1, "pass", "S-0001"),
            **line(e2, "pass", "S-0002", issued_on=(today() - dt.timedelta(days=1)).isoformat()),
            **line(e3, "fail"),
        },
    )
    # Then three results exactly as entered, the class is assessed, two events
    assert response.status_code == 302 and response["Location"] == f"/assessment/{a.pk}/"
    got = {
        r.enrolment_id: (r.passed, r.certificate_kind, r.level, r.certificate_number, r.issued_on, r.issuer)
        for r in Result.objects.all()
    }
    assert got == {
        e1.pk: (True, "skill_level", 4, "S-0001", today(), "河南省职业技能鉴定中心"),
        e2.pk: (True, "skill_level", 4, "S-0002", today() - dt.timedelta(days=1), "河南省职业技能鉴定中心"),
        e3.pk: (False, "", None, "", None, ""),
    }
    a.refresh_from_db()
    assert a.state == Assessment.State.RESULTS_ENTERED
    assert TrainingClass.objects.get(pk=a.training_class_id).state == ClassState.ASSESSED
    assert events_since(mark) == ["assessment.results_entered", "class.assessed"]


def test_results_form_with_one_bad_line_enters_nothing_and_marks_the_line(world: World) -> None:
    a = applied(world)
    e1, e2, e3 = trainees(a)
    mark = last_event()
    response = world.client(world.users[Role.EVALUATOR]).post(
        f"/assessment/{a.pk}/results/",
        {**common(), **line(e1, "pass", "S-0001"), **line(e2, "pass", ""), **line(e3, "pass", "S-0001")},
    )
    assert response.status_code == 200
    forms = {e.pk: f for e, _, f in response.context["lines"]}
    assert forms[e1.pk].errors == {}
    assert forms[e2.pk].errors == {
        "certificate_number": [
            f"第{e2.row}行“证书编号”：合格学员须填写证书编号（规则 E02，依据 {E02_CLAUSE}）"
        ]
    }
    assert forms[e3.pk].errors == {
        "certificate_number": [f"第{e3.row}行“证书编号”：证书编号重复（规则 E02，依据 {E02_CLAUSE}）"]
    }
    assert response.context["common"].non_field_errors() == ["共 3 行，其中 2 行有问题，未录入任何结果"]
    assert Result.objects.count() == 0 and events_since(mark) == []
    assert Assessment.objects.get(pk=a.pk).state == Assessment.State.APPLIED


def test_e03_other_certificate_kind_refused_on_the_line(world: World) -> None:
    a = applied(world)
    e1, _, _ = trainees(a)
    response = world.client(world.users[Role.EVALUATOR]).post(
        f"/assessment/{a.pk}/results/", {**common(), **line(e1, "pass", "C-1", certificate_kind="completion")}
    )
    forms = {e.pk: f for e, _, f in response.context["lines"]}
    assert forms[e1.pk].errors == {
        "certificate_kind": [
            f"第{e1.row}行“证书类型”：本次考核申请的证书类型为“职业技能等级证书”（规则 E03，依据 {E02_CLAUSE}）"
        ]
    }
    assert Result.objects.count() == 0


def test_results_form_part_of_the_class_keeps_the_assessment_open(world: World) -> None:
    a = applied(world)
    e1, _, _ = trainees(a)
    mark = last_event()
    client = world.client(world.users[Role.EVALUATOR])
    client.post(f"/assessment/{a.pk}/results/", {**common(), **line(e1, "pass", "S-0009")})
    assert list(Result.objects.values_list("enrolment_id", "certificate_number")) == [(e1.pk, "S-0009")]
    assert Assessment.objects.get(pk=a.pk).state == Assessment.State.APPLIED
    assert events_since(mark) == ["assessment.results_entered"]
    # The entered trainee is no longer on the form; the other two are.
    lines = client.get(f"/assessment/{a.pk}/results/").context["lines"]
    assert [e.pk for e, _, _ in lines] == [e.pk for e in trainees(a)[1:]]


def test_results_form_bad_input_and_nothing_chosen(world: World) -> None:
    a = applied(world)
    e1, _, _ = trainees(a)
    client = world.client(world.users[Role.EVALUATOR])
    response = client.post(
        f"/assessment/{a.pk}/results/", {**common(), **line(e1, "pass", "S-1", issued_on="2021-13-40")}
    )
    forms = {e.pk: f for e, _, f in response.context["lines"]}
    assert forms[e1.pk].errors == {
        "issued_on": ["“发证日期”不是有效日期：日期格式为 年-月-日，如 2021-06-01"]
    }
    response = client.post(f"/assessment/{a.pk}/results/", common())
    assert response.context["common"].non_field_errors() == ["“结果”：没有可录入的结果"]
    assert Result.objects.count() == 0

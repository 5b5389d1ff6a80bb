"""Events from platforms and devices, stored once, and what Jineng judges from them (D01, D03, D04, D06,
C02, C07): given a class and its trainees, when a platform or device sends, then ..."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from jineng.accounts.services import api_token_issue
from jineng.claims import entitle
from jineng.claims import services as claims
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.claims.tests.test_standards import INTERMEDIATE, item, standards, under
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.online import selectors, services
from jineng.online.models import CourseState, LearningEvent
from jineng.online.tests.factory import Log, at, enrolments, online_class, platform
from jineng.policy.profiles import get_profile
from jineng.supervision.models import Summary
from jineng.supervision.services import class_end
from jineng.supervision.tests.factory import occupation, xuchang_class
from jineng.training.models import ClassState, TrainingClass

D1 = dt.date(2021, 6, 7)


def _send(w: World, tc: TrainingClass, logs: list[Log]) -> services.IngestReport:
    org = tc.online_platform
    assert org is not None
    _, clerk = platform(w)
    return services.events_ingest(
        actor=clerk, sender=org, device=None, events=[e for log in logs for e in log.events]
    )


def test_a_batch_sent_twice_is_stored_once_and_bad_events_are_reported_one_by_one(world: World) -> None:
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org)
    first, second = list(enrolments(tc))
    log = Log(tc, first).lesson(1, at(D1, 9))
    report = services.events_ingest(actor=clerk, sender=org, device=None, events=log.events)
    assert (report.received, report.stored, report.duplicates, report.refused) == (
        len(log.events),
        len(log.events),
        0,
        [],
    )
    again = services.events_ingest(actor=clerk, sender=org, device=None, events=log.events)
    assert (again.stored, again.duplicates) == (0, len(log.events))
    assert LearningEvent.objects.filter(training_class_id=tc.pk).count() == len(log.events)

    # Given bad events among good ones, when sent, then each bad one is reported and the good one stored.
    other = online_class(world, platform_org=None, delivery="blended")  # not taught on this platform
    bad = Log(tc, second)
    bad.add("session_start", at(D1, 9), lesson=1)  # good
    bad.add("session_start", at(dt.date(2021, 7, 5), 9), lesson=1)  # after the class ended
    bad.add("warp", at(D1, 9, 5), lesson=1)  # no such kind
    bad.add("progress", at(D1, 9, 6))  # no lesson
    bad.add("face_in", at(D1, 8))  # a device's kind, from a platform
    stranger = Log(other, next(enrolments(other))).add("session_start", at(D1, 9), lesson=1)
    outsider = Log(tc, first)
    outsider.id_number = "410105198001011239"  # a real person, not on this roster
    outsider.add("session_start", at(D1, 9), lesson=1)
    report = services.events_ingest(
        actor=clerk, sender=org, device=None, events=bad.events + stranger.events + outsider.events
    )
    assert report.stored == 1
    assert [(r["index"], r["field"]) for r in report.refused] == [
        (1, "at"),
        (2, "kind"),
        (3, "lesson"),
        (4, "kind"),
        (5, "class_ref"),
        (6, "id_number"),
    ]
    assert report.refused[0]["message"] == "发生时间不在培训期间（2021-06-01至2021-06-30）"
    assert report.refused[5]["message"] == "该学员不在本班花名册中"


def test_the_ingestion_api_takes_a_platform_token_and_a_device_token_and_each_sees_only_its_own(
    world: World, client: object
) -> None:
    from django.test import Client

    org, clerk = platform(world)
    tc = online_class(world, platform_org=org, delivery="blended")
    first = next(enrolments(tc))
    _, platform_secret = api_token_issue(actor=clerk, name="平台对接")
    institution = world.users["institution"]
    device, device_secret = services.device_register(
        actor=institution, code="FACE-01", site="金水区文化路 1 号 201 室"
    )
    lesson = Log(tc, first).lesson(1, at(D1, 9))
    checks = Log(tc, first, prefix="d").day(D1, hours=8)

    def post(secret: str, log: Log) -> tuple[int, dict[str, object]]:
        body = {
            "events": [
                {k: (str(v) if isinstance(v, (Decimal, dt.datetime)) else v) for k, v in vars(e).items() if v is not None}
                if hasattr(e, "__dict__")
                else {f: (str(getattr(e, f)) if isinstance(getattr(e, f), (Decimal, dt.datetime)) else getattr(e, f))
                      for f in e.__slots__ if getattr(e, f) is not None}  # type: ignore[attr-defined]
                for e in log.events
            ]
        }  # fmt: skip
        r = Client().post(
            "/api/v1/online/events", json.dumps(body), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )  # fmt: skip
        return r.status_code, r.json()

    status, body = post(platform_secret, lesson)
    assert (status, body["stored"], body["refused"]) == (200, len(lesson.events), [])
    status, body = post(device_secret, checks)
    assert (status, body["stored"]) == (200, 2)
    # A platform may not send a device's check-ins, nor a device a platform's lessons.
    status, body = post(device_secret, Log(tc, first, prefix="x").lesson(2, at(D1, 14)))
    assert status == 200 and body["stored"] == 1  # only the photo is a device's kind
    assert {r["field"] for r in body["refused"]} == {"kind"}
    # The bureau's own user token is no sender; a revoked device is refused.
    _, staff_secret = api_token_issue(actor=world.users["hr_admin"], name="人社")
    assert post(staff_secret, checks)[0] == 403
    services.device_revoke(actor=institution, device=device)
    assert post(device_secret, checks)[0] == 401
    # An outside city's institution's device cannot report for this class.
    _, xc_secret = services.device_register(actor=world.outsiders["institution"], code="XC-1", site="魏都区")
    status, body = post(xc_secret, Log(tc, first, prefix="y").day(D1))
    assert status == 200 and body["stored"] == 0
    assert [r["field"] for r in body["refused"]] == ["class_ref", "class_ref"]


def test_the_class_record_lists_each_trainees_lessons_with_reasons_and_valid_hours(world: World) -> None:
    org, _ = platform(world)
    tc = online_class(world, platform_org=org, online_hours=2)
    clean, cheat = list(enrolments(tc))
    logs = [
        Log(tc, clean).lesson(1, at(D1, 9)).lesson(2, at(D1, 10)),
        Log(tc, cheat).lesson(1, at(D1, 9), speed="1.5").lesson(2, at(D1, 10), blur=True),
    ]
    _send(world, tc, logs)
    rows = {r.row: r for r in selectors.class_rows(tc)}
    assert (rows[2].valid_hours, rows[2].invalid_count, rows[2].online_ok) == (2, 0, True)
    assert (rows[3].valid_hours, rows[3].invalid_count, rows[3].online_ok) == (0, 2, False)
    assert [v.render() for v in rows[3].record.lessons[0].reasons] == [  # type: ignore[union-attr]
        "“第1课”：有快进播放（规则 D04，依据 ZZ21 六(二)2 对有快进播放、多窗口学习、连续5分钟内无弹窗管控、"
        "无法进行人脸活体比对、专业课程学习不按内容先后顺序设置管理、每课时无随机保留影像照片的，视同培训无效）"
    ]
    # C02 of a purely online class: the trained headcount comes from the logs, not an inspection.
    ended = class_end(actor=world.users["inspector"], training_class=tc, today=tc.end_date)
    assert ended.state == ClassState.ENDED
    assert Summary.objects.get(training_class=tc).trained_headcount == 1


def test_d01_lessons_of_a_course_count_only_once_the_province_approved_it(world: World) -> None:
    org, clerk = platform(world)
    tc = online_class(world, platform_org=org, online_hours=1)
    course = services.course_file(
        actor=clerk, code="DG-01", title="电工基础", occupation=occupation(),
        videos=[services.VideoIn(1, "安全用电", 45, "v/dg01-1.mp4")],
    )  # fmt: skip
    services.class_course_set(actor=world.users["institution"], training_class=tc, course=course)
    first = next(enrolments(tc))
    _send(world, tc, [Log(tc, first).lesson(1, at(D1, 9))])
    (row, *_) = selectors.class_rows(tc)
    assert row.valid_hours == 0
    assert [v.rule for v in row.record.lessons[0].reasons] == ["D01"]  # type: ignore[union-attr]
    with pytest.raises(Refusal, match="只有人社部门审核人员"):
        services.course_decide(actor=world.users["inspector"], course=course, approve=True)
    services.course_decide(actor=world.users["hr_second"], course=course, approve=True)
    course.refresh_from_db()
    assert course.state == CourseState.APPROVED
    assert selectors.class_rows(tc)[0].valid_hours == 1


def _assessed(tc: TrainingClass, w: World) -> None:
    from jineng.assessment.models import Assessment, Result

    a = Assessment.objects.create(
        training_class=tc, body=w.zz_station, certificate_kind="skill_level", level=4,
        assessment_date=tc.end_date + dt.timedelta(days=10), applied_on=tc.end_date, applied_by=w.users["institution"],
    )  # fmt: skip
    for e in enrolments(tc):
        Result.objects.create(assessment=a, enrolment=e, passed=True, certificate_kind="skill_level", level=4,
                              certificate_number=f"ZS{e.pk:08d}", entered_by=w.users["evaluator"])  # fmt: skip
    tc.state, tc.funding_type = ClassState.ASSESSED, "on_job"  # F02: priced by the profile's own table
    tc.save(update_fields=["state", "funding_type"])


def test_d04_a_trainee_short_of_valid_online_hours_gets_no_line_with_the_reason(world: World) -> None:
    org, _ = platform(world)
    tc = online_class(world, platform_org=org, online_hours=2, delivery="online")
    clean, cheat = list(enrolments(tc))
    _send(world, tc, [
        Log(tc, clean).lesson(1, at(D1, 9)).lesson(2, at(D1, 10)),
        Log(tc, cheat).lesson(1, at(D1, 9)).lesson(2, at(D1, 10), liveness=False),
    ])  # fmt: skip
    _assessed(tc, world)
    computed = entitle.compute(tc, get_profile("ZZ21"))
    assert computed.refusals == [], [v.render() for v in computed.refusals]
    by_row = {ln.row: ln for ln in computed.lines}
    assert by_row[2].status == "payable", [v.render() for v in by_row[2].reasons]
    assert by_row[3].status == "excluded" and by_row[3].amount == 0
    assert [(v.rule, v.message) for v in by_row[3].reasons] == [
        ("D04", "有效线上学习 1 课时，少于线上课时 2，培训无效")
    ]


def test_c07_an_xc23_class_without_face_checkins_cannot_be_claimed(world: World) -> None:
    # Given an XC23 class that ended and passed its exam with no face check-in at all (the issue's case)
    standards(world, INTERMEDIATE)
    under(world, "XC23")
    tc = assessed_class(
        world, present=(30,), catalogue_item_id=item(4).pk, unchecked_rows=tuple(range(2, 32))
    )
    # When the school claims, then it is refused, naming C07 and its clause
    with pytest.raises(Refusal) as refused:
        claim = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
        claims.claim_submit(
            actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
        )
    assert refused.value.message == "本班没有符合补贴条件的学员"
    assert {d["rule"] for d in refused.value.details()} == {"C07"}
    assert refused.value.details()[0]["clause"].startswith("XC23 二(三)2")


def test_c07_trainees_short_of_checked_in_hours_get_no_line_the_others_are_paid(world: World) -> None:
    standards(world, INTERMEDIATE)
    under(world, "XC23")
    tc = assessed_class(world, present=(30,), catalogue_item_id=item(4).pk, unchecked_rows=(2, 3))
    claim = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    claim = claims.claim_submit(
        actor=world.users["institution"], claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED
    )
    assert (claim.headcount, claim.amount) == (28, Decimal("50400.00"))
    line = claim.lines.get(row=2)
    assert (line.status, line.amount) == ("excluded", Decimal("0.00"))
    assert [r["rule"] for r in line.reasons] == ["C07"]
    assert "人脸识别签到课时 0，少于线下课时 100，不计入培训人数" in str(line.reasons)
    # The same roster under ZZ21, which sets no face check-in rule, pays row 2 (C07 is not judged there).
    under(world, "ZZ21")
    zz = assessed_class(world, present=(30,), unchecked_rows=(2, 3))
    assert all(ln.status == "payable" for ln in entitle.compute(zz, get_profile("ZZ21")).lines)


def test_d06_d03_the_assessment_application_of_an_online_class(world: World) -> None:
    from jineng.assessment.services import assessment_apply

    org, _ = platform(world)
    tc = online_class(world, platform_org=org, online_hours=1, state=ClassState.ENDED)
    for e in enrolments(tc):
        _send(world, tc, [Log(tc, e).lesson(1, at(D1, 9))])
    institution = world.users["institution"]
    with pytest.raises(Refusal) as refused:
        assessment_apply(
            actor=institution, training_class=tc, body=world.zz_station, certificate_kind="skill_level",
            level=4, assessment_date=dt.date(2021, 7, 20), today=dt.date(2021, 7, 1),
        )  # fmt: skip
    assert [d["rule"] for d in refused.value.details()] == ["D03", "D06"]
    services.assessment_request_record(
        actor=institution, training_class=tc, requester="enterprise", requester_name="郑州某电气有限公司"
    )
    applied = assessment_apply(
        actor=institution, training_class=tc, body=world.zz_station, certificate_kind="skill_level",
        level=4, assessment_date=dt.date(2021, 8, 20), today=dt.date(2021, 8, 1),
    )  # fmt: skip
    assert applied.training_class.state == ClassState.ASSESSMENT_APPLIED


def test_a_platform_without_an_api_uploads_the_same_events_as_csv(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from jineng.online.views import EVENT_COLUMNS

    org, clerk = platform(world)
    tc = online_class(world, platform_org=org)
    first = next(enrolments(tc))
    rows = [
        ",".join(EVENT_COLUMNS),
        f"c1,{tc.ref},{first.person.id_number},session_start,2021-06-07T09:00:00+08:00,1,0,1.0,,,",
        f"c2,{tc.ref},{first.person.id_number},warp,2021-06-07T09:01:00+08:00,1,,,,,",
    ]
    client = Client()
    client.force_login(clerk)
    upload = SimpleUploadedFile("events.csv", "\n".join(rows).encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/online/upload/", {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.received, report.stored, [r["field"] for r in report.refused]) == (2, 1, ["kind"])
    assert "收到 2 条，新存入 1 条，重复 0 条，未接收 1 条" in response.content.decode()
    # A school's clerk has no platform's events to upload.
    school = Client()
    school.force_login(world.users["institution"])
    assert school.get("/online/upload/").status_code == 403


def test_a_platforms_token_sees_only_the_classes_taught_on_it(world: World) -> None:
    from django.test import Client

    org, clerk = platform(world)
    other, _ = platform(world, serial=73)
    mine = online_class(world, platform_org=org)
    online_class(world, platform_org=other)
    _, secret = api_token_issue(actor=clerk, name="平台对接")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = client.get("/api/v1/online/classes").json()
    assert [c["ref"] for c in listed] == [mine.ref]
    assert client.get(f"/api/v1/online/classes/{mine.pk}").status_code == 200
    foreign = online_class(world, platform_org=other)
    assert client.get(f"/api/v1/online/classes/{foreign.pk}").status_code == 404


def test_c07_a_devices_check_ins_count_as_attendance_days_on_the_class_and_the_trainees_pages(
    world: World,
) -> None:
    from jineng.supervision.selectors import attendance

    tc = xuchang_class(world, trainees=2, state=ClassState.IN_TRAINING)
    first, _ = list(enrolments(tc))
    device, _ = services.device_register(
        actor=world.outsiders["institution"], code="XC-FACE-9", site="魏都区"
    )
    log = Log(tc, first, prefix="att").day(dt.date(2023, 6, 5)).day(dt.date(2023, 6, 6))
    log.day(dt.date(2023, 6, 7), matched=False)  # a face that did not match counts no day
    services.events_ingest(actor=None, sender=world.xc_school, device=device, events=log.events)
    assert [r.days_checked_in for r in attendance(tc)] == [2, 0]

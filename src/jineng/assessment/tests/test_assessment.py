"""Assessment: application (E01, E02, E03, E04, E05, C09), results (all or nothing, B03 clock),
the certificate registry (masking, exact ID search, xlsx) and E06."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from jineng.assessment import services
from jineng.assessment.models import Assessment, Result
from jineng.assessment.selectors import special_completion_shares
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.policy.identity import mask_id_number
from jineng.supervision.models import Summary
from jineng.supervision.tests.factory import END, make_class, xuchang_class
from jineng.training.models import ClassState, Enrolment, TrainingClass

pytestmark = pytest.mark.django_db


def ended(
    w: World, *, xc: bool = False, target: str = "skill_level", suspended: bool = False
) -> TrainingClass:
    tc = (
        xuchang_class(w, state=ClassState.ENDED, target=target)
        if xc
        else make_class(w, state=ClassState.ENDED, target=target)
    )
    Summary.objects.create(
        training_class=tc, opening_headcount=3, trained_headcount=3, assessment_suspended=suspended
    )
    return tc


def apply(w: World, tc: TrainingClass, **kw: Any) -> Assessment:
    args: dict[str, Any] = {
        "body": w.zz_station,
        "certificate_kind": "skill_level",
        "level": 4,
        "assessment_date": tc.end_date + dt.timedelta(days=3),
        "today": tc.end_date,
    }
    args.update(kw)
    clerk = (
        w.outsiders[Role.INSTITUTION] if tc.institution_id == w.xc_school.pk else w.users[Role.INSTITUTION]
    )
    return services.assessment_apply(actor=clerk, training_class=tc, **args)


def rules_of(exc: pytest.ExceptionInfo[Refusal]) -> list[str]:
    return [v.rule for v in exc.value.violations] or [exc.value.rule]


def test_e01_assessment_date_exactly_three_days_ahead_accepted(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    tc.refresh_from_db()
    assert tc.state == ClassState.ASSESSMENT_APPLIED and a.applied_on == END


def test_e01_assessment_date_two_days_ahead_refused(world: World) -> None:
    tc = ended(world)
    with pytest.raises(Refusal) as exc:
        apply(world, tc, assessment_date=END + dt.timedelta(days=2))
    assert rules_of(exc) == ["E01"] and "E01" in exc.value.violations[0].render()
    assert not Assessment.objects.exists()
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ENDED


def test_e03_completion_certificate_where_skill_level_obtainable_refused(world: World) -> None:
    tc = ended(world)
    with pytest.raises(Refusal) as exc:
        apply(world, tc, certificate_kind="completion", level=None, exam_set_by="county")
    assert "E03" in rules_of(exc)


def test_e02_kind_not_obtainable_for_occupation_refused(world: World) -> None:
    tc = ended(world)
    with pytest.raises(Refusal) as exc:
        apply(world, tc, certificate_kind="special_operation", level=None)
    assert "E02" in rules_of(exc)


def test_e04_online_assessment_refused_under_zz21(world: World) -> None:
    tc = ended(world)
    with pytest.raises(Refusal) as exc:
        apply(world, tc, offline=False)
    assert rules_of(exc) == ["E04"]


def test_e05_completion_exam_set_by_institution_refused(world: World) -> None:
    from jineng.catalogue.models import OccupationCertificate

    tc = ended(world, target="completion")
    OccupationCertificate.objects.filter(occupation=tc.occupation, kind="skill_level").delete()
    with pytest.raises(Refusal) as exc:
        apply(world, tc, certificate_kind="completion", level=None, exam_set_by="institution")
    assert rules_of(exc) == ["E05"]
    assert apply(world, tc, certificate_kind="completion", level=None, exam_set_by="county").pk


def test_c09_suspended_assessment_refused(world: World) -> None:
    tc = ended(world, xc=True, suspended=True)
    with pytest.raises(Refusal) as exc:
        apply(world, tc, assessment_date=tc.end_date + dt.timedelta(days=3))
    assert exc.value.rule == "C09" and "C09" in exc.value.render()


def test_apply_names_an_evaluation_body(world: World) -> None:
    tc = ended(world)
    with pytest.raises(Refusal):
        apply(world, tc, body=world.zz_school)


def rows_for(tc: TrainingClass, a: Assessment, *, bad: bool = False) -> list[services.ResultRow]:
    rows = []
    for i, e in enumerate(
        Enrolment.objects.filter(training_class=tc).select_related("person").order_by("row")
    ):
        rows.append(
            services.ResultRow(
                id_number=e.person.id_number,
                passed=i != 1,
                certificate_kind="skill_level",
                level=4,
                certificate_number="" if bad and i == 0 else f"N{i}",
                issued_on=a.assessment_date,
                issuer="鉴定站",
                row=i + 2,
            )
        )
    return rows


def test_results_with_bad_row_refused_whole_batch(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    with pytest.raises(Refusal) as exc:
        services.results_enter(
            actor=world.users[Role.EVALUATOR], assessment=a, rows=rows_for(tc, a, bad=True)
        )
    assert [(v.row, v.field) for v in exc.value.violations] == [(2, "证书编号")]
    assert not Result.objects.exists()


def test_all_results_assess_the_class_and_start_b03_clock(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    services.results_enter(actor=world.users[Role.EVALUATOR], assessment=a, rows=rows_for(tc, a))
    tc.refresh_from_db()
    a.refresh_from_db()
    assert tc.state == ClassState.ASSESSED and a.state == Assessment.State.RESULTS_ENTERED
    assert set(Enrolment.objects.filter(training_class=tc).values_list("assessed_on", flat=True)) == {
        a.assessment_date
    }
    assert Result.objects.filter(passed=True).count() == 2


def test_results_by_another_body_refused(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    with pytest.raises(Refusal):
        services.results_enter(actor=world.outsiders[Role.EVALUATOR], assessment=a, rows=rows_for(tc, a))


def workbook(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers or [*services.TEMPLATE_HEADERS, services.KEY_HEADER])
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_results_upload_page_with_bad_rows_reports_and_writes_nothing(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    client = world.client(world.users[Role.EVALUATOR])
    template = load_workbook(BytesIO(client.get(f"/assessment/{a.pk}/template/").content)).active
    assert template is not None
    lines = [list(r) for r in template.iter_rows(min_row=2, values_only=True)]
    assert len(lines) == 3
    for i, line in enumerate(lines):
        line[2] = "合格" if i != 2 else "也许"
        line[5], line[6] = f"C{i}", a.assessment_date
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/assessment/{a.pk}/upload/", {"file": SimpleUploadedFile("r.xlsx", workbook(lines))}, follow=True
    )
    text = response.content.decode()
    assert "第4行" in text and "未录入任何结果" in text
    assert not Result.objects.exists()
    lines[2][2] = "合格"
    client.post(f"/assessment/{a.pk}/upload/", {"file": SimpleUploadedFile("r.xlsx", workbook(lines))})
    assert Result.objects.count() == 3
    assert TrainingClass.objects.get(pk=tc.pk).state == ClassState.ASSESSED


def assessed(w: World) -> TrainingClass:
    tc = ended(w)
    a = apply(w, tc)
    services.results_enter(actor=w.users[Role.EVALUATOR], assessment=a, rows=rows_for(tc, a))
    return tc


def test_certificate_registry_masks_and_finds_by_exact_id(world: World) -> None:
    tc = assessed(world)
    person = Enrolment.objects.filter(training_class=tc).order_by("row").first().person  # type: ignore[union-attr]
    masked = person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    inspector = world.client(world.users[Role.INSPECTOR])
    page = inspector.get("/assessment/certificates/", {"q": person.id_number}).content.decode()
    page = page.rsplit('<table class="data">', 1)[1]  # the search box echoes what the user typed
    assert masked in page and person.id_number not in page and person.name in page
    assert (
        person.name
        not in inspector.get("/assessment/certificates/", {"q": person.id_number[:10]}).content.decode()
    )
    hr = world.client(world.users[Role.HR_FIRST]).get("/assessment/certificates/", {"q": person.id_number})
    assert person.id_number in hr.content.decode()
    assert (
        world.client(world.outsiders[Role.HR_FIRST])
        .get("/assessment/certificates/", {"q": person.id_number})
        .context["page"]
        .paginator.count
        == 0
    )
    sheet = load_workbook(BytesIO(inspector.get("/assessment/certificates/?format=xlsx").content)).active
    assert sheet is not None
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True))[0].count("*") == 10  # type: ignore[union-attr]


def test_e06_share_per_region_and_year_against_xc23_limit(world: World) -> None:
    tc = xuchang_class(world, state=ClassState.ASSESSMENT_APPLIED, trainees=3)
    a = Assessment.objects.create(
        training_class=tc,
        body=world.zz_station,
        certificate_kind="skill_level",
        level=4,
        assessment_date=tc.end_date,
        applied_on=tc.end_date,
        applied_by=world.outsiders[Role.INSTITUTION],
    )
    for i, e in enumerate(Enrolment.objects.filter(training_class=tc).order_by("row")):
        Result.objects.create(
            assessment=a,
            enrolment=e,
            passed=True,
            certificate_kind="special_ability" if i == 0 else "skill_level",
            certificate_number=f"E{i}",
            issued_on=tc.end_date,
            issuer="x",
            entered_by=world.users[Role.EVALUATOR],
        )
    [row] = special_completion_shares(world.outsiders[Role.HR_FIRST])
    assert (row.total, row.special_completion, row.limit) == (3, 1, Decimal("0.10"))
    assert row.violation is not None and row.violation.rule == "E06"
    assert (
        "E06"
        in world.client(world.outsiders[Role.HR_FIRST]).get("/assessment/certificates/").content.decode()
    )


def test_api_apply_and_results(world: World) -> None:
    tc = ended(world)
    tc.end_date = dt.date.today()
    tc.save()
    clerk = world.client(world.users[Role.INSTITUTION])
    body = {
        "body_id": world.zz_station.pk,
        "certificate_kind": "skill_level",
        "level": 4,
        "assessment_date": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
    }
    refused = clerk.post(f"/api/v1/assessment/classes/{tc.pk}", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["details"][0]["rule"] == "E01"
    body["assessment_date"] = (dt.date.today() + dt.timedelta(days=4)).isoformat()
    created = clerk.post(f"/api/v1/assessment/classes/{tc.pk}", body, content_type="application/json")
    assert created.status_code == 201, created.content
    a = Assessment.objects.get()
    rows = [
        {
            "id_number": r.id_number,
            "passed": r.passed,
            "certificate_kind": "skill_level",
            "level": 4,
            "certificate_number": r.certificate_number,
            "issued_on": a.assessment_date.isoformat(),
            "issuer": "站",
        }
        for r in rows_for(tc, a)
    ]
    response = world.client(world.users[Role.EVALUATOR]).post(
        f"/api/v1/assessment/{a.pk}/results", rows, content_type="application/json"
    )
    assert response.json() == {"entered": 3, "assessment_state": "results_entered", "class_state": "assessed"}


def test_the_template_for_the_evaluation_body_carries_masked_numbers_and_a_key(world: World) -> None:
    # Given an assessment of a class of three trainees, applied for with the evaluation body
    tc = ended(world)
    a = apply(world, tc)
    client = world.client(world.users[Role.EVALUATOR])
    # When the body downloads its results template
    content = client.get(f"/assessment/{a.pk}/template/").content
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    enrolments = list(Enrolment.objects.filter(training_class=tc).select_related("person").order_by("row"))
    # Then it names each trainee by 考号, name and a masked number, never the whole number
    assert rows[0] == [*services.TEMPLATE_HEADERS, "考号"]
    assert [(r[0], r[1], r[8]) for r in rows[1:]] == [
        (mask_id_number(e.person.id_number), e.person.name, e.row) for e in enrolments
    ]
    for e in enrolments:
        assert e.person.id_number.encode() not in content
    # And the level is written by its name, as the certificate names it (not "4")
    assert {(r[3], r[4]) for r in rows[1:]} == {(a.get_certificate_kind_display(), a.get_level_display())}
    assert a.get_level_display() in ("五级/初级工", "四级/中级工", "三级/高级工")
    # And the filled template goes back in by 考号, its level read back as the number
    for i, line in enumerate(rows[1:]):
        line[2], line[5], line[6] = "合格", f"K{i}", a.assessment_date
    rows_read = services.results_workbook_read(workbook(rows[1:]))
    assert [r.key for r in rows_read] == [e.row for e in enrolments]
    assert {r.level for r in rows_read} == {a.level}
    assert services.results_enter(actor=world.users[Role.EVALUATOR], assessment=a, rows=rows_read) == 3
    assert sorted(Result.objects.values_list("enrolment__person__id_number", flat=True)) == sorted(
        e.person.id_number for e in enrolments
    )


def test_a_key_that_is_not_on_the_roster_or_does_not_match_the_number_is_refused_e02(world: World) -> None:
    tc = ended(world)
    a = apply(world, tc)
    enrolments = list(Enrolment.objects.filter(training_class=tc).select_related("person").order_by("row"))
    other = enrolments[1].person.id_number
    lines = [
        [mask_id_number(enrolments[0].person.id_number), "", "合格", "", "", "K1", a.assessment_date, "", 99],
        [mask_id_number(other), "", "合格", "", "", "K2", a.assessment_date, "", enrolments[0].row],
    ]
    with pytest.raises(Refusal) as refused:
        services.results_enter(
            actor=world.users[Role.EVALUATOR],
            assessment=a,
            rows=services.results_workbook_read(workbook(lines)),
        )
    found = {(v.row, v.field, v.rule, v.message) for v in refused.value.violations}
    assert (2, "考号", "E02", "考号不在本次考核的名单中") in found
    assert (3, "身份证号", "E02", "身份证号与考号对应的学员不符") in found
    assert not Result.objects.exists()

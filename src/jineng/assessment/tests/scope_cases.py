"""Scope-matrix rows for the assessment pages and API (collected by core's test_scope_matrix)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.assessment.models import Assessment
from jineng.assessment.services import TEMPLATE_HEADERS
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.orgs.models import Organisation
from jineng.supervision.models import Summary
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import ClassState, TrainingClass

A = f"{API}/assessment"


def _today() -> dt.date:
    return timezone.localdate()


def applied(w: World, body: Organisation | None = None, foreign: bool = False) -> Assessment:
    tc = (
        xuchang_class(w, state=ClassState.ASSESSMENT_APPLIED)
        if foreign
        else make_class(w, state=ClassState.ASSESSMENT_APPLIED)
    )
    return Assessment.objects.create(
        training_class=tc,
        body=body or w.zz_station,
        certificate_kind="skill_level",
        level=4,
        assessment_date=tc.end_date + dt.timedelta(days=5),
        applied_on=tc.end_date,
        applied_by=w.users[Role.INSTITUTION],
    )


def own_assessment(w: World, u: User) -> Assessment | None:
    return applied(w)


def foreign_assessments(w: World, u: User) -> list[Assessment]:
    xc_body = w.outsiders[Role.EVALUATOR].organisation
    out = [applied(w, body=xc_body, foreign=True)]
    if u.role == Role.INSTITUTION:
        out.append(applied(w, body=w.zz_station))
        out[-1].training_class.institution = w.zz_station
        out[-1].training_class.save(update_fields=["institution"])
    if u.role == Role.EVALUATOR:
        out.append(applied(w, body=xc_body))  # a Zhengzhou class, another body
    return out


def latest() -> TrainingClass:
    return TrainingClass.objects.order_by("-pk").first() or TrainingClass(pk=0)


def own_ended(w: World, u: User) -> TrainingClass | None:
    if u.role == Role.EVALUATOR:
        return None
    today = _today()
    tc = make_class(w, state=ClassState.ENDED, start=today - dt.timedelta(days=30), end=today, year=2021)
    Summary.objects.create(training_class=tc, opening_headcount=3, trained_headcount=3)
    return tc


def foreign_ended(w: World, u: User) -> list[TrainingClass]:
    out = [xuchang_class(w, state=ClassState.ENDED)]
    if u.role == Role.INSTITUTION:
        out.append(make_class(w, state=ClassState.ENDED, institution=w.zz_station))
    return out


def result_rows(w: World, u: User) -> Any:
    tc = latest()
    day = (tc.end_date or _today()) + dt.timedelta(days=5)
    numbers = list(tc.enrolments.values_list("person__id_number", flat=True)) if tc.pk else ["0"]
    return [
        {
            "id_number": n,
            "passed": True,
            "certificate_kind": "skill_level",
            "level": 4,
            "certificate_number": f"S{tc.pk}-{i}",
            "issued_on": day.isoformat(),
            "issuer": "鉴定站",
        }
        for i, n in enumerate(numbers)
    ]


class Rereadable(SimpleUploadedFile):
    """The matrix sends one body several times; each send reads the file from the start."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)


def upload_data(w: World, u: User) -> dict[str, Any]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    for r in result_rows(w, u):
        ws.append(
            [
                r["id_number"],
                "",
                "合格",
                "职业技能等级证书",
                4,
                r["certificate_number"],
                r["issued_on"],
                r["issuer"],
            ]
        )
    buffer = BytesIO()
    wb.save(buffer)
    return {"file": Rereadable("结果.xlsx", buffer.getvalue())}


RESULTS_DELTA = {"assessment.Result": 3, "certificates.Certificate": 3, "audit.Event": 2}


def own_to_arrange(w: World, u: User) -> TrainingClass:
    return make_class(w, state=ClassState.ENDED)


def far_body(w: World) -> Organisation:
    """I08: an evaluation body of 许昌 filed for 电工 only there: a Zhengzhou class needs an arrangement."""
    from jineng.catalogue.tests.helpers import body_filed
    from jineng.orgs.services import organisation_register
    from jineng.policy.identity import make_credit_code
    from jineng.supervision.tests.factory import occupation

    body = Organisation.objects.filter(name="许昌市电工职业技能鉴定所").first() or organisation_register(
        actor=None,
        name="许昌市电工职业技能鉴定所",
        credit_code=make_credit_code("12", "411000", 81),
        kind="appraisal_station",
        region=w.xuchang,
    )
    body_filed(body, occupation(), region=w.xuchang)
    return body


def arrange_data(w: World, *, page: bool) -> dict[str, Any]:
    key = "body" if page else "body_id"
    return {key: far_body(w).pk, "basis": "small_group", "reason": "本班仅 3 人，统筹集中考核"}


ARRANGED = {"assessment.CrossRegionArrangement": 1, "audit.Event": 1}


def results_form(w: World, u: User) -> dict[str, Any]:
    """The per-trainee form of the latest class: every trainee passed, one certificate each."""
    tc = latest()
    day = (tc.end_date or _today()) + dt.timedelta(days=5)
    out: dict[str, Any] = {"all-issued_on": day.isoformat(), "all-issuer": "鉴定站"}
    for i, pk in enumerate(tc.enrolments.order_by("row").values_list("pk", flat=True) if tc.pk else []):
        out.update(
            {
                f"e{pk}-outcome": "pass",
                f"e{pk}-certificate_kind": "skill_level",
                f"e{pk}-level": "4",
                f"e{pk}-certificate_number": f"F{tc.pk}-{i}",
            }
        )
    return out


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "assessment/", roles("class.view"), fixed("/assessment/")),
    Case("GET", "assessment/certificates/", roles("certificate.view"), fixed("/assessment/certificates/")),
    Case(
        "GET",
        "assessment/<int:assessment_id>/",
        roles("class.view"),
        lambda w, u: f"/assessment/{own_assessment(w, u).pk}/",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"/assessment/{a.pk}/" for a in foreign_assessments(w, u)],
        scoped=True,
    ),
    Case(
        "GET",
        "assessment/<int:assessment_id>/template/",
        roles("assessment.results"),
        lambda w, u: f"/assessment/{own_assessment(w, u).pk}/template/",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"/assessment/{a.pk}/template/" for a in foreign_assessments(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "assessment/<int:assessment_id>/upload/",
        roles("assessment.results"),
        lambda w, u: f"/assessment/{own_assessment(w, u).pk}/upload/",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"/assessment/{a.pk}/upload/" for a in foreign_assessments(w, u)],
        data=upload_data,
        ok=302,
        delta=RESULTS_DELTA,
        scoped=True,
    ),
    # ---- the application form (from the class page) and the per-trainee results form (issue 3)
    Case(
        "GET",
        "assessment/classes/<int:class_id>/apply/",
        roles("assessment.apply"),
        lambda w, u: (tc := own_ended(w, u)) and f"/assessment/classes/{tc.pk}/apply/",
        foreign=lambda w, u: [f"/assessment/classes/{tc.pk}/apply/" for tc in foreign_ended(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "assessment/classes/<int:class_id>/apply/",
        roles("assessment.apply"),
        lambda w, u: (tc := own_ended(w, u)) and f"/assessment/classes/{tc.pk}/apply/",
        foreign=lambda w, u: [f"/assessment/classes/{tc.pk}/apply/" for tc in foreign_ended(w, u)],
        data=lambda w, u: {
            "body": w.zz_station.pk,
            "certificate_kind": "skill_level",
            "level": "4",
            "assessment_date": (_today() + dt.timedelta(days=5)).isoformat(),
            "offline": "1",
        },
        ok=302,
        delta={"assessment.Assessment": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "GET",
        "assessment/<int:assessment_id>/results/",
        roles("assessment.results"),
        lambda w, u: f"/assessment/{own_assessment(w, u).pk}/results/",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"/assessment/{a.pk}/results/" for a in foreign_assessments(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "assessment/<int:assessment_id>/results/",
        roles("assessment.results"),
        lambda w, u: f"/assessment/{own_assessment(w, u).pk}/results/",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"/assessment/{a.pk}/results/" for a in foreign_assessments(w, u)],
        data=results_form,
        ok=302,
        delta=RESULTS_DELTA,
        scoped=True,
    ),
    # ---- API
    Case("GET", A, roles("class.view"), fixed(A)),
    Case("GET", f"{A}/certificates", roles("certificate.view"), fixed(f"{A}/certificates")),
    Case(
        "GET",
        f"{A}/{{assessment_id}}",
        roles("class.view"),
        lambda w, u: f"{A}/{own_assessment(w, u).pk}",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"{A}/{a.pk}" for a in foreign_assessments(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/classes/{{class_id}}",
        roles("assessment.apply"),
        lambda w, u: (tc := own_ended(w, u)) and f"{A}/classes/{tc.pk}",
        foreign=lambda w, u: [f"{A}/classes/{tc.pk}" for tc in foreign_ended(w, u)],
        data=lambda w, u: {
            "body_id": w.zz_station.pk,
            "certificate_kind": "skill_level",
            "level": 4,
            "assessment_date": (_today() + dt.timedelta(days=5)).isoformat(),
        },
        ok=201,
        delta={"assessment.Assessment": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/{{assessment_id}}/results",
        roles("assessment.results"),
        lambda w, u: f"{A}/{own_assessment(w, u).pk}/results",  # type: ignore[union-attr]
        foreign=lambda w, u: [f"{A}/{a.pk}/results" for a in foreign_assessments(w, u)],
        data=result_rows,
        delta=RESULTS_DELTA,
        scoped=True,
    ),
    # ---- I08: the bureau's cross-region (centralised) arrangements
    Case(
        "GET", "assessment/arrangements/", roles("class.view"), fixed("/assessment/arrangements/?format=xlsx")
    ),
    Case(
        "GET",
        "assessment/classes/<int:class_id>/arrange/",
        roles("assessment.arrange"),
        lambda w, u: f"/assessment/classes/{own_to_arrange(w, u).pk}/arrange/",
        foreign=lambda w, u: [f"/assessment/classes/{xuchang_class(w, state=ClassState.ENDED).pk}/arrange/"],
        scoped=True,
    ),
    Case(
        "POST",
        "assessment/classes/<int:class_id>/arrange/",
        roles("assessment.arrange"),
        lambda w, u: f"/assessment/classes/{own_to_arrange(w, u).pk}/arrange/",
        foreign=lambda w, u: [f"/assessment/classes/{xuchang_class(w, state=ClassState.ENDED).pk}/arrange/"],
        data=lambda w, u: arrange_data(w, page=True),
        ok=302,
        delta=ARRANGED,
        scoped=True,
    ),
    Case("GET", f"{A}/arrangements", roles("class.view"), fixed(f"{A}/arrangements")),
    Case(
        "POST",
        f"{A}/classes/{{class_id}}/arrangements",
        roles("assessment.arrange"),
        lambda w, u: f"{A}/classes/{own_to_arrange(w, u).pk}/arrangements",
        foreign=lambda w, u: [f"{A}/classes/{xuchang_class(w, state=ClassState.ENDED).pk}/arrangements"],
        data=lambda w, u: arrange_data(w, page=False),
        ok=201,
        delta=ARRANGED,
        scoped=True,
    ),
)

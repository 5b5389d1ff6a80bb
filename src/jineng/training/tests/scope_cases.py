"""Scope-matrix rows for the class pages and /api/v1/classes (collected by core's test_scope_matrix)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.training import services
from jineng.training.models import RosterJob, TrainingClass
from jineng.training.tests.factories import (
    APPLIED,
    class_input,
    draft_class,
    fresh_rows,
    prepared_institution,
    roster_bytes,
    submitted_class,
    with_roster,
)

STAFF_VIEW = roles("class.view") - {"institution", "evaluator"}


class _Rewinding(SimpleUploadedFile):
    """The matrix sends one body several times (outsider first, then in scope): read from the start."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)


def _foreign_class(w: World) -> TrainingClass:
    """A Xuchang class, written directly: nobody in Zhengzhou may reach it."""
    tc = submitted_class(w, batch="许昌外地")
    TrainingClass.objects.filter(pk=tc.pk).update(
        institution=w.xc_school, region=w.weidu, department=w.xc_industry
    )
    tc.refresh_from_db()
    return tc


def _class_for(w: World, u: User) -> TrainingClass | None:
    """An object in this role's scope: the clerk's own draft with a roster, else a submitted class."""
    if u.role == "institution":
        return with_roster(w, draft_class(w))
    if u.role in STAFF_VIEW:
        return submitted_class(w)
    return None


def _url(w: World, u: User, suffix: str = "", api: bool = False) -> str | None:
    tc = _class_for(w, u)
    if tc is None:
        return None
    return f"{API}/classes/{tc.pk}{suffix}" if api else f"/classes/{tc.pk}/{suffix}"


def _foreign(suffix: str = "", api: bool = False) -> Any:
    def paths(w: World, u: User) -> list[str]:
        tc = _foreign_class(w)
        return [f"{API}/classes/{tc.pk}{suffix}" if api else f"/classes/{tc.pk}/{suffix}"]

    return paths


def _grouped_url(api: bool = False) -> Any:
    """A submitted class whose trainees declared a group (J03): a bureau user confirms them."""

    def path(w: World, u: User) -> str | None:
        tc = submitted_class(w)
        tc.enrolments.update(group="veteran")
        suffix = "/groups/confirm" if api else "groups/confirm/"
        return f"{API}/classes/{tc.pk}{suffix}" if api else f"/classes/{tc.pk}/{suffix}"

    return path


def _review_target(w: World, u: User, api: bool = False) -> str | None:
    """A class waiting for exactly this reviewer's signature."""
    tc = submitted_class(w)
    order = ["dept_first", "dept_second", "hr_first", "hr_second"]
    if u.role not in order:
        return f"{API}/classes/{tc.pk}/review" if api else f"/classes/{tc.pk}/review/"
    for role in order[: order.index(u.role)]:
        tc = services.class_review(actor=w.users[role], training_class=tc, decision="pass", today=APPLIED)
    return f"{API}/classes/{tc.pk}/review" if api else f"/classes/{tc.pk}/review/"


def _job(w: World, u: User) -> RosterJob | None:
    tc = _class_for(w, u)
    if tc is None:
        return None
    # Every class of _class_for got its roster through a job (with_roster / submitted_class).
    return RosterJob.objects.get(training_class=tc)


def _foreign_job(w: World, u: User, suffix: str = "", api: bool = False) -> list[str]:
    tc = _foreign_class(w)
    job = RosterJob.objects.filter(training_class=tc).first()
    assert job is not None
    return [f"{API}/classes/roster-jobs/{job.pk}" if api else f"/classes/roster-jobs/{job.pk}/{suffix}"]


def _job_url(suffix: str = "", api: bool = False) -> Any:
    def path(w: World, u: User) -> str | None:
        job = _job(w, u)
        if job is None:
            return None
        return f"{API}/classes/roster-jobs/{job.pk}" if api else f"/classes/roster-jobs/{job.pk}/{suffix}"

    return path


def _form(w: World, u: User) -> dict[str, Any]:
    teachers = prepared_institution(w)
    data = class_input(w, teachers).__dict__.copy()
    data["region"] = data.pop("region_id")
    data["department"] = data.pop("department_id")
    data["teachers"] = data.pop("teacher_ids")
    data["level"] = "4"
    return {k: v for k, v in data.items() if v is not None and v is not False}


def _api_body(w: World, u: User) -> dict[str, Any]:
    teachers = prepared_institution(w)
    data = class_input(w, teachers).__dict__.copy()
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _upload(w: World, u: User) -> dict[str, Any]:
    return {"file": _Rewinding("花名册.xlsx", roster_bytes(fresh_rows(3)))}


def _api_roster(w: World, u: User) -> dict[str, Any]:
    rows = fresh_rows(3)
    bools = {
        "is_employee",
        "is_transfer",
        "is_student",
        "is_graduating_year",
        "wants_training",
        "wants_work",
        "able_to_work",
    }
    return {
        "rows": [
            {
                k: (v == "是") if k in bools else v
                for k, v in r.items()
                if v != "" or k not in ("hired_on", "sentence_ends_on", "trained_in_sentence", "held_level")
            }
            for r in rows
        ]
    }


CLASS_EVENT = {"audit.Event": 1}

CASES: tuple[Case, ...] = (
    Case("GET", "classes/", roles("class.view"), fixed("/classes/")),
    Case("GET", "classes/queue/", roles("class.review_dept", "class.review_hr"), fixed("/classes/queue/")),
    Case("GET", "classes/new/", roles("class.apply"), fixed("/classes/new/")),
    Case(
        "POST",
        "classes/new/",
        roles("class.apply"),
        fixed("/classes/new/"),
        data=_form,
        ok=302,
        delta={"training.TrainingClass": 1, "audit.Event": 1},
    ),
    Case("GET", "classes/roster-template.xlsx", roles("class.view"), fixed("/classes/roster-template.xlsx")),
    Case(
        "GET",
        "classes/<int:class_id>/",
        roles("class.view"),
        lambda w, u: _url(w, u),
        foreign=_foreign(),
        scoped=True,
    ),
    Case(
        "GET",
        "classes/<int:class_id>/edit/",
        roles("class.apply"),
        lambda w, u: _url(w, u, "edit/"),
        foreign=_foreign("edit/"),
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/roster/",
        roles("class.apply"),
        lambda w, u: _url(w, u, "roster/"),
        foreign=_foreign("roster/"),
        data=_upload,
        ok=302,
        delta={"training.RosterJob": 1, "outbox.OutboxTask": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/submit/",
        roles("class.apply"),
        lambda w, u: _url(w, u, "submit/"),
        foreign=_foreign("submit/"),
        data=lambda w, u: {},
        ok=302,
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/review/",
        roles("class.review_dept", "class.review_hr"),
        lambda w, u: _review_target(w, u),
        foreign=_foreign("review/"),
        data=lambda w, u: {"decision": "pass"},
        ok=302,
        delta={"training.ClassReview": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/withdraw/",
        roles("class.apply"),
        lambda w, u: _url(w, u, "withdraw/"),
        foreign=_foreign("withdraw/"),
        data=lambda w, u: {"reason": "调整"},
        ok=302,
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/cancel/",
        roles("class.cancel"),
        lambda w, u: _url(w, u, "cancel/"),
        foreign=_foreign("cancel/"),
        data=lambda w, u: {"reason": "场地不符合要求"},
        ok=302,
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "GET",
        "classes/roster-jobs/<int:job_id>/",
        roles("class.view"),
        _job_url(),
        foreign=lambda w, u: _foreign_job(w, u),
        scoped=True,
    ),
    Case(
        "GET",
        "classes/roster-jobs/<int:job_id>/report.xlsx",
        roles("class.view"),
        _job_url("report.xlsx"),
        foreign=lambda w, u: _foreign_job(w, u, "report.xlsx"),
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{API}/classes", roles("class.view"), fixed(f"{API}/classes")),
    Case(
        "POST",
        f"{API}/classes",
        roles("class.apply"),
        fixed(f"{API}/classes"),
        data=_api_body,
        ok=201,
        delta={"training.TrainingClass": 1, "audit.Event": 1},
    ),
    Case(
        "GET",
        f"{API}/classes/{{class_id}}",
        roles("class.view"),
        lambda w, u: _url(w, u, api=True),
        foreign=_foreign(api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/roster",
        roles("class.apply"),
        lambda w, u: _url(w, u, "/roster", api=True),
        foreign=_foreign("/roster", api=True),
        data=_api_roster,
        ok=202,
        delta={"training.RosterJob": 1, "outbox.OutboxTask": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "GET",
        f"{API}/classes/roster-jobs/{{job_id}}",
        roles("class.view"),
        _job_url(api=True),
        foreign=lambda w, u: _foreign_job(w, u, api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/submit",
        roles("class.apply"),
        lambda w, u: _url(w, u, "/submit", api=True),
        foreign=_foreign("/submit", api=True),
        data=lambda w, u: {},
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/review",
        roles("class.review_dept", "class.review_hr"),
        lambda w, u: _review_target(w, u, api=True),
        foreign=_foreign("/review", api=True),
        data=lambda w, u: {"decision": "pass"},
        delta={"training.ClassReview": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/withdraw",
        roles("class.apply"),
        lambda w, u: _url(w, u, "/withdraw", api=True),
        foreign=_foreign("/withdraw", api=True),
        data=lambda w, u: {"reason": "调整"},
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/cancel",
        roles("class.cancel"),
        lambda w, u: _url(w, u, "/cancel", api=True),
        foreign=_foreign("/cancel", api=True),
        data=lambda w, u: {"reason": "场地不符合要求"},
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        "classes/<int:class_id>/groups/confirm/",
        roles("class.confirm_groups"),
        _grouped_url(),
        foreign=_foreign("groups/confirm/"),
        data=lambda w, u: {},
        ok=302,
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/classes/{{class_id}}/groups/confirm",
        roles("class.confirm_groups"),
        _grouped_url(api=True),
        foreign=_foreign("/groups/confirm", api=True),
        data=lambda w, u: {},
        delta=CLASS_EVENT,
        scoped=True,
    ),
    Case("GET", f"{API}/classes/programmes", roles("class.view"), fixed(f"{API}/classes/programmes")),
)

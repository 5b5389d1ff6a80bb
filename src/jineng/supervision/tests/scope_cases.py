"""Scope-matrix rows for the supervision pages and API (collected by core's test_scope_matrix)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.regions.models import ProfileAssignment
from jineng.supervision.models import Inspection, Leave, Summary
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import ClassState, TrainingClass

S = f"{API}/supervision"
END_ROLES = roles("class.supervise") | {Role.INSTITUTION.value}


def _today() -> dt.date:
    return timezone.localdate()


def own_class(
    w: World, u: User, *, state: str = ClassState.APPROVED, ending: bool = False
) -> TrainingClass | None:
    """A Zhengzhou class (the clerk's own school) running around today, profile ZZ21 (year 2021)."""
    if u.role == Role.EVALUATOR:
        return None  # an evaluation body supervises nothing
    today = _today()
    start = today - dt.timedelta(days=30 if ending else 0 if state == ClassState.APPROVED else 1)
    end = today if ending else today + dt.timedelta(days=30)
    tc = make_class(w, state=state, start=start, end=end, year=2021)
    if state != ClassState.APPROVED:
        Summary.objects.create(training_class=tc, opening_headcount=3)
    return tc


def foreign_classes(w: World, u: User, state: str = ClassState.APPROVED) -> list[TrainingClass]:
    out = [xuchang_class(w, state=state)]
    if u.role == Role.INSTITUTION:
        out.append(make_class(w, state=state, institution=w.zz_station))  # same city, another organisation
    return out


def latest() -> TrainingClass:
    # A role without the capability has no class of its own yet: it is refused before the body matters.
    return TrainingClass.objects.order_by("-pk").first() or TrainingClass(pk=0)


def url(tc: TrainingClass | None, tail: str = "", api: bool = False) -> str | None:
    if tc is None:
        return None
    return f"{S}/classes/{tc.pk}{tail}" if api else f"/supervision/classes/{tc.pk}/{tail}"


def in_training(w: World, u: User) -> TrainingClass | None:
    return own_class(w, u, state=ClassState.IN_TRAINING)


def ready_to_end(w: World, u: User) -> TrainingClass | None:
    tc = own_class(w, u, state=ClassState.IN_TRAINING, ending=True)
    if tc is not None:
        Inspection.objects.create(
            training_class=tc,
            at=timezone.now(),
            place="教室",
            teachers_present="王",
            trainees_present=3,
            inspector=u,
        )
    return tc


def ended(w: World, u: User) -> TrainingClass | None:
    tc = own_class(w, u, state=ClassState.ENDED, ending=True)
    return tc


def hc21_leave(w: World, u: User) -> Leave | None:
    """A leave in a Zhengzhou class judged under a profile that provides make-up lessons (HC21, C08)."""
    ProfileAssignment.objects.get_or_create(
        region=w.zhengzhou, year=2022, defaults={"profile_code": "HC21", "profile_version": 1}
    )
    tc = own_class(w, u, state=ClassState.IN_TRAINING)
    if tc is None:
        return None
    tc.year = 2022
    tc.save(update_fields=["year"])
    enrolment = tc.enrolments.first()
    assert enrolment is not None
    return Leave.objects.create(enrolment=enrolment, lesson_date=tc.start_date, reason="病假", recorded_by=u)


def foreign_leaves(w: World, u: User) -> list[Leave]:
    out = []
    for tc in foreign_classes(w, u, ClassState.IN_TRAINING):
        enrolment = tc.enrolments.first()
        assert enrolment is not None
        out.append(
            Leave.objects.create(enrolment=enrolment, lesson_date=tc.start_date, reason="病假", recorded_by=u)
        )
    return out


def page_form(prefix_fields: dict[str, Any]) -> dict[str, Any]:
    tc = latest()
    return {f"c{tc.pk}-{k}": v for k, v in prefix_fields.items()}


def checkin_rows(w: World, u: User) -> Any:
    tc = latest()
    now = timezone.now().isoformat()
    if not tc.pk:
        return [{"id_number": "0", "at": now, "matched": True, "device": "FACE-01"}]
    return [
        {"id_number": n, "at": now, "matched": True, "device": "FACE-01"}
        for n in tc.enrolments.values_list("person__id_number", flat=True)
    ]


EVENT = {"audit.Event": 1}


def step_pages(
    tail: str,
    who: frozenset[str],
    own: Any,
    data: Any,
    delta: dict[str, int],
    foreign_state: str,
) -> tuple[Case, Case]:
    """A step page's two rows: the form (GET) and its submission (POST, a redirect when done)."""
    route = f"supervision/classes/<int:class_id>/{tail}"

    def path(w: World, u: User) -> str | None:
        return url(own(w, u), tail)

    def foreign(w: World, u: User) -> list[str]:
        return [url(tc, tail) or "" for tc in foreign_classes(w, u, foreign_state)]

    return (
        Case("GET", route, who, path, foreign=foreign, scoped=True),
        Case("POST", route, who, path, foreign=foreign, data=data, ok=302, delta=delta, scoped=True),
    )


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "supervision/", roles("class.view"), fixed("/supervision/")),
    Case("GET", "supervision/today/", roles("class.supervise"), fixed("/supervision/today/")),
    Case(
        "GET",
        "supervision/classes/<int:class_id>/",
        roles("class.view"),
        lambda w, u: url(own_class(w, u)),
        foreign=lambda w, u: [url(tc) or "" for tc in foreign_classes(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "supervision/classes/<int:class_id>/open/",
        roles("class.supervise"),
        lambda w, u: url(own_class(w, u), "open/"),
        foreign=lambda w, u: [url(tc, "open/") or "" for tc in foreign_classes(w, u)],
        data=lambda w, u: page_form({"present": 3, "signed_in": 3, "materials_kept": "on"}),
        ok=302,
        delta={"supervision.OpeningCheck": 1, "supervision.Summary": 1, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        "supervision/classes/<int:class_id>/inspect/",
        roles("class.supervise"),
        lambda w, u: url(in_training(w, u), "inspect/"),
        foreign=lambda w, u: [
            url(tc, "inspect/") or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        data=lambda w, u: page_form({"place": "实训楼", "teachers_present": "王老师", "trainees_present": 3}),
        ok=302,
        delta={"supervision.Inspection": 1, **EVENT},
        scoped=True,
    ),
    # ---- the step pages (issue 3): lesson videos, leave and make-up, end, satisfaction
    *step_pages(
        "videos/",
        roles("assessment.apply"),
        in_training,
        lambda w, u: {
            "lesson_date": _today().isoformat(),
            "kind": "practical",
            "hours": 2,
            "filmed_minutes": 90,
            "continuous_minutes_per_hour": "20,18",
            "not_all_visible": 0,
            "video_ref": "VID-8",
        },
        {"supervision.LessonVideo": 1, **EVENT},
        ClassState.IN_TRAINING,
    ),
    *step_pages(
        "leaves/",
        roles("assessment.apply"),
        in_training,
        lambda w, u: {
            "enrolment": latest().enrolments.values_list("pk", flat=True).first() if latest().pk else 0,
            "lesson_date": (latest().start_date or _today()).isoformat(),
            "reason": "病假",
            "written": "on",
        },
        {"supervision.Leave": 1, **EVENT},
        ClassState.IN_TRAINING,
    ),
    Case(
        "POST",
        "supervision/leaves/<int:leave_id>/makeup/",
        roles("assessment.apply"),
        lambda w, u: (leave := hc21_leave(w, u)) and f"/supervision/leaves/{leave.pk}/makeup/",
        foreign=lambda w, u: [f"/supervision/leaves/{leave.pk}/makeup/" for leave in foreign_leaves(w, u)],
        data=lambda w, u: {
            f"m{Leave.objects.order_by('-pk').values_list('pk', flat=True).first()}-{k}": v
            for k, v in {"made_up_on": _today().isoformat(), "video_ref": "VID-2"}.items()
        },
        ok=302,
        delta=EVENT,
        scoped=True,
    ),
    *step_pages("end/", END_ROLES, ready_to_end, lambda w, u: {}, EVENT, ClassState.IN_TRAINING),
    *step_pages(
        "satisfaction/",
        roles("class.supervise"),
        ended,
        lambda w, u: {"surveyed": 20, "satisfied": 19},
        EVENT,
        ClassState.ENDED,
    ),
    # ---- API
    Case("GET", f"{S}/classes", roles("class.view"), fixed(f"{S}/classes")),
    Case(
        "GET",
        f"{S}/classes/{{class_id}}",
        roles("class.view"),
        lambda w, u: url(own_class(w, u), api=True),
        foreign=lambda w, u: [url(tc, api=True) or "" for tc in foreign_classes(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/open",
        roles("class.supervise"),
        lambda w, u: url(own_class(w, u), "/open", api=True),
        foreign=lambda w, u: [url(tc, "/open", api=True) or "" for tc in foreign_classes(w, u)],
        data=lambda w, u: {"present": 3, "signed_in": 3, "materials_kept": True},
        delta={"supervision.OpeningCheck": 1, "supervision.Summary": 1, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/inspections",
        roles("class.supervise"),
        lambda w, u: url(in_training(w, u), "/inspections", api=True),
        foreign=lambda w, u: [
            url(tc, "/inspections", api=True) or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        data=lambda w, u: {
            "at": timezone.now().isoformat(),
            "place": "实训楼",
            "teachers_present": "王老师",
            "trainees_present": 3,
        },
        ok=201,
        delta={"supervision.Inspection": 1, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/checkins",
        roles("assessment.apply"),
        lambda w, u: url(in_training(w, u), "/checkins", api=True),
        foreign=lambda w, u: [
            url(tc, "/checkins", api=True) or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        data=checkin_rows,
        delta={"supervision.CheckIn": 3, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/leaves",
        roles("assessment.apply"),
        lambda w, u: url(in_training(w, u), "/leaves", api=True),
        foreign=lambda w, u: [
            url(tc, "/leaves", api=True) or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        data=lambda w, u: {
            "enrolment_id": latest().enrolments.values_list("pk", flat=True).first() if latest().pk else 0,
            "lesson_date": (latest().start_date or _today()).isoformat(),
            "reason": "病假",
        },
        ok=201,
        delta={"supervision.Leave": 1, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/leaves/{{leave_id}}/makeup",
        roles("assessment.apply"),
        lambda w, u: (leave := hc21_leave(w, u)) and f"{S}/leaves/{leave.pk}/makeup",
        foreign=lambda w, u: [f"{S}/leaves/{leave.pk}/makeup" for leave in foreign_leaves(w, u)],
        data=lambda w, u: {"made_up_on": _today().isoformat(), "video_ref": "VID-1"},
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/videos",
        roles("assessment.apply"),
        lambda w, u: url(in_training(w, u), "/videos", api=True),
        foreign=lambda w, u: [
            url(tc, "/videos", api=True) or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        data=lambda w, u: {
            "lesson_date": _today().isoformat(),
            "kind": "practical",
            "hours": 2,
            "filmed_minutes": 60,
            "continuous_minutes_per_hour": [20, 18],
            "video_ref": "VID-7",
        },
        ok=201,
        delta={"supervision.LessonVideo": 1, **EVENT},
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/end",
        END_ROLES,
        lambda w, u: url(ready_to_end(w, u), "/end", api=True),
        foreign=lambda w, u: [
            url(tc, "/end", api=True) or "" for tc in foreign_classes(w, u, ClassState.IN_TRAINING)
        ],
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{S}/classes/{{class_id}}/satisfaction",
        roles("class.supervise"),
        lambda w, u: url(ended(w, u), "/satisfaction", api=True),
        foreign=lambda w, u: [
            url(tc, "/satisfaction", api=True) or "" for tc in foreign_classes(w, u, ClassState.ENDED)
        ],
        data=lambda w, u: {"surveyed": 20, "satisfied": 19},
        delta=EVENT,
        scoped=True,
    ),
)

"""Scope-matrix rows for the yearly evaluation (I03–I05) and the employment follow-up, pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.appraisal.models import Review
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState, Enrolment, TrainingClass

P = f"{API}/appraisal"
COMPUTED = {"appraisal.Review": 1, "audit.Event": 1}
EVENT = {"audit.Event": 1}
FOLLOWED = {"appraisal.FollowUp": 1, "audit.Event": 1}


def _assessed(w: World, *, foreign: bool = False) -> TrainingClass:
    if foreign:
        return make_class(
            w,
            trainees=1,
            state=ClassState.ASSESSED,
            region=w.weidu,
            institution=w.xc_school,
            department=w.xc_industry,
        )
    return make_class(w, trainees=1, state=ClassState.ASSESSED)


def _review(w: World, *, foreign: bool = False) -> Review:
    return Review.objects.create(
        year=2021,
        region=w.xuchang if foreign else w.zhengzhou,
        institution=w.xc_school if foreign else w.zz_school,
        classes=1, opening=30, trained=29, enrolled=30, passed=28, surveyed=30, satisfied=29, followed=0,
        employed=0, computed_at=timezone.now(), computed_by=w.users["hr_admin"],
    )  # fmt: skip


def _compute(*, api: bool) -> Any:
    def data(w: World, u: User) -> dict[str, Any]:
        # A year of its own: a token run replays every case in one world, whose other cases run 2021 classes.
        year = 2019 if api else 2020
        make_class(
            w, trainees=1, state=ClassState.ASSESSED, start=dt.date(year, 3, 1), end=dt.date(year, 3, 20)
        )
        return {"year": year, "region_id" if api else "region": w.zhengzhou.pk}

    return data


def _decide_url(*, api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        r = _review(w, foreign=foreign)
        path = f"{P}/reviews/{r.pk}/decide" if api else f"/appraisal/{r.pk}/decide/"
        return [path] if foreign else path

    return url


def _follow_url(*, api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        tc = _assessed(w, foreign=foreign)
        path = f"{P}/classes/{tc.pk}/follow-ups" if api else f"/appraisal/classes/{tc.pk}/follow-ups/"
        return [path] if foreign else path

    return url


def _follow_page(w: World, u: User) -> dict[str, Any]:
    e = Enrolment.objects.filter(training_class__state=ClassState.ASSESSED).latest("pk")
    return {"surveyed_on": "2022-01-10", f"e{e.pk}": "yes", f"w{e.pk}": "郑州某电气公司"}


DECISION = {"catalogue": "renewed", "project": "unchanged", "reason": "出勤、取证、满意度均良好"}

CASES: tuple[Case, ...] = (
    Case("GET", "appraisal/", roles("appraisal.view"), fixed("/appraisal/?year=2021")),
    Case(
        "POST",
        "appraisal/compute/",
        roles("appraisal.decide"),
        fixed("/appraisal/compute/"),
        data=_compute(api=False),
        foreign_data=lambda w, u: [{"year": 2021, "region": w.xuchang.pk}],
        ok=302,
        delta=COMPUTED,
        scoped=True,
    ),
    Case(
        "POST",
        "appraisal/<int:review_id>/decide/",
        roles("appraisal.decide"),
        _decide_url(api=False),
        foreign=_decide_url(api=False, foreign=True),
        data=lambda w, u: DECISION,
        ok=302,
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "GET",
        "appraisal/classes/<int:class_id>/follow-ups/",
        roles("followup.record"),
        _follow_url(api=False),
        foreign=_follow_url(api=False, foreign=True),
        scoped=True,
    ),
    Case(
        "POST",
        "appraisal/classes/<int:class_id>/follow-ups/",
        roles("followup.record"),
        _follow_url(api=False),
        foreign=_follow_url(api=False, foreign=True),
        data=_follow_page,
        ok=302,
        delta=FOLLOWED,
        scoped=True,
    ),
    Case("GET", f"{P}/reviews", roles("appraisal.view"), fixed(f"{P}/reviews?year=2021")),
    Case(
        "POST",
        f"{P}/reviews/compute",
        roles("appraisal.decide"),
        fixed(f"{P}/reviews/compute"),
        data=_compute(api=True),
        foreign_data=lambda w, u: [{"year": 2021, "region_id": w.xuchang.pk}],
        delta=COMPUTED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/reviews/{{review_id}}/decide",
        roles("appraisal.decide"),
        _decide_url(api=True),
        foreign=_decide_url(api=True, foreign=True),
        data=lambda w, u: DECISION,
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/classes/{{class_id}}/follow-ups",
        roles("followup.record"),
        _follow_url(api=True),
        foreign=_follow_url(api=True, foreign=True),
        data=lambda w, u: {
            "surveyed_on": "2022-01-10",
            "rows": [
                {
                    "row": Enrolment.objects.filter(training_class__state=ClassState.ASSESSED)
                    .latest("pk")
                    .row,
                    "employed": True,
                }
            ],
        },
        delta=FOLLOWED,
        scoped=True,
    ),
)

PUBLIC: dict[str, tuple[str, int]] = {
    "appraisal/exited/": ("GET", 200),
    "api/v1/appraisal/exited": ("GET", 200),
}

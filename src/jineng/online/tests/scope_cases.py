"""Scope-matrix rows for the online supervision pages and API (D01, D04, D06, C07)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.online.models import Course, Device
from jineng.online.tests.factory import online_class, platform
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.supervision.tests.factory import occupation
from jineng.training.models import TrainingClass

P = f"{API}/online"
EVENT = {"audit.Event": 1}


def _class(w: World, *, foreign: bool = False, delivery: str = "online") -> TrainingClass:
    if foreign:
        return online_class(
            w, delivery=delivery, platform_org=_xc_platform(w), region=w.weidu, institution=w.xc_school,
            department=w.xc_industry, start=dt.date(2023, 6, 1), end=dt.date(2023, 6, 30),
        )  # fmt: skip
    return online_class(w, delivery=delivery, platform_org=platform(w)[0])


def _xc_platform(w: World) -> Organisation:
    code = make_credit_code("91", "411000", 72)
    return Organisation.objects.filter(credit_code=code).first() or organisation_register(
        actor=None, name="许昌职业技能在线平台", credit_code=code, kind=Organisation.Kind.ONLINE_PLATFORM,
        region=w.xuchang,
    )  # fmt: skip


def _class_url(suffix: str, *, api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        tc = _class(w, foreign=foreign)
        path = f"{P}/classes/{tc.pk}{suffix}" if api else f"/online/classes/{tc.pk}/{suffix}"
        return [path] if foreign else path

    return url


def _course(w: World, *, foreign: bool = False) -> Course:
    org = _xc_platform(w) if foreign else platform(w)[0]
    n = Course.objects.count() + 1
    return Course.objects.create(
        platform=org, code=f"KC{n:04d}", title="电工基础", occupation=occupation(),
        filed_by=w.users["hr_admin"],
    )  # fmt: skip


def _decide_url(*, api: bool, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        c = _course(w, foreign=foreign)
        path = f"{P}/courses/{c.pk}/decide" if api else f"/online/courses/{c.pk}/decide/"
        return [path] if foreign else path

    return url


def _device_url(*, foreign: bool = False) -> Any:
    def url(w: World, u: User) -> Any:
        institution = w.xc_school if foreign else w.zz_school
        n = Device.objects.count() + 1
        d = Device.objects.create(
            institution=institution, code=f"D{n}", site="实训楼", prefix=f"m{n:07d}", key_hash=f"matrix{n}".ljust(64, "0"),
            registered_by=w.users["hr_admin"],
        )  # fmt: skip
        path = f"{P}/devices/{d.pk}/revoke"
        return [path] if foreign else path

    return url


def _course_for_latest_class(w: World, u: User) -> dict[str, Any]:
    tc = TrainingClass.objects.latest("pk")
    c = _course(w)
    assert c.platform_id == tc.online_platform_id
    return {"course_id": c.pk}


def _platform_only(url: str) -> Any:
    """The world's institution is a school, not a platform: nothing of this kind is in its scope; the
    other roles are refused the URL itself."""

    def path(w: World, u: User) -> str | None:
        return None if u.role == "institution" else url

    return path


REQUESTER = {"requester": "enterprise", "requester_name": "郑州某电气有限公司"}

CASES: tuple[Case, ...] = (
    Case("GET", "online/", roles("online.view"), fixed("/online/")),
    Case("GET", "online/classes/<int:class_id>/", roles("online.view"), _class_url("", api=False),
         foreign=_class_url("", api=False, foreign=True), scoped=True),
    Case("POST", "online/classes/<int:class_id>/", roles("online.manage"), _class_url("", api=False),
         foreign=_class_url("", api=False, foreign=True), data=lambda w, u: REQUESTER, ok=302, scoped=True,
         delta={"online.AssessmentRequest": 1, "audit.Event": 1} ),
    Case("GET", "online/classes/<int:class_id>/checkins/", roles("online.view"), _class_url("checkins/", api=False),
         foreign=_class_url("checkins/", api=False, foreign=True), scoped=True),
    Case("GET", "online/exceptions/", roles("online.view"), fixed("/online/exceptions/?day=2021-06-07")),
    Case("GET", "online/courses/", roles("online.view"), fixed("/online/courses/")),
    Case("POST", "online/courses/", roles("online.manage"), _platform_only("/online/courses/")),
    Case("POST", "online/courses/<int:course_id>/decide/", roles("course.decide"), _decide_url(api=False),
         foreign=_decide_url(api=False, foreign=True), data=lambda w, u: {"decision": "approve"}, ok=302,
         delta=EVENT, scoped=True),
    Case("GET", "online/devices/", roles("online.manage"), fixed("/online/devices/")),
    Case("POST", "online/devices/", roles("online.manage"), fixed("/online/devices/"),
         data=lambda w, u: {"code": f"FACE-{Device.objects.count() + 1}", "site": "金水区文化路 1 号 201 室"},
         delta={"online.Device": 1, "audit.Event": 1}),
    Case("GET", "online/upload/", roles("online.manage"), _platform_only("/online/upload/")),
    Case("POST", "online/upload/", roles("online.manage"), _platform_only("/online/upload/")),
    Case("GET", "online/me/", roles("self.view"), fixed("/online/me/")),
    # API
    Case("POST", f"{P}/events", roles("online.manage"), _platform_only(f"{P}/events"),
         data=lambda w, u: {"events": []}),
    Case("GET", f"{P}/classes", roles("online.view"), fixed(f"{P}/classes")),
    Case("GET", f"{P}/classes/{{class_id}}", roles("online.view"), _class_url("", api=True),
         foreign=_class_url("", api=True, foreign=True), scoped=True),
    Case("GET", f"{P}/classes/{{class_id}}/checkins", roles("online.view"), _class_url("/checkins", api=True),
         foreign=_class_url("/checkins", api=True, foreign=True), scoped=True),
    Case("GET", f"{P}/exceptions", roles("online.view"), fixed(f"{P}/exceptions?day=2021-06-07")),
    Case("GET", f"{P}/courses", roles("online.view"), fixed(f"{P}/courses")),
    Case("POST", f"{P}/courses", roles("online.manage"), _platform_only(f"{P}/courses"),
         data=lambda w, u: {"code": "KC1", "title": "电工基础", "occupation_id": 1, "videos": []}),
    Case("POST", f"{P}/courses/{{course_id}}/decide", roles("course.decide"), _decide_url(api=True),
         foreign=_decide_url(api=True, foreign=True), data=lambda w, u: {"approve": True}, delta=EVENT,
         scoped=True),
    Case("POST", f"{P}/classes/{{class_id}}/course", roles("online.manage"), _class_url("/course", api=True),
         foreign=_class_url("/course", api=True, foreign=True), data=_course_for_latest_class,
         delta={"online.ClassCourse": 1, "audit.Event": 1}, scoped=True),
    Case("POST", f"{P}/classes/{{class_id}}/assessment-request", roles("online.manage"),
         _class_url("/assessment-request", api=True), foreign=_class_url("/assessment-request", api=True, foreign=True),
         data=lambda w, u: REQUESTER, delta={"online.AssessmentRequest": 1, "audit.Event": 1}, scoped=True),
    Case("GET", f"{P}/devices", roles("online.manage"), fixed(f"{P}/devices")),
    Case("POST", f"{P}/devices", roles("online.manage"), fixed(f"{P}/devices"),
         data=lambda w, u: {"code": f"API-{Device.objects.count() + 1}", "site": "金水区文化路 1 号"},
         delta={"online.Device": 1, "audit.Event": 1}),
    Case("POST", f"{P}/devices/{{device_id}}/revoke", roles("online.manage"), _device_url(),
         foreign=_device_url(foreign=True), delta=EVENT, scoped=True),
    Case("GET", f"{P}/me", roles("self.view"), fixed(f"{P}/me")),
)  # fmt: skip

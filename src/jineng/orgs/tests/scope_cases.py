"""Scope-matrix rows for the sanction pages and API operations (I01, I02), collected by core's
test_scope_matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.orgs.models import Organisation, Sanction
from jineng.orgs.services import sanction_impose

VIEW = roles("sanction.view")
MANAGE = roles("sanction.manage")
IMPOSED = {"orgs.Sanction": 1, "audit.Event": 1}
SIGNED = {"orgs.SanctionLiftSignature": 1, "audit.Event": 1}


def school(w: World, u: User) -> Organisation:
    # The clerk's own organisation; for region staff (and roles refused anyway) the Zhengzhou school.
    return u.organisation if u.organisation_id else w.zz_school  # type: ignore[return-value]


def later() -> dt.date:
    """The cases' sanctions start next year: the token run of test_scope_matrix goes through every case
    of a role in one test, and a sanction in force now would bar the classes and claims of the cases
    after it (I01)."""
    return timezone.localdate() + dt.timedelta(days=400)


def sanction(org: Organisation) -> Sanction:
    return sanction_impose(
        actor=None,
        organisation=org,
        kind="blacklist",
        decision="问题突出，列入黑名单",
        reference="督查通报",
        starts_on=later(),
    )


def page_sanction(w: World, u: User) -> dict[str, Any]:
    return {
        "kind": "inspection_failed",
        "decision": "年检不合格",
        "reference": "年检结论",
        "starts_on": later().isoformat(),
    }


def api_sanction(org: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": org.pk,
        "kind": "blacklist",
        "decision": "问题突出",
        "reference": "督查通报",
        "starts_on": later().isoformat(),
    }


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "orgs/sanctions/", VIEW, fixed("/orgs/sanctions/?all=1")),
    Case(
        "POST",
        "orgs/<int:org_id>/sanctions/",
        MANAGE,
        lambda w, u: f"/orgs/{school(w, u).pk}/sanctions/",
        foreign=lambda w, u: [f"/orgs/{w.xc_school.pk}/sanctions/"],
        data=page_sanction,
        ok=302,
        delta=IMPOSED,
        scoped=True,
    ),
    Case(
        "POST",
        "orgs/sanctions/<int:sanction_id>/lift/",
        MANAGE,
        lambda w, u: f"/orgs/sanctions/{sanction(school(w, u)).pk}/lift/",
        foreign=lambda w, u: [f"/orgs/sanctions/{sanction(w.xc_school).pk}/lift/"],
        data=lambda w, u: {"reason": "整改完成，复查合格"},
        ok=302,
        delta=SIGNED,
        scoped=True,
    ),
    Case(
        "POST",
        "orgs/<int:org_id>/school-record/",
        MANAGE,
        lambda w, u: f"/orgs/{school(w, u).pk}/school-record/",
        foreign=lambda w, u: [f"/orgs/{w.xc_school.pk}/school-record/"],
        data=lambda w, u: {"action": "inspection", "year": "2020", "passed": "1"},
        ok=302,
        delta={"orgs.AnnualInspection": 1, "audit.Event": 1},
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{API}/sanctions", VIEW, fixed(f"{API}/sanctions?in_force=true")),
    Case(
        "POST",
        f"{API}/sanctions",
        MANAGE,
        fixed(f"{API}/sanctions"),
        data=lambda w, u: api_sanction(school(w, u)),
        foreign_data=lambda w, u: [api_sanction(w.xc_school)],
        ok=201,
        delta=IMPOSED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/sanctions/{{sanction_id}}/lift",
        MANAGE,
        lambda w, u: f"{API}/sanctions/{sanction(school(w, u)).pk}/lift",
        foreign=lambda w, u: [f"{API}/sanctions/{sanction(w.xc_school).pk}/lift"],
        data=lambda w, u: {"reason": "整改完成，复查合格"},
        delta=SIGNED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/organisations/{{org_id}}/inspections",
        MANAGE,
        lambda w, u: f"{API}/organisations/{school(w, u).pk}/inspections",
        foreign=lambda w, u: [f"{API}/organisations/{w.xc_school.pk}/inspections"],
        data=lambda w, u: {"year": 2020, "passed": True},
        ok=201,
        delta={"orgs.AnnualInspection": 1, "audit.Event": 1},
        scoped=True,
    ),
    Case(
        "POST",
        f"{API}/organisations/{{org_id}}/incidents",
        MANAGE,
        lambda w, u: f"{API}/organisations/{school(w, u).pk}/incidents",
        foreign=lambda w, u: [f"{API}/organisations/{w.xc_school.pk}/incidents"],
        data=lambda w, u: {"occurred_on": "2020-04-01", "description": "实训设备伤人"},
        ok=201,
        delta={"orgs.LiabilityIncident": 1, "audit.Event": 1},
        scoped=True,
    ),
)

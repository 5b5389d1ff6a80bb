"""Scope-matrix rows for the target-plan pages and /api/v1/plans."""

from __future__ import annotations

from typing import Any

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.targets.tests.factories import department_plan, refused_import, upload

P = f"{API}/plans"
IMPORTED = {"targets.Plan": 1, "targets.Target": 1, "targets.PlanImport": 1, "audit.Event": 2}
HEADERS = ["序号", "部门", "新增高技能人才（人）"]


def _plan_url(suffix: str = "", api: bool = False) -> Any:
    def path(w: World, u: User) -> str:
        plan = department_plan(w)
        return f"{P}/{plan.pk}{suffix}" if api else f"/targets/{plan.pk}/{suffix}"

    return path


def _foreign_plan(api: bool = False, suffix: str = "") -> Any:
    def paths(w: World, u: User) -> list[str]:
        plan = department_plan(w, foreign=True)
        return [f"{P}/{plan.pk}{suffix}" if api else f"/targets/{plan.pk}/"]

    return paths


def _row_url(w: World, u: User) -> str:
    target = department_plan(w).targets.get(department=w.zz_industry)
    return f"/targets/rows/{target.pk}/province/"


def _foreign_row(w: World, u: User) -> list[str]:
    target = department_plan(w, foreign=True).targets.get()
    return [f"/targets/rows/{target.pk}/province/"]


def _import_url(suffix: str = "") -> Any:
    def path(w: World, u: User) -> str:
        return f"/targets/imports/{refused_import(w).pk}/{suffix}"

    return path


def _foreign_import(suffix: str = "") -> Any:
    def paths(w: World, u: User) -> list[str]:
        return [f"/targets/imports/{refused_import(w, foreign=True).pk}/{suffix}"]

    return paths


def _form(w: World, u: User, *, region: Any = None) -> dict[str, Any]:
    return {
        "year": 2021,
        "region": (region or w.zhengzhou).pk,
        "source": "导入测试表",
        "title": "导入测试",
        "layout": "department",
        "file": upload(HEADERS, [[1, "市工信局", 500]]),
    }


def _api_body(w: World, u: User, *, region: Any = None) -> dict[str, Any]:
    return {
        "year": 2021,
        "region_id": (region or w.zhengzhou).pk,
        "source": "接口导入测试表",
        "title": "导入测试",
        "layout": "department",
        "headers": HEADERS,
        "rows": [[1, "市工信局", 500]],
    }


CASES: tuple[Case, ...] = (
    Case("GET", "targets/", roles("plan.view"), fixed("/targets/")),
    Case(
        "GET", "targets/<int:plan_id>/", roles("plan.view"), _plan_url(), foreign=_foreign_plan(), scoped=True
    ),
    Case("GET", "targets/import/", roles("plan.manage"), fixed("/targets/import/")),
    Case(
        "POST",
        "targets/import/",
        roles("plan.manage"),
        fixed("/targets/import/"),
        data=_form,
        foreign_data=lambda w, u: [_form(w, u, region=w.xuchang)],
        ok=302,
        delta=IMPORTED,
        scoped=True,
        form=True,
    ),
    Case(
        "GET",
        "targets/imports/<int:import_id>/",
        roles("plan.manage"),
        _import_url(),
        foreign=_foreign_import(),
        scoped=True,
    ),
    Case(
        "GET",
        "targets/imports/<int:import_id>/report.xlsx",
        roles("plan.manage"),
        lambda w, u: f"/targets/imports/{refused_import(w).pk}/report.xlsx",
        foreign=lambda w, u: [f"/targets/imports/{refused_import(w, foreign=True).pk}/report.xlsx"],
        scoped=True,
    ),
    Case(
        "GET",
        "targets/template/<str:layout>.xlsx",
        roles("plan.view"),
        fixed("/targets/template/region.xlsx"),
    ),
    Case(
        "POST",
        "targets/rows/<int:target_id>/province/",
        roles("plan.manage"),
        _row_url,
        foreign=_foreign_row,
        data=lambda w, u: {"persons": "600"},
        ok=302,
        delta={"audit.Event": 1},
        scoped=True,
    ),
    Case("GET", P, roles("plan.view"), fixed(P)),
    Case(
        "GET",
        f"{P}/{{plan_id}}",
        roles("plan.view"),
        _plan_url(api=True),
        foreign=_foreign_plan(api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/import",
        roles("plan.manage"),
        fixed(f"{P}/import"),
        data=_api_body,
        foreign_data=lambda w, u: [_api_body(w, u, region=w.xuchang)],
        ok=201,
        delta=IMPORTED,
        scoped=True,
    ),
    Case("GET", "targets/programmes/", roles("plan.view"), fixed("/targets/programmes/")),
    Case("GET", f"{P}/programmes", roles("plan.view"), fixed(f"{P}/programmes?year=2021")),
    # Issue 16: H01 across tables — a figure of one plan split over others of the same region and year.
    Case(
        "POST",
        f"{P}/{{plan_id}}/splits",
        roles("plan.manage"),
        _plan_url(api=True, suffix="/splits"),
        foreign=_foreign_plan(api=True, suffix="/splits"),
        data=lambda w, u: {"part_ids": [department_plan(w).pk], "label": "合计"},
        foreign_data=lambda w, u: [{"part_ids": [department_plan(w, foreign=True).pk], "label": "合计"}],
        ok=201,
        delta={"targets.Split": 1, "audit.Event": 1},
        scoped=True,
    ),
)

"""Scope-matrix rows for the 以工代训 pages and API (collected by core's test_scope_matrix).

In scope: an enterprise's clerk sees his enterprise's declarations; bureau staff, finance and auditors
those of their region; a department's reviewers those of their department. Out of scope: Xuchang's
declarations for everybody, another enterprise's for a clerk, another department's for a reviewer.
The world's institutions are schools: for these rows they are registered as enterprises (J04: only a
producer declares), and 2020 is put under XC19 in both cities (the world's own profiles have no 以工代训).
"""

from __future__ import annotations

import datetime as dt
import itertools
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.orgs.models import Organisation
from jineng.regions.models import ProfileAssignment
from jineng.regions.services import profile_assign
from jineng.wagetraining import services
from jineng.wagetraining.models import Declaration
from jineng.wagetraining.tests.factory import enterprise, person_number

Y = f"{API}/yigong"
YEAR = 2020
_people = itertools.count(100)
DECLARED = {"wagetraining.Declaration": 1, "audit.Event": 1}
EMPLOYED = {"wagetraining.Employee": 1, "people.Person": 1, "audit.Event": 2}
CLAIMED = {
    "wagetraining.MonthClaim": 1,
    "claims.Claim": 1,
    "claims.ClaimLine": 1,
    "audit.Event": 2,
}
WRITE = {"audit.Event": 1}


def _setup(w: World) -> None:
    Organisation.objects.filter(pk__in=[w.zz_school.pk, w.xc_school.pk]).update(kind="enterprise")
    for city in (w.zhengzhou, w.xuchang):
        if not ProfileAssignment.objects.filter(region=city, year=YEAR).exists():
            profile_assign(actor=None, region=city, year=YEAR, profile_code="XC19")


def _declare(w: World, clerk: User, department: Any, *, employed: bool = False) -> Declaration:
    _setup(w)
    clerk = User.objects.get(pk=clerk.pk)  # the organisation's kind as it is now
    d = services.declaration_create(
        actor=clerk,
        department=department,
        year=YEAR,
        insured=True,
        insurance_number="410100000001",
        insured_since=dt.date(2019, 1, 1),
    )
    if employed:
        n = next(_people)
        services.employees_add(
            actor=clerk,
            declaration=d,
            rows=[
                services.EmployeeRow(
                    row=2,
                    id_number=person_number(n),
                    name=f"员工{n}",
                    group="贫困劳动力",
                    hired_on=dt.date(2019, 1, 1),
                )
            ],
        )
    return d


def own(w: World, u: User, *, employed: bool = False) -> Declaration:
    """A declaration of the Zhengzhou school-as-enterprise to the city's 工信局: every Zhengzhou role with
    the capability has it in scope (the clerk as his own, the department's reviewers as theirs)."""
    return _declare(w, w.users[Role.INSTITUTION], w.zz_industry, employed=employed)


def foreign(w: World, u: User, *, employed: bool = False) -> list[Declaration]:
    out = [_declare(w, w.outsiders[Role.INSTITUTION], w.xc_industry, employed=employed)]
    if u.role == Role.INSTITUTION:
        _, clerk = enterprise(w, w.zhengzhou, name=f"郑州某制造企业{next(_people)}")
        out.append(_declare(w, clerk, w.zz_industry, employed=employed))
    if u.role in (Role.DEPT_FIRST, Role.DEPT_SECOND):
        out.append(_declare(w, w.users[Role.INSTITUTION], w.zz_education, employed=employed))
    return out


def _own_path(prefix: str, suffix: str = "", employed: bool = False) -> Any:
    return lambda w, u: f"{prefix}/{own(w, u, employed=employed).pk}{suffix}"


def _foreign_paths(prefix: str, suffix: str = "", employed: bool = False) -> Any:
    return lambda w, u: [f"{prefix}/{d.pk}{suffix}" for d in foreign(w, u, employed=employed)]


def _employee_path(d: Declaration) -> str:
    e = d.employees.get()
    return f"{Y}/{d.pk}/employees/{e.pk}"


def _new_page(w: World, u: User) -> str:
    _setup(w)
    return "/yigong/new/"


def _new_api(w: World, u: User) -> str:
    _setup(w)
    return Y


def page_data(w: World, u: User, department: Any = None) -> dict[str, Any]:
    return {
        "department": (department or w.zz_industry).pk,
        "year": YEAR,
        "insured": "on",
        "insurance_number": "410100000001",
        "insured_since": "2019-01-01",
    }


def api_data(w: World, u: User, department: Any = None) -> dict[str, Any]:
    return {
        "department_id": (department or w.zz_industry).pk,
        "year": YEAR,
        "insured": True,
        "insurance_number": "410100000001",
        "insured_since": "2019-01-01",
    }


class Rereadable(SimpleUploadedFile):
    """The matrix sends one body several times; each send reads the file from the start."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)


def file_data(w: World, u: User) -> dict[str, Any]:
    n = next(_people)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(services.TEMPLATE_HEADERS)
    ws.append([person_number(n), f"员工{n}", "就业困难人员", "2019-03-01", "", "操作工"])
    buffer = BytesIO()
    wb.save(buffer)
    return {"file": Rereadable("以工代训人员名单.xlsx", buffer.getvalue())}


def rows_data(w: World, u: User) -> dict[str, Any]:
    n = next(_people)
    row = {
        "id_number": person_number(n),
        "name": f"员工{n}",
        "group": "就业困难人员",
        "hired_on": "2019-03-01",
    }
    return {"rows": [row]}


MONTH = {"month": "2020-03", "activity": "师傅带徒"}

CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "yigong/", roles("yigong.view"), fixed("/yigong/")),
    Case("GET", "yigong/new/", roles("yigong.declare"), _new_page),
    Case(
        "POST",
        "yigong/new/",
        roles("yigong.declare"),
        _new_page,
        data=page_data,
        foreign_data=lambda w, u: [page_data(w, u, w.xc_industry)],
        ok=302,
        delta=DECLARED,
        scoped=True,
        form=True,
    ),
    Case("GET", "yigong/template.xlsx", roles("yigong.declare"), fixed("/yigong/template.xlsx")),
    Case(
        "GET",
        "yigong/<int:declaration_id>/",
        roles("yigong.view"),
        _own_path("/yigong", "/"),
        foreign=_foreign_paths("/yigong", "/"),
        scoped=True,
    ),
    Case(
        "POST",
        "yigong/<int:declaration_id>/employees/",
        roles("yigong.declare"),
        _own_path("/yigong", "/employees/"),
        foreign=_foreign_paths("/yigong", "/employees/"),
        data=file_data,
        ok=302,
        delta=EMPLOYED,
        scoped=True,
    ),
    Case(
        "POST",
        "yigong/<int:declaration_id>/months/",
        roles("yigong.declare"),
        _own_path("/yigong", "/months/", employed=True),
        foreign=_foreign_paths("/yigong", "/months/", employed=True),
        data=lambda w, u: dict(MONTH),
        ok=302,
        delta=CLAIMED,
        scoped=True,
    ),
    Case(
        "POST",
        "yigong/<int:declaration_id>/close/",
        roles("yigong.declare"),
        _own_path("/yigong", "/close/"),
        foreign=_foreign_paths("/yigong", "/close/"),
        data=lambda w, u: {},
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    # ---- API
    Case("GET", Y, roles("yigong.view"), fixed(Y)),
    Case(
        "POST",
        Y,
        roles("yigong.declare"),
        _new_api,
        data=api_data,
        foreign_data=lambda w, u: [api_data(w, u, w.xc_industry)],
        ok=201,
        delta=DECLARED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{Y}/{{declaration_id}}",
        roles("yigong.view"),
        _own_path(Y),
        foreign=_foreign_paths(Y),
        scoped=True,
    ),
    Case(
        "POST",
        f"{Y}/{{declaration_id}}/employees",
        roles("yigong.declare"),
        _own_path(Y, "/employees"),
        foreign=_foreign_paths(Y, "/employees"),
        data=rows_data,
        ok=201,
        delta=EMPLOYED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{Y}/{{declaration_id}}/employees/{{employee_id}}",
        roles("yigong.declare"),
        lambda w, u: _employee_path(own(w, u, employed=True)),
        foreign=lambda w, u: [_employee_path(d) for d in foreign(w, u, employed=True)],
        data=lambda w, u: {"group": "就业困难人员", "hired_on": "2019-02-01", "post": "装配"},
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        f"{Y}/{{declaration_id}}/months",
        roles("yigong.declare"),
        _own_path(Y, "/months", employed=True),
        foreign=_foreign_paths(Y, "/months", employed=True),
        data=lambda w, u: {"months": [MONTH["month"]], "activity": MONTH["activity"]},
        ok=201,
        delta=CLAIMED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{Y}/{{declaration_id}}/close",
        roles("yigong.declare"),
        _own_path(Y, "/close"),
        foreign=_foreign_paths(Y, "/close"),
        data=lambda w, u: {},
        delta=WRITE,
        scoped=True,
    ),
)

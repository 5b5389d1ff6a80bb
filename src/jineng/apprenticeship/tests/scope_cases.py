"""Scope-matrix rows for the 企业新型学徒制 pages and API (collected by core's test_scope_matrix).

In scope: the institution's clerk acts for the cohorts of his school; staff read the cohorts of their
region (a department its own). Out of scope: Xuchang's cohorts for everybody, another institution's
cohort for a clerk, another department's for a department reviewer.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.apprenticeship.models import Apprentice, Cohort
from jineng.apprenticeship.services import TEMPLATE_HEADERS
from jineng.apprenticeship.tests.factory import enterprise, standards
from jineng.conftest import World
from jineng.core.roles import DEPT_ROLES, Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.orgs.models import Organisation
from jineng.people.services import person_register
from jineng.policy.identity import make_id_number
from jineng.training.tests.factories import occupation, prepared_institution

A = f"{API}/apprenticeship"
VIEW = roles("apprenticeship.view")
MANAGE = roles("apprenticeship.manage")
CLAIMERS = MANAGE & roles("claim.apply")
WRITE = {"audit.Event": 1}
REGISTERED = {"apprenticeship.Cohort": 1, "audit.Event": 1}
# one apprentice: the person registered (its event), the row, the import's event
ADDED = {"apprenticeship.Apprentice": 1, "people.Person": 1, "audit.Event": 2}
CLAIMED = {"claims.Claim": 1, "claims.ClaimLine": 1, "audit.Event": 1}
_seq = iter(range(1, 10_000))


def schools(w: World) -> None:
    """The world's two schools as the world made them: the token run shares one world across every
    app's rows, and another app's rows re-kind them (wagetraining makes them enterprises)."""
    Organisation.objects.filter(pk__in=[w.zz_school.pk, w.xc_school.pk]).update(kind="technician_college")


def make(w: World, *, foreign: bool = False, institution: Any = None, department: Any = None) -> Cohort:
    """A one-year 电工 cohort of 2021 (over, so its stage is claimable) with one certified apprentice."""
    schools(w)
    n = next(_seq)
    region = w.weidu if foreign else w.jinshui
    c = Cohort.objects.create(
        ref=f"XT2021{region.code}S{n:05d}",  # S: never a registered ref (XT…{pk:06d})
        enterprise=enterprise(w, foreign=foreign),
        institution=institution or (w.xc_school if foreign else w.zz_school),
        occupation=occupation(),
        level=4,
        certificate_kind="skill_level",
        agreement_number=f"XQ-{n}",
        agreement_date=dt.date(2021, 2, 20),
        start_date=dt.date(2021, 3, 1),
        planned_years=1,
        year=2021,
        region=region,
        department=department or (w.xc_industry if foreign else w.zz_industry),
        profile_code="XC23" if foreign else "ZZ21",
        profile_version=1,
        created_by=w.users[Role.HR_ADMIN],
    )
    person = person_register(
        actor=None,
        id_number=make_id_number(str(region.code), dt.date(1995, 1, 1) + dt.timedelta(days=n), 300 + n % 600),
        name="学徒甲",
        region=region,
    )
    Apprentice.objects.create(
        cohort=c,
        person=person,
        row=1,
        hired_on=dt.date(2020, 9, 1),
        joined_on=dt.date(2021, 3, 1),
        certificate_kind="skill_level",
        certificate_level=4,
        certificate_number=f"S-{n}",
        certificate_issued_on=dt.date(2022, 3, 1),
    )
    return c


def own(w: World, u: User) -> Cohort:
    prepared_institution(w)  # full-time 电工 teachers: room under A08 (ZZ21: 20 per teacher)
    return make(w)


def foreign(w: World, u: User) -> list[Cohort]:
    out = [make(w, foreign=True)]
    if u.role == Role.INSTITUTION:
        out.append(make(w, institution=w.zz_station))  # the same city, another organisation's
    if u.role in DEPT_ROLES:
        out.append(make(w, department=w.zz_education))  # another department's
    return out


def claimable(w: World, u: User) -> Cohort:
    standards(w)
    return make(w)


def _url(prefix: str, suffix: str = "", apprentice: bool = False, make_own: Any = own) -> Any:
    def path(w: World, u: User) -> str:
        c = make_own(w, u)
        mid = f"/apprentices/{c.apprentices.get().pk}" if apprentice else ""
        return f"{prefix}/{c.pk}{mid}{suffix}"

    return path


def _foreign(prefix: str, suffix: str = "", apprentice: bool = False) -> Any:
    def paths(w: World, u: User) -> list[str]:
        out = []
        for c in foreign(w, u):
            mid = f"/apprentices/{c.apprentices.get().pk}" if apprentice else ""
            out.append(f"{prefix}/{c.pk}{mid}{suffix}")
        return out

    return paths


class Rereadable(SimpleUploadedFile):
    """The matrix sends one body several times; each send reads the file from the start."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)


def _new_id() -> str:
    return make_id_number("410105", dt.date(1996, 1, 1) + dt.timedelta(days=next(_seq)), 700)


def import_data(w: World, u: User) -> dict[str, Any]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.append([_new_id(), "学徒乙", "2020-09-01", "2021-03-01"])
    buffer = BytesIO()
    wb.save(buffer)
    return {"file": Rereadable("学徒名单.xlsx", buffer.getvalue())}


def register_data(w: World, u: User, *, api: bool = False, department: Any = None) -> dict[str, Any]:
    schools(w)
    occupation()
    data = {
        "enterprise_credit_code": enterprise(w).credit_code,
        "occupation_code": "6-31-01-03",
        "level": 4,
        "certificate_kind": "skill_level",
        "agreement_number": "XQ-2021-九",
        "agreement_date": "2021-02-20",
        "start_date": "2021-03-01",
        "planned_years": 2,
    }
    key = "department_id" if api else "department"
    return {**data, key: (department or w.zz_industry).pk}


def api_apprentice() -> dict[str, Any]:
    return {"id_number": _new_id(), "name": "学徒丙", "hired_on": "2020-09-01", "joined_on": "2021-03-01"}


LEAVE = {"left_on": "2021-10-01", "reason": "离职"}
CERTIFY = {
    "certificate_kind": "skill_level",
    "level": 4,
    "certificate_number": "S-2022-9999",
    "issued_on": "2022-03-01",
    "issuer": "郑州商业技师学院",
}


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "apprenticeship/", VIEW, fixed("/apprenticeship/")),
    Case("GET", "apprenticeship/new/", MANAGE, fixed("/apprenticeship/new/")),
    Case(
        "POST",
        "apprenticeship/new/",
        MANAGE,
        fixed("/apprenticeship/new/"),
        data=register_data,
        foreign_data=lambda w, u: [register_data(w, u, department=w.xc_industry)],
        ok=302,
        delta=REGISTERED,
        scoped=True,
        form=True,
    ),
    Case("GET", "apprenticeship/template.xlsx", MANAGE, fixed("/apprenticeship/template.xlsx")),
    Case(
        "GET",
        "apprenticeship/<int:cohort_id>/",
        VIEW,
        _url("/apprenticeship", "/"),
        foreign=_foreign("/apprenticeship", "/"),
        scoped=True,
    ),
    Case(
        "POST",
        "apprenticeship/<int:cohort_id>/import/",
        MANAGE,
        _url("/apprenticeship", "/import/"),
        foreign=_foreign("/apprenticeship", "/import/"),
        data=import_data,
        ok=302,
        delta=ADDED,
        scoped=True,
    ),
    Case(
        "POST",
        "apprenticeship/<int:cohort_id>/complete/",
        MANAGE,
        _url("/apprenticeship", "/complete/"),
        foreign=_foreign("/apprenticeship", "/complete/"),
        data=lambda w, u: {},
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        "apprenticeship/<int:cohort_id>/stages/<int:stage>/claim/",
        CLAIMERS,
        _url("/apprenticeship", "/stages/1/claim/", make_own=claimable),
        foreign=_foreign("/apprenticeship", "/stages/1/claim/"),
        data=lambda w, u: {},
        ok=302,
        delta=CLAIMED,
        scoped=True,
    ),
    Case(
        "POST",
        "apprenticeship/<int:cohort_id>/apprentices/<int:apprentice_id>/leave/",
        MANAGE,
        _url("/apprenticeship", "/leave/", apprentice=True),
        foreign=_foreign("/apprenticeship", "/leave/", apprentice=True),
        data=lambda w, u: LEAVE,
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        "apprenticeship/<int:cohort_id>/apprentices/<int:apprentice_id>/certify/",
        MANAGE,
        _url("/apprenticeship", "/certify/", apprentice=True),
        foreign=_foreign("/apprenticeship", "/certify/", apprentice=True),
        data=lambda w, u: CERTIFY,
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    # ---- API
    Case("GET", A, VIEW, fixed(A)),
    Case(
        "POST",
        A,
        MANAGE,
        fixed(A),
        data=lambda w, u: register_data(w, u, api=True),
        foreign_data=lambda w, u: [register_data(w, u, api=True, department=w.xc_industry)],
        ok=201,
        delta=REGISTERED,
        scoped=True,
    ),
    Case("GET", f"{A}/{{cohort_id}}", VIEW, _url(A), foreign=_foreign(A), scoped=True),
    Case(
        "POST",
        f"{A}/{{cohort_id}}/apprentices",
        MANAGE,
        _url(A, "/apprentices"),
        foreign=_foreign(A, "/apprentices"),
        data=lambda w, u: {"apprentices": [api_apprentice()]},
        ok=201,
        delta=ADDED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/{{cohort_id}}/complete",
        MANAGE,
        _url(A, "/complete"),
        foreign=_foreign(A, "/complete"),
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/{{cohort_id}}/apprentices/{{apprentice_id}}/leave",
        MANAGE,
        _url(A, "/leave", apprentice=True),
        foreign=_foreign(A, "/leave", apprentice=True),
        data=lambda w, u: LEAVE,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/{{cohort_id}}/apprentices/{{apprentice_id}}/certify",
        MANAGE,
        _url(A, "/certify", apprentice=True),
        foreign=_foreign(A, "/certify", apprentice=True),
        data=lambda w, u: CERTIFY,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        f"{A}/{{cohort_id}}/stages/{{stage}}/claim",
        CLAIMERS,
        _url(A, "/stages/1/claim", make_own=claimable),
        foreign=_foreign(A, "/stages/1/claim"),
        data=lambda w, u: {},
        ok=201,
        delta=CLAIMED,
        scoped=True,
    ),
)

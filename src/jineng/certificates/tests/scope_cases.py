"""Scope-matrix rows for the certificate register's pages and API (collected by core's test_scope_matrix)."""

from __future__ import annotations

import datetime as dt
import itertools
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.assessment.tests.scope_cases import Rereadable
from jineng.certificates.models import Certificate, Route
from jineng.certificates.services import TEMPLATE_HEADERS
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.orgs.models import Organisation
from jineng.supervision.tests.factory import occupation

C = f"{API}/certificates"
_serial = itertools.count(1)


def _certificate(
    w: World, *, region: Any, department: Any, body: Organisation, unit: Organisation, person: Any
) -> Certificate:
    return Certificate.objects.create(
        holder=person,
        kind="skill_level",
        number=f"SCOPE{next(_serial):06d}",
        occupation=occupation(),
        level=4,
        body=body,
        issued_on=dt.date(2021, 6, 30),
        route=Route.SOCIAL,
        region=region,
        department=department,
        unit=unit,
    )


def own(w: World, u: User) -> Certificate:
    """A 金水区 certificate of 市工信局, issued by the Zhengzhou station for the Zhengzhou school."""
    return _certificate(
        w, region=w.jinshui, department=w.zz_industry, body=w.zz_station, unit=w.zz_school, person=w.zz_person
    )


def foreign(w: World, u: User) -> list[Certificate]:
    xc_body = w.outsiders[Role.EVALUATOR].organisation
    assert xc_body is not None
    out = [
        _certificate(
            w, region=w.weidu, department=w.xc_industry, body=xc_body, unit=w.xc_school, person=w.xc_person
        )
    ]
    if u.organisation_id is not None:  # a Zhengzhou certificate of neither its body nor its unit
        out.append(
            _certificate(
                w, region=w.jinshui, department=w.zz_industry, body=xc_body, unit=xc_body, person=w.zz_person
            )
        )
    return out


def _filed(u: User) -> None:
    if u.organisation is not None:
        from jineng.catalogue.tests.helpers import body_filed

        body_filed(u.organisation, occupation())


def api_rows(w: World, u: User) -> list[dict[str, Any]]:
    _filed(u)
    return [
        {
            "id_number": w.zz_person.id_number,
            "name": w.zz_person.name,
            "route": "social_evaluation",
            "kind": "skill_level",
            "number": f"MATRIX{next(_serial):06d}",
            "occupation_code": occupation().code,
            "level": 4,
            "issued_on": "2021-06-30",
        }
    ]


def upload_data(w: World, u: User) -> dict[str, Any]:
    r = api_rows(w, u)[0]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.append(
        [
            r["id_number"],
            r["name"],
            Route(r["route"]).label,
            "职业技能等级证书",
            r["number"],
            r["occupation_code"],
            "四级/中级工",
            "",
            r["issued_on"],
            "",
            "",
        ]
    )
    buffer = BytesIO()
    wb.save(buffer)
    return {"file": Rereadable("证书.xlsx", buffer.getvalue())}


REGISTERED = {"certificates.Certificate": 1, "audit.Event": 1}

# The public check: the page (its POST is the same route) and the API, which needs number and name.
PUBLIC: dict[str, tuple[str, int]] = {
    "certificates/check/": ("GET", 200),
    "api/v1/certificates/check": ("GET", 422),
}

CASES: tuple[Case, ...] = (
    Case("GET", "certificates/", roles("certificate.view"), fixed("/certificates/?format=xlsx")),
    Case(
        "GET",
        "certificates/<int:certificate_id>/",
        roles("certificate.view"),
        lambda w, u: f"/certificates/{own(w, u).pk}/",
        foreign=lambda w, u: [f"/certificates/{c.pk}/" for c in foreign(w, u)],
        scoped=True,
    ),
    Case("GET", "certificates/import/", roles("certificate.record"), fixed("/certificates/import/")),
    Case(
        "POST",
        "certificates/import/",
        roles("certificate.record"),
        fixed("/certificates/import/"),
        data=upload_data,
        delta=REGISTERED,
    ),
    Case("GET", "certificates/template/", roles("certificate.record"), fixed("/certificates/template/")),
    # ---- API
    Case("GET", C, roles("certificate.view"), fixed(C)),
    Case(
        "GET",
        f"{C}/{{certificate_id}}",
        roles("certificate.view"),
        lambda w, u: f"{C}/{own(w, u).pk}",
        foreign=lambda w, u: [f"{C}/{c.pk}" for c in foreign(w, u)],
        scoped=True,
    ),
    Case("POST", C, roles("certificate.record"), fixed(C), data=api_rows, ok=201, delta=REGISTERED),
)

"""Scope-matrix rows for the equipment grant pages and API (collected by core's test_scope_matrix).

In scope: HR staff and auditors see the bases, studios and applications of their region; an
organisation's clerk its own. Out of scope: Xuchang's for everybody, another organisation's for a clerk.
The helpers make a fresh base or studio each time, so that a world may be asked many times (the token
run goes through every API row in one world): a base is granted once (F05).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.conftest import PASSWORD, World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.grants import services
from jineng.grants.models import GrantApplication, GrantState, Recognition
from jineng.orgs.models import Organisation
from jineng.policy.equipment import Item
from jineng.regions.models import ProfileAssignment, Region
from jineng.regions.services import profile_assign

G = f"{API}/grants"
RECOGNISED = {"grants.Recognition": 1, "audit.Event": 1}
APPLIED = {"grants.GrantApplication": 1, "grants.EquipmentItem": 1, "audit.Event": 1}
SIGNED = {"audit.Event": 1}  # the row is updated, the trail grows by one


def _district(w: World, foreign: bool) -> Region:
    """The district these rows put their bases in, with XC19 (the document that sets F05's numbers) in
    force there this year; the cities keep their own profiles, which other rows' writes rely on."""
    district = w.weidu if foreign else w.erqi
    year = timezone.localdate().year
    if not ProfileAssignment.objects.filter(region=district, year=year).exists():
        profile_assign(actor=None, region=district, year=year, profile_code="XC19")
    return district


def _clerk(w: World, org: Organisation) -> User:
    if org == w.zz_school:
        return w.users[Role.INSTITUTION]
    if org == w.xc_school:
        return w.outsiders[Role.INSTITUTION]
    found = User.objects.filter(organisation=org, role=Role.INSTITUTION).first()
    return found or user_create(
        actor=None,
        username=f"clerk_{org.pk}",
        password=PASSWORD,
        display_name="另一单位经办人",
        role=Role.INSTITUTION,
        region=org.region,
        organisation=org,
    )


def recognition(w: World, *, foreign: bool = False, org: Organisation | None = None) -> Recognition:
    """A fresh provincial base of the school (Xuchang's school when ``foreign``; or ``org``)."""
    org = org or (w.xc_school if foreign else w.zz_school)
    return services.recognition_record(
        actor=w.outsiders[Role.HR_ADMIN] if org.region == w.xuchang else w.users[Role.HR_ADMIN],
        organisation=org,
        kind="base",
        name=f"高技能人才培训基地{uuid.uuid4().hex[:8]}",
        level="provincial",
        recognised_on=dt.date(2020, 12, 1),
        document_number="豫人社办〔2020〕88号",
        department=w.xc_industry if org.region == w.xuchang else w.zz_industry,
        region=_district(w, org.region == w.xuchang),
    )


def _item() -> Item:
    return Item(
        row=1,
        name="数控车床",
        model="CK6150",
        quantity=2,
        unit_price=Decimal("125000"),
        invoice_number=uuid.uuid4().hex[:16],
        purchased_on=dt.date(2021, 3, 15),
    )


def application(
    w: World, state: str = GrantState.SUBMITTED, *, foreign: bool = False, org: Organisation | None = None
) -> GrantApplication:
    r = recognition(w, foreign=foreign, org=org)
    a = services.grant_application_create(
        actor=_clerk(w, r.organisation), recognition=r, items=[_item()], staff_education_fund_used=True
    )
    staff = w.outsiders if r.organisation.region == w.xuchang else w.users
    if state in (GrantState.FIRST_SIGNED, GrantState.REJECTED):
        a = services.grant_application_review(actor=staff[Role.HR_FIRST], application=a, decision="pass")
    if state == GrantState.REJECTED:
        a = services.grant_application_review(
            actor=staff[Role.HR_SECOND], application=a, decision="return", comment="发票与设备不符"
        )
    return a


def _foreign_applications(w: World, u: User, state: str = GrantState.SUBMITTED) -> list[GrantApplication]:
    out = [application(w, state, foreign=True)]
    if u.role == Role.INSTITUTION:
        out.append(application(w, state, org=w.zz_station))  # another Zhengzhou organisation's
    return out


def _waiting(u: User) -> str:
    return GrantState.FIRST_SIGNED if u.role == Role.HR_SECOND else GrantState.SUBMITTED


def _item_form() -> dict[str, Any]:
    return {
        "staff_education_fund_used": "on",
        "item-1-name": "数控车床",
        "item-1-model": "CK6150",
        "item-1-quantity": "2",
        "item-1-unit_price": "125000",
        "item-1-invoice_number": uuid.uuid4().hex[:16],
        "item-1-purchased_on": "2021-03-15",
    }


def _recognition_page_data(w: World, u: User, *, foreign: str = "") -> dict[str, Any]:
    return {
        "organisation": (w.xc_school if foreign == "org" else w.zz_school).pk,
        "kind": "studio",
        "name": f"技能大师工作室{uuid.uuid4().hex[:8]}",
        "level": "city",
        "recognised_on": "2020-12-01",
        "document_number": "郑人社〔2020〕9号",
        "department": (w.xc_industry if foreign == "dept" else w.zz_industry).pk,
    }


def _recognition_api_data(w: World, u: User, *, foreign: str = "") -> dict[str, Any]:
    d = _recognition_page_data(w, u, foreign=foreign)
    d["organisation_id"], d["department_id"] = d.pop("organisation"), d.pop("department")
    return d


def _application_api_data(w: World, u: User, *, foreign: bool = False) -> dict[str, Any]:
    r = recognition(w, foreign=foreign)
    return {
        "recognition_id": r.pk,
        "staff_education_fund_used": True,
        "items": [
            {
                "name": "数控车床",
                "model": "CK6150",
                "quantity": 2,
                "unit_price": "125000",
                "invoice_number": uuid.uuid4().hex[:16],
                "purchased_on": "2021-03-15",
            }
        ],
    }


def _review_data(w: World, u: User) -> dict[str, Any]:
    # The 复核 refuses, so that the write is the signature alone (its approval drafts a claim: test_grants).
    if u.role == Role.HR_SECOND:
        return {"decision": "return", "comment": "发票与设备不符"}
    return {"decision": "pass"}


CASES: tuple[Case, ...] = (
    # ---- pages
    Case("GET", "grants/", roles("grant.view"), fixed("/grants/")),
    Case("GET", "grants/recognitions/", roles("grant.view"), fixed("/grants/recognitions/")),
    Case("GET", "grants/recognitions/new/", roles("grant.recognise"), fixed("/grants/recognitions/new/")),
    Case(
        "POST",
        "grants/recognitions/new/",
        roles("grant.recognise"),
        fixed("/grants/recognitions/new/"),
        data=_recognition_page_data,
        foreign_data=lambda w, u: [
            _recognition_page_data(w, u, foreign="org"),
            _recognition_page_data(w, u, foreign="dept"),
        ],
        ok=302,
        delta=RECOGNISED,
        scoped=True,
        form=True,
    ),
    Case("GET", "grants/template.xlsx", roles("grant.apply"), fixed("/grants/template.xlsx")),
    Case(
        "GET",
        "grants/apply/<int:recognition_id>/",
        roles("grant.apply"),
        lambda w, u: f"/grants/apply/{recognition(w).pk}/",
        foreign=lambda w, u: [f"/grants/apply/{recognition(w, foreign=True).pk}/"],
        scoped=True,
    ),
    Case(
        "POST",
        "grants/apply/<int:recognition_id>/",
        roles("grant.apply"),
        lambda w, u: f"/grants/apply/{recognition(w).pk}/",
        foreign=lambda w, u: [f"/grants/apply/{recognition(w, foreign=True).pk}/"],
        data=lambda w, u: _item_form(),
        ok=302,
        delta=APPLIED,
        scoped=True,
    ),
    Case(
        "GET",
        "grants/<int:application_id>/",
        roles("grant.view"),
        lambda w, u: f"/grants/{application(w).pk}/",
        foreign=lambda w, u: [f"/grants/{a.pk}/" for a in _foreign_applications(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        "grants/<int:application_id>/withdraw/",
        roles("grant.apply"),
        lambda w, u: f"/grants/{application(w).pk}/withdraw/",
        foreign=lambda w, u: [f"/grants/{a.pk}/withdraw/" for a in _foreign_applications(w, u)],
        data=lambda w, u: {"reason": "设备清单漏列两项，撤回后重新申请"},
        ok=302,
        delta=SIGNED,
        scoped=True,
    ),
    Case(
        "POST",
        "grants/<int:application_id>/review/",
        roles("grant.review"),
        lambda w, u: f"/grants/{application(w, _waiting(u)).pk}/review/",
        foreign=lambda w, u: [f"/grants/{a.pk}/review/" for a in _foreign_applications(w, u, _waiting(u))],
        data=_review_data,
        ok=302,
        delta=SIGNED,
        scoped=True,
    ),
    # ---- API
    Case("GET", f"{G}/recognitions", roles("grant.view"), fixed(f"{G}/recognitions")),
    Case(
        "POST",
        f"{G}/recognitions",
        roles("grant.recognise"),
        fixed(f"{G}/recognitions"),
        data=_recognition_api_data,
        foreign_data=lambda w, u: [
            _recognition_api_data(w, u, foreign="org"),
            _recognition_api_data(w, u, foreign="dept"),
        ],
        ok=201,
        delta=RECOGNISED,
        scoped=True,
    ),
    Case("GET", G, roles("grant.view"), fixed(G)),
    Case(
        "POST",
        G,
        roles("grant.apply"),
        fixed(G),
        data=_application_api_data,
        foreign_data=lambda w, u: [_application_api_data(w, u, foreign=True)],
        ok=201,
        delta=APPLIED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{G}/{{application_id}}",
        roles("grant.view"),
        lambda w, u: f"{G}/{application(w).pk}",
        foreign=lambda w, u: [f"{G}/{a.pk}" for a in _foreign_applications(w, u)],
        scoped=True,
    ),
    Case(
        "POST",
        f"{G}/{{application_id}}/withdraw",
        roles("grant.apply"),
        lambda w, u: f"{G}/{application(w).pk}/withdraw",
        foreign=lambda w, u: [f"{G}/{a.pk}/withdraw" for a in _foreign_applications(w, u)],
        data=lambda w, u: {"reason": "设备清单漏列两项，撤回后重新申请"},
        delta=SIGNED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{G}/{{application_id}}/review",
        roles("grant.review"),
        lambda w, u: f"{G}/{application(w, _waiting(u)).pk}/review",
        foreign=lambda w, u: [f"{G}/{a.pk}/review" for a in _foreign_applications(w, u, _waiting(u))],
        data=_review_data,
        delta=SIGNED,
        scoped=True,
    ),
)

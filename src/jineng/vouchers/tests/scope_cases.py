"""Scope-matrix rows for the voucher pages and API (collected by core's test_scope_matrix).

In scope: HR staff and auditors see the vouchers issued in their region; an institution those bound to
its own classes; a trainee his own. Out of scope: Xuchang's vouchers for everybody, another
institution's or an unbound voucher for an institution, another person's for a trainee.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jineng.accounts.models import User
from jineng.conftest import World
from jineng.core.roles import HR_ROLES, Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.training.models import Enrolment
from jineng.vouchers.models import Voucher, VoucherState
from jineng.vouchers.services import TEMPLATE_HEADERS
from jineng.vouchers.tests.factory import bound, certify, enrolment, issue, today

V = f"{API}/vouchers"
WRITE = {"audit.Event": 1}  # a state change: the row is updated, the trail grows by one
ISSUED = {"vouchers.Voucher": 1, "audit.Event": 1}


def own_voucher(w: World, u: User) -> Voucher:
    """A bound voucher every viewer of the role has in scope (the trainee: one of his own)."""
    if u.role == Role.TRAINEE:
        return bound(w, person=w.zz_person)
    return bound(w)


def own_certified(w: World, u: User) -> Voucher:
    v = own_voucher(w, u)
    certify(w, v.enrolment)  # type: ignore[arg-type]
    return v


def foreign_vouchers(w: World, u: User, *, certified: bool = False) -> list[Voucher]:
    out = [bound(w, foreign=True)]
    if u.role == Role.INSTITUTION:
        out.append(bound(w, institution=w.zz_station))  # a Zhengzhou class of another organisation
        out.append(issue(w, enrolment(w).person))  # not bound to any class of its own yet
    if u.role == Role.TRAINEE:
        out.append(bound(w))  # somebody else's
    if certified:
        for v in out:
            if v.enrolment is not None:
                certify(w, v.enrolment)
    return out


def _expiry() -> str:
    return (today() + dt.timedelta(days=365)).isoformat()


def issue_api_data(w: World, u: User, *, person: Any = None, region: Any = None) -> dict[str, Any]:
    return {
        "id_number": (person or w.zz_person).id_number,
        "region_id": (region or w.zhengzhou).pk,
        "expires_on": _expiry(),
    }


def issue_page_data(w: World, u: User, *, person: Any = None, region: Any = None) -> dict[str, Any]:
    return {
        "id_number": (person or w.zz_person).id_number,
        "region": (region or w.zhengzhou).pk,
        "expires_on": _expiry(),
        "occupation_code": "",
        "institution": "",
    }


class Rereadable(SimpleUploadedFile):
    """The matrix sends one body several times; each send reads the file from the start."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)


def bulk_data(w: World, u: User, *, region: Any = None) -> dict[str, Any]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.append([w.zz_person.id_number, w.zz_person.name])
    buffer = BytesIO()
    wb.save(buffer)
    return {
        "file": Rereadable("发放名单.xlsx", buffer.getvalue()),
        "region": (region or w.zhengzhou).pk,
        "expires_on": _expiry(),
        "occupation_code": "",
        "institution": "",
    }


def bindable(w: World, *, foreign: bool = False, **kw: Any) -> tuple[Voucher, Enrolment]:
    e = enrolment(w, foreign=foreign, **kw)
    return issue(w, e.person, foreign=foreign), e


def latest_bindable() -> tuple[Voucher, Enrolment]:
    v = Voucher.objects.filter(state=VoucherState.ISSUED).order_by("-pk").first()
    assert v is not None
    return v, Enrolment.objects.filter(person=v.person).order_by("-pk").first()  # type: ignore[return-value]


def bind_page_path(w: World, u: User) -> str:
    bindable(w)
    return "/vouchers/bind/"


def bind_page_data(w: World, u: User) -> dict[str, Any]:
    v, e = latest_bindable()
    return {"serial": v.serial, "id_number": v.person.id_number, "training_class": e.training_class_id}


def bind_page_foreign(w: World, u: User) -> list[dict[str, Any]]:
    v, e = bindable(w, foreign=True)
    return [{"serial": v.serial, "id_number": v.person.id_number, "training_class": e.training_class_id}]


def bind_api_path(w: World, u: User) -> str:
    bindable(w)
    return f"{V}/bind"


def bind_api_data(w: World, u: User) -> dict[str, Any]:
    v, e = latest_bindable()
    return {"serial": v.serial, "enrolment_id": e.pk}


def bind_api_foreign(w: World, u: User) -> list[dict[str, Any]]:
    v, e = bindable(w, foreign=True)
    out = [{"serial": v.serial, "enrolment_id": e.pk}]  # a Xuchang class
    if u.role == Role.INSTITUTION:
        v, e = bindable(w, institution=w.zz_station)  # a class of another organisation
        out.append({"serial": v.serial, "enrolment_id": e.pk})
    if u.role in HR_ROLES:
        # A Xuchang voucher with an enrolment of one's own region: the voucher is out of scope.
        _, own = bindable(w)
        xc, _ = bindable(w, foreign=True)
        out.append({"serial": xc.serial, "enrolment_id": own.pk})
    return out


def _detail(prefix: str, suffix: str = "") -> Any:
    return lambda w, u: f"{prefix}/{own_voucher(w, u).pk}{suffix}"


def _foreign(prefix: str, suffix: str = "", certified: bool = False) -> Any:
    return lambda w, u: [f"{prefix}/{v.pk}{suffix}" for v in foreign_vouchers(w, u, certified=certified)]


def redeemed_unclaimed(w: World, u: User) -> Voucher:
    """A voucher exchanged for the certificate of an assessed class of the school, not yet claimed."""
    from jineng.claims.tests.scope_cases import _assessed_for

    _assessed_for(w, u)
    e = Enrolment.objects.order_by("-pk").first()
    assert e is not None
    return Voucher.objects.create(
        serial=f"410100-2021-{e.pk:06d}",
        sequence=e.pk,
        person=e.person,
        region=w.zhengzhou,
        issued_by=w.users[Role.HR_ADMIN],
        issued_on=e.training_class.start_date - dt.timedelta(days=30),
        expires_on=e.training_class.end_date + dt.timedelta(days=365),
        state=VoucherState.REDEEMED,
        enrolment=e,
        bound_on=e.training_class.start_date - dt.timedelta(days=1),
        certificate=e.result,
        redeemed_on=e.training_class.end_date + dt.timedelta(days=10),
    )


CLAIMED = {"claims.Claim": 1, "claims.ClaimLine": 1, "audit.Event": 1}
CLAIMERS = roles("claim.apply") & roles("voucher.use")  # the school's clerk


def claim_api_path(w: World, u: User) -> str:
    redeemed_unclaimed(w, u)
    return f"{V}/claims"


def claim_api_foreign(w: World, u: User) -> list[dict[str, Any]]:
    return [{"voucher_ids": [v.pk]} for v in foreign_vouchers(w, u, certified=True)]


CASES: tuple[Case, ...] = (
    Case(
        "POST",
        "vouchers/claim/",
        CLAIMERS,
        lambda w, u: (redeemed_unclaimed(w, u), "/vouchers/claim/")[1],
        data=lambda w, u: {},
        ok=302,
        delta=CLAIMED,
    ),
    # ---- pages
    Case("GET", "vouchers/", roles("voucher.view"), fixed("/vouchers/")),
    Case("GET", "vouchers/mine/", roles("self.view"), fixed("/vouchers/mine/")),
    Case("GET", "vouchers/new/", roles("voucher.issue"), fixed("/vouchers/new/")),
    Case(
        "POST",
        "vouchers/new/",
        roles("voucher.issue"),
        fixed("/vouchers/new/"),
        data=issue_page_data,
        foreign_data=lambda w, u: [
            issue_page_data(w, u, region=w.xuchang),
            issue_page_data(w, u, person=w.xc_person),
        ],
        ok=302,
        delta=ISSUED,
        scoped=True,
        form=True,
    ),
    Case("GET", "vouchers/bulk/", roles("voucher.issue"), fixed("/vouchers/bulk/")),
    Case(
        "POST",
        "vouchers/bulk/",
        roles("voucher.issue"),
        fixed("/vouchers/bulk/"),
        data=bulk_data,
        foreign_data=lambda w, u: [bulk_data(w, u, region=w.xuchang)],
        ok=302,
        delta=ISSUED,
        scoped=True,
        form=True,
    ),
    Case("GET", "vouchers/bulk/template.xlsx", roles("voucher.issue"), fixed("/vouchers/bulk/template.xlsx")),
    Case("GET", "vouchers/bind/", roles("voucher.use"), fixed("/vouchers/bind/")),
    Case(
        "POST",
        "vouchers/bind/",
        roles("voucher.use"),
        bind_page_path,
        data=bind_page_data,
        foreign_data=bind_page_foreign,
        ok=302,
        delta=WRITE,
        scoped=True,
        form=True,
    ),
    Case(
        "GET",
        "vouchers/<int:voucher_id>/",
        roles("voucher.view", "self.view"),
        _detail("/vouchers", "/"),
        foreign=_foreign("/vouchers", "/"),
        scoped=True,
    ),
    Case(
        "POST",
        "vouchers/<int:voucher_id>/redeem/",
        roles("voucher.use"),
        lambda w, u: f"/vouchers/{own_certified(w, u).pk}/redeem/",
        foreign=_foreign("/vouchers", "/redeem/", certified=True),
        data=lambda w, u: {},
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        "vouchers/<int:voucher_id>/revoke/",
        roles("voucher.issue"),
        _detail("/vouchers", "/revoke/"),
        foreign=_foreign("/vouchers", "/revoke/"),
        data=lambda w, u: {"reason": "学员退出培训"},
        ok=302,
        delta=WRITE,
        scoped=True,
    ),
    # ---- API
    Case("GET", V, roles("voucher.view"), fixed(V)),
    Case("GET", f"{V}/mine", roles("self.view"), fixed(f"{V}/mine")),
    Case(
        "GET",
        f"{V}/counts",
        roles("voucher.counts"),
        lambda w, u: f"{V}/counts?region_id={w.zhengzhou.pk}&year={today().year}",
        foreign=lambda w, u: [
            f"{V}/counts?region_id={w.xuchang.pk}&year={today().year}",
            f"{V}/counts?region_id={w.weidu.pk}&year={today().year}",
        ],
        scoped=True,
    ),
    Case(
        "POST",
        V,
        roles("voucher.issue"),
        fixed(V),
        data=issue_api_data,
        foreign_data=lambda w, u: [
            issue_api_data(w, u, person=w.xc_person),
            issue_api_data(w, u, region=w.xuchang),
            {**issue_api_data(w, u), "institution_id": w.xc_school.pk},
        ],
        ok=201,
        delta=ISSUED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{V}/bind",
        roles("voucher.use"),
        bind_api_path,
        data=bind_api_data,
        foreign_data=bind_api_foreign,
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "GET",
        f"{V}/{{voucher_id}}",
        roles("voucher.view", "self.view"),
        _detail(V),
        foreign=_foreign(V),
        scoped=True,
    ),
    Case(
        "POST",
        f"{V}/claims",
        CLAIMERS,
        claim_api_path,
        data=lambda w, u: {"voucher_ids": [Voucher.objects.order_by("-pk").values_list("pk", flat=True)[0]]},
        foreign_data=claim_api_foreign,
        ok=201,
        delta=CLAIMED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{V}/{{voucher_id}}/redeem",
        roles("voucher.use"),
        lambda w, u: f"{V}/{own_certified(w, u).pk}/redeem",
        foreign=_foreign(V, "/redeem", certified=True),
        data=lambda w, u: {},
        delta=WRITE,
        scoped=True,
    ),
    Case(
        "POST",
        f"{V}/{{voucher_id}}/revoke",
        roles("voucher.issue"),
        _detail(V, "/revoke"),
        foreign=_foreign(V, "/revoke"),
        data=lambda w, u: {"reason": "学员退出培训"},
        delta=WRITE,
        scoped=True,
    ),
)

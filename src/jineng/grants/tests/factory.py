"""Bases, studios and applications built through the real services, and the profile they run under."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jineng.conftest import World
from jineng.grants import services
from jineng.grants.models import GrantApplication, Recognition
from jineng.orgs.models import Organisation
from jineng.policy.equipment import Item
from jineng.regions.services import profile_assign

APPLIED = dt.date(2021, 6, 28)  # a Monday, in XC19's years
RECOGNISED = dt.date(2020, 12, 1)


def under(w: World, code: str, year: int = 2021, version: int | None = None) -> None:
    """Put a profile in force for Zhengzhou (where the world's school is) in ``year``."""
    profile_assign(actor=None, region=w.zhengzhou, year=year, profile_code=code, profile_version=version)


def recognised(
    w: World, *, kind: str = "base", org: Organisation | None = None, name: str = "", foreign: bool = False
) -> Recognition:
    """The school's (or, ``foreign``, Xuchang's school's) provincial base or studio, its claim reviewed by
    the city's industry department."""
    return services.recognition_record(
        actor=w.outsiders["hr_admin"] if foreign else w.users["hr_admin"],
        organisation=org or (w.xc_school if foreign else w.zz_school),
        kind=kind,
        name=name or ("数控加工高技能人才培训基地" if kind == "base" else "王强技能大师工作室"),
        level="provincial",
        recognised_on=RECOGNISED,
        document_number="豫人社办〔2020〕88号",
        department=w.xc_industry if foreign else w.zz_industry,
    )


def item(row: int = 1, *, quantity: int = 1, unit_price: str = "1000000", **kw: Any) -> Item:
    values: dict[str, Any] = {
        "name": "五轴联动数控加工中心",
        "model": "DMU 65",
        "invoice_number": f"44001234{row:04d}",
        "purchased_on": dt.date(2021, 3, 15),
    }
    values.update(kw)
    return Item(row=row, quantity=quantity, unit_price=Decimal(unit_price), **values)


def applied(
    w: World,
    r: Recognition,
    *,
    items: list[Item] | None = None,
    fund_used: bool = True,
    today: dt.date = APPLIED,
    foreign: bool = False,
) -> GrantApplication:
    return services.grant_application_create(
        actor=w.outsiders["institution"] if foreign else w.users["institution"],
        recognition=r,
        items=items or [item()],
        staff_education_fund_used=fund_used,
        today=today,
    )


def signed(
    w: World, a: GrantApplication, *, today: dt.date = APPLIED, foreign: bool = False
) -> GrantApplication:
    users = w.outsiders if foreign else w.users
    for role in ("hr_first", "hr_second"):
        a = services.grant_application_review(actor=users[role], application=a, decision="pass", today=today)
    return a

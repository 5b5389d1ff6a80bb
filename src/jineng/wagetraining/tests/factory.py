"""以工代训 built through the real services: an enterprise and its clerk, a declaration, employees.

Xuchang 2021 is put under XC19 (the document that has 以工代训); its reviewers are the world's Xuchang
users (``world.outsiders``). Where XC19 leaves the claim's steps open (notice period, finance review,
payment cycle), its profile's local settings (本地补充规定) apply.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.conftest import PASSWORD, World
from jineng.ledger import services as ledger
from jineng.ledger.models import FundKind
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.regions.models import Department, Region
from jineng.regions.services import profile_assign
from jineng.wagetraining import services
from jineng.wagetraining.models import Declaration

_n = itertools.count(1)


def under(region: Region, code: str, year: int = 2021, version: int | None = None) -> None:
    profile_assign(actor=None, region=region, year=year, profile_code=code, profile_version=version)


def enterprise(w: World, region: Region | None = None, name: str = "") -> tuple[Organisation, User]:
    """A producer (kind 企业) in ``region`` (default 魏都区) and its clerk."""
    region = region or w.weidu
    n = next(_n)
    org = organisation_register(
        actor=None,
        name=name or f"许昌发制品有限公司{n}",
        credit_code=make_credit_code("91", region.area_code()[:6], 500 + n),
        kind="enterprise",
        region=region,
        bank_name="中国工商银行许昌分行",
        bank_account=f"62220217000{n:08d}",
        contact_name="周敏",
        contact_phone="13903740000",
    )
    clerk = user_create(
        actor=None,
        username=f"yg_clerk{n}",
        password=PASSWORD,
        display_name="周敏",
        role="institution",
        region=region,
        organisation=org,
    )
    return org, clerk


def department_of(region: Region) -> Department:
    """The city's 工信局 (the world's department users review its claims)."""
    return Department.objects.get(region_id__in=region.ancestor_ids(), name="市工信局")


def declaration(
    w: World,
    clerk: User,
    *,
    year: int = 2021,
    insured: bool = True,
    today: dt.date = dt.date(2021, 2, 1),
) -> Declaration:
    assert clerk.organisation is not None
    return services.declaration_create(
        actor=clerk,
        department=department_of(clerk.organisation.region),
        year=year,
        insured=insured,
        insurance_number="411002000123" if insured else "",
        insured_since=dt.date(2019, 1, 1) if insured else None,
        today=today,
    )


def person_number(n: int) -> str:
    return make_id_number("411002", dt.date(1985, 1, 1) + dt.timedelta(days=n), 7)


def row(
    n: int,
    group: str = "贫困劳动力",
    hired_on: dt.date = dt.date(2020, 1, 1),
    *,
    number: str = "",
    name: str = "",
) -> services.EmployeeRow:
    return services.EmployeeRow(
        row=n + 1,
        id_number=number or person_number(n),
        name=name or f"员工{n}",
        group=group,
        hired_on=hired_on,
        post="发制品加工",
    )


def funded(region: Region, amount: str = "100000.00") -> None:
    fund = ledger.fund_open(actor=None, region=region, kind=FundKind.SPECIAL_ACCOUNT)
    ledger.fund_appropriate(
        actor=None,
        fund=fund,
        amount=Decimal(amount),
        key=f"test:yigong:{region.pk}",
        date=dt.date(2021, 1, 4),
    )

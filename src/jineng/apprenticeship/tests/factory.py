"""Cohorts for the tests: an enterprise of 金水区, the Zhengzhou school with full-time 电工 teachers, and
the province's 2021 list with an 企业新型学徒制 line for 电工 中级工."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jineng.apprenticeship import services
from jineng.apprenticeship.models import Cohort
from jineng.apprenticeship.services import ApprenticeRow
from jineng.catalogue.importing import HEADERS
from jineng.catalogue.services import catalogue_import
from jineng.catalogue.tests.helpers import xlsx
from jineng.conftest import World
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code, make_id_number
from jineng.training.tests.factories import occupation, prepared_institution

START = dt.date(2021, 3, 1)
FIRST_YEAR_OVER = dt.date(2022, 3, 7)  # a Monday after the first year (2021-03-01 … 2022-02-28)
# 电工 中级工, 企业新型学徒制, 4000 yuan per person per year, from 1 January 2021.
APPRENTICE_LINE = [
    "6-31-01-03",
    "电工",
    "",
    "四级/中级工",
    "职业技能等级证书",
    80,
    "4000.00",
    "企业新型学徒制",
    "",
    "否",
]
ITEM = (
    "河南省2021年补贴标准目录 6-31-01-03 电工·四级/中级工·职业技能等级证书（企业新型学徒制） 4000元，"
    "第1版 2021-01-01起"
)


def standards(w: World) -> None:
    occupation()
    catalogue_import(actor=None, region=w.henan, year=2021, content=xlsx([APPRENTICE_LINE], HEADERS))


def enterprise(w: World, *, foreign: bool = False, n: int = 1) -> Organisation:
    region = w.weidu if foreign else w.jinshui
    code = "411000" if foreign else "410105"
    name = f"{'许昌' if foreign else '郑州'}宇通电气有限公司{n}"
    found = Organisation.objects.filter(name=name).first()
    if found:
        return found
    return organisation_register(
        actor=None,
        name=name,
        credit_code=make_credit_code("91", code, 700 + n + (50 if foreign else 0)),
        kind="enterprise",
        region=region,
    )


def rows(n: int, *, first: int = 1, joined: dt.date = START, region: str = "410105") -> list[ApprenticeRow]:
    return [
        ApprenticeRow(
            id_number=make_id_number(region, dt.date(1990, 1, 1) + dt.timedelta(days=i), 100 + i % 800),
            name=f"学徒{i}",
            hired_on=dt.date(2020, 9, 1),
            joined_on=joined,
            row=i - first + 2,
        )
        for i in range(first, first + n)
    ]


def cohort(
    w: World,
    *,
    apprentices: int = 3,
    years: int = 1,
    teachers: int = 2,
    apprentices_first: int = 1,
    apprentices_rows: list[ApprenticeRow] | None = None,
    **kw: Any,
) -> Cohort:
    """A 电工 中级 cohort of the Zhengzhou school with an enterprise of 金水区 from 1 March 2021."""
    prepared_institution(w, teachers=teachers)
    data: dict[str, Any] = {
        "actor": w.users["institution"],
        "enterprise": enterprise(w),
        "institution": w.zz_school,
        "occupation": occupation(),
        "level": 4,
        "certificate_kind": "skill_level",
        "agreement_number": "XQ-2021-001",
        "agreement_date": dt.date(2021, 2, 20),
        "start_date": START,
        "planned_years": years,
        "department": w.zz_industry,
        "apprentices": rows(apprentices, first=apprentices_first)
        if apprentices_rows is None
        else apprentices_rows,
        "today": dt.date(2021, 3, 1),
    }
    data.update(kw)
    return services.cohort_register(**data)

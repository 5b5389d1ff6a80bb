"""A 以工代训 declaration of 许昌 (XC19, 2021): an enterprise of 鄢陵县 lists three employees of the groups
XC19 二(三)1 names and claims March and April 2021, 200 元 a person-month; March is signed and submitted
and waits for 市工信局 (xc_dept1, xc_dept2). XC19 fixes no notice period (F08), so a claim under it goes no
further than the department: the demo stops where the document stops. Everything goes through the
services the pages call."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from jineng.accounts.services import user_create
from jineng.claims import services as claims
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_id_number
from jineng.regions.models import Department, Region
from jineng.wagetraining import services as yigong

ENTERPRISE = "鄢陵县中林园林工程有限公司"  # XC23 二(一)8, an enterprise of the demo's Xuchang
CLERK = ("institution", "xc_qy", "许静")  # role, username, name: the enterprise's clerk
DECLARED = dt.date(2021, 3, 1)
CLAIMED = dt.date(2021, 5, 6)
EMPLOYEES = (  # name, group, hired on, birth date
    ("刘春生", "贫困劳动力", dt.date(2020, 8, 10), dt.date(1978, 4, 2)),
    ("马秀英", "就业困难人员", dt.date(2021, 1, 4), dt.date(1972, 9, 18)),
    ("赵磊", "零就业家庭成员", dt.date(2020, 11, 16), dt.date(1995, 12, 1)),
)


def demo_yigong_load() -> int:
    """Returns how many month claims were made; the caller's transaction holds them."""
    org = Organisation.objects.get(name=ENTERPRISE)
    role, username, name = CLERK
    clerk = user_create(
        actor=None,
        username=username,
        password=settings.JINENG_DEMO_PASSWORD,
        display_name=name,
        role=role,
        region=org.region,
        organisation=org,
    )
    city = Region.objects.get(name="许昌市")
    d = yigong.declaration_create(
        actor=clerk,
        department=Department.objects.get(region=city, name="市工信局"),
        year=2021,
        insured=True,
        insurance_number="411024201907001",
        insured_since=dt.date(2019, 7, 1),
        today=DECLARED,
    )
    rows = [
        yigong.EmployeeRow(
            row=n,
            id_number=make_id_number("411024", born, n),
            name=person,
            group=group,
            hired_on=hired,
            post="苗木养护",
        )
        for n, (person, group, hired, born) in enumerate(EMPLOYEES, start=2)
    ]
    yigong.employees_add(actor=clerk, declaration=d, rows=rows, today=DECLARED)
    months = yigong.months_claim(
        actor=clerk,
        declaration=d,
        months=[dt.date(2021, 3, 1), dt.date(2021, 4, 1)],
        activity="师傅带徒：苗木修剪、病虫害防治岗位练兵",
        today=CLAIMED,
    )
    march = claims.claim_bank_set(
        actor=clerk,
        claim=months[0].claim,
        bank_name="中国农业银行鄢陵县支行",
        bank_account="6228480459001234567",
    )
    claims.claim_submit(actor=clerk, claim=march, pledge_name=name, pledge=True, today=CLAIMED)
    return len(months)

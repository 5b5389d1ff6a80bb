from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.people.selectors import id_number_for
from jineng.wagetraining.models import Declaration, Employee, MonthClaim


class DeclarationIn(Schema):
    department_id: int
    year: int = Field(ge=2000, le=2100)
    insured: bool
    insurance_number: str = Field(default="", max_length=32)
    insured_since: dt.date | None = None


class EmployeeIn(Schema):
    id_number: str = Field(max_length=32)
    name: str = Field(max_length=32)
    group: str = Field(
        max_length=32, description="人员类别：贫困劳动力、就业困难人员、零就业家庭成员（或其代码）"
    )
    hired_on: dt.date
    left_on: dt.date | None = None
    post: str = Field(default="", max_length=64)


class EmployeeCorrectIn(Schema):
    group: str = Field(
        max_length=32, description="人员类别：贫困劳动力、就业困难人员、零就业家庭成员（或其代码）"
    )
    hired_on: dt.date
    left_on: dt.date | None = None
    post: str = Field(default="", max_length=64)


class EmployeesIn(Schema):
    rows: list[EmployeeIn] = Field(min_length=1, max_length=2000)


class MonthsIn(Schema):
    months: list[str] = Field(
        min_length=1,
        max_length=12,
        description="申领月份，如 2021-03",
        json_schema_extra={"example": ["2021-03"]},
    )
    activity: str = Field(max_length=200, description="本月以工代训开展情况")


class DeclarationOut(Schema):
    id: int
    ref: str
    enterprise_id: int
    enterprise: str
    region: str
    department_id: int
    department: str
    year: int
    insured: bool
    insurance_number: str
    insured_since: dt.date | None
    state: str
    state_label: str
    profile: str
    created_on: dt.date
    closed_on: dt.date | None

    @staticmethod
    def resolve_enterprise(obj: Declaration) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj: Declaration) -> str:
        return obj.region.name

    @staticmethod
    def resolve_department(obj: Declaration) -> str:
        return obj.department.name

    @staticmethod
    def resolve_state_label(obj: Declaration) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_profile(obj: Declaration) -> str:
        return f"{obj.profile_code}@v{obj.profile_version}"


class EmployeeOut(Schema):
    row: int
    name: str
    id_number: str
    group: str
    group_label: str
    hired_on: dt.date
    left_on: dt.date | None
    post: str

    @staticmethod
    def resolve_name(obj: Employee) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj: Employee, context: Any) -> str:
        return id_number_for(context["request"].user, obj.person)

    @staticmethod
    def resolve_group_label(obj: Employee) -> str:
        return obj.get_group_display()


class MonthOut(Schema):
    month: str
    label: str
    activity: str
    claim_id: int
    claim_ref: str
    claim_state: str
    claim_state_label: str
    headcount: int
    amount: Decimal

    @staticmethod
    def resolve_month(obj: MonthClaim) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_label(obj: MonthClaim) -> str:
        return obj.month_label

    @staticmethod
    def resolve_claim_ref(obj: MonthClaim) -> str:
        return obj.claim.ref

    @staticmethod
    def resolve_claim_state(obj: MonthClaim) -> str:
        return obj.claim.state

    @staticmethod
    def resolve_claim_state_label(obj: MonthClaim) -> str:
        return obj.claim.get_state_display()

    @staticmethod
    def resolve_headcount(obj: MonthClaim) -> int:
        return obj.claim.headcount

    @staticmethod
    def resolve_amount(obj: MonthClaim) -> Decimal:
        return obj.claim.amount


class DeclarationDetailOut(DeclarationOut):
    employees: list[EmployeeOut]
    months: list[MonthOut]

    @staticmethod
    def resolve_employees(obj: Declaration) -> list[Employee]:
        return list(obj.employees.select_related("person").order_by("row"))

    @staticmethod
    def resolve_months(obj: Declaration) -> list[MonthClaim]:
        return list(obj.months.select_related("claim").order_by("month", "id"))

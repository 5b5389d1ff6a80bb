"""/api/v1/yigong: 以工代训 declarations, their employees and month claims — the same services as the
pages. Out of scope → 404; the month's claim then follows /api/v1/claims like any other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.accounts.requests import request_user
from jineng.core.errors import Refusal
from jineng.core.pagination import PageNumberPagination
from jineng.core.params import year_query
from jineng.core.permissions import require
from jineng.wagetraining import services
from jineng.wagetraining.models import Declaration
from jineng.wagetraining.schemas import (
    DeclarationDetailOut,
    DeclarationIn,
    DeclarationOut,
    EmployeeCorrectIn,
    EmployeesIn,
    MonthOut,
    MonthsIn,
)
from jineng.wagetraining.selectors import (
    DeclarationFilter,
    declarations_search,
    declarations_visible,
    departments_for,
    months_of,
)

router = Router()


def parse_month(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw.strip(), "%Y-%m").date()
    except ValueError:
        raise Refusal("申领月份格式应为 2021-03", field="申领月份", value=raw[:10]) from None


@router.get(
    "", response=list[DeclarationOut], summary="以工代训申报（year 年度、state 状态、q 编号/企业名称开头）"
)
@paginate(PageNumberPagination, page_size=50)
def declaration_list(
    request: HttpRequest, year: int | None = year_query(None), state: str = "", q: str = ""
) -> Any:
    user = request_user(request)
    require(user, "yigong.view")
    return declarations_search(user, DeclarationFilter(year=year, state=state, q=q))


@router.post(
    "", response={201: DeclarationOut}, summary="企业申报以工代训（J04；政策档案未规定 F03 的予以拒绝）"
)
def declaration_new(request: HttpRequest, data: DeclarationIn) -> Status:
    user = request_user(request)
    require(user, "yigong.declare")
    department = get_object_or_404(departments_for(user), pk=data.department_id)
    d = services.declaration_create(
        actor=user,
        department=department,
        year=data.year,
        insured=data.insured,
        insurance_number=data.insurance_number,
        insured_since=data.insured_since,
    )
    return Status(201, declarations_visible(user).get(pk=d.pk))


@router.get("/{declaration_id}", response=DeclarationDetailOut, summary="以工代训申报详情：人员与月度申领")
def declaration_detail(request: HttpRequest, declaration_id: int) -> Declaration:
    user = request_user(request)
    require(user, "yigong.view")
    return get_object_or_404(declarations_visible(user), pk=declaration_id)


@router.post(
    "/{declaration_id}/employees",
    response={201: DeclarationDetailOut},
    summary="申报以工代训人员（全部通过才写入；B01、J04）",
)
def employees_new(request: HttpRequest, declaration_id: int, data: EmployeesIn) -> Status:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    rows = [services.EmployeeRow(row=i, **r.dict()) for i, r in enumerate(data.rows, start=1)]
    services.employees_add(actor=user, declaration=d, rows=rows)
    return Status(201, declarations_visible(user).get(pk=d.pk))


@router.post(
    "/{declaration_id}/employees/{employee_id}",
    response=DeclarationDetailOut,
    summary="更正已申报人员的类别、入职/离职日期、岗位（该人员没有有效的补贴申领明细时；J04）",
)
def employee_correct(
    request: HttpRequest, declaration_id: int, employee_id: int, data: EmployeeCorrectIn
) -> Declaration:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    e = get_object_or_404(d.employees.all(), pk=employee_id)
    services.employee_correct(
        actor=user, employee=e, group=data.group, hired_on=data.hired_on, left_on=data.left_on, post=data.post
    )
    return declarations_visible(user).get(pk=d.pk)


@router.post(
    "/{declaration_id}/months",
    response={201: list[MonthOut]},
    summary="按月申领以工代训补贴（F03 每人每月定额、最长月数；J04；B08），每月生成一笔补贴申领",
)
def months_new(request: HttpRequest, declaration_id: int, data: MonthsIn) -> Status:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    months = [parse_month(m) for m in data.months]
    made = services.months_claim(actor=user, declaration=d, months=months, activity=data.activity)
    return Status(201, list(months_of(d).filter(pk__in=[m.pk for m in made])))


@router.post("/{declaration_id}/close", response=DeclarationOut, summary="终止以工代训申报")
def declaration_close(request: HttpRequest, declaration_id: int) -> Declaration:
    user = request_user(request)
    require(user, "yigong.declare")
    d = get_object_or_404(declarations_visible(user), pk=declaration_id)
    services.declaration_close(actor=user, declaration=d)
    return declarations_visible(user).get(pk=d.pk)

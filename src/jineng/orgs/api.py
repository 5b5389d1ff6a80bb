from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.orgs.models import Organisation
from jineng.orgs.schemas import OrganisationIn, OrganisationOut
from jineng.orgs.selectors import organisations_search, organisations_visible
from jineng.orgs.services import organisation_register
from jineng.regions.selectors import departments_visible, regions_visible

router = Router()


@router.get(
    "", response=list[OrganisationOut], summary="管辖范围内的机构（分页，可按名称/信用代码、类别、状态筛选）"
)
@paginate(PageNumberPagination, page_size=50)
def organisations(request: HttpRequest, q: str = "", kind: str = "", status: str = "") -> Any:
    require(request.user, "org.view")
    return organisations_search(request_viewer(request), q=q, kind=kind, status=status)


@router.get("/{org_id}", response=OrganisationOut, summary="机构详情")
def organisation(request: HttpRequest, org_id: int) -> Organisation:
    require(request.user, "org.view")
    return get_object_or_404(organisations_visible(request_viewer(request)), pk=org_id)


@router.post("", response={201: OrganisationOut}, summary="登记机构（校验统一社会信用代码）")
def organisation_create(request: HttpRequest, data: OrganisationIn) -> Status:
    require(request.user, "org.register")
    region = get_object_or_404(regions_visible(request_viewer(request)), pk=data.region_id)
    department = None
    if data.department_id is not None:
        department = get_object_or_404(departments_visible(request_viewer(request)), pk=data.department_id)
    org = organisation_register(
        actor=request.user,
        region=region,
        department=department,
        **data.dict(exclude={"region_id", "department_id"}),
    )
    return Status(201, org)

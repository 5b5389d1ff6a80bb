from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import can
from jineng.core.scope import Viewer
from jineng.people.models import Person
from jineng.people.schemas import PersonIn, PersonOut
from jineng.people.selectors import persons_search, persons_visible, registration_regions
from jineng.people.services import person_register
from jineng.policy.identity import normalise_id_number
from jineng.regions.models import Region

router = Router()


@router.get("", response=list[PersonOut], summary="实名人员（q 可为完整身份证号或姓名开头）")
@paginate(PageNumberPagination, page_size=50)
def people(request: HttpRequest, q: str = "") -> Any:
    require(request.user, "person.view")
    return persons_search(request_viewer(request), q=q)


@router.get("/{person_id}", response=PersonOut, summary="人员详情")
def person(request: HttpRequest, person_id: int) -> Person:
    user: Viewer = request_viewer(request)
    # A trainee's scope is their own record: another id is out of scope (404), like any other object.
    if not can(user.role, "self.view"):
        require(user, "person.view")
    return get_object_or_404(persons_visible(user), pk=person_id)


@router.post(
    "",
    response={201: PersonOut, 200: PersonOut},
    summary="实名登记（B01：GB 11643 校验）；已登记则返回原记录",
)
def person_create(request: HttpRequest, data: PersonIn) -> Status:
    user: Viewer = request_viewer(request)
    require(user, "person.register")
    region = registration_region(user, data.region_id)
    before = Person.objects.filter(id_number=normalise_id_number(data.id_number)).exists()
    person = person_register(
        actor=user, id_number=data.id_number, name=data.name, region=region, phone=data.phone
    )
    return Status(200 if before else 201, person)


def registration_region(user: Viewer, region_id: int) -> Region:
    return get_object_or_404(registration_regions(user), pk=region_id)

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jineng.core.errors import Refusal
from jineng.core.feedback import refused
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import can
from jineng.core.scope import Viewer
from jineng.core.xlsx import xlsx_response
from jineng.people.api import registration_region
from jineng.people.models import Person
from jineng.people.selectors import (
    id_number_for,
    persons_search,
    persons_visible,
    phone_for,
    registration_regions,
)
from jineng.people.services import person_register
from jineng.policy.identity import normalise_id_number
from jineng.regions.models import Region


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user: Viewer = request_viewer(request)
    require(user, "person.view")
    q = request.GET.get("q", "").strip()
    qs = persons_search(user, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "实名人员.xlsx",
            "实名人员",
            ["姓名", "身份证号", "性别", "出生日期", "手机号", "登记地"],
            (
                [p.name, id_number_for(user, p), p.sex, p.birth_date, phone_for(user, p), p.region.name]
                for p in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    rows = [{"p": p, "id": id_number_for(user, p), "phone": phone_for(user, p)} for p in page]
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "q": q,
            "can_register": can(user.role, "person.register"),
        },
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user: Viewer = request_viewer(request)
    # A trainee's scope is their own record: another id is out of scope (404), like any other object.
    if not can(user.role, "self.view"):
        require(user, "person.view")
    person = get_object_or_404(persons_visible(user), pk=person_id)
    return render(
        request,
        "people/detail.html",
        {
            "p": person,
            "id_number": id_number_for(user, person),
            "phone": phone_for(user, person),
        },
    )


@login_required
def person_me(request: HttpRequest) -> HttpResponse:
    user: Viewer = request_viewer(request)
    require(user, "self.view")
    if user.person_id is None:
        raise Http404
    return person_detail(request, user.person_id)


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32)
    id_number = forms.CharField(label="居民身份证号", max_length=32)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    region = forms.ModelChoiceField(label="登记地", queryset=Region.objects.none())


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    user: Viewer = request_viewer(request)
    require(user, "person.register")
    form = PersonForm(request.POST or None)
    form.fields["region"].queryset = registration_regions(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = registration_region(user, data["region"].pk)
            existed = Person.objects.filter(id_number=normalise_id_number(data["id_number"])).exists()
            person = person_register(
                actor=user, id_number=data["id_number"], name=data["name"], region=region, phone=data["phone"]
            )
        except Refusal as exc:
            refused(request, exc)
        else:
            messages.success(
                request, ("该人员已登记，未重复建档：" if existed else "已实名登记：") + person.name
            )
            return redirect("people:detail", person.pk)
    return render(request, "people/new.html", {"form": form})

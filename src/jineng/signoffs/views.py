"""The class's sign-off page: the form's 人社部门 fields (C01), signed or open, and the form to sign one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jineng.accounts.requests import request_user
from jineng.core.feedback import act
from jineng.core.permissions import require
from jineng.core.roles import can
from jineng.signoffs import services
from jineng.signoffs.models import Kind
from jineng.signoffs.selectors import fields_of
from jineng.training.selectors import classes_visible


@login_required
def class_signoffs(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request_user(request)
    require(user, "class.view")
    tc = get_object_or_404(classes_visible(user), pk=class_id)
    if request.method == "POST":
        require(user, "signoff.record")
        kind = request.POST.get("kind", "")
        if act(
            request,
            f"已签字：{Kind(kind).label}" if kind in Kind.values else "已签字",
            lambda: services.signoff_record(
                actor=user, training_class=tc, kind=kind, opinion=request.POST.get("opinion", "")
            ),
        ):
            return redirect("signoffs:class", tc.pk)
    fields = fields_of(tc)
    signable = [
        f
        for f in fields
        if f.signoff is None and user.role in services.SIGNERS.get(Kind(f.kind), frozenset())
    ]
    return render(
        request,
        "signoffs/class.html",
        {"tc": tc, "fields": fields, "signable": signable if can(user.role, "signoff.record") else []},
    )

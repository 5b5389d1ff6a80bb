"""/api/v1/signoffs: the bureau's sign-offs of a class's form (C01), read and signed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from jineng.accounts.requests import request_user
from jineng.core.permissions import require
from jineng.signoffs import services
from jineng.signoffs.schemas import SignOffIn, SignOffOut
from jineng.signoffs.selectors import Field, fields_of
from jineng.training.selectors import classes_visible

router = Router()


def _out(f: Field) -> dict[str, Any]:
    s = f.signoff
    return {
        "kind": f.kind,
        "label": f.label,
        "signed": s is not None,
        "signer_name": s.signer_name if s else "",
        "signed_at": s.signed_at if s else None,
        "opinion": s.opinion if s else "",
        "assessment_id": s.assessment_id if s else None,
    }


@router.get(
    "/classes/{class_id}", response=list[SignOffOut], summary="培训班申请表中人社部门的签字与意见栏（C01）"
)
def class_signoffs(request: HttpRequest, class_id: int) -> Any:
    user = request_user(request)
    require(user, "class.view")
    return [_out(f) for f in fields_of(get_object_or_404(classes_visible(user), pk=class_id))]


@router.post(
    "/classes/{class_id}",
    response={201: SignOffOut},
    summary="签字：过程监管检查意见、考核巡查、结业考核意见（C01，按政策档案的申请表）",
)
def sign(request: HttpRequest, class_id: int, data: SignOffIn) -> Status:
    user = request_user(request)
    require(user, "signoff.record")
    tc = get_object_or_404(classes_visible(user), pk=class_id)
    services.signoff_record(actor=user, training_class=tc, kind=data.kind, opinion=data.opinion)
    return Status(201, next(_out(f) for f in fields_of(tc) if f.kind == data.kind))

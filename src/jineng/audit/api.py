import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from jineng.audit.schemas import EventOut
from jineng.audit.selectors import events_filtered
from jineng.core.pagination import PageNumberPagination
from jineng.core.permissions import require
from jineng.core.requests import request_viewer

router = Router()


@router.get("", response=list[EventOut], summary="管辖范围内的审计事件（新的在前）")
@paginate(PageNumberPagination, page_size=100)
def events(
    request: HttpRequest,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    require(request.user, "audit.view")
    return events_filtered(
        request_viewer(request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        date_from=date_from,
        date_to=date_to,
    )

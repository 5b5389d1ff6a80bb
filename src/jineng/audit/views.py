from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jineng.audit import kinds
from jineng.audit.models import Event
from jineng.audit.selectors import events_filtered
from jineng.core.pagination import paginate
from jineng.core.permissions import require
from jineng.core.requests import request_viewer
from jineng.core.roles import Role
from jineng.core.xlsx import xlsx_response


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _labelled(events: Any) -> list[Event]:
    rows = list(events)
    for e in rows:
        e.action_label = kinds.label_of(e.action)
        e.type_label = kinds.object_type_label(e.object_type)
        e.object_shown = kinds.object_shown(e.object_type, e.object_id, e.object_label)
        e.from_label = kinds.state_label(e.object_type, e.from_state)
        e.to_label = kinds.state_label(e.object_type, e.to_state)
        e.detail = kinds.detail_of(e.payload)
    return rows


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    filters = {
        "action": request.GET.get("action", "").strip(),
        "object_type": request.GET.get("object_type", "").strip(),
        "object_id": request.GET.get("object_id", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "date_from": _date(request.GET.get("date_from")),
        "date_to": _date(request.GET.get("date_to")),
    }
    qs = events_filtered(request_viewer(request), **filters)  # type: ignore[arg-type]
    roles = dict(Role.choices)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "审计日志.xlsx",
            "审计日志",
            [
                "编号",
                "时间",
                "操作人",
                "角色",
                "动作",
                "动作代码",
                "对象类型",
                "对象类型代码",
                "对象编号",
                "对象",
                "原状态",
                "新状态",
                "原状态代码",
                "新状态代码",
            ],
            (
                [
                    e.pk,
                    e.at,
                    e.actor_label,
                    roles.get(e.actor_role, e.actor_role),
                    kinds.label_of(e.action),
                    e.action,
                    kinds.object_type_label(e.object_type),
                    e.object_type,
                    e.object_id,
                    kinds.object_shown(e.object_type, e.object_id, e.object_label),
                    kinds.state_label(e.object_type, e.from_state),
                    kinds.state_label(e.object_type, e.to_state),
                    e.from_state,
                    e.to_state,
                ]
                for e in qs.iterator()
            ),
        )
    page, query = paginate(request, qs)
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "events": _labelled(page),
            "query": query,
            "f": filters,
            "roles": roles,
            "kinds": kinds.choices(),
            # A prefix typed into the address (``?action=person.``) is still honoured and shown.
            "action_unlisted": filters["action"] and not kinds.is_registered(str(filters["action"])),
        },
    )

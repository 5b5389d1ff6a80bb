from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from jineng.audit.models import Event


class EventOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    from_state: str
    to_state: str
    payload: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: Event) -> str:
        return obj.actor_label

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from jineng.audit import kinds
from jineng.audit.models import Event


class EventOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    actor_role: str
    action: str
    action_label: str
    object_type: str
    object_type_label: str
    object_id: str
    object_label: str
    from_state: str
    from_state_label: str
    to_state: str
    to_state_label: str
    payload: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: Event) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_action_label(obj: Event) -> str:
        return kinds.label_of(obj.action)

    @staticmethod
    def resolve_object_type_label(obj: Event) -> str:
        return kinds.object_type_label(obj.object_type)

    @staticmethod
    def resolve_object_label(obj: Event) -> str:
        return kinds.object_shown(obj.object_type, obj.object_id, obj.object_label)

    @staticmethod
    def resolve_from_state_label(obj: Event) -> str:
        return kinds.state_label(obj.object_type, obj.from_state)

    @staticmethod
    def resolve_to_state_label(obj: Event) -> str:
        return kinds.state_label(obj.object_type, obj.to_state)

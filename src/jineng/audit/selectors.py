from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from jineng.audit.models import Event
from jineng.core.roles import can
from jineng.core.scope import Viewer, scope_of


def events_visible(user: Viewer) -> QuerySet[Event]:
    if not can(user.role, "audit.view"):
        return Event.objects.none()
    scope = scope_of(user)
    return Event.objects.filter(region_path__startswith=scope.region_path).select_related("actor")


def events_filtered(
    user: Viewer,
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Event]:
    qs = events_visible(user)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_label__contains=actor)
    # Ranges of the event time itself rather than at__date (a cast of every row's time to a local
    # date, which no index serves).
    if date_from:
        qs = qs.filter(at__gte=day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=day_start(date_to + dt.timedelta(days=1)))
    return qs


def day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the bureau's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

"""C07 in the demo: where a class's profile requires face check-in (XC23), the institution's device at
the class's venue checks each trainee in and out on enough days to cover the class's offline hours, as a
real device would push them (through the ingestion service), so the class's claim pays as before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jineng.online.models import Device
from jineng.online.selectors import offline_hours_required, profile_of
from jineng.online.services import EventIn, device_register, events_ingest
from jineng.training.models import Enrolment, TrainingClass


def _device(tc: TrainingClass) -> Device:
    found = Device.objects.filter(institution_id=tc.institution_id).first()
    if found is None:
        found, _ = device_register(actor=tc.created_by, code=f"RL-{tc.institution_id:04d}-01", site=tc.venue)
    return found


def face_checkins(tc: TrainingClass, *, missing: dict[int, int] | None = None) -> int:
    """Check-ins for the class's trainees; ``missing`` (row → days) leaves some days out for a trainee.
    Returns the events stored (0 where the profile does not require face check-in)."""
    profile = profile_of(tc)
    if profile is None or not profile.get("face_checkin_required", False):
        return 0
    minutes = offline_hours_required(tc) * max(1, tc.minutes_per_hour)
    span = (tc.end_date - tc.start_date).days + 1
    per_day = min(15 * 60, max(8 * 60, -(-minutes // span)))
    days = min(span, -(-minutes // per_day))
    device = _device(tc)
    events: list[EventIn] = []
    for pk, row, number in Enrolment.objects.filter(training_class=tc).values_list(
        "pk", "row", "person__id_number"
    ):
        skip = (missing or {}).get(row, 0)
        for i in range(days - skip):
            start = timezone.make_aware(
                dt.datetime.combine(tc.start_date + dt.timedelta(days=i), dt.time(8, 25))
            )
            for kind, at in (("face_in", start), ("face_out", start + dt.timedelta(minutes=per_day + 5))):
                events.append(
                    EventIn(
                        event_id=f"{device.code}-{pk}-{i}-{kind}",
                        class_ref=tc.ref,
                        id_number=number,
                        kind=kind,
                        at=at,
                        passed=True,
                        score=Decimal("93.50"),
                    )
                )
    stored = 0
    for first in range(0, len(events), 5000):
        stored += events_ingest(
            actor=None, sender=tc.institution, device=device, events=events[first : first + 5000]
        ).stored
    return stored

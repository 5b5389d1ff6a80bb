"""Online classes and the events a platform or device would send, for the online tests, scope cases and
the other apps' tests that need a class with learning logs or face check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.conftest import PASSWORD, World
from jineng.core.roles import Role
from jineng.online import services
from jineng.online.models import Device
from jineng.online.services import EventIn
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_register
from jineng.policy.identity import make_credit_code
from jineng.supervision.services import class_open
from jineng.supervision.tests.factory import make_class
from jineng.training.models import ClassState, Enrolment, TrainingClass

TZ = dt.timezone(dt.timedelta(hours=8))


def platform(w: World, *, serial: int = 71) -> tuple[Organisation, User]:
    """An online platform of the world's city and its clerk (whose API token the platform sends with)."""
    region = w.zhengzhou
    found = Organisation.objects.filter(credit_code=make_credit_code("91", "410100", serial)).first()
    org = found or organisation_register(
        actor=None,
        name=f"河南职业技能在线学习平台{serial}",
        credit_code=make_credit_code("91", "410100", serial),
        kind=Organisation.Kind.ONLINE_PLATFORM,
        region=region,
    )
    clerk = User.objects.filter(organisation=org).first() or user_create(
        actor=None,
        username=f"platform{serial}",
        password=PASSWORD,
        display_name="平台经办",
        role=Role.INSTITUTION,
        region=region,
        organisation=org,
    )
    return org, clerk


def online_class(
    w: World,
    *,
    delivery: str = "online",
    trainees: int = 2,
    online_hours: int = 2,
    platform_org: Organisation | None = None,
    state: str = ClassState.IN_TRAINING,
    **kw: object,
) -> TrainingClass:
    """A class opened through the opening-day check (which makes its supervision summary), then moved to
    ``state`` directly."""
    tc = make_class(w, trainees=trainees, state=ClassState.APPROVED, **kw)  # type: ignore[arg-type]
    tc.delivery = delivery
    tc.online_hours = online_hours if delivery != "offline" else 0
    tc.online_platform = platform_org if delivery != "offline" else None
    tc.save(update_fields=["delivery", "online_hours", "online_platform"])
    inspector = (
        w.users[Role.INSPECTOR]
        if tc.region.path.startswith(w.zhengzhou.path)
        else w.outsiders[Role.INSPECTOR]
    )
    class_open(
        actor=inspector, training_class=tc, present=trainees, signed_in=trainees, materials_kept=True,
        today=tc.start_date,
    )  # fmt: skip
    if state != ClassState.IN_TRAINING:
        TrainingClass.objects.filter(pk=tc.pk).update(state=state)
        tc.refresh_from_db()
    return tc


def number(e: Enrolment) -> str:
    return e.person.id_number


class Log:
    """Builds a trainee's events; ``seq`` makes event ids unique across the test."""

    seq = 0

    def __init__(self, tc: TrainingClass, enrolment: Enrolment, prefix: str = "e") -> None:
        self.tc, self.id_number, self.prefix = tc, number(enrolment), prefix
        self.events: list[EventIn] = []

    def add(self, kind: str, at: dt.datetime, **kw: object) -> Log:
        Log.seq += 1
        self.events.append(
            EventIn(
                event_id=f"{self.prefix}{Log.seq:08d}",
                class_ref=self.tc.ref,
                id_number=self.id_number,
                kind=kind,
                at=at,
                **kw,  # type: ignore[arg-type]
            )
        )
        return self

    def lesson(
        self,
        lesson: int,
        start: dt.datetime,
        minutes: int = 45,
        *,
        speed: str = "1.0",
        blur: bool = False,
        popup_every: int = 4,
        liveness: bool | None = True,
        photos: bool = True,
    ) -> Log:
        """One session of ``minutes``: a clean one by default; the keywords make the fraud patterns."""
        self.add("session_start", start, lesson=lesson, position=0, speed=Decimal(speed))
        if liveness is not None:
            self.add(
                "liveness",
                start + dt.timedelta(seconds=30),
                lesson=lesson,
                passed=liveness,
                score=Decimal("91.5"),
            )
        for m in range(popup_every, minutes, popup_every) if popup_every else ():
            at = start + dt.timedelta(minutes=m)
            self.add("popup_answered", at, lesson=lesson, passed=True)
            self.add("progress", at, lesson=lesson, position=m * 60, speed=Decimal(speed))
        if blur:
            self.add("blur", start + dt.timedelta(minutes=minutes // 2), lesson=lesson)
        if photos:
            self.add(
                "photo",
                start + dt.timedelta(minutes=minutes // 3),
                lesson=lesson,
                ref=f"img/{self.id_number[-4:]}/{lesson}.jpg",
            )
        self.add("session_end", start + dt.timedelta(minutes=minutes), lesson=lesson, position=minutes * 60)
        return self

    def day(self, day: dt.date, *, hours: float = 8, matched: bool = True) -> Log:
        """A face check-in at 8:30 and a check-out ``hours`` later."""
        start = dt.datetime.combine(day, dt.time(8, 30), TZ)
        self.add("face_in", start, passed=matched, score=Decimal("90"))
        self.add("face_out", start + dt.timedelta(hours=hours), passed=matched, score=Decimal("90"))
        return self


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


def enrolments(tc: TrainingClass) -> Iterator[Enrolment]:
    yield from Enrolment.objects.filter(training_class=tc).select_related("person").order_by("row")


def now() -> dt.datetime:
    return timezone.now()


def face_checkins_cover(tc: TrainingClass, *, skip_rows: tuple[int, ...] = ()) -> int:
    """C07: where the class's profile requires face check-in, a device of its institution checks every
    trainee (but ``skip_rows``) in and out for enough 8-hour days to cover the class's offline hours,
    through the ingestion service. Returns the events stored (0 where the profile does not require it)."""
    from jineng.online.selectors import offline_hours_required, profile_of

    profile = profile_of(tc)
    if profile is None or not profile.get("face_checkin_required", False):
        return 0
    required = offline_hours_required(tc) * max(1, tc.minutes_per_hour)  # minutes
    span = (tc.end_date - tc.start_date).days + 1
    per_day = min(15 * 60, max(8 * 60, -(-required // span)))  # minutes a day, within the class's dates
    days = min(span, -(-required // per_day))
    device = Device.objects.filter(institution_id=tc.institution_id).first() or Device.objects.create(
        institution_id=tc.institution_id,
        code=f"FACE-{tc.institution_id}",
        site=tc.venue,
        prefix=f"t{tc.institution_id:07d}"[:8],
        key_hash=f"test-{tc.institution_id}".ljust(64, "0"),
        registered_by=tc.created_by,
    )
    events: list[EventIn] = []
    for e in enrolments(tc):
        if e.row in skip_rows:
            continue
        log = Log(tc, e, prefix=f"c{tc.pk}-")
        for i in range(days):
            log.day(tc.start_date + dt.timedelta(days=i), hours=per_day / 60)
        events += log.events
    report = services.events_ingest(actor=None, sender=tc.institution, device=device, events=events)
    assert not report.refused, report.refused[:3]
    return report.stored

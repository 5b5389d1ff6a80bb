from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from jineng.core.roles import can
from jineng.core.scope import Viewer, scope_of
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy.identity import mask_id_number, mask_phone, normalise_id_number
from jineng.regions.models import Region
from jineng.regions.selectors import regions_visible


def persons_visible(user: Viewer) -> QuerySet[Person]:
    scope = scope_of(user)
    if scope.person_id is not None:
        return Person.objects.filter(pk=scope.person_id).select_related("region")
    if not can(user.role, "person.view"):
        return Person.objects.none()
    qs = Person.objects.select_related("region", "registered_by_organisation")
    if scope.is_organisation:
        # An institution sees the people it registered and everyone on a roster of its own classes, wherever
        # they were first registered (a returning trainee is registered once, by whoever met them first).
        # People sits below training (no import of it): rosters are read through the relation
        # training's Enrolment declares on Person.
        on_my_roster = Person.objects.filter(
            pk=OuterRef("pk"), enrolments__training_class__institution_id=scope.organisation_id
        )
        return qs.filter(Q(registered_by_organisation_id=scope.organisation_id) | Exists(on_my_roster))
    if scope.is_department:
        # A department reviewer needs the trainees of the classes his department reviews, not the city's
        # whole real-name registry (least privilege for personal data).
        in_my_department = Person.objects.filter(
            pk=OuterRef("pk"),
            enrolments__training_class__department_id=scope.department_id or 0,
            enrolments__training_class__region__path__startswith=scope.region_path,
        )
        return qs.filter(Exists(in_my_department))
    return qs.filter(scope.region_q())


def persons_search(user: Viewer, *, q: str = "") -> QuerySet[Person]:
    qs = persons_visible(user)
    if q:
        # A full ID number finds the person without ever being shown back; a name matches by prefix.
        qs = qs.filter(Q(id_number=normalise_id_number(q)) | Q(name__startswith=q.strip()))
    return qs


def id_number_for(user: Viewer, person: Person) -> str:
    """The number as this viewer may see it."""
    if can(user.role, "person.full_id") or user.person_id == person.pk:
        return person.id_number
    return mask_id_number(person.id_number)


def phone_for(user: Viewer, person: Person) -> str:
    if not person.phone:
        return ""
    if can(user.role, "person.full_id") or user.person_id == person.pk:
        return person.phone
    return mask_phone(person.phone)


def registration_regions(user: Viewer) -> QuerySet[Region]:
    """Where the user may register a trainee: an institution in its own region's subtree, bureau staff
    within theirs."""
    if user.organisation_id is not None:
        org_path = Organisation.objects.filter(pk=user.organisation_id).values_list("region__path", flat=True)
        return Region.objects.filter(path__startswith=org_path.get())
    return regions_visible(user)

"""Reads of vouchers, always through the user's scope, and the G02 yearly counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from jineng.accounts.models import User
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.orgs.selectors import organisations_visible
from jineng.people.models import Person
from jineng.people.selectors import persons_visible
from jineng.policy.identity import normalise_id_number
from jineng.regions.models import Region
from jineng.regions.selectors import regions_visible
from jineng.training.models import ClassState, TrainingClass
from jineng.training.selectors import classes_visible
from jineng.vouchers.models import Voucher, VoucherState

# A voucher is bound only to a class that went through the system and has not ended (A10).
BINDABLE_CLASS_STATES = (ClassState.APPROVED, ClassState.IN_TRAINING)


def _base() -> QuerySet[Voucher]:
    return Voucher.objects.select_related(
        "person",
        "region",
        "occupation",
        "institution",
        "enrolment__training_class__institution",
        "enrolment__training_class__occupation",
        "certificate",
    )


def vouchers_visible(user: User) -> QuerySet[Voucher]:
    """HR staff and auditors: vouchers issued in their region subtree; an institution: the vouchers bound
    to its classes (an unbound voucher is the holder's, not the institution's business); a trainee: his
    own; everyone else: nothing."""
    scope = scope_of(user)
    if scope.person_id is not None:
        return _base().filter(person_id=scope.person_id)
    if not can(user.role, "voucher.view"):
        return Voucher.objects.none()
    if user.role == Role.INSTITUTION:
        if scope.organisation_id is None:
            return Voucher.objects.none()
        return _base().filter(enrolment__training_class__institution_id=scope.organisation_id)
    return _base().filter(scope.region_q())


@dataclass(frozen=True)
class VoucherFilter:
    state: str = ""
    year: int | None = None  # year of issue
    q: str = ""  # a serial, a full ID number, or the start of a name


def vouchers_search(user: User, f: VoucherFilter) -> QuerySet[Voucher]:
    qs = vouchers_visible(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.year:
        qs = qs.filter(issued_on__year=f.year)
    q = f.q.strip()
    if q:
        # A full ID number matches exactly (never a fragment of one); a serial exactly; a name by prefix.
        qs = qs.filter(
            Q(serial=q.upper()) | Q(person__id_number=normalise_id_number(q)) | Q(person__name__startswith=q)
        )
    return qs


def vouchers_mine(user: User) -> QuerySet[Voucher]:
    """我的培训券: only ever the logged-in trainee's own."""
    if user.role != Role.TRAINEE or user.person_id is None:
        return Voucher.objects.none()
    return _base().filter(person_id=user.person_id)


def voucher_for_binding(user: User, serial: str) -> Voucher | None:
    """The voucher a clerk is shown at the counter by its holder.

    An institution does not see unbound vouchers, so it finds one by its exact serial wherever it was
    issued (the holder may train where he likes, G01 only ties it to him); the binding service then
    refuses it for anybody but its holder. HR staff find only vouchers of their own region.
    """
    serial = serial.strip().upper()
    if not serial or not can(user.role, "voucher.use"):
        return None
    if user.role == Role.INSTITUTION:
        return _base().filter(serial=serial).first()
    return vouchers_visible(user).filter(serial=serial).first()


def classes_for_binding(user: User) -> QuerySet[TrainingClass]:
    """Classes of the user's scope that a voucher may be bound to."""
    if not can(user.role, "voucher.use"):
        return TrainingClass.objects.none()
    return classes_visible(user).filter(state__in=BINDABLE_CLASS_STATES)


def issue_regions(user: User) -> QuerySet[Region]:
    """Regions a voucher may be issued in: the issuer's own subtree."""
    if not can(user.role, "voucher.issue"):
        return Region.objects.none()
    return regions_visible(user)


def issue_persons(user: User) -> QuerySet[Person]:
    """Who may be issued a voucher by this user: people registered in the issuer's scope (实名制)."""
    if not can(user.role, "voucher.issue"):
        return Person.objects.none()
    return persons_visible(user)


def issue_person(user: User, id_number: str) -> Person | None:
    return issue_persons(user).filter(id_number=normalise_id_number(id_number)).first()


def issue_institutions(user: User) -> QuerySet[Organisation]:
    """Institutions an issuer may restrict a voucher to: the training providers of his region."""
    if not can(user.role, "voucher.issue"):
        return Organisation.objects.none()
    return organisations_visible(user).filter(kind__in=Organisation.TRAINING_KINDS).order_by("name")


@dataclass(frozen=True)
class VoucherCounts:
    """G02 for one region subtree and year: vouchers issued and vouchers used (以证换券)."""

    region: Region
    year: int
    issued: int
    used: int


def voucher_counts(*, region: Region, year: int) -> VoucherCounts:
    """G02, exact, in one query over the region's subtree.

    ``issued``: vouchers issued in the year, not counting revoked ones (a voucher withdrawn as issued by
    mistake was never in a worker's hands). ``used``: vouchers exchanged for a certificate in the year
    (有效使用), whatever year they were issued in. The caller decides whether the user may see the region.
    """
    got = Voucher.objects.filter(region__path__startswith=region.path).aggregate(
        issued=Count("id", filter=Q(issued_on__year=year) & ~Q(state=VoucherState.REVOKED)),
        used=Count("id", filter=Q(state=VoucherState.REDEEMED, redeemed_on__year=year)),
    )
    return VoucherCounts(region=region, year=year, issued=int(got["issued"]), used=int(got["used"]))


def vouchers_unclaimed(user: User) -> list[Voucher]:
    """The redeemed vouchers of the institution's classes that no live claim holds yet: what its clerk
    can claim (以证换券 moves money). Only an institution's clerk claims them."""
    if user.role != Role.INSTITUTION:
        return []
    from jineng.claims.selectors import lines_held
    from jineng.vouchers.services import voucher_key

    redeemed = list(vouchers_visible(user).filter(state=VoucherState.REDEEMED).order_by("redeemed_on", "pk"))
    held = lines_held([voucher_key(v.serial) for v in redeemed])
    return [v for v in redeemed if voucher_key(v.serial) not in held]

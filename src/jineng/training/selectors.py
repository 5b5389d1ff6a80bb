"""Reads of classes, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jineng.accounts.models import User
from jineng.catalogue.models import CatalogueItem, InstitutionOccupation, Teacher, Trade
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.policy.profiles import Profile, SpecialProgramme, get_profile, latest_profiles
from jineng.policy.training import UPGRADE_FUNDING_TYPES
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.training.models import (
    UNDER_REVIEW_STATES,
    ClassReview,
    ClassState,
    Enrolment,
    ReviewStage,
    ReviewStep,
    RosterJob,
    TrainingClass,
)


def programme_of(tc: TrainingClass) -> SpecialProgramme | None:
    """J03: the special programme a class names, read from its own profile (the latest version of every
    profile while a draft has none)."""
    if not tc.programme:
        return None
    if tc.profile_code:
        try:
            return get_profile(tc.profile_code, tc.profile_version).programmes.get(tc.programme)
        except KeyError:
            return None
    return next((p.programmes[tc.programme] for p in latest_profiles() if tc.programme in p.programmes), None)


# Classes that have opened: their trainees count as trained (H02, J03 group targets).
OPENED_STATES = (
    ClassState.IN_TRAINING,
    ClassState.ENDED,
    ClassState.ASSESSMENT_APPLIED,
    ClassState.ASSESSED,
    ClassState.CLOSED,
)


@dataclass(frozen=True)
class GroupCount:
    """Trainees (person-times) of opened classes in a year, and of them those whose group was confirmed."""

    classes: int
    trainees: int
    confirmed: int
    upgrade: int = 0  # of them, in 技能提升培训 classes (policy.training.UPGRADE_FUNDING_TYPES)


def _opened_enrolments(user: User, *, year: int, region: Region) -> QuerySet[Enrolment]:
    classes = classes_visible(user).filter(
        region__path__startswith=region.path, year=year, state__in=OPENED_STATES
    )
    return Enrolment.objects.filter(training_class__in=classes, status=Enrolment.Status.ENROLLED)


def _counted(qs: QuerySet[Enrolment], by: str) -> dict[str, GroupCount]:
    rows = qs.values(by).annotate(
        classes=Count("training_class", distinct=True),
        trainees=Count("id"),
        confirmed=Count("id", filter=Q(group_confirmed_at__isnull=False)),
        upgrade=Count("id", filter=Q(training_class__funding_type__in=UPGRADE_FUNDING_TYPES)),
    )
    return {r[by]: GroupCount(r["classes"], r["trainees"], r["confirmed"], r["upgrade"]) for r in rows}


def programme_counts(user: User, *, year: int, region: Region) -> dict[str, GroupCount]:
    """J03: per special programme code, the opened classes tagged with it in the region's subtree."""
    qs = _opened_enrolments(user, year=year, region=region).exclude(training_class__programme="")
    return _counted(qs, "training_class__programme")


def group_counts(user: User, *, year: int, region: Region) -> dict[str, GroupCount]:
    """J03: per trainee group ("" = not declared), the trainees of every opened class of the year."""
    return _counted(_opened_enrolments(user, year=year, region=region), "group")


def classes_visible(user: User) -> QuerySet[TrainingClass]:
    if not can(user.role, "class.view"):
        return TrainingClass.objects.none()
    scope = scope_of(user)
    qs = (
        TrainingClass.objects.select_related("institution", "region", "department", "occupation")
        .annotate(trainees=Count("enrolments"))
        .order_by("-created_at", "-id")
    )  # an aggregate drops Meta.ordering
    if scope.is_organisation:
        if user.role == Role.INSTITUTION:
            return qs.filter(institution_id=scope.organisation_id)
        # An evaluation body sees the classes whose assessment it was asked to run.
        return qs.filter(assessments__body_id=scope.organisation_id).distinct()
    qs = qs.filter(scope.region_q())
    if scope.is_department:
        if scope.department_id is None:
            return qs.none()
        qs = qs.filter(department_id=scope.department_id)
    # Reviewers outside the institution do not see drafts: they are the clerk's work in progress.
    return qs.exclude(state=ClassState.DRAFT)


@dataclass(frozen=True)
class QueueFilter:
    state: str = ""
    q: str = ""
    overdue: bool = False


def classes_search(user: User, f: QueueFilter, *, today: dt.date) -> QuerySet[TrainingClass]:
    qs = classes_visible(user)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(
            Q(ref__icontains=f.q) | Q(institution__name__contains=f.q) | Q(occupation__name__contains=f.q)
        )
    if f.overdue:
        qs = qs.filter(state__in=UNDER_REVIEW_STATES, review_due__lt=today)
    return qs


def review_queue(user: User) -> QuerySet[TrainingClass]:
    """Classes waiting for this reviewer's signature: the stage and step that match the role."""
    stage_state = {
        Role.DEPT_FIRST: (ReviewStage.DEPT, ClassState.SUBMITTED),
        Role.DEPT_SECOND: (ReviewStage.DEPT, ClassState.SUBMITTED),
        Role.HR_FIRST: (ReviewStage.HR, ClassState.DEPT_REVIEWED),
        Role.HR_SECOND: (ReviewStage.HR, ClassState.DEPT_REVIEWED),
    }
    if user.role not in stage_state:
        return TrainingClass.objects.none()
    stage, state = stage_state[Role(user.role)]
    first_signed = Exists(
        ClassReview.objects.filter(
            training_class=OuterRef("pk"), round=OuterRef("review_round"), stage=stage, step=ReviewStep.FIRST
        )
    )
    qs = classes_visible(user).filter(state=state)
    qs = (
        qs.filter(first_signed)
        if user.role in (Role.DEPT_SECOND, Role.HR_SECOND)
        else qs.exclude(first_signed)
    )
    return qs.order_by("review_due", "submitted_at")


def roster_jobs(user: User, tc: TrainingClass) -> QuerySet[RosterJob]:
    return RosterJob.objects.filter(training_class=tc).defer("content")


# --- what a clerk may name on the 附件2 form (the page's choices; the service accepts the same) ----------

# 委托/学徒企业: an enterprise, or an enterprise's own training centre training its staff (企业自主培训).
ENTERPRISE_KINDS = frozenset({Organisation.Kind.ENTERPRISE, Organisation.Kind.ENTERPRISE_CENTRE})


def _province_path(user: User) -> str | None:
    """The province of the clerk's institution as a path prefix ("/<id>/"): a class is this
    province's programme, so everything named on its form is of this province."""
    org = user.organisation if can(user.role, "class.apply") else None
    if org is None:
        return None
    return "/" + org.region.path.strip("/").split("/")[0] + "/"


def class_regions(user: User) -> QuerySet[Region]:
    province = _province_path(user)
    return Region.objects.filter(path__startswith=province) if province else Region.objects.none()


def class_departments(user: User) -> QuerySet[Department]:
    province = _province_path(user)
    if not province:
        return Department.objects.none()
    return Department.objects.filter(region__path__startswith=province).select_related("region")


def class_teachers(user: User) -> QuerySet[Teacher]:
    if _province_path(user) is None:
        return Teacher.objects.none()
    return Teacher.objects.filter(organisation=user.organisation, active=True).select_related("occupation")


def class_enterprises(user: User) -> QuerySet[Organisation]:
    """委托/学徒企业 the clerk may name: the enterprises of his province."""
    province = _province_path(user)
    if not province:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind__in=ENTERPRISE_KINDS, region__path__startswith=province)


def class_platforms(user: User) -> QuerySet[Organisation]:
    """线上平台 the clerk may name: the online platforms of his province. Whether one is listed, filed
    and approved is D01's to judge at submission, with its reason, not a silent gap in the list."""
    province = _province_path(user)
    if not province:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.ONLINE_PLATFORM, region__path__startswith=province
    )


def class_catalogue_items(user: User) -> QuerySet[CatalogueItem]:
    """补贴标准目录 lines the clerk may name: the current versions of his province's lists (the province's
    and its cities' supplementary lists). That the line is of the class's region, year and occupation is
    the service's to check when the form is saved, and its match with the class F02's at submission."""
    province = _province_path(user)
    if not province:
        return CatalogueItem.objects.none()
    return CatalogueItem.objects.filter(
        region__path__startswith=province, valid_to__isnull=True
    ).select_related("region", "occupation", "trade")


@dataclass(frozen=True)
class OccupationChoice:
    code: str
    name: str
    trades: tuple[str, ...]


def class_occupation_choices(user: User, *, today: dt.date) -> list[OccupationChoice]:
    """18.8: the occupations the clerk's institution is listed for today (A11), with their 工种, offered
    as suggestions beside the typed code (the services still judge what is typed)."""
    if user.organisation_id is None or not can(user.role, "class.apply"):
        return []
    listed = (
        InstitutionOccupation.objects.filter(organisation_id=user.organisation_id, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .select_related("occupation")
        .order_by("occupation__code")
    )
    occupations = {io.occupation_id: io.occupation for io in listed}
    trades: dict[int, list[str]] = {}
    for occupation_id, name in Trade.objects.filter(occupation_id__in=occupations).values_list(
        "occupation_id", "name"
    ):
        trades.setdefault(occupation_id, []).append(name)
    return [OccupationChoice(o.code, o.name, tuple(trades.get(pk, ()))) for pk, o in occupations.items()]


def class_profile(tc: TrainingClass) -> Profile | None:
    """The class's policy profile: the one frozen on it at submission, else (a draft) the one in force for
    its region and year; None where no profile is in force."""
    if tc.profile_code:
        return get_profile(tc.profile_code, tc.profile_version)
    try:
        return profile_for(tc.region, tc.year)
    except NoProfile:
        return None

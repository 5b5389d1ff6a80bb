from __future__ import annotations

from django.db.models import Q, QuerySet

from jineng.core.roles import can
from jineng.core.scope import Viewer, scope_of
from jineng.orgs.models import Organisation


def organisations_visible(user: Viewer) -> QuerySet[Organisation]:
    if not can(user.role, "org.view"):
        return Organisation.objects.none()
    scope = scope_of(user)
    qs = Organisation.objects.select_related("region", "department")
    if scope.is_organisation:
        if scope.organisation_id is None:
            return qs.none()
        return qs.filter(id=scope.organisation_id)
    return qs.filter(scope.region_q())


def organisations_editable(user: Viewer) -> QuerySet[Organisation]:
    """Whose contacts and bank details the user keeps: his own organisation, or for the bureau's admin
    those of his region."""
    if not can(user.role, "org.edit"):
        return Organisation.objects.none()
    return organisations_visible(user)


def organisations_search(
    user: Viewer, *, q: str = "", kind: str = "", status: str = ""
) -> QuerySet[Organisation]:
    qs = organisations_visible(user)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs

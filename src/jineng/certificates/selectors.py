"""Reads of the certificate register, scoped to the user, and the public check (no login)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jineng.accounts.models import User
from jineng.certificates.models import Certificate
from jineng.core.roles import can
from jineng.core.scope import scope_of
from jineng.policy.identity import mask_id_number, mask_name, normalise_id_number


def certificates_visible(user: User) -> QuerySet[Certificate]:
    """Staff: the certificates counted in their region subtree (a department: its own); an evaluation body
    or enterprise: those it issued or that count for it."""
    qs = Certificate.objects.select_related(
        "holder", "occupation", "body", "region", "department", "unit", "training_class"
    )
    if not can(user.role, "certificate.view"):
        return qs.none()
    scope = scope_of(user)
    if scope.is_organisation:
        org = scope.organisation_id or 0
        return qs.filter(Q(body_id=org) | Q(unit_id=org))
    qs = qs.filter(scope.region_q("region"))
    if scope.is_department:
        qs = qs.filter(department_id=scope.department_id or 0)
    return qs


def certificates_search(
    user: User, *, q: str = "", route: str = "", year: int | None = None
) -> QuerySet[Certificate]:
    qs = certificates_visible(user)
    q = q.strip()
    if q:
        # A full ID number matches exactly (never a fragment of one); a certificate number exactly;
        # otherwise a name by prefix.
        qs = qs.filter(
            Q(holder__id_number=normalise_id_number(q)) | Q(number=q) | Q(holder__name__startswith=q)
        )
    if route:
        qs = qs.filter(route=route)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs


@dataclass(frozen=True)
class CheckAnswer:
    """The public check's answer: genuine or not, and what the certificate says, the holder masked."""

    genuine: bool
    number: str
    holder: str = ""
    id_number: str = ""
    kind: str = ""
    occupation: str = ""
    level: str = ""
    issuer: str = ""
    issued_on: str = ""
    route: str = ""

    @property
    def message(self) -> str:
        if self.genuine:
            return "经核验，该证书真实有效，已登记在证书登记册中"
        return (
            "未查到与该证书编号和姓名相符的证书：请核对证书编号和姓名；仍查不到的，请向发证机构或人社部门核实"
        )


def certificate_check(*, number: str, name: str) -> CheckAnswer:
    """Anyone: a certificate number and the holder's whole name; the answer never names whom a number
    belongs to when the name does not match it."""
    number, name = number.strip(), name.strip()
    c = (
        Certificate.objects.select_related("holder", "occupation", "body")
        .filter(number=number, holder__name=name)
        .first()
        if number and name
        else None
    )
    if c is None:
        return CheckAnswer(genuine=False, number=number)
    return CheckAnswer(
        genuine=True,
        number=c.number,
        holder=mask_name(c.holder.name),
        id_number=mask_id_number(c.holder.id_number),
        kind=c.get_kind_display(),
        occupation=c.occupation.name + (f"（{c.title}）" if c.title else ""),
        level=c.get_level_display() if c.level else "",
        issuer=c.issuer_name or c.body.name,
        issued_on=c.issued_on.isoformat(),
        route=c.get_route_display(),
    )

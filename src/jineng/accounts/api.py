from django.http import HttpRequest
from ninja import Router

from jineng.accounts.schemas import MeOut
from jineng.core.roles import CAPABILITIES, Role, can

router = Router()


@router.get("/me", response=MeOut, summary="当前用户与权限")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        display_name=user.label,  # type: ignore[union-attr]
        role=user.role,  # type: ignore[union-attr]
        role_label=Role(user.role).label if user.role else "",  # type: ignore[union-attr]
        region=user.region.name if user.region else None,  # type: ignore[union-attr]
        department=user.department.name if user.department else None,  # type: ignore[union-attr]
        organisation=user.organisation.name if user.organisation else None,  # type: ignore[union-attr]
        capabilities=sorted(c for c in CAPABILITIES if can(user.role, c)),  # type: ignore[union-attr]
    )

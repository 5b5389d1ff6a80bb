"""The work waiting for a user, shown on the home page. Each provider is a selector over the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.selectors import day_start, events_visible
from jineng.claims.funduse import fund_use_for
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.regions.models import ProfileAssignment
from jineng.regions.selectors import regions_visible
from jineng.workcal.selectors import work_calendar


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    hint: str = ""
    level: str = ""  # "", "warn", "danger", "ok", "grey"


def _regions_without_profile(user: User, year: int) -> WorkItem | None:
    regions = list(regions_visible(user).only("id", "path"))
    if not regions:
        return None
    assigned = list(ProfileAssignment.objects.filter(year=year).values_list("region__path", flat=True))
    # A region is covered when it or an ancestor has an assignment for the year.
    missing = [r for r in regions if not any(r.path.startswith(p) for p in assigned)]
    if not missing:
        return None
    return WorkItem(
        f"{len(missing)} 个区域尚未设定 {year} 年适用的政策档案",
        len(missing),
        reverse("regions:list") + f"?year={year}",
        "未设定档案的区域无法审核开班与补贴",
        "warn",
    )


def _calendar_gap(today_year: int) -> WorkItem | None:
    calendar = work_calendar()
    next_year = today_year + 1
    if calendar.covers(next_year):
        return None
    return WorkItem(
        f"{next_year} 年法定节假日安排尚未录入",
        1,
        reverse("workcal:year_new"),
        f"录入前，跨入 {next_year} 年的工作日期限无法计算",
        "danger",
    )


def _org_incomplete(user: User) -> WorkItem | None:
    org = user.organisation
    if org is None:
        return None
    missing = [
        label
        for label, value in (
            ("联系人", org.contact_name),
            ("联系电话", org.contact_phone),
            ("开户银行", org.bank_name),
            ("银行账号", org.bank_account),
        )
        if not value
    ]
    if not missing:
        return None
    return WorkItem(
        "完善机构信息：" + "、".join(missing),
        len(missing),
        reverse("orgs:detail", args=[org.pk]),
        "补贴申领需要开户银行与账号",
        "warn",
    )


def _f15_below(user: User, year: int) -> WorkItem | None:
    """F15 while the year runs: the books in scope whose training and evaluation subsidies are under the
    profile's share of the employment subsidy fund."""
    below = [use.region.name for use in fund_use_for(user, year).regions if use.f15.below]
    if not below:
        return None
    return WorkItem(
        f"F15 预警：{'、'.join(below)}培训和评价补贴占就业补助资金比例低于下限",
        len(below),
        reverse("claims:fund_use") + f"?year={year}",
        "按政策档案，就业补助资金用于培训和评价补贴的比例有最低要求",
        "warn",
    )


def work_for(user: User) -> list[WorkItem]:
    today = timezone.localdate()
    items: list[WorkItem | None] = []
    if user.role == Role.HR_ADMIN:
        items += [_calendar_gap(today.year), _regions_without_profile(user, today.year)]
    if user.role in (Role.HR_ADMIN, Role.FINANCE):
        items.append(_f15_below(user, today.year))
    if user.role in (Role.INSTITUTION, Role.EVALUATOR):
        items.append(_org_incomplete(user))
    if can(user.role, "audit.view") and user.role == Role.AUDITOR:
        count = events_visible(user).filter(at__gte=day_start(today)).count()
        items.append(
            WorkItem(
                f"今日新增审计事件 {count} 条",
                count,
                reverse("audit:list") + f"?date_from={today.isoformat()}",
                "管辖范围内的所有状态变更",
                "grey" if count == 0 else "",
            )
        )
    return [item for item in items if item is not None]


def scope_label(user: User) -> str:
    scope = scope_of(user)
    parts = []
    if user.region:
        parts.append(user.region.name + ("及下辖区域" if scope.role and not scope.is_organisation else ""))
    if user.department:
        parts.append(user.department.name)
    if user.organisation:
        parts.append(user.organisation.name)
    if user.person_id and user.role == Role.TRAINEE:
        parts = ["本人"]
    return " · ".join(parts) or "无"

"""The work waiting for a user, shown on the home page. Each provider is a selector over the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from jineng.accounts.models import User
from jineng.assessment.selectors import results_queue
from jineng.audit.selectors import day_start, events_visible
from jineng.claims.funduse import fund_use_for
from jineng.claims.models import ClaimState, PaymentBatch, PrepaymentState
from jineng.claims.prepayment_selectors import prepayments_visible
from jineng.claims.selectors import batches_visible, claims_visible, classes_unclaimed
from jineng.claims.selectors import review_queue as claim_review_queue
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.grants.models import GrantState
from jineng.grants.selectors import review_queue as grant_review_queue
from jineng.orgs.selectors import sanction_lifts_awaiting_second
from jineng.progress.selectors import SUBMIT as REPORT_SUBMIT
from jineng.progress.selectors import LateReport, reports_late
from jineng.regions.models import ProfileAssignment
from jineng.regions.selectors import regions_visible
from jineng.supervision.selectors import classes_to_apply, classes_today, classes_without_inspection
from jineng.training.models import ClassState
from jineng.training.selectors import classes_visible
from jineng.training.selectors import review_queue as class_review_queue
from jineng.workcal.selectors import work_calendar


@dataclass(frozen=True)
class WorkItem:
    label: str
    count: int
    url: str
    hint: str = ""
    level: str = ""  # "", "warn", "danger", "ok", "grey"
    due: dt.date | None = None  # the earliest deadline among the items, when they have one
    overdue: int = 0


def _queue(
    label: str,
    qs: QuerySet[Any],
    url: str,
    *,
    today: dt.date,
    due: str = "",
    hint: str = "",
    level: str = "",
) -> WorkItem | None:
    """One queue of the user's: how many wait, how many are past their deadline (``due`` names the
    deadline's field) and the earliest deadline, in one query; None when nothing waits."""
    if not due:
        count = qs.count()
        return WorkItem(label, count, url, hint, level) if count else None
    stats = qs.aggregate(
        count=Count("pk", distinct=True),
        overdue=Count("pk", distinct=True, filter=Q(**{f"{due}__lt": today})),
        earliest=Min(due),
    )
    count, overdue, earliest = stats["count"], stats["overdue"], stats["earliest"]
    if not count:
        return None
    # 18.10: dates as the documents write them (2021年7月5日), the locale's DATE_FORMAT.
    if overdue:
        hint = f"其中 {overdue} 项已超期，最早期限 {date_format(earliest)}"
    elif earliest is not None:
        hint = f"最早期限 {date_format(earliest)}" + (f"；{hint}" if hint else "")
    return WorkItem(label, count, url, hint, "danger" if overdue else level, earliest, overdue)


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
        reverse("orgs:edit", args=[org.pk]),
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


def _late_item(label: str, late: list[LateReport], url: str) -> WorkItem | None:
    if not late:
        return None
    earliest = min(r.due_on for r in late)
    hint = (
        f"H06 已过报送时限，最早期限 {date_format(earliest)}，最多逾期 {max(r.days_overdue for r in late)} 天"
    )
    return WorkItem(label, len(late), url, hint, "danger", earliest, len(late))


def _late_reports(user: User, today: dt.date) -> list[WorkItem | None]:
    """H06: the periodic reports past their deadline that the user must submit (a county's bureau, a
    department) or approve (the level above), of this year and last."""
    submits = can(user.role, "report.submit") or can(user.role, "report.submit_department")
    approves = can(user.role, "report.approve")
    if not (submits or approves):
        return []
    late = [r for year in (today.year - 1, today.year) for r in reports_late(user, year=year, today=today)]
    url = reverse("progress:late")
    to_submit = [
        r
        for r in late
        if r.action == REPORT_SUBMIT and (r.department is None) != can(user.role, "report.submit_department")
    ]
    to_approve = [r for r in late if r.action != REPORT_SUBMIT] if approves else []
    return [
        _late_item("逾期未报送的定期报告", to_submit, url) if submits else None,
        _late_item("逾期未审核的定期报告", to_approve, url),
    ]


def _reviewer_queues(user: User, today: dt.date) -> list[WorkItem | None]:
    out: list[WorkItem | None] = []
    if can(user.role, "class.review_dept") or can(user.role, "class.review_hr"):
        out.append(
            _queue(
                "待审核的开班申请",
                class_review_queue(user),
                reverse("training:queue"),
                today=today,
                due="review_due",
            )
        )
    if can(user.role, "claim.queue"):
        claims = claim_review_queue(user)
        if user.role == Role.HR_ADMIN:
            out.append(
                _queue(
                    "公示中的补贴申领",
                    claims,
                    reverse("claims:queue"),
                    today=today,
                    hint="公示期满后转人社审核",
                )
            )
        else:
            out.append(
                _queue("待签署的补贴申领", claims, reverse("claims:queue"), today=today, due="review_due")
            )
    if can(user.role, "batch.manage"):
        to_send = batches_visible(user).filter(state=PaymentBatch.State.OPEN, items__isnull=False).distinct()
        out.append(
            _queue("待送交财政的拨付批次", to_send, reverse("claims:batches"), today=today, due="send_on")
        )
    if can(user.role, "batch.pay"):
        to_pay = batches_visible(user).filter(state=PaymentBatch.State.SENT)
        out.append(_queue("待拨付的批次", to_pay, reverse("claims:batches"), today=today, due="pay_on"))
    waiting_prepayment = (
        {
            Role.HR_FIRST: PrepaymentState.REQUESTED,
            Role.HR_SECOND: PrepaymentState.FIRST_SIGNED,
            Role.FINANCE: PrepaymentState.APPROVED,
        }.get(Role(user.role))
        if user.role
        else None
    )
    if waiting_prepayment is not None:
        label = "待拨付的项目制预拨" if user.role == Role.FINANCE else "待审核的项目制预拨"
        qs = prepayments_visible(user).filter(state=waiting_prepayment)
        out.append(
            _queue(label, qs, reverse("claims:prepayments") + f"?state={waiting_prepayment}", today=today)
        )
    # I01: sanction lifts that one bureau member proposed and another may now sign.
    if can(user.role, "sanction.manage"):
        out.append(
            _queue(
                "待第二人签署解除的处理决定",
                sanction_lifts_awaiting_second(user),
                reverse("orgs:sanctions"),
                today=today,
                hint="解除须两名人社局工作人员签署（I01）",
            )
        )
    # F05 equipment grants waiting for the bureau's 初审 / 复核 (F09).
    grants = grant_review_queue(user)
    if user.role in (Role.HR_FIRST, Role.HR_SECOND):
        state = GrantState.SUBMITTED if user.role == Role.HR_FIRST else GrantState.FIRST_SIGNED
        out.append(
            _queue("待审核的实训设备补助", grants, reverse("grants:list") + f"?state={state}", today=today)
        )
    return out


def _institution_queues(user: User, today: dt.date) -> list[WorkItem | None]:
    classes = classes_visible(user)
    claims = claims_visible(user)
    return [
        _queue(
            "被退回修改的开班申请",
            classes.filter(state=ClassState.RETURNED),
            reverse("training:list") + f"?state={ClassState.RETURNED}",
            today=today,
            level="warn",
        ),
        _queue(
            "尚未提交的开班申请（草稿）",
            classes.filter(state=ClassState.DRAFT),
            reverse("training:list") + f"?state={ClassState.DRAFT}",
            today=today,
        ),
        _queue(
            "已结业、待申请结业考核的班级",
            classes_to_apply(user),
            reverse("supervision:queue"),
            today=today,
            hint="E01",
        ),
        _queue(
            "已考核、待申领补贴的班级",
            classes_unclaimed(user),
            reverse("claims:list"),
            today=today,
            hint="可在申领批处理中一次申领",
        ),
        _queue(
            "被退回修改的补贴申领",
            claims.filter(state=ClaimState.RETURNED),
            reverse("claims:list") + f"?state={ClaimState.RETURNED}",
            today=today,
            level="warn",
        ),
        _queue(
            "尚未提交的补贴申领（草稿）",
            claims.filter(state=ClaimState.DRAFT),
            reverse("claims:list") + f"?state={ClaimState.DRAFT}",
            today=today,
        ),
        _org_incomplete(user),
    ]


def _inspector_queues(user: User, today: dt.date) -> list[WorkItem | None]:
    return [
        _queue("今日检查", classes_today(user, today), reverse("supervision:today"), today=today),
        _queue(
            "在训但尚未检查的班级",
            classes_without_inspection(user),
            reverse("supervision:queue"),
            today=today,
            hint="C01 培训期间至少实地检查一次",
            level="warn",
        ),
    ]


def work_for(user: User) -> list[WorkItem]:
    """The user's real queues, each with its count and link; those with overdue items first, then by
    the earliest deadline."""
    today = timezone.localdate()
    items: list[WorkItem | None] = []
    if user.role == Role.HR_ADMIN:
        items += [_calendar_gap(today.year), _regions_without_profile(user, today.year)]
    if user.role in (Role.HR_ADMIN, Role.FINANCE):
        items.append(_f15_below(user, today.year))
    items += _reviewer_queues(user, today)
    items += _late_reports(user, today)
    if user.role == Role.INSTITUTION:
        items += _institution_queues(user, today)
    if user.role == Role.EVALUATOR:
        items += [
            _queue(
                "待录入结果的结业考核",
                results_queue(user),
                reverse("assessment:queue"),
                today=today,
                due="assessment_date",
            ),
            _org_incomplete(user),
        ]
    if user.role == Role.INSPECTOR:
        items += _inspector_queues(user, today)
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
    found = [item for item in items if item is not None]
    return sorted(found, key=lambda w: (not w.overdue, w.due or dt.date.max))


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

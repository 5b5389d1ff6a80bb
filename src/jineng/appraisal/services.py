"""Writes of the yearly evaluation (I03–I05) and of the employment follow-up.

The bureau computes the year's figures per institution (frozen on the review), then decides each one:
the next year's catalogue renewed or the institution exited (its listings end on the first day of the
next year, or today if later; the exit is published, I05), and its 项目制 granted, kept or stopped
(F04's stop, the same decision and refusal as on the prepayment page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.appraisal.models import CatalogueOutcome, FollowUp, ProjectOutcome, Review, Subject
from jineng.appraisal.selectors import ASSESSED_STATES, year_figures
from jineng.audit.services import event_record
from jineng.catalogue.models import InstitutionOccupation
from jineng.catalogue.selectors import evaluation_filings_in_force
from jineng.catalogue.services import evaluation_filing_end, institution_occupation_end
from jineng.claims.prepayments import project_stop, project_stop_lift, project_stop_open
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_exit
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, rule_clause
from jineng.training.models import Enrolment, TrainingClass

I03, I04, I05 = "I03", "I04", "I05"
# A class's trainees are followed up once it has been assessed: before that nobody knows the outcome.
FOLLOWED_STATES = ASSESSED_STATES


@dataclass(frozen=True)
class FollowUpRow:
    row: int  # the roster row (花名册行号)
    employed: bool
    employer: str = ""


@transaction.atomic
def follow_ups_record(
    *,
    actor: User,
    training_class: TrainingClass,
    rows: Sequence[FollowUpRow],
    surveyed_on: dt.date,
    today: dt.date | None = None,
) -> int:
    """就业跟踪 (ZZ21 七(三)): record whether each named trainee of an assessed class works; a trainee asked
    again is updated (the latest answer stands). All rows or none. Returns how many were recorded."""
    today = today or timezone.localdate()
    if not can(actor.role, "followup.record"):
        raise Refusal("您的角色不能登记就业跟踪")
    tc = TrainingClass.objects.select_related("region").get(pk=training_class.pk)
    if actor.role == Role.INSTITUTION:
        if tc.institution_id != actor.organisation_id:
            raise Refusal("只能跟踪本机构的学员")
    elif not scope_of(actor).contains_path(tc.region.path):
        raise Refusal("只能跟踪本辖区的班级")
    if tc.state not in FOLLOWED_STATES:
        raise Refusal(f"班级当前状态为“{tc.get_state_display()}”，考核后方可登记就业跟踪", field="班级状态")
    if surveyed_on > today or surveyed_on <= tc.end_date:
        raise Refusal(
            f"跟踪日期应在结业（{tc.end_date:%Y-%m-%d}）之后且不晚于今天",
            field="跟踪日期",
            value=surveyed_on.isoformat(),
        )
    if not rows:
        raise Refusal("请至少填写一名学员的就业情况", field="学员")
    enrolments = {
        e.row: e for e in Enrolment.objects.filter(training_class=tc, status=Enrolment.Status.ENROLLED)
    }
    problems = [r.row for r in rows if r.row not in enrolments]
    if problems:
        raise Refusal(
            "花名册中没有这些行：" + "、".join(str(n) for n in problems),
            field="花名册行号",
            value=str(problems[0]),
        )
    now = timezone.now()
    for r in rows:
        employer = r.employer.strip()[:128] if r.employed else ""
        FollowUp.objects.update_or_create(
            enrolment=enrolments[r.row],
            defaults={
                "surveyed_on": surveyed_on,
                "employed": r.employed,
                "employer": employer,
                "recorded_by": actor,
                "recorded_at": now,
            },
        )
    event_record(
        actor=actor,
        action="followup.recorded",
        obj=tc,
        from_state=tc.state,
        to_state=tc.state,
        payload={
            "rows": len(rows),
            "employed": sum(1 for r in rows if r.employed),
            "on": surveyed_on.isoformat(),
        },
        region_path=tc.region.path,
        organisation_id=tc.institution_id,
    )
    return len(rows)


def _bureau(actor: User, region: Region) -> None:
    if not can(actor.role, "appraisal.decide"):
        raise Refusal("只有人社部门管理员或复核人可以开展机构绩效评价")
    if not scope_of(actor).contains_path(region.path):
        raise Refusal("只能评价本辖区", field="评价地区", value=region.name)


@transaction.atomic
def reviews_compute(*, actor: User, region: Region, year: int) -> list[Review]:
    """I03/I04: the year's figures of every institution that ran classes in the region, computed from the
    records and frozen on its review; a review already decided keeps its figures and decision."""
    _bureau(actor, region)
    if year > timezone.localdate().year:
        raise Refusal(f"{year} 年尚未开始", field="年度", value=str(year))
    figures = year_figures(region=region, year=year)
    if not figures:
        raise Refusal(
            f"{region.name}{year}年没有已开班的培训班，无可评价的机构", field="年度", value=str(year)
        )
    now = timezone.now()
    out = []
    for (subject, org_id), f in figures.items():
        review = (
            Review.objects.select_for_update()
            .filter(year=year, region=region, subject=subject, institution_id=org_id)
            .first()
        )
        if review is not None and review.decided_at is not None:
            out.append(review)
            continue
        values = dict(f.__dict__, computed_at=now, computed_by=actor)
        if review is None:
            review = Review.objects.create(
                year=year, region=region, subject=subject, institution_id=org_id, **values
            )
        else:
            for k, v in values.items():
                setattr(review, k, v)
            review.save()
        out.append(review)
    event_record(
        actor=actor,
        action="appraisal.computed",
        obj=region,
        payload={"year": year, "reviews": len(figures)},
        region_path=region.path,
    )
    return out


def _clause(region: Region, year: int, rule: str) -> str:
    try:
        return rule_clause(region, year, rule)
    except NoProfile:
        return ""


@transaction.atomic
def review_decide(
    *,
    actor: User,
    review: Review,
    catalogue: str,
    project: str,
    reason: str,
    today: dt.date | None = None,
) -> Review:
    """The bureau's decision on one institution's year, with its consequences in the same transaction: an
    exit ends every listing of the institution from the next year (I04) and is published (I05); a stop of
    项目制 is F04's (refused where the profile does not provide it, naming its document), a grant lifts
    an open stop."""
    today = today or timezone.localdate()
    r = Review.objects.select_for_update().select_related("region", "institution__region").get(pk=review.pk)
    _bureau(actor, r.region)
    if r.decided_at is not None:
        raise Refusal(f"该评价已于 {timezone.localtime(r.decided_at):%Y-%m-%d} 决定", field="评价结果")
    if catalogue not in (CatalogueOutcome.RENEWED, CatalogueOutcome.EXITED):
        raise Refusal("请选择：纳入下年度目录，或退出目录并公开", field="下年度目录", value=catalogue)
    if project not in ProjectOutcome.values:
        raise Refusal("请选择项目制资格的处理", field="项目制资格", value=project)
    text = reason.strip()
    if not text or len(text) > 500:
        raise Refusal(
            "请写明评价意见（培训内容、规模、出勤、取证、满意度、就业等，不超过500字）",
            field="评价意见",
            rule=I03,
            clause=_clause(r.region, r.year, I03),
        )
    institution: Organisation = r.institution
    if r.subject != Subject.INSTITUTION and project != ProjectOutcome.UNCHANGED:
        raise Refusal(
            f"{r.get_subject_display()}没有项目制资格，请选择“项目制资格不变”",
            field="项目制资格",
            value=project,
        )
    exit_on = max(dt.date(r.year + 1, 1, 1), today)
    if catalogue == CatalogueOutcome.EXITED and r.subject == Subject.ONLINE_PLATFORM and exit_on != today:
        # A platform's listing has no end date to set ahead: its exit is decided once the year is over.
        raise Refusal(
            f"线上培训平台的退出自决定之日起执行，请于 {r.year + 1} 年起作出",
            field="下年度目录",
            value=catalogue,
        )
    if catalogue == CatalogueOutcome.EXITED and r.subject == Subject.EVALUATION_BODY and exit_on != today:
        # 动态退出 of an evaluation body: its filings end with the year (I09 then refuses it).
        for filing in evaluation_filings_in_force(institution.pk, on=today):
            if filing.valid_to is None or filing.valid_to > exit_on:
                evaluation_filing_end(actor=actor, filing=filing, valid_to=exit_on, today=today)
    elif catalogue == CatalogueOutcome.EXITED:
        # 动态退出 from the next year's catalogue: listings end on 1 January (or today, if later).
        if exit_on == today and institution.status != Organisation.Status.EXITED:
            # The year is over: the exit is the institution's, recorded as a sanction (I01 then refuses its
            # classes, prepayments and claims), its listings ending today.
            organisation_exit(
                actor=actor,
                organisation=institution,
                reason=f"{r.year}年度绩效评价：{text}",
                reference=f"{r.year}年度机构绩效评价（{I04}、{I05}）",
                today=today,
            )
            if r.subject == Subject.EVALUATION_BODY:  # and it assesses nothing more (I09)
                for filing in evaluation_filings_in_force(institution.pk, on=today):
                    evaluation_filing_end(actor=actor, filing=filing, valid_to=today, today=today)
        else:
            current = InstitutionOccupation.objects.filter(
                organisation=institution, valid_from__lte=exit_on
            ).exclude(valid_to__lte=today)
            for entry in current:
                if entry.valid_to is None or entry.valid_to > exit_on:
                    institution_occupation_end(actor=actor, entry=entry, valid_to=exit_on, today=today)
    if project == ProjectOutcome.WITHDRAWN and project_stop_open(institution.pk) is None:
        project_stop(
            actor=actor, institution=institution, reason=f"{r.year}年度绩效评价：{text}", today=today
        )
    elif project == ProjectOutcome.GRANTED:
        stop = project_stop_open(institution.pk)
        if stop is not None:
            project_stop_lift(actor=actor, stop=stop, reason=f"{r.year}年度绩效评价：{text}", today=today)
    r.catalogue, r.project, r.reason = catalogue, project, text
    r.decided_by, r.decided_at = actor, timezone.now()
    r.save(update_fields=["catalogue", "project", "reason", "decided_by", "decided_at"])
    event_record(
        actor=actor,
        action="appraisal.decided",
        obj=r,
        from_state=CatalogueOutcome.PENDING,
        to_state=catalogue,
        payload={"year": r.year, "project": project, "reason": text},
        region_path=institution.region.path,
        organisation_id=institution.pk,
    )
    return r

"""Who may take which supervision or assessment step on a class right now, for the pages' links.

One place for the question "show this link?": the class pages (training and supervision) and the step
pages themselves ask it, so a link is offered only when the viewer can act and the class's state
allows it. The services still decide; this only keeps the pages from offering what they would refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from jineng.accounts.models import User
from jineng.core.roles import Role, can
from jineng.policy import training as rules
from jineng.policy.violations import Violation
from jineng.regions.selectors import NoProfile, profile_for
from jineng.supervision.models import Summary
from jineng.training.models import ClassState, TrainingClass

# C04–C08: lesson videos, leave and make-up lessons are recorded while the class runs and until its
# assessment is applied for (the make-up lesson must come before the assessment).
RECORDING_STATES = (ClassState.IN_TRAINING, ClassState.ENDED)


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    rules: str  # rule IDs shown next to the link, e.g. "C04 C05 C06"


def own_clerk(user: User, tc: TrainingClass) -> bool:
    return user.role == Role.INSTITUTION and user.organisation_id == tc.institution_id


def may_record_lessons(user: User, tc: TrainingClass) -> bool:
    """Lesson videos (C04–C06) and leave (C08): the class's own institution clerk, while it runs."""
    return own_clerk(user, tc) and tc.state in RECORDING_STATES


def may_end(user: User, tc: TrainingClass, today: dt.date) -> bool:
    """class_end: the institution for its own class or the supervising staff, on or after the end date."""
    who = own_clerk(user, tc) or can(user.role, "class.supervise")
    return who and tc.state == ClassState.IN_TRAINING and today >= tc.end_date


def may_survey(user: User, tc: TrainingClass) -> bool:
    """C09: the survey is the supervisors' (satisfaction_record), after the class ended."""
    return can(user.role, "class.supervise") and tc.state == ClassState.ENDED


def assessment_suspended(tc: TrainingClass) -> bool:
    return Summary.objects.filter(training_class=tc, assessment_suspended=True).exists()


def may_apply(user: User, tc: TrainingClass) -> bool:
    """E01: the own clerk, once the class ended, unless C09 suspended its assessment."""
    return own_clerk(user, tc) and tc.state == ClassState.ENDED and not assessment_suspended(tc)


def class_actions(user: User, tc: TrainingClass, today: dt.date) -> list[Action]:
    out = []
    if may_record_lessons(user, tc):
        out.append(Action("登记授课录像", reverse("supervision:videos", args=[tc.pk]), "C04 C05 C06"))
        out.append(Action("请假与补课", reverse("supervision:leaves", args=[tc.pk]), "C08"))
    if may_end(user, tc, today):
        out.append(Action("办理结业", reverse("supervision:end", args=[tc.pk]), "C01 C02"))
    if may_survey(user, tc):
        out.append(Action("录入满意度调查", reverse("supervision:satisfaction", args=[tc.pk]), "C09"))
    if may_apply(user, tc):
        out.append(Action("申请结业考核", reverse("assessment:apply", args=[tc.pk]), "E01 E03–E05"))
    return out


def satisfaction_violation(tc: TrainingClass, summary: Summary | None) -> Violation | None:
    """C09: the recorded survey's consequence as the rule words it (None when met or not recorded)."""
    if summary is None or summary.satisfaction_share is None or not summary.satisfaction_effect:
        return None
    try:
        profile = profile_for(tc.region, tc.year)
    except NoProfile:
        return None
    outcome = rules.satisfaction_effect(profile, summary.satisfaction_share)
    return outcome.violation if outcome else None


@dataclass(frozen=True)
class RuleNote:
    rule: str
    text: str  # the clause as the profile quotes it, or why the profile does not fix it


def rule_notes(tc: TrainingClass, names: tuple[str, ...]) -> list[RuleNote]:
    """The class's profile parameters behind a page, quoted with their clause, for the rules panel."""
    try:
        profile = profile_for(tc.region, tc.year)
    except NoProfile as exc:
        return [RuleNote("", str(exc))]
    out = []
    for name in names:
        param = profile.param(name)
        text = (
            f"{profile.code} {param.clause}"
            if param.is_set
            else f"{profile.code} 未规定“{param.spec.label}”：{param.note}"
        )
        out.append(RuleNote(param.rule, text))
    return out

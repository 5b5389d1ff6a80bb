"""The evaluation subsidy (评价补贴) as a programme of the one claim pipeline (claims.programmes).

A claim's source is the 结业考核 (assessment) whose certificates it pays: one claim per assessment and
applicant, one line per certificate. Its payments are booked as evaluation spending (purpose
"evaluation", claims.services.payment_source), so the year's fund use counts them under 评价补贴 (F15).
"""

from __future__ import annotations

from django.urls import reverse

from jineng.claims.programmes import Programme, programme_register

CODE = "evaluation"


def _assessment_url(pk: int) -> str:
    return reverse("assessment:detail", args=[pk])


PROGRAMME = Programme(
    code=CODE,
    label="职业技能评价补贴",
    purpose="evaluation",
    source_label="结业考核",
    source_url=_assessment_url,
)


def register() -> None:
    programme_register(PROGRAMME)

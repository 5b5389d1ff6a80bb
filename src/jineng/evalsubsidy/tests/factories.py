"""Certificates of a real assessed class, the province's evaluation items, and a claim carried to paid.

The Zhengzhou school's 电工 class (30 trainees, 职业技能等级证书 四级/中级工 issued by the Zhengzhou
鉴定站 on 2021-07-03; claims.tests.factories) is put under the profile being tested by assigning it to the
class's district (金水区, 2021), as claims/tests/test_standards.py does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jineng.accounts.models import User
from jineng.accounts.services import user_create
from jineng.assessment.models import Result
from jineng.catalogue.importing import HEADERS
from jineng.catalogue.services import catalogue_import
from jineng.catalogue.tests.helpers import xlsx
from jineng.claims import services as claims
from jineng.claims.models import Claim, ClaimState
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.evalsubsidy import services
from jineng.regions.services import profile_assign
from jineng.training.models import TrainingClass
from jineng.training.tests.factories import occupation

# The province's 2021 evaluation item for 电工 四级/中级工 职业技能等级证书: 300 yuan from 1 January.
EVAL_4 = ["6-31-01-03", "电工", "", "四级/中级工", "职业技能等级证书", 80, "300.00", "评价补贴", "", "否"]
ITEM = (
    "河南省2021年补贴标准目录 6-31-01-03 电工·四级/中级工·职业技能等级证书（评价补贴） 300元，"
    "第1版 2021-01-01起"
)
LINE = "F02 电工·四级/中级工·职业技能等级证书（评价补贴） 300元/人 × 1 = 300元"
SOURCE = {"XC23": "许技领办〔2023〕1号 三(三)", "XC19": "许政办〔2019〕20号 三(二)"}
ISSUED = dt.date(2021, 7, 3)


def standards(w: World, *rows: list[Any]) -> None:
    occupation()  # 电工 in the classification
    catalogue_import(actor=None, region=w.henan, year=2021, content=xlsx(list(rows), HEADERS))


def under(w: World, code: str) -> None:
    profile_assign(actor=None, region=w.jinshui, year=2021, profile_code=code)


def certified(w: World, **overrides: Any) -> TrainingClass:
    return assessed_class(w, **overrides)


def certificates(tc: TrainingClass, n: int | None = None) -> list[Result]:
    qs = Result.objects.filter(assessment__training_class=tc, passed=True).order_by("enrolment__row")
    return list(qs[:n] if n else qs)


def claim_of(w: World, actor: User, results: list[Result]) -> Claim:
    (claim,) = services.evaluation_claims_create(actor=actor, certificates=results)
    return claim


def second_finance(w: World) -> User:
    return user_create(
        actor=None,
        username="zz_czj2",
        password="Test@pass-2026",
        display_name="钱多",
        role="finance",
        region=w.zhengzhou,
        department=w.users["finance"].department,
    )


def to_paid(w: World, actor: User, claim: Claim, *, notice_over: dt.date) -> Claim:
    """The applicant's pledge and bank account, the department's two signatures, the notice, the bureau's
    two (and finance's two where the profile has it), a batch, payment."""
    claim = services.evaluation_claim_submit(
        actor=actor,
        claim=claim,
        pledge_name="孙评",
        pledge=True,
        bank_name="中国银行郑州分行",
        bank_account="6222020200998877665",
        today=CLAIMED,
    )
    for role in ("dept_first", "dept_second"):
        claim = claims.claim_review(actor=w.users[role], claim=claim, decision="pass", today=CLAIMED)
    claim = claims.claim_notice_close(actor=w.users["hr_first"], claim=claim, today=notice_over)
    for role in ("hr_first", "hr_second"):
        claim = claims.claim_review(actor=w.users[role], claim=claim, decision="pass", today=notice_over)
    if claim.state == ClaimState.HR_REVIEWED:
        for officer in (w.users["finance"], second_finance(w)):  # F09: two finance officers sign
            claim = claims.claim_review(actor=officer, claim=claim, decision="pass", today=notice_over)
    assert claim.state == ClaimState.APPROVED, claim.state
    batch = claims.batch_open(actor=w.users["hr_admin"], region=w.zhengzhou, today=notice_over)
    claims.batch_collect(actor=w.users["hr_admin"], batch=batch)
    batch = claims.batch_send(actor=w.users["hr_second"], batch=batch)
    claims.batch_pay(actor=w.users["finance"], batch=batch, bank_reference="HX-EVAL-1", today=batch.pay_on)
    claim.refresh_from_db()
    return claim

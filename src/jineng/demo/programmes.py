"""The programmes beside the classes, in 许昌, each paid through the one claim pipeline by the accounts the
city already has (demo/standards.py: xc_jb, xc_hr1 … xc_cz2; demo/yigong.py: the enterprise's xc_qy):

* **F05 实训设备补助 (XC19, 2021).** The enterprise of 鄢陵县 runs a 技能大师工作室 the city recognised; it
  lists the training equipment it bought, the bureau signs twice (F09), and the grant — 20% of the
  equipment's value under the studio's cap (XC19 二(二)1) — is claimed and paid in November's batch.
* **企业新型学徒制 (XC19, cohort of 2020).** The same enterprise and 许昌技师学院 agree to train six of its
  employees as electricians over two years; one leaves in the first year, so the first year's claim
  pays five, the sixth's line saying why. Paid in the same batch as the grant.
* **评价补贴 (XC23, 2023).** A class of 许昌技师学院 whose training subsidy was never claimed: its
  evaluation body claims the evaluation subsidy for the certificates it issued, and the demo's trainee
  (xueyuan, one of the class) claims his own; both paid in November's batch.

Amounts come from the demo's sample standards table (catalogue/demo.py, 示例标准（演示用，非官方）) and
XC19's own F05 share and caps. Everything goes through the services the pages call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.accounts.models import User
from jineng.apprenticeship import services as apprenticeship
from jineng.catalogue.models import Occupation
from jineng.claims import services as claims
from jineng.claims.models import Claim, PaymentBatch
from jineng.demo import data
from jineng.demo.standards import (
    PRICED,
    PricedClass,
    bureau_accounts,
    class_assessed,
    working_days_after,
)
from jineng.demo.yigong import CLERK, ENTERPRISE
from jineng.evalsubsidy import services as evaluation
from jineng.evalsubsidy.selectors import certificates_claimable
from jineng.grants import services as grants
from jineng.orgs.models import Organisation
from jineng.policy.equipment import Item
from jineng.policy.identity import make_id_number
from jineng.regions.models import Department, Region

XUCHANG = next(spec for spec in PRICED if spec.prefix == "xc" and spec.start.year == 2023)
NOTICE_DAYS = XUCHANG.notice_days
ENTERPRISE_BANK = ("中国农业银行鄢陵县支行", "6228480459001234567")
SCHOOL_BANK = ("中国工商银行许昌分行", "6222021708001234561")
EVALUATOR_BANK = ("中国银行郑州分行", "6216610200012345678")
TRAINEE_BANK = ("中国建设银行郑州金水支行", "6217002430012345678")

# --- F05: the studio and its equipment ------------------------------------------------------------------
STUDIO = "鄢陵县园林绿化技能大师工作室"
STUDIO_RECOGNISED = dt.date(2020, 12, 18)
STUDIO_DOCUMENT = "许人社〔2020〕112号（演示）"
GRANT_APPLIED = dt.date(2021, 11, 1)
GRANT_ITEMS = (  # name, model, quantity, unit price, invoice number, purchased on
    ("绿篱修剪机", "STIHL HS82R", 6, Decimal("3980.00"), "41002021110000318", dt.date(2021, 3, 22)),
    ("高枝油锯", "STIHL HT133", 4, Decimal("8650.00"), "41002021110000319", dt.date(2021, 3, 22)),
    ("智能喷灌控制实训台", "JN-PG2000", 2, Decimal("46800.00"), "41002021110000542", dt.date(2021, 5, 10)),
    ("园林植物病虫害检测仪", "TPY-6A", 3, Decimal("12600.00"), "41002021110000777", dt.date(2021, 6, 7)),
    ("苗木修剪实训工位", "定制 2.4m×1.2m", 10, Decimal("5200.00"), "41002021110000778", dt.date(2021, 6, 7)),
)
PROGRAMMES_CLAIMED = dt.date(2021, 11, 8)  # a Monday: the grant and the cohort's first year go in

# --- 企业新型学徒制 -------------------------------------------------------------------------------------------
COHORT_OCCUPATION = "6-31-01-03"  # 电工, which 许昌技师学院 is listed for (catalogue/demo.py)
COHORT_AGREED = dt.date(2020, 8, 20)
COHORT_START = dt.date(2020, 9, 1)
COHORT_AGREEMENT = "XJ-YL-2020-007"
APPRENTICES = (  # name, hired on, birth date
    ("孙建伟", dt.date(2019, 3, 4), dt.date(1996, 5, 14)),
    ("李晓东", dt.date(2018, 7, 2), dt.date(1994, 11, 3)),
    ("王浩", dt.date(2020, 3, 16), dt.date(1999, 2, 21)),
    ("张亚楠", dt.date(2019, 10, 8), dt.date(1997, 8, 9)),
    ("陈刚", dt.date(2017, 4, 10), dt.date(1992, 1, 27)),
    ("赵一鸣", dt.date(2020, 6, 1), dt.date(2000, 6, 30)),
)
LEAVER = 6  # the sixth apprentice leaves in the first year
LEFT_ON = dt.date(2021, 3, 15)
LEFT_REASON = "个人原因离职"

# --- 评价补贴 ------------------------------------------------------------------------------------------------
EVALUATED = PricedClass(
    "xc",
    "许昌市",
    "市人社局",
    "市工信局",
    "市财政局",
    "许昌技师学院",
    "6-31-01-03",
    "",
    4,
    dt.date(2023, 10, 9),
    16,
    "411002",
    NOTICE_DAYS,
    2,
)
EVALUATED_NUMBER = 4  # after the three priced classes of demo/standards.py
EVALUATION_CLAIMED = dt.date(2023, 11, 20)  # a Monday


def demo_programmes_load(accounts: dict[str, User]) -> list[Claim]:
    """Returns the programmes' claims: the grant's and the cohort's paid, the evaluation subsidies' sent to
    finance; the caller's transaction holds them."""
    acc = bureau_accounts(XUCHANG)
    enterprise_clerk = User.objects.get(username=CLERK[1])
    grant = _grant(acc, enterprise_clerk)
    stage = _cohort(acc)
    _paid(acc, [grant, stage], PROGRAMMES_CLAIMED)
    made = _evaluation(acc, accounts["evaluator"], accounts["trainee"])
    # The evaluation subsidies' batch is sent to finance and left there: finance's 待办 has a batch to pay.
    _paid(acc, made, EVALUATION_CLAIMED, pay=False)
    return [grant, stage, *made]


def _grant(acc: dict[str, User], clerk: User) -> Claim:
    org = Organisation.objects.get(name=ENTERPRISE)
    city = Region.objects.get(name="许昌市")
    studio = grants.recognition_record(
        actor=acc["admin"],
        organisation=org,
        kind="studio",
        name=STUDIO,
        level="city",
        recognised_on=STUDIO_RECOGNISED,
        document_number=STUDIO_DOCUMENT,
        department=Department.objects.get(region=city, name=XUCHANG.department),
    )
    application = grants.grant_application_create(
        actor=clerk,
        recognition=studio,
        items=[
            Item(
                row=n,
                name=name,
                model=model,
                quantity=quantity,
                unit_price=price,
                invoice_number=invoice,
                purchased_on=on,
            )
            for n, (name, model, quantity, price, invoice, on) in enumerate(GRANT_ITEMS, start=1)
        ],
        staff_education_fund_used=True,
        today=GRANT_APPLIED,
    )
    application = grants.grant_application_review(
        actor=acc["hr1"], application=application, decision="pass", today=GRANT_APPLIED + dt.timedelta(days=2)
    )
    application = grants.grant_application_review(
        actor=acc["hr2"], application=application, decision="pass", today=GRANT_APPLIED + dt.timedelta(days=4)
    )
    assert application.claim is not None
    return _submitted(clerk, application.claim, ENTERPRISE_BANK, PROGRAMMES_CLAIMED)


def _cohort(acc: dict[str, User]) -> Claim:
    school = acc["jb"]
    cohort = apprenticeship.cohort_register(
        actor=school,
        enterprise=Organisation.objects.get(name=ENTERPRISE),
        institution=Organisation.objects.get(name=XUCHANG.institution),
        occupation=Occupation.objects.get(code=COHORT_OCCUPATION),
        level=4,
        certificate_kind="skill_level",
        agreement_number=COHORT_AGREEMENT,
        agreement_date=COHORT_AGREED,
        start_date=COHORT_START,
        planned_years=2,
        department=Department.objects.get(region__name="许昌市", name=XUCHANG.department),
        apprentices=[
            apprenticeship.ApprenticeRow(
                id_number=make_id_number("411024", born, 40 + n),
                name=name,
                hired_on=hired,
                joined_on=COHORT_START,
                row=n,
            )
            for n, (name, hired, born) in enumerate(APPRENTICES, start=1)
        ],
        today=COHORT_AGREED,
    )
    leaver = cohort.apprentices.get(row=LEAVER)
    apprenticeship.apprentice_leave(
        actor=school, apprentice=leaver, left_on=LEFT_ON, reason=LEFT_REASON, today=LEFT_ON
    )
    claim = apprenticeship.stage_claim_create(actor=school, cohort=cohort, stage=1, today=PROGRAMMES_CLAIMED)
    return _submitted(school, claim, SCHOOL_BANK, PROGRAMMES_CLAIMED)


def _evaluation(acc: dict[str, User], evaluator: User, trainee: User) -> list[Claim]:
    assert trainee.person is not None
    tc = class_assessed(
        EVALUATED,
        acc,
        evaluator,
        EVALUATED_NUMBER,
        holders=[(data.TRAINEE_ID, trainee.person.name)],
    )
    (own,) = evaluation.evaluation_claims_create(
        actor=trainee,
        certificates=list(certificates_claimable(trainee).filter(assessment__training_class=tc)),
    )
    own = evaluation.evaluation_claim_submit(
        actor=trainee,
        claim=own,
        pledge_name=trainee.label,
        pledge=True,
        bank_name=TRAINEE_BANK[0],
        bank_account=TRAINEE_BANK[1],
        today=EVALUATION_CLAIMED,
    )
    body = list(
        certificates_claimable(evaluator)
        .filter(assessment__training_class=tc)
        .exclude(enrolment__person=trainee.person)
    )
    (theirs,) = evaluation.evaluation_claims_create(actor=evaluator, certificates=body)
    theirs = evaluation.evaluation_claim_submit(
        actor=evaluator,
        claim=theirs,
        pledge_name=evaluator.label,
        pledge=True,
        bank_name=EVALUATOR_BANK[0],
        bank_account=EVALUATOR_BANK[1],
        today=EVALUATION_CLAIMED,
    )
    return [theirs, own]


def _submitted(applicant: User, claim: Claim, bank: tuple[str, str], day: dt.date) -> Claim:
    claim = claims.claim_bank_set(actor=applicant, claim=claim, bank_name=bank[0], bank_account=bank[1])
    return claims.claim_submit(
        actor=applicant, claim=claim, pledge_name=applicant.label, pledge=True, today=day
    )


def _paid(acc: dict[str, User], submitted: list[Claim], day: dt.date, *, pay: bool = True) -> PaymentBatch:
    """The submitted claims through the department, the notice, the bureau and finance, then one batch
    sent to finance, and paid unless ``pay`` is false."""
    closed = working_days_after(day, NOTICE_DAYS)
    for claim in submitted:
        for suffix in ("dept1", "dept2"):
            claim = claims.claim_review(actor=acc[suffix], claim=claim, decision="pass", today=day)
        claim = claims.claim_notice_close(actor=acc["hr1"], claim=claim, today=closed)
        for suffix in ("hr1", "hr2", "cz1", "cz2"):
            claim = claims.claim_review(actor=acc[suffix], claim=claim, decision="pass", today=closed)
    city = acc["admin"].region
    assert city is not None
    batch = claims.batch_open(actor=acc["admin"], region=city, today=closed)
    claims.batch_collect(actor=acc["admin"], batch=batch)
    batch = claims.batch_send(actor=acc["hr2"], batch=batch)
    if not pay:
        return batch
    return claims.batch_pay(
        actor=acc["cz1"], batch=batch, bank_reference=f"DEMOXCP{closed:%Y%m%d}", today=batch.pay_on
    )

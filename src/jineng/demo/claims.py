"""Demo money: the school's earlier assessed classes carried through the claim workflow by the demo
accounts, through the same services the pages call — one claim paid in a weekly batch (one trainee of it
later found paid by mistake and part of it refunded, F14), one on public notice with an objection
waiting, one waiting for the department; the newest assessed class is left unclaimed so the clerk can
generate a claim himself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.accounts.models import User
from jineng.claims import services as claims
from jineng.claims.models import Claim
from jineng.ledger import services as ledger
from jineng.ledger.models import FundKind
from jineng.recovery import services as recovery
from jineng.training.models import TrainingClass

# Zhengzhou's subsidy money at the start of 2021 (the special account is drawn first, F13).
FUNDS = (
    (FundKind.SPECIAL_ACCOUNT, Decimal("200000.00")),
    (FundKind.EMPLOYMENT_SUBSIDY, Decimal("3000000.00")),
)
FUNDED_ON = dt.date(2021, 1, 4)

# batch of the class → how far its claim goes, and the dates it takes (working days of 2021)
PAID = "2021年第9期"
IN_NOTICE = "2021年第10期"
SUBMITTED = "2021年第11期"
PAID_CLAIMED = dt.date(2021, 4, 26)  # Monday; notice 26–28 April, closed Thursday 29th
PAID_CLOSED = dt.date(2021, 4, 29)
PAID_ON = dt.date(2021, 4, 30)  # Friday, the weekly cycle's pay day (F11)
NOTICE_CLAIMED = dt.date(2021, 5, 10)  # Monday; its notice has an objection still open
SUBMITTED_ON = dt.date(2021, 5, 17)
BANK_REFERENCE = "95588202104300001"
WRONG_FOUND = dt.date(2021, 5, 11)
WRONG_AMOUNT = Decimal("1500.00")
REFUNDED_ON = dt.date(2021, 5, 14)
REFUNDED = Decimal("1000.00")


def demo_claims_load(accounts: dict[str, User]) -> int:
    """Returns how many claims were made; the caller's transaction holds them."""
    clerk = accounts["institution"]
    city = clerk.organisation.region  # type: ignore[union-attr]
    for kind, amount in FUNDS:
        fund = ledger.fund_open(actor=accounts["finance"], region=city, kind=kind)
        ledger.fund_appropriate(
            actor=accounts["finance"], fund=fund, amount=amount, key=f"demo:approp:{kind}", date=FUNDED_ON
        )

    paid = _submitted(clerk, PAID, PAID_CLAIMED)
    paid = _department_signs(accounts, paid, PAID_CLAIMED)
    paid = claims.claim_notice_close(actor=accounts["hr_first"], claim=paid, today=PAID_CLOSED)
    for role in ("hr_first", "hr_second"):
        paid = claims.claim_review(actor=accounts[role], claim=paid, decision="pass", today=PAID_CLOSED)
    batch = claims.batch_open(actor=accounts["hr_admin"], region=city, today=PAID_CLOSED)
    claims.batch_collect(actor=accounts["hr_admin"], batch=batch)
    batch = claims.batch_send(actor=accounts["hr_second"], batch=batch)
    claims.batch_pay(actor=accounts["finance"], batch=batch, bank_reference=BANK_REFERENCE, today=PAID_ON)
    # F14: a spot check finds one trainee of the paid list was paid by mistake; the school returns part of it.
    wrong = recovery.wrong_payment_record(
        actor=accounts["hr_first"],
        claim=paid,
        kind="error",
        amount=WRONG_AMOUNT,
        reason="抽查发现第5行学员同期在另一培训班重复享受补贴，属多发",
        rows=[5],
        today=WRONG_FOUND,
    )
    recovery.refund_record(
        actor=accounts["hr_first"],
        wrong_payment=wrong,
        amount=REFUNDED,
        reference="退款回单 2021051400017",
        today=REFUNDED_ON,
    )

    noticed = _submitted(clerk, IN_NOTICE, NOTICE_CLAIMED)
    noticed = _department_signs(accounts, noticed, NOTICE_CLAIMED)
    claims.objection_submit(
        claim=noticed,
        name="王先生",
        contact="13900001111",
        text="名单中第4行学员培训期间在外地务工，请核实其考勤",
        line_row=4,
        today=NOTICE_CLAIMED + dt.timedelta(days=1),
    )

    _submitted(clerk, SUBMITTED, SUBMITTED_ON)
    return 3


def _submitted(clerk: User, batch: str, day: dt.date) -> Claim:
    tc = TrainingClass.objects.get(institution=clerk.organisation, batch=batch)
    claim = claims.claim_create(actor=clerk, training_class=tc, today=day)
    return claims.claim_submit(actor=clerk, claim=claim, pledge_name=clerk.label, pledge=True, today=day)


def _department_signs(accounts: dict[str, User], claim: Claim, day: dt.date) -> Claim:
    for role in ("dept_first", "dept_second"):
        claim = claims.claim_review(actor=accounts[role], claim=claim, decision="pass", today=day)
    return claim

"""A paid claim of the Zhengzhou school, built through the real claim workflow, and a second one to
offset against."""

from __future__ import annotations

import datetime as dt

from jineng.claims import services
from jineng.claims.models import BatchItem, Claim, PaymentBatch
from jineng.claims.tests.factories import approved, assessed_class, funded
from jineng.conftest import World

PAY_DAY = dt.date(2021, 7, 9)  # Friday of the week of 5 July
FOUND = dt.date(2021, 7, 13)  # Tuesday of the next week: the wrong payment is found
NEXT_COLLECT = dt.date(2021, 7, 21)  # Wednesday two weeks later: the next batch
NEXT_PAY = dt.date(2021, 7, 23)


def paid_claim(w: World) -> Claim:
    """60000 (30 × 2000) paid to the school on 9 July 2021."""
    funded(w)
    claim = approved(w, assessed_class(w))
    batch = services.batch_open(actor=w.users["hr_admin"], region=w.zhengzhou, today=dt.date(2021, 7, 7))
    services.batch_collect(actor=w.users["hr_admin"], batch=batch)
    services.batch_send(actor=w.users["hr_second"], batch=batch)
    services.batch_pay(actor=w.users["finance"], batch=batch, bank_reference="HX0709001", today=PAY_DAY)
    claim.refresh_from_db()
    return claim


def next_batch(w: World) -> tuple[PaymentBatch, BatchItem]:
    """A second class of the school, claimed and approved (60000), in the batch of 21 July, sent."""
    claim = approved(w, assessed_class(w))
    batch = services.batch_open(actor=w.users["hr_admin"], region=w.zhengzhou, today=NEXT_COLLECT)
    services.batch_collect(actor=w.users["hr_admin"], batch=batch)
    services.batch_send(actor=w.users["hr_second"], batch=batch)
    return batch, BatchItem.objects.get(claim=claim)

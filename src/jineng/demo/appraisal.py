"""The demo's yearly evaluation (I03–I05): the Zhengzhou school's trainees of its first assessed class
followed up in November 2021 (就业跟踪), then the city's bureau computes 2021 from the records and, in
January 2022, keeps the school in the next year's catalogue with its 项目制."""

from __future__ import annotations

import datetime as dt

from jineng.accounts.models import User
from jineng.appraisal.services import FollowUpRow, follow_ups_record, review_decide, reviews_compute
from jineng.training.models import ClassState, TrainingClass

SURVEYED = dt.date(2021, 11, 15)
DECIDED = dt.date(2022, 1, 10)


def demo_appraisal_load(accounts: dict[str, User]) -> None:
    clerk, admin = accounts["institution"], accounts["hr_admin"]
    tc = (
        TrainingClass.objects.filter(institution=clerk.organisation, state=ClassState.ASSESSED)
        .order_by("start_date")
        .first()
    )
    if tc is None:
        return
    # Two in three at work six months on, the others still looking.
    rows = [FollowUpRow(e, e % 3 != 1, "郑州本地企业" if e % 3 != 1 else "") for e in range(2, 2 + 24)]
    follow_ups_record(actor=clerk, training_class=tc, rows=rows, surveyed_on=SURVEYED, today=SURVEYED)
    city = admin.region
    assert city is not None
    for review in reviews_compute(actor=admin, region=city, year=2021):
        review_decide(
            actor=admin,
            review=review,
            catalogue="renewed",
            project="unchanged",
            reason="出勤率、取证率、满意度良好，已开展就业跟踪，纳入2022年度目录",
            today=DECIDED,
        )

"""Issue 18.1: the home page's 待办 is the user's real queues, each with its count and link, the overdue
ones first with their deadline."""

from __future__ import annotations

import re

import pytest

from jineng.claims.bulk import claims_create_bulk
from jineng.claims.services import claim_submit
from jineng.claims.tests.factories import CLAIMED, assessed_class
from jineng.conftest import World
from jineng.home.selectors import work_for
from jineng.training.tests.factories import draft_class, submitted_class

pytestmark = pytest.mark.django_db
ITEM = re.compile(
    r'<li><span class="badge ([a-z]*)">(\d+)</span><a href="([^"]+)">([^<]+)</a><span class="muted small">([^<]*)</span></li>'
)


def todo(world: World, role: str) -> list[tuple[str, ...]]:
    page = world.client(world.users[role]).get("/").content.decode()
    return [m.groups() for m in ITEM.finditer(page)]


def test_a_department_reviewer_sees_his_overdue_classes_first_and_the_claims_to_sign(world: World) -> None:
    # Given a class submitted in 2021 (its department review deadline long past) and a submitted claim
    tc = submitted_class(world)
    claimed = assessed_class(world)
    clerk = world.users["institution"]
    (claim,) = claims_create_bulk(actor=clerk, classes=[claimed], today=CLAIMED)
    claim = claim_submit(actor=clerk, claim=claim, pledge_name="赵敏", pledge=True, today=CLAIMED)
    assert tc.review_due is not None and claim.review_due is not None
    # When the department's first reviewer opens the home page
    items = todo(world, "dept_first")
    # Then both queues are listed with their counts and links, overdue, the earlier deadline first
    expected = [
        (
            "danger",
            "1",
            "/classes/queue/",
            "待审核的开班申请",
            f"其中 1 项已超期，最早期限 {tc.review_due.year}年{tc.review_due.month}月{tc.review_due.day}日",
        ),
        (
            "danger",
            "1",
            "/claims/queue/",
            "待签署的补贴申领",
            f"其中 1 项已超期，最早期限 {claim.review_due.year}年{claim.review_due.month}月{claim.review_due.day}日",
        ),
    ]
    assert items == (expected if tc.review_due <= claim.review_due else expected[::-1])
    assert "当前没有等待您处理的事项" not in world.client(world.users["dept_first"]).get("/").content.decode()


def test_the_clerk_sees_his_drafts_and_the_classes_to_claim(world: World) -> None:
    # Given a draft class and an assessed class not yet claimed
    draft_class(world)
    assessed_class(world)
    # Then the clerk's home lists them, each linking to its list
    items = {label: (count, url) for _level, count, url, label, _hint in todo(world, "institution")}
    assert items["尚未提交的开班申请（草稿）"] == ("1", "/classes/?state=draft")
    assert items["已考核、待申领补贴的班级"] == ("1", "/claims/")


def test_the_evaluator_sees_the_assessments_waiting_for_results(world: World) -> None:
    # Given a class whose assessment was applied for but whose results are not in
    from jineng.assessment.models import Assessment

    tc = assessed_class(world)
    Assessment.objects.filter(training_class=tc).update(state=Assessment.State.APPLIED)
    a = Assessment.objects.get(training_class=tc)
    items = todo(world, "evaluator")
    assert items[0] == (
        "danger",
        "1",
        "/assessment/",
        "待录入结果的结业考核",
        f"其中 1 项已超期，最早期限 {a.assessment_date.year}年{a.assessment_date.month}月{a.assessment_date.day}日",
    )


def test_roles_with_nothing_waiting_see_it_said(world: World) -> None:
    assert work_for(world.users["dept_second"]) == []
    page = world.client(world.users["dept_second"]).get("/").content.decode()
    assert "当前没有等待您处理的事项。" in page

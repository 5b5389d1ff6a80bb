"""Actuals from the records (H03, E07, E08), the dashboard's figures against targets, and progress
moving through the real class, assessment and claim services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.claims import services as claims
from jineng.claims.tests.factories import approved, assessed_class, funded
from jineng.conftest import World
from jineng.progress import board
from jineng.progress.selectors import Filter, actual_rows
from jineng.progress.tests.factories import certify, claimed, counties, enrol, opened
from jineng.supervision.tests.factory import make_class
from jineng.targets.models import Plan, Target
from jineng.training.models import ClassState, TrainingClass
from jineng.vouchers.models import Voucher

pytestmark = pytest.mark.django_db

JUNE_30 = dt.date(2021, 6, 30)


def totals(w: World, region: object = None, **kw: object) -> dict[str, int]:
    rows = actual_rows(Filter(year=2021, region=region or w.zhengzhou, **kw), by=())  # type: ignore[arg-type]
    out: dict[str, int] = {}
    for r in rows:
        out[r.indicator] = out.get(r.indicator, 0) + r.persons
    return out


def plan(w: World, rows: list[tuple[str, object, int]], *, department: object = None) -> Plan:
    p = Plan.objects.create(
        year=2021, region=w.zhengzhou, source=f"测试{Plan.objects.count()}", title="测试目标"
    )
    for i, (indicator, region, persons) in enumerate(rows):
        Target.objects.create(
            plan=p, indicator=indicator, region=region, department=department, persons=persons, position=i
        )
    return p


def test_h03_e07_e08_certificates_counted_from_passed_results(world: World) -> None:
    # Given in 金水区: A 中级 (March), B 高级工 with no earlier certificate, C a completion certificate
    a_class = opened(world, trainees=3)
    a, b, c = list(a_class.enrolments.order_by("row"))
    certify(world, a, level=4, issued_on=dt.date(2021, 3, 10))
    certify(world, b, level=3)
    certify(world, c, kind="completion", level=None)
    # and in 二七区: A again, now 高级工 (he held 中级), D directly 技师, E failed
    b_class = opened(world, trainees=2, region=world.erqi)
    d, e = list(b_class.enrolments.order_by("row"))
    certify(world, enrol(b_class, a.person, 9), level=3, issued_on=dt.date(2021, 8, 1))
    certify(world, d, level=2)
    certify(world, e, passed=False)
    # When the city's actuals are counted
    got = totals(world)
    # Then skilled = A's 中级 + B and D (E08: first certificate directly 高级工+), not A's 高级工
    assert got["skilled"] == 3
    # high-skilled = B, A's 高级工, D (E07); technicians = D
    assert (got["high_skilled"], got["technicians"]) == (3, 1)
    # H04: 5 certificates, 1 of them completion
    assert (got["certificates"], got["special_completion"]) == (5, 1)
    # and by region: 金水区 has A's 中级 and B; 二七区 has A's 高级工 and D
    jinshui, erqi = totals(world, world.jinshui), totals(world, world.erqi)
    assert (jinshui["skilled"], jinshui["high_skilled"]) == (2, 1)
    assert (erqi["skilled"], erqi["high_skilled"], erqi["technicians"]) == (1, 2, 1)


def test_training_apprentices_and_subsidised_by_region_department_and_month(world: World) -> None:
    # Given an opened class of 4 in June (金水区, 工信局) and an apprentice class of 2 in March (二七区, 教育局)
    june = opened(world, trainees=4)
    opened(
        world,
        trainees=2,
        region=world.erqi,
        department=world.zz_education,
        start=dt.date(2021, 3, 1),
        end=dt.date(2021, 3, 30),
    )
    TrainingClass.objects.filter(region=world.erqi).update(funding_type="apprenticeship")
    # an approved class not opened yet does not count
    make_class(world, trainees=5, state=ClassState.APPROVED)
    # and the June class's claim approved for 3 of its 4 trainees
    claimed(world, june, payable=3)
    # When counted
    got = totals(world)
    # Then
    assert (got["training"], got["apprentices"], got["subsidised"]) == (6, 2, 3)
    # manufacturing (electrician, major group 6) is all of the subsidised
    assert got["subsidised_manufacturing"] == 3
    # by department and by month
    rows = actual_rows(
        Filter(year=2021, region=world.zhengzhou), by=("department", "month"), indicators=("training",)
    )
    assert sorted((r.department_id, r.month, r.persons) for r in rows) == sorted(
        [(world.zz_industry.pk, 6, 4), (world.zz_education.pk, 3, 2)]
    )
    assert totals(world, department_id=world.zz_education.pk)["training"] == 2
    # cumulative to the end of April leaves June out
    assert totals(world, up_to_month=4)["training"] == 2


def test_claims_not_yet_approved_do_not_count_as_subsidised(world: World) -> None:
    tc = opened(world, trainees=3)
    claimed(world, tc, state="in_notice")
    assert totals(world).get("subsidised", 0) == 0


def test_vouchers_issued_and_used_counted_per_year(world: World) -> None:
    tc = opened(world, trainees=2)
    one, two = list(tc.enrolments.order_by("row"))
    result = certify(world, one, level=4)
    common = {
        "region": world.jinshui,
        "issued_by": world.users["hr_admin"],
        "expires_on": dt.date(2021, 12, 31),
    }
    Voucher.objects.create(
        serial="410105-2021-000001",
        sequence=1,
        person=one.person,
        issued_on=dt.date(2021, 5, 1),
        state="redeemed",
        enrolment=one,
        certificate=result,
        redeemed_on=dt.date(2021, 7, 5),
        **common,
    )
    Voucher.objects.create(
        serial="410105-2021-000002", sequence=2, person=two.person, issued_on=dt.date(2021, 5, 2), **common
    )
    got = totals(world)
    assert (got["vouchers_issued"], got["vouchers_used"]) == (2, 1)


def test_h03_dashboard_rates_ranks_and_behind_flags_against_the_region_table(world: World) -> None:
    # Given targets of 10 for 金水区 and 4 for 二七区, and 5 and 4 trained
    plan(world, [("training", world.jinshui, 10), ("training", world.erqi, 4)])
    opened(world, trainees=5)
    opened(world, trainees=4, region=world.erqi)
    # When the city's board is built at the end of June (49.59% of the year gone)
    b = board.build(
        user=world.users["hr_admin"],
        year=2021,
        region=world.zhengzhou,
        indicator="training",
        department_id=None,
        today=JUNE_30,
    )
    # Then 二七区 is first at 100%, 金水区 second at 50% and not behind (50% ≥ 49.59%)
    lines = {ln.name: ln for ln in b.regions}
    assert (lines["二七区"].rate, lines["二七区"].rank) == (Decimal("1.0000"), 1)
    assert (lines["金水区"].rate, lines["金水区"].rank, lines["金水区"].behind) == (
        Decimal("0.5000"),
        2,
        False,
    )
    assert b.elapsed == Decimal("0.4959")
    summary = {s.indicator: s for s in b.summary}
    assert (summary["training"].target, summary["training"].actual) == (14, 9)
    assert summary["recognition_bodies"].actual == 0  # counted from the filings (I09): none filed here
    assert b.trend[5] == 9 and b.cumulative[-1] == 9
    # And a county shows its units
    county = board.build(
        user=world.users["hr_admin"],
        year=2021,
        region=world.jinshui,
        indicator="training",
        department_id=None,
        today=JUNE_30,
    )
    assert [(u.name, u.actual) for u in county.units] == [(world.zz_school.name, 5)]
    # the behind flag, later in the year: 5 of 10 on 1 September is behind
    later = board.build(
        user=world.users["hr_admin"],
        year=2021,
        region=world.zhengzhou,
        indicator="training",
        department_id=None,
        today=dt.date(2021, 9, 1),
    )
    assert {ln.name: ln.behind for ln in later.regions}["金水区"] is True


def test_h04_ratios_on_the_board_name_the_profile_threshold(world: World) -> None:
    # Given Zhengzhou under ZZ21, which sets no H04 shares, and 15 more districts
    counties(world, 13)
    b = board.build(
        user=world.users["hr_admin"],
        year=2021,
        region=world.zhengzhou,
        indicator="training",
        department_id=None,
        today=JUNE_30,
    )
    # Then all 15 districts are listed and the ratios refuse with "本政策口径未规定"
    assert len(b.regions) == 15
    assert len(b.ratios) == 15
    assert all(isinstance(r, str) and "本政策口径未规定" in r for r in b.ratios[0].ratios[:1])


def test_progress_moves_when_a_class_is_assessed_and_a_claim_is_paid(world: World) -> None:
    # Given nothing yet
    assert totals(world) == {}
    # When the school's 中级 electrician class of 30 is opened, inspected, ended and assessed
    tc = assessed_class(world)
    # Then 30 person-times of training and 30 new skilled talents (中级, H03)
    got = totals(world)
    assert (got["training"], got["skilled"], got.get("subsidised", 0)) == (30, 30, 0)
    # When its claim is approved and paid through a weekly batch
    funded(world)
    claim = approved(world, tc)
    assert totals(world)["subsidised"] == 30
    batch = claims.batch_open(
        actor=world.users["hr_admin"], region=world.zhengzhou, today=dt.date(2021, 7, 7)
    )
    claims.batch_collect(actor=world.users["hr_admin"], batch=batch)
    claims.batch_send(actor=world.users["hr_second"], batch=batch)
    claims.batch_pay(
        actor=world.users["finance"], batch=batch, bank_reference="HX0709001", today=dt.date(2021, 7, 9)
    )
    claim.refresh_from_db()
    assert claim.state == "paid"
    # Then the subsidised count stays: a paid claim still counts, once
    got = totals(world)
    assert (got["training"], got["subsidised"], got["skilled"]) == (30, 30, 30)


def test_the_roll_up_gives_the_board_the_same_figures_as_the_records(world: World) -> None:
    # Given targets, classes in two districts, a claim and certificates
    plan(world, [("training", world.jinshui, 10), ("training", world.erqi, 4)])
    june = opened(world, trainees=5)
    opened(world, trainees=4, region=world.erqi)
    claimed(world, june, payable=3)
    for e in june.enrolments.all():
        certify(world, e, level=3)

    def build(live: bool | None, region: object = None) -> board.Board:
        return board.build(
            user=world.users["hr_admin"],
            year=2021,
            region=region or world.zhengzhou,  # type: ignore[arg-type]
            indicator="training",
            department_id=None,
            today=JUNE_30,
            live=live,
        )

    live, county_live = build(True), build(True, world.jinshui)
    assert build(None).summary == live.summary  # no roll-up yet: the page counts from the records
    # When the roll-up is rebuilt
    from jineng.progress.services import actuals_refresh

    assert actuals_refresh(actor=world.users["hr_admin"], year=2021) > 0
    # Then the page reads it, and every figure is the same
    rolled = build(None)
    assert rolled.summary == live.summary
    assert [(ln.name, ln.actual, ln.rate, ln.rank) for ln in rolled.regions] == [
        (ln.name, ln.actual, ln.rate, ln.rank) for ln in live.regions
    ]
    assert rolled.trend == live.trend and rolled.departments == live.departments
    assert [str(r.ratios) for r in rolled.ratios] == [str(r.ratios) for r in live.ratios]
    assert build(False, world.jinshui).units == county_live.units
    # and a second refresh replaces, never adds
    n = actuals_refresh(actor=None, year=2021)
    assert actuals_refresh(actor=None, year=2021) == n


def test_a_department_user_sees_only_the_departments_figures(world: World) -> None:
    # Given a class of 工信局 (4) and one of 教育局 (2)
    opened(world, trainees=4)
    opened(world, trainees=2, department=world.zz_education)
    client = world.client(world.users["dept_first"])  # 市工信局
    got = client.get("/api/v1/progress", {"year": 2021}).json()
    # Then the 工信局 reviewer's board counts only 工信局's class
    assert {s["indicator"]: s["actual"] for s in got["summary"]}["training"] == 4
    assert [(d["name"], d["actual"]) for d in got["departments"]] == [("市工信局", 4)]
    # and asking for another department is refused
    other = client.get("/api/v1/progress", {"year": 2021, "department_id": world.zz_education.pk})
    assert other.status_code == 404


def test_h01_a_regions_only_row_is_its_total_not_a_share_of_its_own(world: World) -> None:
    # Given ZZ21 一's 全市 row only (no district rows for the indicator) and ZZ21 附件1's 市本级 + districts
    plan(world, [("training", world.zhengzhou, 700000)])
    plan(world, [("subsidised", world.zhengzhou, 100000), ("subsidised", world.jinshui, 25000)])
    opened(world, trainees=3)

    def build(indicator: str) -> board.Board:
        return board.build(
            user=world.users["hr_admin"],
            year=2021,
            region=world.zhengzhou,
            indicator=indicator,
            department_id=None,
            today=JUNE_30,
        )

    training = build("training")
    # Then the summary's target is the whole city's, and no "郑州市本级" line claims it
    assert {s.indicator: s.target for s in training.summary}["training"] == 700000
    assert all(not ln.name.endswith("本级") for ln in training.regions)
    # while 市本级 beside the districts is a line of its own
    subsidised = build("subsidised")
    assert {s.indicator: s.target for s in subsidised.summary}["subsidised"] == 125000
    assert [(ln.name, ln.target) for ln in subsidised.regions if ln.target] == [
        ("金水区", 25000),
        ("郑州市本级", 100000),
    ]


def test_the_roll_up_is_rebuilt_on_a_schedule(world: World) -> None:
    from jineng.celery import app
    from jineng.progress.models import Rollup
    from jineng.progress.tasks import actuals_refresh_task

    assert app.conf.beat_schedule["progress-refresh"]["task"] == "jineng.progress.refresh"
    actuals_refresh_task()
    assert Rollup.objects.count() == 1

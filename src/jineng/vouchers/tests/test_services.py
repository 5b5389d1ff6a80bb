"""电子职业培训券 services: G01 (实名制、不得转让、以证换券、无证无价) and G02 (yearly counts)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from jineng.audit.models import Event
from jineng.catalogue.models import Occupation
from jineng.celery import app
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy.identity import make_id_number
from jineng.training.models import ClassState, Enrolment
from jineng.vouchers import services
from jineng.vouchers.models import Voucher, VoucherState
from jineng.vouchers.selectors import voucher_counts
from jineng.vouchers.services import (
    BulkRow,
    bulk_workbook_read,
    voucher_bind,
    voucher_redeem,
    voucher_revoke,
    vouchers_expire,
    vouchers_issue_bulk,
)
from jineng.vouchers.tasks import vouchers_expire_task
from jineng.vouchers.tests.factory import bound, certify, enrolment, hr, issue

pytestmark = pytest.mark.django_db

D = dt.date(2023, 3, 1)  # the day of issue in most tests

# The G01 clause exactly as the application has always quoted it (it now lives in the profiles' [clauses]).
G01_CLAUSE = "XC23 二(四) 落实“实名制、不得转让、以证换券、无证无价”要求"


def rules_of(exc: pytest.ExceptionInfo[Refusal]) -> list[str]:
    return [v.rule for v in exc.value.violations] or [exc.value.rule]


def fields_of(exc: pytest.ExceptionInfo[Refusal]) -> list[str]:
    return [v.field for v in exc.value.violations] or [exc.value.field]


def person(w: World, n: int, name: str = "") -> Person:
    return person_register(
        actor=w.users[Role.HR_ADMIN],
        id_number=make_id_number("410105", dt.date(1990, 1, 1), 100 + n),
        name=name or f"工人{n}",
        region=w.jinshui,
    )


# --- issue: 实名制, one live voucher per person -------------------------------------------------------------


def test_g01_issue_names_the_person_with_a_serial_of_region_and_year(world: World) -> None:
    # given a registered worker; when the city bureau issues him a voucher twice over two people
    v1 = issue(world, world.zz_person, on=D)
    v2 = issue(world, person(world, 1), on=D)
    # then each names its holder, the city and the day, with consecutive serials of 郑州市 (410100) 2023
    assert (v1.serial, v2.serial) == ("410100-2023-000001", "410100-2023-000002")
    assert v1.person == world.zz_person and v1.region == world.zhengzhou and v1.issued_on == D
    assert v1.state == VoucherState.ISSUED and v1.expires_on == D + dt.timedelta(days=365)
    event = Event.objects.get(action="voucher.issued", object_id=str(v1.pk))
    assert event.to_state == "issued" and event.region_path == world.zhengzhou.path
    assert world.zz_person.id_number not in str(event.payload)


def test_g01_second_live_voucher_for_one_person_refused(world: World) -> None:
    first = issue(world, world.zz_person, on=D)
    with pytest.raises(Refusal) as exc:
        issue(world, world.zz_person, on=D + dt.timedelta(days=1))
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["身份证号"]
    assert exc.value.violations[0].clause == G01_CLAUSE
    assert first.serial in exc.value.violations[0].render()
    assert Voucher.objects.count() == 1


def test_g01_second_live_voucher_refused_while_the_first_is_bound(world: World) -> None:
    v = bound(world)
    with pytest.raises(Refusal) as exc:
        issue(world, v.person)
    assert rules_of(exc) == ["G01"]


def test_g01_the_database_refuses_a_second_live_voucher(world: World) -> None:
    v = issue(world, world.zz_person, on=D)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.create(
            serial="410100-2023-999999",
            sequence=999999,
            person=world.zz_person,
            region=world.zhengzhou,
            issued_by=v.issued_by,
            issued_on=D,
            expires_on=D,
        )


@pytest.mark.parametrize("end", ["revoked", "redeemed", "expired"])
def test_g01_a_new_voucher_once_the_old_one_is_no_longer_live(world: World, end: str) -> None:
    v = bound(world) if end == "redeemed" else issue(world, world.zz_person, on=D, days=30)
    later = D + dt.timedelta(days=31)
    if end == "revoked":
        voucher_revoke(actor=hr(world), voucher=v, reason="误发", today=D)
    elif end == "redeemed":
        certify(world, v.enrolment)  # type: ignore[arg-type]
        voucher_redeem(actor=hr(world), voucher=v)
    # "expired": the nightly run has not reached it yet; issuing expires it first.
    new = issue(world, v.person, on=later)
    v.refresh_from_db()
    assert v.state == end and new.state == VoucherState.ISSUED


def test_g01_expiry_before_issue_refused(world: World) -> None:
    with pytest.raises(Refusal) as exc:
        issue(world, world.zz_person, on=D, days=-1)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["有效期至"]
    assert not Voucher.objects.exists()


def test_issue_outside_the_issuers_region_refused(world: World) -> None:
    with pytest.raises(Refusal):
        issue(world, world.zz_person, region=world.xuchang, on=D)
    with pytest.raises(Refusal):
        services.voucher_issue(
            actor=world.users[Role.INSTITUTION],
            person=world.zz_person,
            region=world.zhengzhou,
            expires_on=D,
            today=D,
        )
    assert not Voucher.objects.exists()


# --- bind: 不得转让, the issuer's terms -----------------------------------------------------------------------


def test_g01_bind_to_the_holders_enrolment(world: World) -> None:
    e = enrolment(world)
    v = issue(world, e.person, on=D)
    clerk = world.users[Role.INSTITUTION]
    voucher_bind(actor=clerk, voucher=v, enrolment=e, today=D + dt.timedelta(days=3))
    v.refresh_from_db()
    assert (v.state, v.enrolment, v.bound_on) == (VoucherState.BOUND, e, D + dt.timedelta(days=3))
    event = Event.objects.get(action="voucher.bound")
    assert (event.from_state, event.to_state, event.organisation_id) == (
        "issued",
        "bound",
        world.zz_school.pk,
    )


def test_g01_not_transferable_binding_to_another_persons_enrolment_refused(world: World) -> None:
    # given a voucher of A and an enrolment of B in a class A could use it for
    holder = enrolment(world).person
    other = enrolment(world)
    v = issue(world, holder, on=D)
    # when B's class binds A's voucher; then G01 不得转让, quoting the clause, and nothing changes
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=world.users[Role.INSTITUTION], voucher=v, enrolment=other, today=D)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["券号"]
    text = exc.value.violations[0].render()
    assert "不得转让" in text and "XC23 二(四)" in text and "规则 G01" in text
    v.refresh_from_db()
    assert v.state == VoucherState.ISSUED and v.enrolment is None
    assert v.person == holder  # the holder never changes
    assert not Event.objects.filter(action="voucher.bound").exists()


def test_g01_bind_refused_for_another_occupation(world: World) -> None:
    e = enrolment(world)
    welder = Occupation.objects.create(
        code="6-18-02-04", name="焊工", major_code="6", middle_code="6-18", minor_code="6-18-02"
    )
    v = issue(world, e.person, on=D, occupation=welder)
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=D)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["限定职业"]
    assert "本券限用于“焊工”培训，该班培训职业为“电工”" in exc.value.violations[0].message


def test_g01_bind_allowed_for_the_named_occupation_and_institution(world: World) -> None:
    e = enrolment(world)
    v = issue(
        world,
        e.person,
        on=D,
        occupation=e.training_class.occupation,
        institution=e.training_class.institution,
    )
    assert voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=D).state == VoucherState.BOUND


def test_g01_bind_refused_at_another_institution(world: World) -> None:
    e = enrolment(world, institution=world.zz_station)
    v = issue(world, e.person, on=D, institution=world.zz_school)
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=D)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["限定培训机构"]


def test_g01_bind_on_the_last_valid_day_allowed_the_day_after_refused(world: World) -> None:
    e1, e2 = enrolment(world), enrolment(world)
    v1 = issue(world, e1.person, on=D, days=10)
    v2 = issue(world, e2.person, on=D, days=10)
    last = D + dt.timedelta(days=10)
    assert voucher_bind(actor=hr(world), voucher=v1, enrolment=e1, today=last).state == VoucherState.BOUND
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v2, enrolment=e2, today=last + dt.timedelta(days=1))
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["有效期至"]
    assert "培训券已于 2023-03-11 到期" in exc.value.violations[0].message


@pytest.mark.parametrize(
    "state", [ClassState.DRAFT, ClassState.SUBMITTED, ClassState.ENDED, ClassState.CANCELLED]
)
def test_a10_bind_only_to_an_approved_class_not_yet_ended(world: World, state: str) -> None:
    e = enrolment(world, state=state)
    v = issue(world, e.person, on=D)
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=D)
    assert rules_of(exc) == ["A10"] and fields_of(exc) == ["培训班"]


def test_g01_bind_twice_refused(world: World) -> None:
    v = bound(world)
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v, enrolment=v.enrolment)  # type: ignore[arg-type]
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["状态"]


def test_bind_by_another_institution_refused(world: World) -> None:
    e = enrolment(world)
    v = issue(world, e.person, on=D)
    with pytest.raises(Refusal):
        voucher_bind(actor=world.outsiders[Role.INSTITUTION], voucher=v, enrolment=e, today=D)
    v.refresh_from_db()
    assert v.state == VoucherState.ISSUED


def test_bind_withdrawn_trainee_refused(world: World) -> None:
    e = enrolment(world)
    Enrolment.objects.filter(pk=e.pk).update(status=Enrolment.Status.WITHDRAWN)
    v = issue(world, e.person, on=D)
    with pytest.raises(Refusal) as exc:
        voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=D)
    assert fields_of(exc) == ["学员"]


# --- redeem: 以证换券、无证无价 --------------------------------------------------------------------------------


def test_g01_redemption_refused_without_a_certificate(world: World) -> None:
    v = bound(world)
    with pytest.raises(Refusal) as exc:
        voucher_redeem(actor=world.users[Role.INSTITUTION], voucher=v)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["证书"]
    assert "无证无价" in exc.value.violations[0].render() and G01_CLAUSE in exc.value.violations[0].render()
    v.refresh_from_db()
    assert (v.state, v.certificate, v.redeemed_on) == (VoucherState.BOUND, None, None)
    assert not Event.objects.filter(action="voucher.redeemed").exists()


def test_g01_redemption_refused_with_a_failed_result(world: World) -> None:
    v = bound(world)
    certify(world, v.enrolment, passed=False)  # type: ignore[arg-type]
    with pytest.raises(Refusal) as exc:
        voucher_redeem(actor=world.users[Role.INSTITUTION], voucher=v)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["证书"]


def test_g01_redemption_refused_with_a_certificate_from_another_class(world: World) -> None:
    v = bound(world)
    elsewhere = enrolment(world, person=v.person)
    certify(world, elsewhere)
    with pytest.raises(Refusal) as exc:
        voucher_redeem(actor=hr(world), voucher=v)
    assert rules_of(exc) == ["G01"]
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.BOUND


def test_g01_redemption_allowed_with_the_certificate_of_the_bound_class(world: World) -> None:
    v = bound(world)
    result = certify(world, v.enrolment, number="S2023000123")  # type: ignore[arg-type]
    day = dt.date(2023, 7, 10)
    voucher_redeem(actor=world.users[Role.INSTITUTION], voucher=v, today=day)
    v.refresh_from_db()
    assert (v.state, v.certificate, v.redeemed_on) == (VoucherState.REDEEMED, result, day)
    event = Event.objects.get(action="voucher.redeemed")
    assert event.payload["certificate_number"] == "S2023000123"
    assert (event.from_state, event.to_state) == ("bound", "redeemed")


def test_g01_redeeming_twice_refused(world: World) -> None:
    v = bound(world)
    certify(world, v.enrolment)  # type: ignore[arg-type]
    voucher_redeem(actor=hr(world), voucher=v)
    with pytest.raises(Refusal) as exc:
        voucher_redeem(actor=hr(world), voucher=v)
    assert fields_of(exc) == ["状态"]


def test_g01_unbound_voucher_cannot_be_redeemed(world: World) -> None:
    v = issue(world, world.zz_person, on=D)
    with pytest.raises(Refusal) as exc:
        voucher_redeem(actor=hr(world), voucher=v)
    assert rules_of(exc) == ["G01"] and fields_of(exc) == ["状态"]


def test_redeem_by_an_institution_other_than_the_bound_class_refused(world: World) -> None:
    v = bound(world)
    certify(world, v.enrolment)  # type: ignore[arg-type]
    with pytest.raises(Refusal):
        voucher_redeem(actor=world.outsiders[Role.INSTITUTION], voucher=v)
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.BOUND


# --- revoke ---------------------------------------------------------------------------------------------------


def test_revoke_a_bound_voucher_frees_the_enrolment_and_the_holder(world: World) -> None:
    v = bound(world)
    voucher_revoke(actor=hr(world), voucher=v, reason="学员退出培训", today=D)
    v.refresh_from_db()
    assert (v.state, v.closed_on, v.revoke_reason) == (VoucherState.REVOKED, D, "学员退出培训")
    again = issue(world, v.person)
    assert voucher_bind(actor=hr(world), voucher=again, enrolment=v.enrolment).state == VoucherState.BOUND  # type: ignore[arg-type]


def test_revoke_needs_a_reason_and_a_live_voucher(world: World) -> None:
    v = bound(world)
    with pytest.raises(Refusal) as exc:
        voucher_revoke(actor=hr(world), voucher=v, reason="  ")
    assert fields_of(exc) == ["作废原因"]
    certify(world, v.enrolment)  # type: ignore[arg-type]
    voucher_redeem(actor=hr(world), voucher=v)
    with pytest.raises(Refusal) as exc:
        voucher_revoke(actor=hr(world), voucher=v, reason="误发")
    assert fields_of(exc) == ["状态"]
    with pytest.raises(Refusal):
        voucher_revoke(actor=world.users[Role.INSTITUTION], voucher=issue(world, world.zz_person), reason="x")


# --- expiry: set-based, idempotent --------------------------------------------------------------------------


def test_g01_expiry_is_one_update_and_idempotent(world: World) -> None:
    # given three unbound vouchers past their last day, one on its last day, and one bound past its day
    due = [issue(world, person(world, i), on=D, days=10) for i in range(3)]
    last_day = issue(world, person(world, 9), on=D, days=11)
    b = bound(world)
    Voucher.objects.filter(pk=b.pk).update(issued_on=D - dt.timedelta(days=30), expires_on=D)
    today = D + dt.timedelta(days=11)
    # when the expiry runs
    with CaptureQueriesContext(connection) as queries:
        n = vouchers_expire(today=today)
    # then the three expire in one UPDATE, each with its event; the others stay live
    assert n == 3
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert sorted(Voucher.objects.filter(state=VoucherState.EXPIRED).values_list("pk", flat=True)) == sorted(
        v.pk for v in due
    )
    assert set(Voucher.objects.filter(state=VoucherState.EXPIRED).values_list("closed_on", flat=True)) == {
        today
    }
    assert Voucher.objects.get(pk=last_day.pk).state == VoucherState.ISSUED
    assert Voucher.objects.get(pk=b.pk).state == VoucherState.BOUND
    events = Event.objects.filter(action="voucher.expired")
    assert events.count() == 3 and {e.region_path for e in events} == {world.zhengzhou.path}
    assert {e.actor_label for e in events} == {"系统"}
    # and when it runs again the same day, or the next day for the same vouchers, nothing more happens
    assert vouchers_expire(today=today) == 0
    assert Event.objects.filter(action="voucher.expired").count() == 3


def test_g01_expiry_keeps_each_regions_trail(world: World) -> None:
    issue(world, world.zz_person, on=D, days=1)
    issue(world, world.xc_person, on=D, days=1, foreign=True)
    assert vouchers_expire(today=D + dt.timedelta(days=2)) == 2
    assert sorted(
        Event.objects.filter(action="voucher.expired").values_list("region_path", flat=True)
    ) == sorted([world.zhengzhou.path, world.xuchang.path])


def test_g01_expiry_task_runs_the_service_and_is_scheduled_daily(world: World) -> None:
    v = issue(world, world.zz_person, on=dt.date(2020, 1, 1), days=30)
    vouchers_expire_task.delay()  # eager in the embedded default
    assert Voucher.objects.get(pk=v.pk).state == VoucherState.EXPIRED
    vouchers_expire_task.delay()
    assert Event.objects.filter(action="voucher.expired").count() == 1
    entry = app.conf.beat_schedule["vouchers-expire-daily"]
    assert entry["task"] == vouchers_expire_task.name == "jineng.vouchers.expire"
    assert entry["task"] in app.tasks


# --- bulk issue: all or nothing, a report by row ------------------------------------------------------------


def workbook(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers or services.TEMPLATE_HEADERS)
    for r in rows:
        ws.append(r)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_g01_bulk_with_three_bad_rows_writes_nothing_and_reports_each(world: World) -> None:
    # given a list of five: two good, a bad check digit, a number nobody registered, a current holder
    good1, good2, holder = person(world, 1), person(world, 2), person(world, 3)
    held = issue(world, holder, on=D)
    bad_digit = good1.id_number[:17] + ("0" if good1.id_number[17] != "0" else "1")
    unknown = make_id_number("410105", dt.date(1991, 2, 3), 55)
    content = workbook(
        [
            [good1.id_number, good1.name],
            [bad_digit, "某甲"],
            [good2.id_number, good2.name],
            [unknown, "某乙"],
            [holder.id_number, holder.name],
        ]
    )
    events = Event.objects.count()
    # when it is uploaded
    with pytest.raises(Refusal) as exc:
        vouchers_issue_bulk(
            actor=hr(world),
            rows=bulk_workbook_read(content),
            region=world.zhengzhou,
            expires_on=D + dt.timedelta(days=300),
            today=D,
        )
    # then nothing is written, and each bad row is named with its field, rule and clause
    assert exc.value.message == "共 5 行，其中 3 行有问题，未发放任何培训券"
    got = [(v.row, v.field, v.rule) for v in exc.value.violations]
    assert got == [(3, "身份证号", "B01"), (5, "身份证号", "G01"), (6, "身份证号", "G01")]
    assert "未在本辖区实名登记" in exc.value.violations[1].message
    assert held.serial in exc.value.violations[2].message
    assert all(v.render().startswith(f"第{v.row}行“身份证号”") for v in exc.value.violations)
    assert list(Voucher.objects.values_list("pk", flat=True)) == [held.pk]
    assert Event.objects.count() == events


def test_g01_bulk_refuses_a_name_that_differs_and_a_person_twice(world: World) -> None:
    p = person(world, 1, name="张三")
    rows = [BulkRow(p.id_number, "张三", 2), BulkRow(p.id_number, "张叁", 3)]
    with pytest.raises(Refusal) as exc:
        vouchers_issue_bulk(actor=hr(world), rows=rows, region=world.zhengzhou, expires_on=D, today=D)
    assert [(v.row, v.field, v.rule) for v in exc.value.violations] == [
        (3, "姓名", "G01"),
        (3, "身份证号", "G01"),
    ]
    assert "与第2行为同一人" in exc.value.violations[1].message
    assert not Voucher.objects.exists()


def test_g01_bulk_refuses_people_outside_the_issuers_scope(world: World) -> None:
    rows = [BulkRow(world.xc_person.id_number, world.xc_person.name, 2)]
    with pytest.raises(Refusal) as exc:
        vouchers_issue_bulk(actor=hr(world), rows=rows, region=world.zhengzhou, expires_on=D, today=D)
    assert [(v.row, v.rule) for v in exc.value.violations] == [(2, "G01")]


def test_g01_bulk_all_good_issues_one_each_with_consecutive_serials(world: World) -> None:
    people = [person(world, i) for i in range(4)]
    issue(world, world.zz_person, on=D)  # 000001
    created = vouchers_issue_bulk(
        actor=hr(world),
        rows=bulk_workbook_read(workbook([[p.id_number, p.name] for p in people] + [[None, None]])),
        region=world.jinshui,
        expires_on=D + dt.timedelta(days=30),
        today=D,
    )
    assert [v.serial for v in created] == [f"410105-2023-00000{i}" for i in range(1, 5)]
    assert [v.person_id for v in Voucher.objects.filter(region=world.jinshui).order_by("sequence")] == [
        p.pk for p in people
    ]
    assert Event.objects.filter(action="voucher.issued", region_path=world.jinshui.path).count() == 4


def test_bulk_workbook_with_other_headers_refused(world: World) -> None:
    with pytest.raises(Refusal) as exc:
        bulk_workbook_read(workbook([["410105198001011239"]], headers=["证件号码"]))
    assert exc.value.field == "发放名单"
    with pytest.raises(Refusal):
        bulk_workbook_read(b"not a workbook")
    with pytest.raises(Refusal) as exc:
        vouchers_issue_bulk(actor=hr(world), rows=[], region=world.zhengzhou, expires_on=D, today=D)
    assert exc.value.message == "名单中没有人员"


# --- G02: issued and used per region and year ---------------------------------------------------------------


def test_g02_counts_issued_and_used_per_region_and_year_exactly(world: World) -> None:
    # given in 郑州 2023: 4 issued (one of them in 金水区, one later revoked), 2 of them used in 2023;
    # one issued in 2022 and used in 2023; one issued in 2022 only; and Xuchang's own
    y22, y23 = dt.date(2022, 11, 1), dt.date(2023, 2, 1)
    old_used = issue(world, person(world, 1), on=y22)
    issue(world, person(world, 2), on=y22)
    vs = [issue(world, person(world, 10 + i), on=y23) for i in range(3)]
    issue(world, person(world, 20), on=y23, region=world.jinshui)
    voucher_revoke(actor=hr(world), voucher=vs[2], reason="误发", today=y23)
    for v in (old_used, vs[0], vs[1]):
        e = enrolment(world, person=v.person)
        voucher_bind(actor=hr(world), voucher=v, enrolment=e, today=y23)
        certify(world, e)
        voucher_redeem(actor=hr(world), voucher=v, today=dt.date(2023, 6, 30))
    issue(world, world.xc_person, on=y23, foreign=True)
    # then
    c23 = voucher_counts(region=world.zhengzhou, year=2023)
    assert (c23.issued, c23.used) == (3, 3)
    c22 = voucher_counts(region=world.zhengzhou, year=2022)
    assert (c22.issued, c22.used) == (2, 0)
    jinshui = voucher_counts(region=world.jinshui, year=2023)
    assert (jinshui.issued, jinshui.used) == (1, 0)
    xc = voucher_counts(region=world.xuchang, year=2023)
    assert (xc.issued, xc.used) == (1, 0)
    henan = voucher_counts(region=world.henan, year=2023)
    assert (henan.issued, henan.used) == (4, 3)
    assert isinstance(c23.issued, int) and isinstance(c23.used, int)

"""G01 以证换券 moves money: a redeemed voucher becomes its holder's claim line, under every profile.

The same school, class and roster run under ZZ21, HC21, XC19 and XC23 (the class's district takes the
profile, as in claims' test_standards); the voucher's line is judged exactly as the class's own claim
would judge that trainee, so ZZ21 pays its document's 2000 yuan and the others the province list's 1800.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.claims import services as claims
from jineng.claims.models import Claim, ClaimState
from jineng.claims.selectors import lines_held
from jineng.claims.tests.factories import CLAIMED, assessed_class, funded, to_paid
from jineng.claims.tests.test_standards import DOCS, INTERMEDIATE, ITEM_4, item, standards, under
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.ledger.models import AccountKind
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.training.models import TrainingClass
from jineng.vouchers.models import Voucher, VoucherState
from jineng.vouchers.services import voucher_claims_create, voucher_key, voucher_redeem

pytestmark = pytest.mark.django_db

# Three working days' notice from Monday 5 July 2021 end on the 7th, five on the 9th.
NOTICE_OVER = {"ZZ21": dt.date(2021, 7, 8), "HC21": dt.date(2021, 7, 8), "XC19": dt.date(2021, 7, 12)}
NOTICE_OVER["XC23"] = dt.date(2021, 7, 12)
ZZ21_LINE = "F02 中级工 2000元/人 × 1 = 2000元（郑技领办〔2021〕6号 三(一)）"
ITEM_LINE = "F02 电工·四级/中级工·职业技能等级证书（岗位技能提升培训） 1800元/人 × 1 = 1800元"


def redeemed(w: World, tc: TrainingClass, row: int = 2) -> Voucher:
    """The voucher of the trainee on roster row ``row``, bound to the class before it opened (binding's
    own checks, A10 and G01, are tested in test_services) and exchanged for the certificate he obtained."""
    e = tc.enrolments.get(row=row)
    v = Voucher.objects.create(
        serial=f"410105-2021-{row:06d}",
        sequence=row,
        person=e.person,
        region=w.zhengzhou,
        issued_by=w.users["hr_admin"],
        issued_on=dt.date(2021, 5, 1),
        expires_on=dt.date(2022, 4, 30),
        state=VoucherState.BOUND,
        enrolment=e,
        bound_on=dt.date(2021, 5, 20),
    )
    return voucher_redeem(actor=w.users["institution"], voucher=v, today=CLAIMED)


def through_to_paid(w: World, claim: Claim, code: str) -> Claim:
    return to_paid(w, claim, claimed=CLAIMED, notice_over=NOTICE_OVER[code])


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC19", "XC23"])
def test_g01_a_redeemed_voucher_is_paid_to_the_school_end_to_end(world: World, code: str) -> None:
    # Given the province's 中级工 line, the city's funds and an assessed 中级 class under the profile,
    # with the trainee on row 2 holding a voucher he exchanged for his certificate
    standards(world, INTERMEDIATE)
    under(world, code)
    funded(world)
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v = redeemed(world, tc)
    # When the school claims its redeemed vouchers and the claim goes the common way to the bank
    [claim] = voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    assert (claim.programme, claim.source_ref, claim.title) == ("voucher", tc.ref, "电工（以证换券 1 张）")
    claim = through_to_paid(world, claim, code)
    # Then the school is paid the trainee's line, priced and cited as the class's own claim would
    amount = D("2000.00") if code == "ZZ21" else D("1800.00")
    assert (claim.state, claim.headcount, claim.amount) == (ClaimState.PAID, 1, amount)
    line = claim.lines.get()
    assert (line.row, line.person_id, line.training_class_id, line.label) == (
        2,
        v.person_id,
        tc.pk,
        f"培训券 {v.serial}",
    )
    expected = ZZ21_LINE if code == "ZZ21" else f"{ITEM_LINE}（{ITEM_4}；{DOCS[code]}）"
    assert (line.status, line.amount, line.rule_ids, line.computation) == ("payable", amount, "F02", expected)
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_school) == D("0.00")
    assert claim.batch_item.amount == amount
    held = lines_held([voucher_key(v.serial)])[voucher_key(v.serial)]
    assert (held.claim_ref, held.claim_state, held.amount) == (claim.ref, ClaimState.PAID, amount)
    assert_books_balance()


def test_g01_f02_the_class_claim_does_not_pay_a_voucher_holder_again(world: World) -> None:
    # Given row 2's voucher already claimed
    standards(world, INTERMEDIATE)
    under(world, "XC23")
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v = redeemed(world, tc)
    [by_voucher] = voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    # When the school claims the whole class
    claim = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    # Then the 29 others are paid and row 2 is excluded, naming the voucher's claim (F02)
    assert (claim.headcount, claim.amount) == (29, D("52200.00"))
    row2 = claim.lines.get(row=2)
    assert (row2.status, row2.amount) == ("excluded", D("0.00"))
    assert row2.reasons[0]["rule"] == "F02" and by_voucher.ref in row2.reasons[0]["message"]


def test_g01_a_voucher_is_claimed_once_and_not_after_the_class_claim(world: World) -> None:
    # Given a redeemed voucher already in a claim
    standards(world, INTERMEDIATE)
    under(world, "HC21")
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v = redeemed(world, tc)
    [first] = voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    # When it is claimed again, then the claim is refused naming the first (F02), and nothing is written
    with pytest.raises(Refusal) as exc:
        voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    assert "没有可申领的补贴" in exc.value.message
    assert [x.rule for x in exc.value.violations] == ["F02"] and first.ref in exc.value.violations[0].message
    assert Claim.objects.filter(programme="voucher").count() == 1
    # And once the voucher's claim is withdrawn, the class's own claim pays row 2 and the voucher can no
    # longer be claimed on its own
    claims.claim_withdraw(actor=world.users["institution"], claim=first)
    whole = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    assert whole.lines.get(row=2).status == "payable"
    with pytest.raises(Refusal) as exc:
        voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    assert whole.ref in exc.value.violations[0].message


def test_g01_only_a_redeemed_voucher_of_the_schools_own_class_is_claimed(world: World) -> None:
    # Given a voucher bound but not exchanged for a certificate
    standards(world, INTERMEDIATE)
    under(world, "XC23")
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v = redeemed(world, tc)
    Voucher.objects.filter(pk=v.pk).update(state=VoucherState.BOUND, certificate=None, redeemed_on=None)
    v.refresh_from_db()
    # When the school claims it, then it is refused: no certificate, no value (G01 无证无价)
    with pytest.raises(Refusal) as exc:
        voucher_claims_create(actor=world.users["institution"], vouchers=[v])
    assert (exc.value.rule, exc.value.field, exc.value.value) == ("G01", "培训券", v.serial)
    assert "无证无价" in exc.value.message
    # And another institution's clerk, or HR staff, may not claim the school's vouchers
    v = redeemed(world, tc, row=3)
    with pytest.raises(Refusal, match="不是本机构"):
        voucher_claims_create(actor=world.outsiders["institution"], vouchers=[v])
    with pytest.raises(Refusal, match="限培训机构经办人"):
        voucher_claims_create(actor=world.users["hr_admin"], vouchers=[v])
    assert not Claim.objects.filter(programme="voucher").exists()


def test_g01_the_school_claims_from_its_voucher_list_and_the_voucher_shows_its_claim(world: World) -> None:
    # Given two redeemed vouchers of the school's XC23 class
    standards(world, INTERMEDIATE)
    under(world, "XC23")
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v2, v3 = redeemed(world, tc, 2), redeemed(world, tc, 3)
    school = world.client(world.users["institution"])
    # When the clerk opens the voucher list, then it offers to claim both
    page = school.get("/vouchers/").content.decode()
    assert "以证换券申领补贴" in page and "2 张已兑换、尚未申领" in page and v2.serial in page
    # When she claims, then one claim for the class holds both lines and she lands on it
    response = school.post("/vouchers/claim/")
    claim = Claim.objects.get(programme="voucher")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert (claim.headcount, claim.amount, claim.title) == (2, D("3600.00"), "电工（以证换券 2 张）")
    detail = school.get(f"/claims/{claim.pk}/").content.decode()
    assert "职业培训券补贴（以证换券）" in detail and f"培训券 {v3.serial}" in detail
    # And each voucher's page names the claim that pays it; the list no longer offers them
    shown = school.get(f"/vouchers/{v2.pk}/").content.decode()
    assert claim.ref in shown and "草稿 · 1,800.00 元" in shown
    assert "以证换券申领补贴" not in school.get("/vouchers/").content.decode()


def test_g01_api_claims_the_chosen_vouchers_and_refuses_in_chinese(world: World) -> None:
    standards(world, INTERMEDIATE)
    under(world, "XC19")
    tc = assessed_class(world, catalogue_item_id=item(4).pk)
    v2, v3 = redeemed(world, tc, 2), redeemed(world, tc, 3)
    api = world.client(world.users["institution"])
    # When the clerk claims only row 3's voucher
    response = api.post("/api/v1/vouchers/claims", {"voucher_ids": [v3.pk]}, content_type="application/json")
    # Then one claim with its line is made, shown as the claim API shows claims
    assert response.status_code == 201
    [body] = response.json()
    assert (body["programme"], body["source_ref"], body["class_ref"], body["amount"]) == (
        "voucher",
        tc.ref,
        "",
        "1800.00",
    )
    # And claiming it again is refused in Chinese, naming the field and G01, with nothing written
    again = api.post("/api/v1/vouchers/claims", {"voucher_ids": [v3.pk]}, content_type="application/json")
    assert again.status_code == 422
    body = again.json()
    assert body["code"] == "refused" and "已在补贴申领中" in body["message"]
    assert (body["details"][0]["field"], body["details"][0]["rule"]) == ("voucher_ids", "G01")
    assert Claim.objects.filter(programme="voucher").count() == 1
    assert lines_held([voucher_key(v2.serial)]) == {}

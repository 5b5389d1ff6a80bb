"""评价补贴 through the one claim pipeline: priced per certificate (F02), applied for by an evaluation
body, an institution or the holder (XC23 附件3), paid once, and counted as evaluation spending (F15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.assessment.models import Result
from jineng.catalogue.models import CatalogueItem
from jineng.claims import services as claims
from jineng.claims.funduse import fund_use_public
from jineng.claims.models import ClaimLine, ClaimState
from jineng.claims.tests.factories import CLAIMED, funded
from jineng.claims.tests.test_standards import INTERMEDIATE
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.evalsubsidy import services
from jineng.evalsubsidy.tests.factories import (
    EVAL_4,
    ITEM,
    LINE,
    SOURCE,
    certificates,
    certified,
    claim_of,
    standards,
    to_paid,
    under,
)
from jineng.ledger.models import AccountKind
from jineng.ledger.tests.books import assert_books_balance, payee_balance
from jineng.training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["XC23", "XC19"])
def test_f02_f15_an_evaluation_body_is_paid_its_certificates_and_the_year_counts_them_as_evaluation(
    world: World, code: str
) -> None:
    # Given the province's evaluation item (300 yuan), the profile in force (XC23, or XC19 with its local
    # claim steps), the city's funds, and 30 certificates the Zhengzhou 鉴定站 issued
    standards(world, EVAL_4)
    under(world, code)
    funded(world)
    tc = certified(world)
    evaluator = world.users["evaluator"]
    # When the station claims two of them and the claim goes through the department, the notice (5 working
    # days), the bureau, finance and a batch
    claim = claim_of(world, evaluator, certificates(tc, 2))
    assert (claim.programme, claim.applicant_kind, claim.payee_organisation) == (
        "evaluation",
        "evaluation_body",
        world.zz_station,
    )
    assert (claim.state, claim.headcount, claim.amount, claim.profile_code) == ("draft", 2, D("600.00"), code)
    claim = to_paid(world, evaluator, claim, notice_over=dt.date(2021, 7, 12))
    # Then it is paid 600 yuan, each line citing the item and the profile's clause
    assert (claim.state, claim.amount) == (ClaimState.PAID, D("600.00"))
    lines = list(claim.lines.order_by("row"))
    assert [(ln.status, ln.amount, ln.rule_ids) for ln in lines] == [("payable", D("300.00"), "F02")] * 2
    assert lines[0].computation == f"{LINE}（{ITEM}；{SOURCE[code]}）"
    assert lines[0].line_key == f"evaluation:{certificates(tc, 1)[0].pk}"
    assert payee_balance(world.zhengzhou, AccountKind.PAYABLE, world.zz_station) == D("0.00")
    assert_books_balance()
    # And the year's fund use books the 600 yuan as evaluation subsidies (F15), not training ones
    (use,) = [u for u in fund_use_public(2021).regions if u.region == world.zhengzhou]
    assert sum((r.evaluation for r in use.rows), D("0")) == D("600.00")
    assert sum((r.training for r in use.rows), D("0")) == D("0.00")
    assert sum((r.fund.paid for r in use.rows), D("0")) == D("600.00")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            "ZZ21",
            "本政策口径未规定“评价补贴按省补贴标准目录执行”：本文件未规定评价（鉴定）补贴：六(二)3 只要求组织学员参加"
            "鉴定评价或考核，三(一) 的补贴均为培训补贴",
        ),
        (
            "HC21",
            "本政策口径未规定“评价补贴按省补贴标准目录执行”：本文件未规定评价（鉴定）补贴：21(3) 只要求组织学员参加"
            "鉴定评价或考核，未列评价补贴及其标准",
        ),
    ],
)
def test_f02_zz21_and_hc21_refuse_the_claim_with_their_own_reason(
    world: World, code: str, reason: str
) -> None:
    # Given the evaluation item exists, but the profile in force sets no evaluation subsidy
    standards(world, EVAL_4)
    under(world, code)
    tc = certified(world)
    # When the station claims, Then the claim is refused with the profile's own reason; nothing is made
    with pytest.raises(Refusal) as refused:
        claim_of(world, world.users["evaluator"], certificates(tc, 2))
    assert refused.value.message == f"结业考核 {tc.ref} 没有可申领的补贴"
    assert [(v.rule, v.message) for v in refused.value.violations] == [("F02", reason)] * 2
    assert not ClaimLine.objects.filter(line_key__startswith="evaluation:").exists()


def test_f02_a_certificate_is_paid_once_whoever_applies(world: World) -> None:
    # Given the station has claimed a certificate whose holder is the trainee 李明
    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    first = certificates(tc, 1)[0]
    Enrolment.objects.filter(pk=first.enrolment_id).update(person=world.zz_person)
    first = Result.objects.get(pk=first.pk)
    held = claim_of(world, world.users["evaluator"], [first])
    # When 李明 claims the same certificate for himself
    with pytest.raises(Refusal) as refused:
        claim_of(world, world.users["trainee"], [first])
    # Then it is refused, naming the claim that holds it
    (v,) = refused.value.violations
    assert (v.rule, v.message) == ("F02", f"该项补贴已在申领 {held.ref} 中，不重复申领")
    # And once the station's draft is withdrawn, 李明 may claim it himself, paid to him
    claims.claim_withdraw(actor=world.users["evaluator"], claim=held)
    mine = claim_of(world, world.users["trainee"], [first])
    assert (mine.applicant_kind, mine.payee_person, mine.amount) == (
        "individual",
        world.zz_person,
        D("300.00"),
    )


def test_f02_the_training_line_already_pays_the_certificate(world: World) -> None:
    # Given the school's training claim of the class under XC23 holds every trainee's line (1800 yuan each)
    standards(world, EVAL_4, INTERMEDIATE)
    under(world, "XC23")
    item = CatalogueItem.objects.get(subsidy_type="skill_upgrade")
    tc = certified(world, catalogue_item_id=item.pk)
    training = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    # When the station claims a certificate of the class
    with pytest.raises(Refusal) as refused:
        claim_of(world, world.users["evaluator"], certificates(tc, 1))
    # Then it is refused: one certificate, one subsidy
    (v,) = refused.value.violations
    assert (v.rule, v.field) == ("F02", "证书编号")
    assert v.message == f"该证书的培训补贴已在申领 {training.ref} 中按取得证书计发，同一证书不再给予评价补贴"


def test_f02_a_certificate_paid_as_an_evaluation_is_not_paid_again_by_the_class_claim(world: World) -> None:
    # Given the station's evaluation claim of row 2's certificate of the school's XC23 class
    standards(world, EVAL_4, INTERMEDIATE)
    under(world, "XC23")
    item = CatalogueItem.objects.get(subsidy_type="skill_upgrade")
    tc = certified(world, catalogue_item_id=item.pk)
    evaluation = claim_of(world, world.users["evaluator"], certificates(tc, 1))
    line = evaluation.lines.get()
    assert (line.training_class_id, line.row) == (tc.pk, 2)
    # When the school claims the class's training subsidy
    training = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLAIMED)
    # Then the 29 others are paid and row 2 is excluded, naming the evaluation claim (F02): one certificate,
    # one subsidy, whichever is claimed first
    assert (training.headcount, training.amount) == (29, D("52200.00"))
    row2 = training.lines.get(row=2)
    assert (row2.status, row2.amount, row2.reasons[0]["rule"]) == ("excluded", D("0.00"), "F02")
    assert evaluation.ref in row2.reasons[0]["message"]


def test_the_school_claims_its_trainees_certificates_as_institution(world: World) -> None:
    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    claim = claim_of(world, world.users["institution"], certificates(tc, 3))
    assert (claim.applicant_kind, claim.payee_organisation, claim.amount) == (
        "institution",
        world.zz_school,
        D("900.00"),
    )
    assert claim.bank_account == world.zz_school.bank_account


def test_a_certificate_out_of_scope_is_refused_and_nothing_is_written(world: World) -> None:
    # Given the Zhengzhou station's certificates
    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    certs = certificates(tc, 2)
    before = ClaimLine.objects.count()
    # When Xuchang's evaluation body, Xuchang's school or a trainee who holds none of them claims them
    for role in ("evaluator", "institution", "trainee"):
        with pytest.raises(Refusal) as refused:
            services.evaluation_claims_create(actor=world.outsiders[role], certificates=certs)
        # Then each is refused and nothing is written
        assert refused.value.message == "所选证书中有不在本单位（本人）可申领范围内的证书"
    with pytest.raises(Refusal):
        services.evaluation_claims_create(actor=world.users["trainee"], certificates=certs)
    assert ClaimLine.objects.count() == before


def test_the_uploaded_list_of_numbers_is_read_by_the_bounded_reader(world: World) -> None:
    from jineng.catalogue.tests.helpers import xlsx

    content = xlsx([["Z00010002"], [None], [" Z00010003 "]], ["证书编号"])
    assert services.numbers_read(content) == ["Z00010002", "Z00010003"]
    with pytest.raises(Refusal) as refused:
        services.numbers_read(xlsx([["Z1"]], ["编号"]))
    assert refused.value.message == "证书清单第1行应有“证书编号”列"
    with pytest.raises(Refusal) as refused:
        services.numbers_read(b"not a workbook")
    assert refused.value.field == "证书清单"


def test_an_enterprise_claims_its_own_staffs_certificates(world: World) -> None:
    # Given a class the school trained for an enterprise (its staff), and the enterprise's clerk
    from jineng.accounts.services import user_create
    from jineng.orgs.services import organisation_register
    from jineng.policy.identity import make_credit_code
    from jineng.training.models import TrainingClass

    standards(world, EVAL_4)
    under(world, "XC23")
    tc = certified(world)
    firm = organisation_register(
        actor=None,
        name="郑州宇通客车股份有限公司",
        credit_code=make_credit_code("91", "410100", 9),
        kind="enterprise",
        region=world.zhengzhou,
        bank_name="工商银行郑州分行",
        bank_account="6222000011112222333",
    )
    TrainingClass.objects.filter(pk=tc.pk).update(enterprise=firm)
    clerk = user_create(
        actor=None,
        username="yutong_jb",
        password="Test@pass-2026",
        display_name="周企",
        role="institution",
        region=world.zhengzhou,
        organisation=firm,
    )
    # When the enterprise claims two of its staff's certificates
    claim = claim_of(world, clerk, certificates(tc, 2))
    # Then it is the applicant and the payee, with its own bank account
    assert (claim.applicant_kind, claim.payee_organisation, claim.bank_account, claim.amount) == (
        "enterprise",
        firm,
        "6222000011112222333",
        D("600.00"),
    )

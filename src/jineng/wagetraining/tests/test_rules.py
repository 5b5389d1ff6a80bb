"""以工代训's rules through the services: F03 (amount, cap, employment months), J04 (groups, insured
enterprise, profile without 以工代训), B08 (never with the new-hire pre-job subsidy), one person-month once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.audit.models import Event
from jineng.claims import services as claims
from jineng.claims.models import Claim, ClaimLine
from jineng.claims.tests.factories import CLAIMED as CLASS_CLAIMED
from jineng.claims.tests.factories import assessed_class
from jineng.claims.tests.test_standards import INTERMEDIATE, item, standards
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.policy.identity import mask_id_number
from jineng.wagetraining import services
from jineng.wagetraining.models import Declaration, Employee, MonthClaim
from jineng.wagetraining.tests.factory import declaration, enterprise, row, under

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 12, 6)
HIRED = dt.date(2020, 1, 1)


def _counts() -> tuple[int, ...]:
    return (
        Declaration.objects.count(),
        Employee.objects.count(),
        MonthClaim.objects.count(),
        Claim.objects.count(),
        ClaimLine.objects.count(),
        Event.objects.count(),
    )


def _months(*numbers: int) -> list[dt.date]:
    return [dt.date(2021, n, 1) for n in numbers]


NOT_SET = {
    "ZZ21": (
        "本政策口径未规定“以工代训补贴（元/人/月）”：本文件未规定以工代训补贴标准",
        "ZZ21 《郑技领办〔2021〕6号 2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案》",
    ),
    "HC21": (
        "本政策口径未规定“以工代训补贴（元/人/月）”：本文件未规定",
        "HC21 《潢技领办〔2021〕1号 2021年潢川县全民技能振兴工程暨职业技能提升行动工作方案》",
    ),
    "XC23": (
        "本政策口径未规定“以工代训补贴（元/人/月）”：本文件未规定",
        "XC23 《许技领办〔2023〕1号 2023年许昌市高质量推进“人人持证、技能河南”建设工作方案》",
    ),
}


@pytest.mark.parametrize("code", ["ZZ21", "HC21", "XC23"])
def test_f03_j04_a_profile_without_yigong_refuses_with_its_own_not_set_message(
    world: World, code: str
) -> None:
    # Given an enterprise in 魏都区 whose region is under a profile that has no 以工代训 (XC23 for 2023,
    # the others put in force for 2021 to compare)
    year = 2023 if code == "XC23" else 2021
    if code != "XC23":
        under(world.xuchang, code)
    _, clerk = enterprise(world)
    before = _counts()
    # When it declares, Then it is refused "本政策口径未规定…" naming F03 and the document — never a zero
    with pytest.raises(Refusal) as refused:
        declaration(world, clerk, year=year, today=dt.date(year, 12, 1))
    message, clause = NOT_SET[code]
    assert (refused.value.message, refused.value.rule, refused.value.clause) == (message, "F03", clause)
    assert [v.rule for v in refused.value.violations] == ["F03", "F03", "J04", "F03", "F03", "J04"]
    assert _counts() == before


def test_j04_only_an_enterprise_declares(world: World) -> None:
    # Given Xuchang's technician college (a school, not a producer) under XC19
    under(world.xuchang, "XC19")
    with pytest.raises(Refusal) as refused:
        services.declaration_create(
            actor=world.outsiders["institution"],
            department=world.xc_industry,
            year=2021,
            insured=True,
            insurance_number="411000000001",
            insured_since=dt.date(2019, 1, 1),
            today=TODAY,
        )
    assert refused.value.rule == "J04" and "许昌技师学院（技师学院）不能申报" in refused.value.message


def test_f03_a_person_is_paid_at_most_6_months_across_two_enterprises_declarations(world: World) -> None:
    # Given a poor labourer employed since 2020 declared by two enterprises of Xuchang under XC19
    under(world.xuchang, "XC19")
    _, clerk1 = enterprise(world)
    _, clerk2 = enterprise(world)
    d1, d2 = declaration(world, clerk1), declaration(world, clerk2)
    for clerk, d in ((clerk1, d1), (clerk2, d2)):
        services.employees_add(actor=clerk, declaration=d, rows=[row(1, hired_on=HIRED)], today=TODAY)
    # When the first claims January to April at once and the second May and June
    first = services.months_claim(
        actor=clerk1, declaration=d1, months=_months(1, 2, 3, 4), activity="带徒", today=TODAY
    )
    second = services.months_claim(
        actor=clerk2, declaration=d2, months=_months(5, 6), activity="带徒", today=TODAY
    )
    assert [m.claim.amount for m in [*first, *second]] == [D("200.00")] * 6
    # Then a seventh month is refused under F03, naming the six months held
    before = _counts()
    with pytest.raises(Refusal) as refused:
        services.month_claim(
            actor=clerk2, declaration=d2, month=dt.date(2021, 7, 1), activity="带徒", today=TODAY
        )
    (v,) = refused.value.violations
    assert (v.rule, v.clause, v.field) == ("F03", "XC19 二(三)1 最长不超过6个月", "补贴月数")
    assert v.message == (
        "员工1 已享受以工代训补贴 6 个月（2021-01、2021-02、2021-03、2021-04、2021-05、2021-06），最长不超过 6 个月"
    )
    assert _counts() == before


def test_f03_the_cap_counts_the_months_of_one_batch_in_calendar_order(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(
        actor=clerk, declaration=d, rows=[row(1, hired_on=HIRED), row(2, "就业困难人员", HIRED)], today=TODAY
    )
    # When eight months are claimed at once, Then July pays nobody (January–June fill the cap): the batch
    # is refused whole, naming the declaration and each person's six months
    before = _counts()
    with pytest.raises(Refusal) as refused:
        services.months_claim(
            actor=clerk, declaration=d, months=_months(*range(1, 9)), activity="带徒", today=TODAY
        )
    assert refused.value.message == f"以工代训申报 {d.ref}：以工代训申报 {d.ref} 没有可申领的补贴"
    six = "2021-01、2021-02、2021-03、2021-04、2021-05、2021-06"
    assert [v.message for v in refused.value.violations] == [
        f"员工1 已享受以工代训补贴 6 个月（{six}），最长不超过 6 个月",
        f"员工2 已享受以工代训补贴 6 个月（{six}），最长不超过 6 个月",
    ]
    assert _counts() == before
    # And six months go through, 2 × 200 each
    made = services.months_claim(
        actor=clerk, declaration=d, months=_months(*range(1, 7)), activity="带徒", today=TODAY
    )
    assert [(m.claim.headcount, m.claim.amount) for m in made] == [(2, D("400.00"))] * 6


def test_f03_one_person_month_is_claimed_once_whoever_declares_it(world: World) -> None:
    # Given a person's March claimed by one enterprise
    under(world.xuchang, "XC19")
    _, clerk1 = enterprise(world)
    _, clerk2 = enterprise(world)
    d1, d2 = declaration(world, clerk1), declaration(world, clerk2)
    services.employees_add(actor=clerk1, declaration=d1, rows=[row(1)], today=TODAY)
    services.employees_add(actor=clerk2, declaration=d2, rows=[row(1), row(2)], today=TODAY)
    held = services.month_claim(
        actor=clerk1, declaration=d1, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    # When another enterprise claims the same March for him and a colleague
    other = services.month_claim(
        actor=clerk2, declaration=d2, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    # Then only the colleague is paid; his line says where the month is held
    assert (other.claim.headcount, other.claim.amount) == (1, D("200.00"))
    line = other.claim.lines.get(row=1)
    assert (line.status, line.amount, line.live) == ("excluded", D("0.00"), False)
    assert line.reasons == [
        {
            "rule": "F03",
            "clause": "XC19 二(三)1 按每人每月200元的标准给予生产经营主体以工代训补贴",
            "message": f"员工1 2021年3月的以工代训补贴已在申领 {held.claim.ref} 中，同一人同一月只补贴一次",
        }
    ]
    assert ClaimLine.objects.filter(live=True, line_key__endswith=":2021-03").count() == 2


def test_f03_a_poor_labourer_is_paid_from_the_month_he_completes_6_months(world: World) -> None:
    # Given a poor labourer hired 2020-10-15 (6 months on 2021-04-15) and a 就业困难人员 hired 2021-03-01
    # (XC19 asks the 6 months only of the poor labour)
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    services.employees_add(
        actor=clerk,
        declaration=d,
        rows=[row(1, "贫困劳动力", dt.date(2020, 10, 15)), row(2, "就业困难人员", dt.date(2021, 3, 1))],
        today=TODAY,
    )
    # When March is claimed, Then the poor labourer is excluded under F03 and his colleague paid
    march = services.month_claim(
        actor=clerk, declaration=d, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    assert (march.claim.headcount, march.claim.amount) == (1, D("200.00"))
    out = march.claim.lines.get(row=1)
    assert (out.status, out.rule_ids) == ("excluded", "F03")
    assert out.reasons[0]["message"] == (
        "入职日期 2020-10-15，至2021年3月末 2021-03-31 就业不满 6 个月（2021-04-15 满 6 个月）"
    )
    assert out.reasons[0]["clause"] == "XC19 二(三)1 吸纳贫困劳动力就业6个月以上并开展以工代训"
    # And in April both are paid
    april = services.month_claim(
        actor=clerk, declaration=d, month=dt.date(2021, 4, 1), activity="带徒", today=TODAY
    )
    assert (april.claim.headcount, april.claim.amount) == (2, D("400.00"))


def test_j04_an_uninsured_enterprise_is_not_paid_for_hard_to_employ_people_but_is_for_poor_labour(
    world: World,
) -> None:
    under(world.xuchang, "XC19")
    org, clerk = enterprise(world)
    d = declaration(world, clerk, insured=False)
    services.employees_add(
        actor=clerk,
        declaration=d,
        rows=[row(1, "贫困劳动力", HIRED), row(2, "就业困难人员", HIRED), row(3, "零就业家庭成员", HIRED)],
        today=TODAY,
    )
    march = services.month_claim(
        actor=clerk, declaration=d, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    assert (march.claim.headcount, march.claim.amount) == (1, D("200.00"))
    for n, group in ((2, "就业困难人员"), (3, "零就业家庭成员")):
        line = march.claim.lines.get(row=n)
        assert (line.status, line.rule_ids) == ("excluded", "F03,J04")
        assert line.reasons == [
            {
                "rule": "J04",
                "clause": "XC19 二(三)1 参保企业吸纳就业困难人员、零就业家庭成员就业并开展以工代训",
                "message": f"{group}须由参保企业吸纳，{org.name}未参加社会保险",
            }
        ]


def test_j04_a_month_outside_the_employment_is_not_paid(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    left = services.EmployeeRow(
        row=2,
        id_number=row(1).id_number,
        name="员工1",
        group="就业困难人员",
        hired_on=HIRED,
        left_on=dt.date(2021, 2, 20),
    )
    services.employees_add(actor=clerk, declaration=d, rows=[left, row(2, "就业困难人员")], today=TODAY)
    march = services.month_claim(
        actor=clerk, declaration=d, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    line = march.claim.lines.get(row=1)
    assert line.reasons[0]["rule"] == "J04"
    assert (
        line.reasons[0]["message"]
        == "2021年3月不在本企业就业期间（入职日期 2020-01-01，离职日期 2021-02-20）"
    )


def test_j04_the_list_is_refused_whole_naming_each_bad_row(world: World) -> None:
    under(world.xuchang, "XC19")
    _, clerk = enterprise(world)
    d = declaration(world, clerk)
    before = _counts()
    bad = [
        row(1),
        row(2, "退役军人"),
        services.EmployeeRow(
            row=4, id_number="411002198501010000", name="员工3", group="贫困劳动力", hired_on=HIRED
        ),
        row(1),  # the first row again
    ]
    with pytest.raises(Refusal) as refused:
        services.employees_add(actor=clerk, declaration=d, rows=bad, today=TODAY)
    got = [(v.row, v.rule, v.field) for v in refused.value.violations]
    assert got == [(3, "J04", "人员类别"), (4, "B01", "身份证号"), (2, "B01", "身份证号")]
    assert refused.value.violations[0].message == "应为贫困劳动力、就业困难人员、零就业家庭成员之一"
    assert _counts() == before


def test_b08_a_person_with_a_new_hire_line_is_refused_yigong(world: World) -> None:
    # Given 金水区 under XC19 (B08 "不得重复享受"), a 新录用人员岗前培训 class priced from the province's
    # list and claimed: its trainees hold payable new-hire lines
    under(world.jinshui, "XC19")
    standards(world, INTERMEDIATE)
    tc = assessed_class(world, funding_type="new_hire", catalogue_item_id=item(4).pk)
    class_claim = claims.claim_create(
        actor=world.users["institution"], training_class=tc, today=CLASS_CLAIMED
    )
    trainee = tc.enrolments.get(row=2).person
    assert class_claim.lines.get(person=trainee).status == "payable"
    # When an enterprise of 金水区 declares him for 以工代训 and claims November
    _, clerk = enterprise(world, world.jinshui)
    d = declaration(world, clerk)
    services.employees_add(
        actor=clerk,
        declaration=d,
        rows=[row(1, number=trainee.id_number, name=trainee.name)],
        today=TODAY,
    )
    before = _counts()
    # Then the month is refused under B08, naming the class's claim
    with pytest.raises(Refusal) as refused:
        services.month_claim(
            actor=clerk, declaration=d, month=dt.date(2021, 11, 1), activity="带徒", today=TODAY
        )
    (v,) = refused.value.violations
    assert (v.rule, v.clause, v.value) == (
        "B08",
        "XC19 二(三)1 以工代训补贴和新录用人员岗前技能培训补贴不得重复享受",
        mask_id_number(trainee.id_number),
    )
    assert v.message == (
        f"{trainee.name} 已在 {class_claim.ref} 享受新录用人员岗前培训补贴，与以工代训补贴不得重复享受"
    )
    assert _counts() == before


def test_b08_a_person_with_a_yigong_month_is_excluded_from_a_later_new_hire_class_line(world: World) -> None:
    # Given 金水区 under XC19 and a new-hire class (starting 2021-06-01) assessed, not yet claimed
    under(world.jinshui, "XC19")
    standards(world, INTERMEDIATE)
    tc = assessed_class(world, funding_type="new_hire", catalogue_item_id=item(4).pk)
    trainee = tc.enrolments.get(row=2).person
    # And an enterprise's 以工代训 March 2021 claimed for him (a payable line of the 以工代训 programme)
    _, clerk = enterprise(world, world.jinshui)
    d = declaration(world, clerk)
    services.employees_add(
        actor=clerk, declaration=d, rows=[row(1, number=trainee.id_number, name=trainee.name)], today=TODAY
    )
    month = services.month_claim(
        actor=clerk, declaration=d, month=dt.date(2021, 3, 1), activity="带徒", today=TODAY
    )
    # But July, after the class started, is refused: of the two the earlier is paid
    with pytest.raises(Refusal) as refused:
        services.month_claim(
            actor=clerk, declaration=d, month=dt.date(2021, 7, 1), activity="带徒", today=TODAY
        )
    assert [v.rule for v in refused.value.violations] == ["B08"]
    assert refused.value.violations[0].message == (
        f"{trainee.name} 已参加 2021-06-01 开班的新录用人员岗前培训 {tc.ref}，与以工代训补贴不得重复享受"
    )
    # When the school claims the class, Then his line is excluded under B08 (the pipeline reads the month
    # through the programme's history_funding) and the other 29 are paid
    claim = claims.claim_create(actor=world.users["institution"], training_class=tc, today=CLASS_CLAIMED)
    line = claim.lines.get(person=trainee)
    assert (line.status, line.amount) == ("excluded", D("0.00"))
    assert [r["rule"] for r in line.reasons] == ["B08"]
    assert line.reasons[0]["message"] == (
        f"{trainee.name} 已在 {d.ref} 享受以工代训补贴，与新录用人员岗前培训补贴不得重复享受"
    )
    assert (claim.headcount, month.claim.headcount) == (29, 1)

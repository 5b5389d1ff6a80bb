"""A cohort over its span: who a yearly stage pays (left apprentices stop, the final year at completion),
a stage paid once, a missing standard refused, and A08/A09 when apprentices are taken on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from jineng.apprenticeship import services
from jineng.apprenticeship.models import Apprentice, ApprenticeState, Cohort
from jineng.apprenticeship.services import ApprenticeRow
from jineng.apprenticeship.tests.factory import FIRST_YEAR_OVER, cohort, enterprise, rows, standards
from jineng.claims import services as claims
from jineng.claims.models import Claim
from jineng.claims.tests.test_standards import under
from jineng.conftest import World
from jineng.core.errors import Refusal
from jineng.training.facts import class_facts
from jineng.training.tests.factories import draft_class

pytestmark = pytest.mark.django_db

DAY = FIRST_YEAR_OVER
XC23_A09_SAME = "XC23 二(三)1 同一培训机构对同一企业同一职业（工种）开展企业新型学徒制培训不超过200人"
XC23_A09_OTHER = "XC23 二(三)1 其他机构年内不超过400人"
ZZ21_A08 = "ZZ21 六(二)1 企业新型学徒制单个职业（工种）培训数量不超过培训机构该职业（工种）专职教师总数的20倍"


def test_f02_an_apprentice_who_left_before_the_stage_ended_is_not_paid(world: World) -> None:
    # Given a two-year XC23 cohort of three, the second of whom left on 1 October 2021
    standards(world)
    under(world, "XC23")
    c = cohort(world, apprentices=3, years=2)
    second = c.apprentices.get(row=2)
    services.apprentice_leave(
        actor=world.users["institution"],
        apprentice=second,
        left_on=dt.date(2021, 10, 1),
        reason="离职",
        today=dt.date(2021, 10, 8),
    )
    # When the school claims the first year
    claim = services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    # Then the two still in the cohort are paid 4000 each, and he is excluded, saying why
    assert (claim.headcount, claim.amount) == (2, D("8000.00"))
    line = claim.lines.get(row=2)
    assert (line.status, line.amount, line.label) == ("excluded", D("0.00"), "学徒2 第1年")
    assert line.reasons[0]["rule"] == "F02"
    assert (
        line.reasons[0]["message"]
        == "学徒2 已于 2021-10-01 退出学徒培养，第1年（2021-03-01至2022-02-28）及以后不予补贴"
    )
    second.refresh_from_db()
    assert second.get_state_display() == "已退出"


def test_f02_a_stage_is_claimed_once(world: World) -> None:
    # Given the first year of a cohort already claimed
    standards(world)
    under(world, "HC21")
    c = cohort(world, apprentices=2, years=2)
    first = services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    # When it is claimed again, then it is refused naming the first claim (F02) and nothing is written
    with pytest.raises(Refusal) as exc:
        services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    assert exc.value.message == f"学徒制培养 {c.ref} 没有可申领的补贴"
    assert [v.rule for v in exc.value.violations] == ["F02", "F02"]
    assert exc.value.violations[0].message == f"该项补贴已在申领 {first.ref} 中，不重复申领"
    assert Claim.objects.filter(programme="apprenticeship").count() == 1
    # And once that claim is withdrawn, the stage can be claimed again
    claims.claim_withdraw(actor=world.users["institution"], claim=first)
    again = services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    assert (again.headcount, again.amount) == (2, D("8000.00"))


def test_f02_a_stage_is_claimed_only_after_it_ended_and_only_within_the_span(world: World) -> None:
    standards(world)
    under(world, "XC19")
    c = cohort(world, apprentices=1, years=2)
    with pytest.raises(Refusal) as exc:
        services.stage_claim_create(
            actor=world.users["institution"], cohort=c, stage=1, today=dt.date(2022, 2, 28)
        )
    assert exc.value.message == "第1年（2021-03-01至2022-02-28）尚未结束，结束后方可申领本年补贴"
    assert exc.value.field == "培养年度"
    with pytest.raises(Refusal, match="培养期为 2 年，没有第3年"):
        services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=3, today=DAY)
    assert not Claim.objects.exists()


def test_f02_the_final_year_pays_only_apprentices_with_the_certificate(world: World) -> None:
    # Given a one-year cohort of three, two of whom obtained the 中级工 skill-level certificate
    standards(world)
    under(world, "XC23")
    c = cohort(world, apprentices=3, years=1)
    for row in (1, 3):
        services.apprentice_certify(
            actor=world.users["institution"],
            apprentice=c.apprentices.get(row=row),
            certificate_kind="skill_level",
            level=4,
            certificate_number=f"S2022-{row:04d}",
            issued_on=dt.date(2022, 3, 1),
            issuer="郑州商业技师学院",
            today=dt.date(2022, 3, 2),
        )
    # When the school claims the year (the final one), then the certified two are paid, the third not
    claim = services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    assert (claim.headcount, claim.amount) == (2, D("8000.00"))
    line = claim.lines.get(row=2)
    assert line.status == "excluded"
    assert (
        line.reasons[0]["message"]
        == "学徒2 未取得职业技能等级证书（四级/中级工）：最后一年补贴在结业取得证书后拨付"
    )
    assert c.apprentices.get(row=1).state == ApprenticeState.COMPLETED
    # And the cohort completes once its span is over
    done = services.cohort_complete(actor=world.users["institution"], cohort=c, today=DAY)
    assert done.get_state_display() == "已结业"


def test_f02_a_missing_standard_is_refused_naming_the_item_never_zero(world: World) -> None:
    # Given no apprenticeship line in the province's list, under XC23
    under(world, "XC23")
    c = cohort(world, apprentices=1, years=2)
    # When the school claims, then it is refused naming the item, the rule and the clause
    with pytest.raises(Refusal) as exc:
        services.stage_claim_create(actor=world.users["institution"], cohort=c, stage=1, today=DAY)
    [v] = exc.value.violations
    assert (v.rule, v.field, v.value) == (
        "F02",
        "补贴标准目录项目",
        "电工·四级/中级工·职业技能等级证书（企业新型学徒制）",
    )
    assert v.clause.startswith("XC23 本地补充规定")
    assert v.message == (
        "金水区2021年补贴标准目录中没有 2021-03-01（培养开始日期）有效的“6-31-01-03 电工·四级/中级工·职业技能等级证书"
        "（企业新型学徒制）”标准，不予计算（缺少标准不按零元支付），请先导入该项目标准"
    )
    assert not Claim.objects.exists()


def test_a08_zz21_apprentices_per_occupation_at_most_20_times_full_time_teachers(world: World) -> None:
    # Given the school with one full-time 电工 teacher, under ZZ21 (Zhengzhou's own, 2021)
    # When it registers a cohort of 21, then A08 refuses it (20 × 1) and nothing is written
    with pytest.raises(Refusal) as exc:
        cohort(world, apprentices=21, teachers=1)
    [v] = exc.value.violations
    assert (v.rule, v.clause, v.field, v.value) == ("A08", ZZ21_A08, "学徒名单", "21")
    assert (
        v.message
        == "该职业学徒已有 0 人，加本次新增学徒 21 人共 21 人，超过该职业专职教师 1 名的 20 倍（20 人）"
    )
    assert not Cohort.objects.exists() and not Apprentice.objects.exists()
    # And 20 are taken on; one more added later is refused the same way
    c = cohort(world, apprentices=20, teachers=1)
    with pytest.raises(Refusal) as exc:
        services.apprentices_add(actor=world.users["institution"], cohort=c, rows=rows(1, first=30))
    assert [v.rule for v in exc.value.violations] == ["A08"]
    assert c.apprentices.count() == 20


def test_a09_xc23_same_enterprise_occupation_200_and_400_a_year(world: World) -> None:
    # Given XC23 in force, and the school (no 学制教育: 400 a year) with 200 apprentices of one enterprise
    under(world, "XC23")
    a = cohort(world, apprentices=200)
    # When one more of that enterprise is added, then A09 refuses it (same institution, enterprise, occupation)
    with pytest.raises(Refusal) as exc:
        services.apprentices_add(actor=world.users["institution"], cohort=a, rows=rows(1, first=1000))
    [v] = exc.value.violations
    assert (v.rule, v.clause) == ("A09", XC23_A09_SAME)
    assert v.message == "本机构对同一企业同一职业的学徒已有 200 人，加本次新增学徒 1 人共 201 人，超过 200 人"
    # And with 200 of a second enterprise the year is full: a third enterprise's one is refused (400)
    cohort(world, apprentices=200, enterprise=enterprise(world, n=2), apprentices_first=300)
    with pytest.raises(Refusal) as exc:
        cohort(world, apprentices=1, enterprise=enterprise(world, n=3), apprentices_first=600)
    [v] = exc.value.violations
    assert (v.rule, v.clause) == ("A09", XC23_A09_OTHER)
    assert (
        v.message
        == "本机构年内学徒已有 400 人，加本次新增学徒 1 人共 401 人，超过不具备学制教育资质的机构年 400 人的上限"
    )
    assert Cohort.objects.count() == 2


def test_rows_are_refused_by_row_and_field_all_or_nothing(world: World) -> None:
    under(world, "XC23")
    bad = [
        ApprenticeRow("410105199801010000", "甲", dt.date(2020, 1, 1), dt.date(2021, 3, 1), 2),
        ApprenticeRow(rows(1)[0].id_number, "学徒1", dt.date(2021, 4, 1), dt.date(2021, 3, 1), 3),
        ApprenticeRow(rows(1)[0].id_number, "学徒1", dt.date(2020, 1, 1), dt.date(2023, 3, 1), 4),
    ]
    with pytest.raises(Refusal) as exc:
        cohort(world, apprentices=0, apprentices_rows=bad)
    got = [(v.row, v.field, v.rule) for v in exc.value.violations]
    assert got == [
        (2, "身份证号", "B01"),
        (3, "入职日期", ""),
        (4, "加入日期", ""),
        (4, "身份证号", ""),
    ]
    assert exc.value.violations[1].render() == "第3行“入职日期”：学徒须为本企业职工：入职日期晚于加入日期"
    assert not Cohort.objects.exists()


def test_a08_an_apprenticeship_class_counts_the_cohorts_apprentices_too(world: World) -> None:
    # Given a cohort of 20 apprentices of 电工 at the school (one full-time teacher), under ZZ21
    cohort(world, apprentices=20, teachers=1)
    # When the school applies for an apprenticeship class of 电工, then A08 counts the cohort's 20 first
    tc = draft_class(world, funding_type="apprenticeship", planned_trainees=5)
    facts = class_facts(tc)
    assert (facts.apprentices_in_occupation, facts.apprentices_institution_year) == (20, 20)
    assert facts.apprentices_same_enterprise_occupation == 0  # the class names no enterprise

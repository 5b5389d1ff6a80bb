"""评价补贴 priced per certificate (policy.evaluation): the province standard's evaluation item in force on
the issue date where the profile prices evaluations (XC19, XC23), each refusal with its rule and clause,
never a zero."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from jineng.policy import evaluation as ev
from jineng.policy.profiles import get_profile
from jineng.policy.standards import StandardItem
from jineng.policy.tests.test_standards import item as line

ZZ21, HC21, XC19, XC23 = (get_profile(c) for c in ("ZZ21", "HC21", "XC19", "XC23"))
ISSUED = dt.date(2021, 7, 3)


def item(**changes: object) -> StandardItem:
    """The 电工 中级 line of policy/tests/test_standards.py, as the province's evaluation item (300 yuan)."""
    base: dict[str, object] = {"item_id": 7, "subsidy_type": "evaluation", "amount": Decimal("300.00")}
    return line(**(base | changes))


def cert(*items: StandardItem, **changes: object) -> ev.CertificateFacts:
    base = ev.CertificateFacts(
        certificate_id=11,
        number="Z00010002",
        kind="skill_level",
        level=4,
        issued_on=ISSUED,
        occupation_code="6-31-01-03",
        occupation_name="电工",
        standards=items,
        standards_region="河南省",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


ITEM_V1 = "河南省2021年补贴标准目录 6-31-01-03 电工·四级/中级工·职业技能等级证书（评价补贴） 300元，第1版 2021-01-01起"


def test_f02_xc23_pays_the_evaluation_item_and_cites_it_and_the_profile_switch() -> None:
    # Given the province's evaluation item for 电工 中级 (300 yuan) and a 中级 certificate issued 3 July
    (line,) = ev.price(XC23, [cert(item())])
    # Then the certificate is paid 300 yuan, citing the item and XC23's clause
    assert (line.payable, line.amount, line.rule_ids, line.key, line.label) == (
        True,
        Decimal("300.00"),
        ("F02",),
        "evaluation:11",
        "Z00010002",
    )
    assert line.computation == (
        "F02 电工·四级/中级工·职业技能等级证书（评价补贴） 300元/人 × 1 = 300元"
        f"（{ITEM_V1}；许技领办〔2023〕1号 三(三)）"
    )


def test_f02_xc19_cites_its_own_clause() -> None:
    (line,) = ev.price(XC19, [cert(item())])
    assert line.amount == Decimal("300.00")
    assert line.computation.endswith(f"（{ITEM_V1}；许政办〔2019〕20号 三(二)）")


def test_f02_the_version_in_force_on_the_issue_date_prices_the_certificate() -> None:
    # Given version 1 (300 until 1 July) and version 2 (360 from 1 July), and a training item of the same line
    v1 = item(valid_to=dt.date(2021, 7, 1))
    v2 = item(item_id=8, version=2, amount=Decimal("360.00"), valid_from=dt.date(2021, 7, 1))
    training = item(item_id=9, subsidy_type="skill_upgrade", amount=Decimal("1800.00"))
    # When certificates issued on 30 June and 3 July are priced
    before, after = ev.price(
        XC23, [cert(v1, v2, training, issued_on=dt.date(2021, 6, 30)), cert(v1, v2, training)]
    )
    # Then each is priced by the version in force on its issue date, never by the training item
    assert (before.amount, after.amount) == (Decimal("300.00"), Decimal("360.00"))
    assert "第2版 2021-07-01起" in after.computation


def test_f02_the_trade_line_before_the_occupation_line() -> None:
    whole = item()
    trade = item(item_id=8, trade="维修电工", amount=Decimal("320.00"))
    (line,) = ev.price(XC23, [cert(whole, trade, trade="维修电工")])
    assert line.amount == Decimal("320.00")


def test_f02_zz21_refuses_with_its_own_reason_never_zero() -> None:
    (line,) = ev.price(ZZ21, [cert(item())])
    (v,) = line.reasons
    assert (line.payable, line.amount, v.rule, v.field) == (False, Decimal("0.00"), "F02", "补贴类别")
    assert v.clause == "ZZ21 《郑技领办〔2021〕6号 2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案》"
    assert v.message == (
        "本政策口径未规定“评价补贴按省补贴标准目录执行”：本文件未规定评价（鉴定）补贴：六(二)3 只要求组织学员参加"
        "鉴定评价或考核，三(一) 的补贴均为培训补贴"
    )


def test_f02_hc21_refuses_with_its_own_reason_never_zero() -> None:
    (line,) = ev.price(HC21, [cert(item())])
    (v,) = line.reasons
    assert (line.amount, v.rule) == (Decimal("0.00"), "F02")
    assert v.clause == "HC21 《潢技领办〔2021〕1号 2021年潢川县全民技能振兴工程暨职业技能提升行动工作方案》"
    assert v.message == (
        "本政策口径未规定“评价补贴按省补贴标准目录执行”：本文件未规定评价（鉴定）补贴：21(3) 只要求组织学员参加"
        "鉴定评价或考核，未列评价补贴及其标准"
    )


def test_f02_a_missing_evaluation_item_is_named_never_zero() -> None:
    # Given only the training item of the line (no evaluation item) and a 技师 certificate
    (line,) = ev.price(XC23, [cert(item(subsidy_type="skill_upgrade"), level=2)])
    (v,) = line.reasons
    assert (line.amount, v.rule, v.field, v.clause) == (
        Decimal("0.00"),
        "F02",
        "补贴标准目录项目",
        XC23.cite("evaluation_by_province_standard"),
    )
    assert v.message == (
        "河南省2021年补贴标准目录中没有 2021-07-03（发证日期）有效的“6-31-01-03 电工·二级/技师·职业技能等级证书"
        "（评价补贴）”标准，不予计算（缺少标准不按零元支付），请先导入该项目标准"
    )


def test_e02_a_completion_certificate_is_no_evaluation() -> None:
    (line,) = ev.price(
        XC23, [cert(item(certificate_kind="completion", level=None), kind="completion", level=None)]
    )
    (v,) = line.reasons
    assert (line.amount, v.rule, v.field, v.value) == (Decimal("0.00"), "E02", "证书类型", "培训合格证书")
    assert v.clause == XC23.rule_clause("E02")
    assert v.message.startswith("培训合格证书是培训结业考核取得的证书，不是职业技能评价")


def test_f02_a_certificate_whose_training_line_pays_gets_no_second_subsidy() -> None:
    # Given the holder's training line in the class that led to the certificate is held by claim BT…01
    (line,) = ev.price(XC23, [cert(item(), training_claim="BT2021410105000001")])
    (v,) = line.reasons
    assert (line.amount, v.rule, v.field, v.value) == (Decimal("0.00"), "F02", "证书编号", "Z00010002")
    assert (
        v.message == "该证书的培训补贴已在申领 BT2021410105000001 中按取得证书计发，同一证书不再给予评价补贴"
    )
    assert v.clause == XC23.cite("evaluation_by_province_standard")


def test_f02_a_batch_is_priced_in_order() -> None:
    lines = ev.price(XC23, [cert(item(), certificate_id=n, number=f"Z{n}") for n in (3, 1, 2)])
    assert [(ln.key, ln.amount) for ln in lines] == [
        ("evaluation:3", Decimal("300.00")),
        ("evaluation:1", Decimal("300.00")),
        ("evaluation:2", Decimal("300.00")),
    ]

"""G01 rule functions over plain facts (no database)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

from jineng.policy.profiles import get_profile
from jineng.vouchers import rules
from jineng.vouchers.rules import EnrolmentFacts, VoucherFacts, check_bind, check_redeem

# Vouchers are a XC23 instrument: the rules quote the clauses of the profile the caller passes.
XC23 = get_profile("XC23").rule_clause
# The G01 clause exactly as the application has always quoted it (it now lives in the profiles' [clauses]).
G01_CLAUSE = "XC23 二(四) 落实“实名制、不得转让、以证换券、无证无价”要求"

DAY = dt.date(2023, 5, 1)
VOUCHER = VoucherFacts(
    serial="411000-2023-000001",
    person_id=1,
    state="issued",
    state_label="已发放",
    occupation_id=None,
    occupation_name="",
    institution_id=None,
    institution_name="",
    expires_on=DAY,
)
ENROLMENT = EnrolmentFacts(
    person_id=1,
    enrolled=True,
    class_ref="KB2023000001",
    class_open=True,
    class_state_label="培训中",
    occupation_id=7,
    occupation_name="电工",
    institution_id=3,
    institution_name="许昌技师学院",
)


def test_g01_bind_of_an_unrestricted_voucher_to_its_holder_passes() -> None:
    assert check_bind(VOUCHER, ENROLMENT, today=DAY, clause_of=XC23) == []


def test_g01_bind_names_every_broken_condition_with_rule_and_clause() -> None:
    v = dataclasses.replace(
        VOUCHER, occupation_id=8, occupation_name="焊工", institution_id=4, institution_name="某培训学校"
    )
    e = dataclasses.replace(ENROLMENT, person_id=2, other_voucher="411000-2023-000009")
    got = check_bind(v, e, today=DAY + dt.timedelta(days=1), clause_of=XC23)
    assert [(x.rule, x.field) for x in got] == [
        ("G01", "券号"),
        ("G01", "有效期至"),
        ("G01", "限定职业"),
        ("G01", "限定培训机构"),
        ("G01", "学员"),
    ]
    assert all(x.clause == G01_CLAUSE for x in got)
    assert got[0].render() == (
        "“券号”：培训券实名使用、不得转让：持券人与本班该学员不是同一人"
        "（规则 G01，依据 XC23 二(四) 落实“实名制、不得转让、以证换券、无证无价”要求）"
    )


def test_a10_bind_to_a_class_not_open_names_a10() -> None:
    got = check_bind(
        VOUCHER,
        dataclasses.replace(ENROLMENT, class_open=False, class_state_label="已结业"),
        today=DAY,
        clause_of=XC23,
    )
    assert [(x.rule, x.field, x.value) for x in got] == [("A10", "培训班", "KB2023000001")]


def test_g01_redeem_without_certificate_is_worthless() -> None:
    bound = dataclasses.replace(VOUCHER, state="bound", state_label="已绑定培训班")
    assert check_redeem(bound, certificate_number="S1", clause_of=XC23) == []
    got = check_redeem(bound, certificate_number=None, clause_of=XC23)
    assert [(x.rule, x.field) for x in got] == [("G01", "证书")]
    assert got[0].message.startswith("无证无价")
    assert [(x.rule, x.field) for x in check_redeem(VOUCHER, certificate_number="S1", clause_of=XC23)] == [
        ("G01", "状态")
    ]


def test_rules_module_imports_no_django() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(m.split(".")[0] == "django" for m in imported), imported

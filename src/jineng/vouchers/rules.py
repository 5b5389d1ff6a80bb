"""G01 as pure functions over facts: what binding and redeeming a voucher must satisfy.

No Django here (like jineng.policy): the services gather the facts, these return Violations, and the
refusal a user sees names the field, the rule and the clause. The clause of each rule comes from the
caller's policy profile (``clause_of``, e.g. ``profile.rule_clause``): these functions quote none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jineng.policy.violations import Violation

G01 = "G01"


@dataclass(frozen=True, slots=True)
class VoucherFacts:
    serial: str
    person_id: int
    state: str  # VoucherState value
    state_label: str
    occupation_id: int | None  # None: any occupation
    occupation_name: str
    institution_id: int | None  # None: any institution
    institution_name: str
    expires_on: dt.date


@dataclass(frozen=True, slots=True)
class EnrolmentFacts:
    person_id: int
    enrolled: bool  # still on the roster (not withdrawn)
    class_ref: str
    class_open: bool  # approved or in training: a class that went through the system (A10)
    class_state_label: str
    occupation_id: int
    occupation_name: str
    institution_id: int
    institution_name: str
    other_voucher: str = ""  # serial of a voucher already bound to or redeemed for this enrolment


def _v(message: str, field: str, value: str = "", rule: str = G01) -> Violation:
    return Violation(rule, "", message, field=field, value=value)


def _quoted(violations: list[Violation], clause_of: Callable[[str], str]) -> list[Violation]:
    return [dataclasses.replace(v, clause=clause_of(v.rule)) for v in violations]


def check_bind(
    voucher: VoucherFacts, enrolment: EnrolmentFacts, *, today: dt.date, clause_of: Callable[[str], str]
) -> list[Violation]:
    """A voucher may be bound to one class enrolment of its own holder, within the issuer's conditions."""
    out: list[Violation] = []
    if voucher.state != "issued":
        out.append(_v(f"培训券当前状态为“{voucher.state_label}”，只有已发放未使用的券可以绑定", "状态"))
    if voucher.person_id != enrolment.person_id:
        # 不得转让: the holder is the person named at issue, nobody else.
        out.append(_v("培训券实名使用、不得转让：持券人与本班该学员不是同一人", "券号", voucher.serial))
    if today > voucher.expires_on:
        out.append(
            _v(
                f"培训券已于 {voucher.expires_on.isoformat()} 到期",
                "有效期至",
                voucher.expires_on.isoformat(),
            )
        )
    if voucher.occupation_id is not None and voucher.occupation_id != enrolment.occupation_id:
        out.append(
            _v(
                f"本券限用于“{voucher.occupation_name}”培训，该班培训职业为“{enrolment.occupation_name}”",
                "限定职业",
                enrolment.occupation_name,
            )
        )
    if voucher.institution_id is not None and voucher.institution_id != enrolment.institution_id:
        out.append(
            _v(
                f"本券限在“{voucher.institution_name}”使用，该班培训机构为“{enrolment.institution_name}”",
                "限定培训机构",
                enrolment.institution_name,
            )
        )
    if not enrolment.enrolled:
        out.append(_v("该学员已退出本班，不能绑定培训券", "学员"))
    if not enrolment.class_open:
        out.append(
            _v(
                f"培训班 {enrolment.class_ref} 当前状态为“{enrolment.class_state_label}”，"
                "培训券只能用于已审核通过、尚未结业的补贴性培训班",
                "培训班",
                enrolment.class_ref,
                rule="A10",
            )
        )
    if enrolment.other_voucher:
        out.append(_v(f"该学员在本班已使用培训券 {enrolment.other_voucher}", "学员", enrolment.other_voucher))
    return _quoted(out, clause_of)


def check_redeem(
    voucher: VoucherFacts, *, certificate_number: str | None, clause_of: Callable[[str], str]
) -> list[Violation]:
    """以证换券、无证无价: a bound voucher is exchanged only for a recorded certificate of its class."""
    out: list[Violation] = []
    if voucher.state != "bound":
        out.append(_v(f"培训券当前状态为“{voucher.state_label}”，只有已绑定培训班的券可以兑换", "状态"))
        return _quoted(out, clause_of)
    if not certificate_number:
        out.append(
            _v(
                "无证无价：持券人在所绑定培训班尚无合格证书记录，证书录入后方可以证换券",
                "证书",
            )
        )
    return _quoted(out, clause_of)

"""Scope-matrix rows for F14 (/recovery/…, /api/v1/recovery/…) and for the F04 prepayment pages and
API (/claims/prepayments/…, /api/v1/prepayments/…), which live in the claims app but are this work's.

Objects are written straight through the ORM in the state each row needs, with the ledger entries a
write will move (the workflows themselves are tested in test_workflow.py and claims' test_prepayment.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from jineng.accounts.models import User
from jineng.claims.models import Claim, ClaimState, Prepayment, PrepaymentState
from jineng.claims.tests.scope_cases import claim_in
from jineng.conftest import World
from jineng.core.roles import Role
from jineng.core.tests.matrix import API, Case, fixed, roles
from jineng.ledger import services as ledger
from jineng.ledger.models import FundKind
from jineng.policy.claims import F13_FUND_ORDER
from jineng.recovery.models import CaseState, RecoveryCase, WrongKind, WrongPayment
from jineng.supervision.tests.factory import make_class, xuchang_class
from jineng.training.models import ClassState, TrainingClass

R = f"{API}/recovery"
P = f"{API}/prepayments"
EVENT = {"audit.Event": 1}
RAISED = {
    "recovery.WrongPayment": 1,
    "ledger.JournalEntry": 1,
    "ledger.Posting": 2,
    "ledger.Account": 1,  # the school's receivable, opened by the first wrong payment
    "audit.Event": 2,
}
REFUNDED = {"recovery.Movement": 1, "ledger.JournalEntry": 1, "ledger.Posting": 2, "audit.Event": 2}
REQUESTED = {"claims.Prepayment": 1, "audit.Event": 1}
PREPAID = {"ledger.JournalEntry": 1, "ledger.Posting": 2, "ledger.Account": 1, "audit.Event": 2}


# --- F14 ------------------------------------------------------------------------------------------------------


def _fund(w: World, amount: Decimal, key: str) -> None:
    """Zhengzhou's special account holding at least ``amount`` more, whatever other rows left in it (the
    token test runs every row in one transaction)."""
    fund = ledger.fund_open(actor=None, region=w.zhengzhou, kind=FundKind.SPECIAL_ACCOUNT)
    ledger.fund_appropriate(actor=None, fund=fund, amount=Decimal(amount), key=key)


def _booked(w: World, claim: Claim) -> None:
    """The claim's payable and payment as the batch would have booked them: what a wrong payment reverses."""
    _fund(w, claim.amount, f"scope:claim:{claim.pk}")
    day = timezone.localdate()
    ledger.payable_recognise(
        actor=None,
        region=w.zhengzhou,
        payee=claim.payee_organisation,  # type: ignore[arg-type]
        amount=claim.amount,
        key=f"claim:{claim.pk}:payable",
        date=day,
    )
    ledger.payment_make(
        fund_order=F13_FUND_ORDER,
        actor=None,
        region=w.zhengzhou,
        payee=claim.payee_organisation,  # type: ignore[arg-type]
        amount=claim.amount,
        key=f"claim:{claim.pk}:payment",
        date=day,
    )


def paid(w: World, *, foreign: bool = False) -> Claim:
    claim = claim_in(w, ClaimState.PAID, foreign=foreign)
    if not foreign:
        _booked(w, claim)
    return claim


def wrong(
    w: World, *, foreign: bool = False, kind: str = WrongKind.ERROR, settled: bool = False
) -> WrongPayment:
    """A wrong payment of 1000 on a paid claim; the Zhengzhou one with its receivable booked."""
    claim = paid(w, foreign=foreign)
    wp = WrongPayment.objects.create(
        ref=f"CFSCOPE{claim.pk:06d}",
        kind=kind,
        claim=claim,
        region=claim.region,
        books_region=w.weidu.parent if foreign else w.zhengzhou,  # type: ignore[misc]
        payee_organisation=claim.payee_organisation,
        amount=Decimal("1000.00"),
        refunded=Decimal("1000.00") if settled else Decimal("0.00"),
        reason="多发一人补贴",
        recorded_on=timezone.localdate(),
        recorded_by=w.users[Role.HR_ADMIN],
    )
    if not foreign and not settled:
        ledger.receivable_raise(
            actor=None,
            region=w.zhengzhou,
            payee=claim.payee_organisation,  # type: ignore[arg-type]
            amount=Decimal("1000.00"),
            reason="wrong_payment",
            key=f"wrong:{wp.pk}:raise",
        )
    if kind == WrongKind.FRAUD:
        RecoveryCase.objects.create(
            wrong_payment=wp,
            opened_on=timezone.localdate(),
            state=CaseState.NOTICE_SERVED if settled else CaseState.OPEN,
            org_action="suspend",
        )
    return wp


def _wp_url(suffix: str = "", api: bool = False, **kw: Any) -> Any:
    def path(w: World, u: User) -> str:
        wp = wrong(w, **kw)
        return f"{R}/wrong-payments/{wp.pk}{suffix}" if api else f"/recovery/{wp.pk}/{suffix}"

    return path


def _wp_foreign(suffix: str = "", api: bool = False, **kw: Any) -> Any:
    def paths(w: World, u: User) -> list[str]:
        wp = wrong(w, foreign=True, **kw)
        return [f"{R}/wrong-payments/{wp.pk}{suffix}" if api else f"/recovery/{wp.pk}/{suffix}"]

    return paths


def _new_url(w: World, u: User) -> str:
    return f"/recovery/new/{paid(w).pk}/"


def _new_foreign(w: World, u: User) -> list[str]:
    return [f"/recovery/new/{paid(w, foreign=True).pk}/"]


def _report_foreign(api: bool = False) -> Any:
    def paths(w: World, u: User) -> list[str]:
        return [f"{R}/report?region_id={w.xuchang.pk}" if api else f"/recovery/report/?region={w.xuchang.pk}"]

    return paths


WRONG_FORM = {"kind": "error", "amount": "100.00", "reason": "多发一人补贴", "rows": ""}

# --- F04 ------------------------------------------------------------------------------------------------------


def _project(w: World, *, foreign: bool = False) -> TrainingClass:
    tc = xuchang_class(w, state=ClassState.APPROVED) if foreign else make_class(w, state=ClassState.APPROVED)
    TrainingClass.objects.filter(pk=tc.pk).update(
        mode="project", funding_type="on_job", profile_code="XC19" if foreign else "ZZ21", profile_version=1
    )
    tc.refresh_from_db()
    return tc


def prepayment(w: World, state: str, *, foreign: bool = False, first: User | None = None) -> Prepayment:
    tc = _project(w, foreign=foreign)
    return Prepayment.objects.create(
        ref=f"YBSCOPE{tc.pk:06d}",
        training_class=tc,
        region=tc.region,
        institution=tc.institution,
        profile_code=tc.profile_code,
        profile_version=1,
        basis=Decimal("6000.00"),
        share=Decimal("0.5"),
        amount=Decimal("3000.00"),
        computation="F02 中级工 2000元/人 × 3 = 6000元；F04 预拨 6000元 × 50% = 3000元",
        state=state,
        requested_by=w.users[Role.INSTITUTION],
        requested_on=timezone.localdate(),
        first_reviewer=first,
    )


def _for_review(w: World, u: User, *, foreign: bool = False) -> Prepayment:
    if u.role == Role.HR_SECOND:
        first = w.outsiders[Role.HR_FIRST] if foreign else w.users[Role.HR_FIRST]
        return prepayment(w, PrepaymentState.FIRST_SIGNED, foreign=foreign, first=first)
    return prepayment(w, PrepaymentState.REQUESTED, foreign=foreign)


def _for_pay(w: World, u: User, *, foreign: bool = False) -> Prepayment:
    p = prepayment(w, PrepaymentState.APPROVED, foreign=foreign)
    if not foreign:
        _fund(w, p.amount, f"scope:prepayment:{p.pk}")
    return p


def _p_url(build: Any, suffix: str = "", api: bool = False) -> Any:
    def path(w: World, u: User) -> str:
        p = build(w, u)
        return f"{P}/{p.pk}{suffix}" if api else f"/claims/prepayments/{p.pk}/{suffix}"

    return path


def _p_foreign(build: Any, suffix: str = "", api: bool = False) -> Any:
    def paths(w: World, u: User) -> list[str]:
        p = build(w, u, foreign=True)
        return [f"{P}/{p.pk}{suffix}" if api else f"/claims/prepayments/{p.pk}/{suffix}"]

    return paths


def _visible(w: World, u: User, *, foreign: bool = False) -> Prepayment:
    return prepayment(w, PrepaymentState.REQUESTED, foreign=foreign)


CASES: tuple[Case, ...] = (
    # --- F14 pages ---
    Case("GET", "recovery/", roles("recovery.view"), fixed("/recovery/")),
    Case("GET", "recovery/blacklist/", roles("recovery.view"), fixed("/recovery/blacklist/")),
    Case(
        "GET",
        "recovery/report/",
        roles("recovery.view"),
        fixed("/recovery/report/?kind=monthly"),
        foreign=_report_foreign(),
    ),
    Case(
        "GET",
        "recovery/new/<int:claim_id>/",
        roles("recovery.manage"),
        _new_url,
        foreign=_new_foreign,
        scoped=True,
    ),
    Case(
        "POST",
        "recovery/new/<int:claim_id>/",
        roles("recovery.manage"),
        _new_url,
        foreign=_new_foreign,
        data=lambda w, u: WRONG_FORM,
        ok=302,
        delta=RAISED,
        scoped=True,
    ),
    Case(
        "GET", "recovery/<int:wp_id>/", roles("recovery.view"), _wp_url(), foreign=_wp_foreign(), scoped=True
    ),
    Case(
        "POST",
        "recovery/<int:wp_id>/refund/",
        roles("recovery.manage"),
        _wp_url("refund/"),
        foreign=_wp_foreign("refund/"),
        data=lambda w, u: {"amount": "400.00", "fund_kind": "special_account", "reference": "TK1"},
        ok=302,
        delta=REFUNDED,
        scoped=True,
    ),
    Case(
        "POST",
        "recovery/<int:wp_id>/case/notice/",
        roles("recovery.manage"),
        _wp_url("case/notice/", kind=WrongKind.FRAUD),
        foreign=_wp_foreign("case/notice/", kind=WrongKind.FRAUD),
        data=lambda w, u: {"number": "郑人社追〔2026〕1号"},
        ok=302,
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        "recovery/<int:wp_id>/case/close/",
        roles("recovery.manage"),
        _wp_url("case/close/", kind=WrongKind.FRAUD, settled=True),
        foreign=_wp_foreign("case/close/", kind=WrongKind.FRAUD, settled=True),
        data=lambda w, u: {"note": "已全额追回"},
        ok=302,
        delta=EVENT,
        scoped=True,
    ),
    # --- F14 API ---
    Case("GET", f"{R}/wrong-payments", roles("recovery.view"), fixed(f"{R}/wrong-payments")),
    Case(
        "POST",
        f"{R}/wrong-payments",
        roles("recovery.manage"),
        lambda w, u: f"{R}/wrong-payments",
        data=lambda w, u: {
            "claim_id": paid(w).pk,
            "kind": "error",
            "amount": "100.00",
            "reason": "多发一人补贴",
        },
        foreign_data=lambda w, u: [
            {
                "claim_id": paid(w, foreign=True).pk,
                "kind": "error",
                "amount": "100.00",
                "reason": "多发一人补贴",
            }
        ],
        ok=201,
        delta=RAISED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{R}/wrong-payments/{{wp_id}}",
        roles("recovery.view"),
        _wp_url(api=True),
        foreign=_wp_foreign(api=True),
        scoped=True,
    ),
    Case(
        "GET",
        f"{R}/wrong-payments/{{wp_id}}/movements",
        roles("recovery.view"),
        _wp_url("/movements", api=True),
        foreign=_wp_foreign("/movements", api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{R}/wrong-payments/{{wp_id}}/refunds",
        roles("recovery.manage"),
        _wp_url("/refunds", api=True),
        foreign=_wp_foreign("/refunds", api=True),
        data=lambda w, u: {"amount": "400.00"},
        ok=201,
        delta=REFUNDED,
        scoped=True,
    ),
    Case(
        "POST",
        f"{R}/wrong-payments/{{wp_id}}/case/notice",
        roles("recovery.manage"),
        _wp_url("/case/notice", api=True, kind=WrongKind.FRAUD),
        foreign=_wp_foreign("/case/notice", api=True, kind=WrongKind.FRAUD),
        data=lambda w, u: {"number": "郑人社追〔2026〕1号"},
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{R}/wrong-payments/{{wp_id}}/case/close",
        roles("recovery.manage"),
        _wp_url("/case/close", api=True, kind=WrongKind.FRAUD, settled=True),
        foreign=_wp_foreign("/case/close", api=True, kind=WrongKind.FRAUD, settled=True),
        data=lambda w, u: {"note": "已全额追回"},
        delta=EVENT,
        scoped=True,
    ),
    Case("GET", f"{R}/blacklist", roles("recovery.view"), fixed(f"{R}/blacklist")),
    Case(
        "GET",
        f"{R}/report",
        roles("recovery.view"),
        fixed(f"{R}/report?kind=weekly"),
        foreign=_report_foreign(True),
    ),
    # --- F04 pages ---
    Case("GET", "claims/prepayments/", roles("prepayment.view"), fixed("/claims/prepayments/")),
    Case(
        "POST",
        "claims/prepayments/new/<int:class_id>/",
        roles("prepayment.apply"),
        lambda w, u: f"/claims/prepayments/new/{_project(w).pk}/",
        foreign=lambda w, u: [f"/claims/prepayments/new/{_project(w, foreign=True).pk}/"],
        data=lambda w, u: {"share": "0.50"},
        ok=302,
        delta=REQUESTED,
        scoped=True,
    ),
    Case(
        "GET",
        "claims/prepayments/<int:prepayment_id>/",
        roles("prepayment.view"),
        _p_url(_visible),
        foreign=_p_foreign(_visible),
        scoped=True,
    ),
    Case(
        "POST",
        "claims/prepayments/<int:prepayment_id>/review/",
        roles("prepayment.review"),
        _p_url(_for_review, "review/"),
        foreign=_p_foreign(_for_review, "review/"),
        data=lambda w, u: {"decision": "pass"},
        ok=302,
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        "claims/prepayments/<int:prepayment_id>/pay/",
        roles("prepayment.pay"),
        _p_url(_for_pay, "pay/"),
        foreign=_p_foreign(_for_pay, "pay/"),
        data=lambda w, u: {},
        ok=302,
        delta=PREPAID,
        scoped=True,
    ),
    # --- F04 API ---
    Case("GET", P, roles("prepayment.view"), fixed(P)),
    Case(
        "POST",
        P,
        roles("prepayment.apply"),
        lambda w, u: P,
        data=lambda w, u: {"class_id": _project(w).pk, "share": "0.40"},
        foreign_data=lambda w, u: [{"class_id": _project(w, foreign=True).pk}],
        ok=201,
        delta=REQUESTED,
        scoped=True,
    ),
    Case(
        "GET",
        f"{P}/{{prepayment_id}}",
        roles("prepayment.view"),
        _p_url(_visible, api=True),
        foreign=_p_foreign(_visible, api=True),
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/{{prepayment_id}}/review",
        roles("prepayment.review"),
        _p_url(_for_review, "/review", api=True),
        foreign=_p_foreign(_for_review, "/review", api=True),
        data=lambda w, u: {"decision": "pass"},
        delta=EVENT,
        scoped=True,
    ),
    Case(
        "POST",
        f"{P}/{{prepayment_id}}/pay",
        roles("prepayment.pay"),
        _p_url(_for_pay, "/pay", api=True),
        foreign=_p_foreign(_for_pay, "/pay", api=True),
        data=lambda w, u: {},
        delta=PREPAID,
        scoped=True,
    ),
)

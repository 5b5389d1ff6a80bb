"""The bureau's two signatures on a money request that is not yet a claim (F09): a project-based
class's prepayment (F04), an equipment grant (F05). The first reviewer signs, a different second reviewer
signs; either may refuse with a reason. One check, so that every such request is signed the same way."""

from __future__ import annotations

from typing import Literal

from jineng.core.errors import Refusal
from jineng.core.roles import Role
from jineng.policy import claims as rules
from jineng.policy.profiles import Profile

Step = Literal["first", "second"]


def bureau_signature(
    *,
    actor_role: str,
    actor_id: int,
    waiting_role: str | None,
    state_label: str,
    what: str,
    profile: Profile,
    first_reviewer_id: int | None,
    decision: str,
    comment: str,
) -> Step:
    """Which signature the actor gives ("first" or "second"), or a refusal: nothing awaits a signature,
    the wrong role (F09), a conclusion other than pass / return, a return without a reason, or the second
    signature by the first reviewer (F09)."""
    if waiting_role is None:
        raise Refusal(f"{what}当前状态为“{state_label}”，无需审核")
    if actor_role != waiting_role:
        raise Refusal(
            f"此环节须由{Role(waiting_role).label}办理", rule="F09", clause=profile.cite("reviewers_per_step")
        )
    if decision not in ("pass", "return"):
        raise Refusal("审核结论应为“通过”或“不予核准”", field="审核结论", value=decision)
    if decision == "return" and not comment.strip():
        raise Refusal("不予核准须填写意见", field="审核意见")
    step: Step = "second" if waiting_role == Role.HR_SECOND else "first"
    problems = rules.signature_violations(
        profile, first_reviewer=first_reviewer_id, reviewer=actor_id, step=step
    )
    if problems:
        raise Refusal.from_violations("不能签署", problems)
    return step

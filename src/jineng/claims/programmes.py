"""The programmes that pay through the one claim pipeline (../shared/design/money.md).

A claim has a programme and a source object there (``Claim.programme`` / ``source_id``): a training
class, a 以工代训 declaration's month, an equipment grant application, a voucher exchanged for a
certificate… The pipeline — pledge, department review, public notice, bureau and finance review,
batch, ledger — is the same for all; what differs is how a programme turns its own records into lines
(``claims.sourced.claims_create_for_sources``), what its payments count as in the year's fund use (F15:
training or evaluation), and where its source is shown. A programme app registers itself here in its
``ready()``; claims imports no programme app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Programme:
    code: str  # Claim.programme
    label: str  # 补贴项目, shown on every list, notice and export
    purpose: str  # claims.funduse.Purpose: "training" or "evaluation" (F15)
    source_label: str  # what a source is called: 培训班, 以工代训申报, 设备补助申请…
    # The page of a source (by id), for the people who may see it; None when the programme has none.
    source_url: Callable[[int], str] | None = None
    # The capability that opens the source's page: it is linked only for the roles that have it.
    source_capability: str = "class.view"
    # The funding type (policy.training.FUNDING_TYPES) a payable line of this programme counts as in a
    # trainee's history, for the rules that weigh every subsidy a person had whatever paid it (B08:
    # 以工代训 and the new-hire pre-job subsidy, never both). Empty: the programme's lines weigh nothing.
    history_funding: str = ""


_registry: dict[str, Programme] = {}


def programme_register(programme: Programme) -> None:
    _registry[programme.code] = programme


def programme(code: str) -> Programme:
    try:
        return _registry[code]
    except KeyError:
        raise ImproperlyConfigured(f"补贴项目“{code}”未注册（claims.programmes）") from None


def programme_registered(code: str) -> Programme | None:
    return _registry.get(code)


def programmes() -> list[Programme]:
    return sorted(_registry.values(), key=lambda p: p.code)


def programme_label(code: str) -> str:
    found = _registry.get(code)
    return found.label if found else code


def class_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("training:detail", args=[pk])


# The class programme is the pipeline's first: its lines are judged from the class's roster, results and
# supervision (claims.entitle, claims.bulk).
TRAINING = "training"
programme_register(
    Programme(
        code=TRAINING,
        label="职业技能培训补贴",
        purpose="training",
        source_label="培训班",
        source_url=class_url,
    )
)

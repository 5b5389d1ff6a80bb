"""Fund use per year (issue 14): each fund's budget and what it paid, split by what the money paid for —
training subsidies (培训补贴) and evaluation subsidies (评价补贴) — and F15, the share of the year's
employment subsidy fund that went to both.

The books know how much a fund paid for which business object (``ledger.selectors.fund_outflows``: per
source, a claim or a prepayment), not what that object is; this module says it. A programme that pays
for something else registers how to classify its sources (``purpose_provide``); a source nobody
classifies is counted as other spending, never silently as training.

F15 (RULES.md; the floor is the profile's ``training_share_of_employment_fund_min``): training and
evaluation subsidies paid from the employment subsidy fund in the year, over that fund's budget for the
year (appropriated in the year, net of cuts). While the year runs a share below the floor is a warning;
once it is over, the year-end report states that the floor was not met. A profile whose document sets no
floor says so, in its own words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, TextChoices
from django.urls import reverse
from django.utils import timezone

from jineng.accounts.models import User
from jineng.core.templatetags.jineng import yuan
from jineng.ledger.models import ZERO, Fund, FundKind
from jineng.ledger.selectors import FundYear, Outflow, fund_outflows, fund_years_of, funds_all, funds_visible
from jineng.ledger.yearnotes import YearNote
from jineng.policy.profiles import ParameterNotSet, Profile
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for

F15_PARAM = "training_share_of_employment_fund_min"


class Purpose(TextChoices):
    TRAINING = "training", "培训补贴"
    EVALUATION = "evaluation", "评价补贴"
    OTHER = "other", "其他支出"


# source type → the purpose of all its payments, or (source ids → the purpose of each): how a programme's
# payments are classified. A purpose for the whole type lets the books sum its payments per type (one row
# per fund and type, whatever the number of claims: the public page reads it for anyone).
Classifier = Callable[[Sequence[str]], dict[str, str]]
_classifiers: dict[str, str | Classifier] = {}


def purpose_provide(source_type: str, classifier: str | Classifier) -> None:
    """Register how payments whose source is ``source_type`` are classified: one purpose for all of them,
    or a function of their ids."""
    _classifiers[source_type] = classifier


# A claim's payment is training or evaluation by its programme (claims.programmes): booked under
# "claims.Claim" or "claims.Claim.evaluation". A prepayment (F04) advances a project-based class's
# training subsidy.
purpose_provide("claims.Claim", Purpose.TRAINING.value)
# A programme paying evaluation subsidies (评价补贴) books its claims' payments under this source type
# (claims.services.payment_source).
purpose_provide("claims.Claim.evaluation", Purpose.EVALUATION.value)
purpose_provide("claims.Prepayment", Purpose.TRAINING.value)


def per_id_types() -> list[str]:
    """The source types whose payments are classified one by one."""
    return sorted(t for t, c in _classifiers.items() if not isinstance(c, str))


def classify(outflows: Sequence[Outflow]) -> dict[tuple[str, str], str]:
    """(source type, source id) → purpose, one call per source type classified one by one."""
    ids: dict[str, list[str]] = defaultdict(list)
    for o in outflows:
        ids[o.source_type].append(o.source_id)
    out: dict[tuple[str, str], str] = {}
    for source_type, source_ids in ids.items():
        classifier = _classifiers.get(source_type)
        if isinstance(classifier, str):
            found = dict.fromkeys(source_ids, classifier)
        else:
            found = classifier(sorted(set(source_ids))) if classifier else {}
        for source_id in source_ids:
            out[(source_type, source_id)] = found.get(source_id, Purpose.OTHER.value)
    return out


@dataclass(frozen=True)
class FundUseRow:
    """One fund in one year."""

    fund: FundYear
    training: Decimal = ZERO
    evaluation: Decimal = ZERO
    other: Decimal = ZERO

    @property
    def subsidies(self) -> Decimal:
        """Training and evaluation subsidies (F15's numerator when the fund is the employment subsidy
        fund)."""
        return self.training + self.evaluation


@dataclass(frozen=True)
class F15Check:
    """F15 for one books region in one year."""

    region: Region
    year: int
    profile: Profile | None
    minimum: Decimal | None  # the floor; None when the profile sets none (or there is no profile)
    budget: Decimal  # the employment subsidy fund's budget for the year
    subsidies: Decimal  # training + evaluation subsidies it paid in the year
    text: str  # what the pages say, in full
    clause: str = ""

    @property
    def share(self) -> Decimal | None:
        """The share in per cent, one decimal place (12.0 for 12 %); None without a budget."""
        if self.budget <= 0:
            return None
        return (self.subsidies * 100 / self.budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def floor_unset(self) -> bool:
        """The year's profile sets no floor: the public page says so once for all such regions."""
        return self.profile is not None and self.minimum is None

    @property
    def public_text(self) -> str:
        """What the public page says: the check where there is one; a short neutral phrase where the
        bureau has not set the year up yet (the staff's message asks an administrator to act); nothing
        where the profile sets no floor (``FundUse.floor_unset_regions``, said once)."""
        if self.profile is None:
            return "本年度尚未公布"
        if self.minimum is None:
            return ""
        if self.budget <= 0:
            return "本年度预算尚未公布"
        return self.text

    @property
    def below(self) -> bool:
        """The floor applies and the share is under it (or there is no budget to reach it with)."""
        if self.minimum is None:
            return False
        return self.budget <= 0 or self.subsidies < self.budget * self.minimum

    @property
    def running(self) -> bool:
        return self.year >= timezone.localdate().year


@dataclass(frozen=True)
class RegionUse:
    region: Region
    rows: list[FundUseRow]
    f15: F15Check

    @property
    def total(self) -> FundUseRow:
        def s(attr: str) -> Decimal:
            return sum((getattr(r.fund, attr) for r in self.rows), ZERO)

        first = self.rows[0].fund
        return FundUseRow(
            fund=FundYear(
                fund=first.fund,
                year=first.year,
                budget=s("budget"),
                paid=s("paid"),
                refunded=s("refunded"),
                remaining=s("remaining"),
            ),
            training=sum((r.training for r in self.rows), ZERO),
            evaluation=sum((r.evaluation for r in self.rows), ZERO),
            other=sum((r.other for r in self.rows), ZERO),
        )


@dataclass(frozen=True)
class FundUse:
    year: int
    regions: list[RegionUse] = field(default_factory=list)

    @property
    def evaluation_paid(self) -> bool:
        return any(r.evaluation for use in self.regions for r in use.rows)

    @property
    def floor_unset_regions(self) -> list[str]:
        """The regions whose profile for the year sets no F15 floor, for one sentence on the public page."""
        return [use.region.name for use in self.regions if use.f15.floor_unset]


def fund_use(funds: QuerySet[Fund], year: int) -> FundUse:
    """The year of ``funds``, by books region: each fund's budget, paid (split by purpose), refunded and
    balance, and F15. A few queries whatever the number of payments."""
    years = fund_years_of(funds, year)
    outflows = fund_outflows(funds, year, by_id=per_id_types())
    purposes = classify(outflows)
    split: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for o in outflows:
        split[o.fund_id][purposes[(o.source_type, o.source_id)]] += o.amount
    by_region: dict[int, list[FundUseRow]] = defaultdict(list)
    regions: dict[int, Region] = {}
    for fy in years:
        parts = split[fy.fund.pk]
        by_region[fy.fund.region_id].append(
            FundUseRow(
                fund=fy,
                training=parts[Purpose.TRAINING],
                evaluation=parts[Purpose.EVALUATION],
                other=parts[Purpose.OTHER],
            )
        )
        regions[fy.fund.region_id] = fy.fund.region
    return FundUse(
        year=year,
        regions=[
            RegionUse(regions[pk], rows, f15_check(regions[pk], year, rows)) for pk, rows in by_region.items()
        ],
    )


def fund_use_for(user: User, year: int) -> FundUse:
    """Fund use in the user's scope (``ledger.view``)."""
    return fund_use(funds_visible(user), year)


def fund_use_public(year: int, region: Region | None = None) -> FundUse:
    """Fund use of every region (or of ``region`` and the regions below it), for the public page: amounts
    per fund and purpose only, no payee."""
    funds = funds_all()
    if region is not None:
        funds = funds.filter(region__path__startswith=region.path)
    return fund_use(funds, year)


def books_regions() -> list[Region]:
    """The regions that keep books (have a fund): the public page's choice of region."""
    return list(Region.objects.filter(pk__in=funds_all().values("region_id")).order_by("path"))


def f15_check(region: Region, year: int, rows: Sequence[FundUseRow]) -> F15Check:
    """F15 for the books of ``region`` in ``year``: the employment subsidy fund's budget and the training
    and evaluation subsidies it paid, against the profile's floor."""
    employment = [r for r in rows if r.fund.fund.kind == FundKind.EMPLOYMENT_SUBSIDY]
    budget = sum((r.fund.budget for r in employment), ZERO)
    subsidies = sum((r.subsidies for r in employment), ZERO)
    try:
        profile: Profile | None = profile_for(region, year)
    except NoProfile as exc:
        return F15Check(region, year, None, None, budget, subsidies, str(exc))
    assert profile is not None
    try:
        minimum = Decimal(profile.value(F15_PARAM))
    except ParameterNotSet as exc:
        return F15Check(region, year, profile, None, budget, subsidies, str(exc))
    clause = profile.cite(F15_PARAM)
    floor = profile.param(F15_PARAM).display()
    label = str(FundKind.EMPLOYMENT_SUBSIDY.label)
    check = F15Check(region, year, profile, minimum, budget, subsidies, "", clause)
    if budget <= 0:
        text = (
            f"{region.name}尚未设定 {year} 年{label}预算：培训和评价补贴不低于年内资金总额 {floor} 的要求"
            "无法核对，请先设定年度预算"
        )
    else:
        share = check.share
        when = "截至目前" if check.running else "全年"
        if check.below:
            verdict = f"{'低于' if check.running else '未达到'} {floor} 的下限"
        else:
            verdict = f"不低于 {floor} 的下限"
        text = (
            f"{region.name} {year} 年{label}预算 {yuan(budget)} 元，{when}用于培训和评价补贴 {yuan(subsidies)} 元，"
            f"占 {share}%，{verdict}"
        )
    return F15Check(
        region, year, profile, minimum, budget, subsidies, f"{text}（规则 F15，依据 {clause}）", clause
    )


def f15_notes(user: User, year: int) -> list[YearNote]:
    """F15 on the books' pages (``ledger.yearnotes``): a warning where the share is under the floor, the
    profile's own words where its document sets none."""
    url = reverse("claims:fund_use") + f"?year={year}"
    notes = []
    for use in fund_use_for(user, year).regions:
        f15 = use.f15
        badge = "预警" if f15.running else "未达标"
        notes.append(YearNote("warn" if f15.below else "", f15.text, "F15", url, badge))
    return notes

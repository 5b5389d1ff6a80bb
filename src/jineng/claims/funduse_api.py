"""/api/v1/fund-use: fund use per year for anyone, without an account or token — the figures of the public
page /claims/funds/public/: per region and fund source the budget, what was paid, split into training and
evaluation subsidies, and F15. Amounts only: no payee."""

# No `from __future__ import annotations`: ninja builds the query-parameter models from the real types.
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from jineng.claims.funduse import FundUseRow, RegionUse, books_regions, fund_use_public
from jineng.core.params import year_query

public = Router()


class FundUseRowOut(Schema):
    kind: str
    kind_label: str
    budget: Decimal = Field(description="年度预算（元）")
    paid: Decimal = Field(description="本年支付（拨付与项目制预拨，元）")
    training: Decimal = Field(description="其中培训补贴（元）")
    evaluation: Decimal = Field(description="其中评价补贴（元）")
    other: Decimal = Field(description="其中其他支出（元）")
    refunded: Decimal = Field(description="本年退回（元）")

    @staticmethod
    def of(row: FundUseRow) -> "FundUseRowOut":
        f = row.fund
        return FundUseRowOut(
            kind=f.fund.kind,
            kind_label=f.fund.get_kind_display(),
            budget=f.budget,
            paid=f.paid,
            training=row.training,
            evaluation=row.evaluation,
            other=row.other,
            refunded=f.refunded,
        )


class F15Out(Schema):
    minimum: Decimal | None = Field(description="政策档案规定的最低比例；未规定为 null")
    share_percent: Decimal | None = Field(description="培训和评价补贴占就业补助资金年度预算的百分比")
    below: bool
    text: str


class RegionUseOut(Schema):
    region_id: int
    region: str
    year: int
    funds: list[FundUseRowOut]
    f15: F15Out

    @staticmethod
    def of(use: RegionUse, year: int) -> "RegionUseOut":
        return RegionUseOut(
            region_id=use.region.pk,
            region=use.region.name,
            year=year,
            funds=[FundUseRowOut.of(r) for r in use.rows],
            f15=F15Out(
                minimum=use.f15.minimum, share_percent=use.f15.share, below=use.f15.below, text=use.f15.text
            ),
        )


@public.get(
    "",
    response=list[RegionUseOut],
    auth=None,
    summary="资金使用情况（公开，无需登录）：各区域各项资金的年度预算、支付及培训补贴、评价补贴（F15）",
)
def fund_use(request: HttpRequest, year: int | None = year_query(None), region_id: int | None = None) -> Any:
    year = year or timezone.localdate().year
    region = None
    if region_id is not None:
        region = next((r for r in books_regions() if r.pk == region_id), None)
        if region is None:
            raise Http404
    return [RegionUseOut.of(use, year) for use in fund_use_public(year, region).regions]

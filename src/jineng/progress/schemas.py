from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from jineng.core.params import Month, Year


class PeriodIn(Schema):
    region_id: int = Field(description="地区")
    year: Year = Field(description="年度")
    month: Month = Field(description="月份 1–12")


class LineOut(Schema):
    key: int
    name: str
    target: int | None
    actual: int
    rate: Decimal | None
    rank: int | None
    behind: bool
    months: list[int]


class SummaryOut(Schema):
    indicator: str
    label: str
    target: int | None
    actual: int | None = Field(description="null：本平台无对应记录可统计")
    rate: Decimal | None
    behind: bool


class BoardOut(Schema):
    year: int
    region_id: int
    region: str
    indicator: str
    elapsed: Decimal = Field(description="时间进度（按天计）")
    summary: list[SummaryOut]
    regions: list[LineOut]
    departments: list[LineOut]
    units: list[LineOut]
    trend: list[int]
    plan_warnings: list[str] = Field(
        default_factory=list, description="跨表分解提示（H01）：分解到各表的合计与被分解数不一致的差额"
    )


class ReportOut(Schema):
    id: int
    region_id: int
    region: str = Field(alias="region.name")
    year: int
    month: int
    state: str
    figures: dict[str, dict[str, int | None]]
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None


class BulletinOut(Schema):
    id: int
    region_id: int
    year: int
    month: int
    title: str
    elapsed: str
    ranking: list[dict[str, object]]
    issued_at: dt.datetime


class MediaItemIn(Schema):
    region_id: int | None = Field(None, description="县（市、区）；部门的宣传信息不填")
    department_id: int | None = Field(None, description="市直部门；行业部门用户只能填本部门")
    title: str = Field(description="标题")
    media_name: str = Field(description="媒体名称")
    media_level: int = Field(description="媒体级别：0 乡镇及以下或内部资料，1 县级，2 市级，3 省级，4 国家级")
    published_on: dt.date = Field(description="发布日期")
    link: str = Field(description="链接或出处")


class MediaItemOut(Schema):
    id: int
    region_id: int
    region: str = Field(alias="region.name")
    department_id: int | None
    department: str | None = Field(None, alias="department.name")
    title: str
    media_name: str
    media_level: int
    media_level_label: str = Field(alias="get_media_level_display")
    published_on: dt.date
    link: str
    state: str
    recorded_at: dt.datetime
    withdraw_reason: str


class WithdrawIn(Schema):
    reason: str = Field(description="撤回原因")


class StandingOut(Schema):
    kind: str = Field(description="county 县（市、区）/ department 市直部门")
    key: int
    name: str
    counted: int = Field(description="计入的篇数（县级以上 / 市级以上媒体）")
    below: int = Field(description="级别不够、不计入的篇数")
    minimum: int
    shortfall: int
    ok: bool
    clause: str


class ComplianceOut(Schema):
    region_id: int
    year: int
    rule: str = "H08"
    refusal: str = Field(description="不能判定的原因，如“本政策口径未规定…”；可判定时为空")
    counties: list[StandingOut]
    departments: list[StandingOut]


class CompetitionIn(Schema):
    region_id: int = Field(description="举办地区")
    department_id: int | None = Field(None, description="主办部门；行业部门用户只能填本部门")
    name: str = Field(description="竞赛名称")
    level: int = Field(description="竞赛级别：0 企业、院校级，1 县级，2 市级，3 省级，4 国家级")
    held_on: dt.date = Field(description="举办日期")
    participants: int = Field(description="参赛人数")


class CompetitionOut(Schema):
    id: int
    region_id: int
    region: str = Field(alias="region.name")
    department_id: int | None
    department: str | None = Field(None, alias="department.name")
    name: str
    level: int
    level_label: str = Field(alias="get_level_display")
    held_on: dt.date
    participants: int
    state: str
    recorded_at: dt.datetime
    withdraw_reason: str


class LedgerEntryIn(Schema):
    region_id: int = Field(description="培训地区（/api/v1/regions）；机构、企业只能填本单位所在市的地区")
    department_id: int | None = Field(None, description="行业主管部门；行业部门用户只能填本部门")
    title: str = Field(description="培训项目名称")
    kind: str = Field(
        description="培训类别：employment 就业技能培训、upgrade 岗位技能提升培训、entrepreneurship 创业培训、safety 安全技能培训、other 其他职业技能培训"
    )
    occupation_code: str = Field("", description="2022 年版职业分类大典编码，可空")
    start_date: dt.date
    end_date: dt.date = Field(description="结束日期：培训结束后录入（E09）")
    persons: int = Field(description="培训人次")


class LedgerBatchIn(Schema):
    entries: list[LedgerEntryIn] = Field(
        max_length=5000, description="全部无误才录入，否则 422 逐条列出问题（row 为列表中的序号，从 1 起）"
    )


class LedgerEntryOut(Schema):
    id: int
    region_id: int
    region: str = Field(alias="region.name")
    department_id: int | None
    department: str | None = Field(None, alias="department.name")
    organisation_id: int | None
    organisation: str | None = Field(None, alias="organisation.name")
    title: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    occupation_id: int | None
    start_date: dt.date
    end_date: dt.date
    persons: int
    entered_on: dt.date = Field(description="录入日期")
    days_late: int | None = Field(description="E09：超过规定日数录入的天数；0 按时；null 政策档案未规定期限")
    state: str
    state_label: str = Field(alias="get_state_display")
    recorded_at: dt.datetime
    withdraw_reason: str


# --- H06 the reporting calendar ---------------------------------------------------------------------------

ReportKindCode = Literal["weekly", "monthly", "quarterly", "half_year", "year"]


class PeriodicReportIn(Schema):
    kind: ReportKindCode = Field(
        description="报告种类：weekly 周调度、monthly 月报、quarterly 季度讲评、half_year 半年督导、year 全年总结"
    )
    year: Year = Field(description="年度（周调度为 ISO 周所属年度）")
    number: int = Field(ge=1, le=53, description="期次：ISO 周 1–53、月 1–12、季度 1–4、半年 1–2、全年 1")
    region_id: int | None = Field(None, description="报送的县（区）；行业部门报送时不填")
    department_id: int | None = Field(None, description="报送的行业部门（行业部门用户只能报送本部门）")


class PeriodicApproveIn(Schema):
    kind: ReportKindCode = Field(description="报告种类")
    year: Year = Field(description="年度")
    number: int = Field(ge=1, le=53, description="期次")
    region_id: int = Field(description="审核生成本级报告的地区：下级地区须全部报送")


class PeriodicReviewIn(Schema):
    decision: Literal["approve", "return"] = Field(description="approve 审核通过，return 退回")
    reason: str = Field("", max_length=200, description="退回原因（退回时必填）")


class PeriodicReportOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    year: int
    period: int
    month: int = Field(description="数据截至月份")
    region_id: int
    region: str = Field(alias="region.name")
    department_id: int | None
    department: str | None = Field(None, alias="department.name")
    state: str
    state_label: str = Field(alias="get_state_display")
    figures: dict[str, dict[str, int | None]]
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_reason: str


class LateReportOut(Schema):
    kind: str
    kind_label: str
    year: int
    period: int
    period_name: str
    region_id: int
    region: str
    department_id: int | None
    department: str | None
    state: str
    state_label: str
    action: str = Field(description="submit 待报送，approve 待审核")
    due_on: dt.date
    days_overdue: int
    report_id: int | None

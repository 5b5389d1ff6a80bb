from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ReviewOut(Schema):
    id: int
    year: int
    region: str = Field(alias="region.name")
    subject: str = Field(
        description="institution 培训机构 / evaluation_body 评价机构 / online_platform 线上培训平台"
    )
    subject_label: str = Field(alias="get_subject_display")
    institution_id: int
    institution: str = Field(alias="institution.name")
    classes: int
    opening: int = Field(description="开班人数")
    trained: int = Field(description="培训人数（检查在位平均，C02）")
    enrolled: int = Field(description="已考核班级的在册学员")
    passed: int = Field(description="取证人数")
    surveyed: int
    satisfied: int
    followed: int = Field(description="就业跟踪人数")
    employed: int
    attendance: Decimal | None = Field(description="出勤率 = 培训人数 / 开班人数")
    completion: Decimal | None = Field(description="取证率 = 取证人数 / 已考核学员")
    satisfaction: Decimal | None
    employment: Decimal | None = Field(description="就业率 = 已就业 / 跟踪人数")
    catalogue: str
    catalogue_label: str = Field(alias="get_catalogue_display")
    project: str
    project_label: str = Field(alias="get_project_display")
    reason: str
    decided_at: dt.datetime | None


class ComputeIn(Schema):
    year: int = Field(ge=2000, le=2100)
    region_id: int


class DecideIn(Schema):
    catalogue: str = Field(description="renewed 纳入下年度目录 / exited 退出目录并公开")
    project: str = Field(description="unchanged 不变 / granted 给予（恢复）/ withdrawn 停止（F04）")
    reason: str = Field(description="评价意见")


class FollowUpRowIn(Schema):
    row: int = Field(description="花名册行号")
    employed: bool
    employer: str = ""


class FollowUpIn(Schema):
    surveyed_on: dt.date
    rows: list[FollowUpRowIn] = Field(max_length=2000)


class RecordedOut(Schema):
    recorded: int


class ExitedOut(Schema):
    year: int
    subject_label: str = Field(alias="get_subject_display")
    institution: str = Field(alias="institution.name")
    region: str = Field(alias="region.name")
    reason: str
    decided_at: dt.datetime | None

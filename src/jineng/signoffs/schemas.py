from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class SignOffOut(Schema):
    kind: str = Field(description="签字栏：supervision_opinion、exam_patrol、assessment_opinion")
    label: str
    signed: bool
    signer_name: str = Field(default="", description="签字人")
    signed_at: dt.datetime | None = None
    opinion: str = ""
    assessment_id: int | None = None


class SignOffIn(Schema):
    kind: str = Field(
        description="签字栏：supervision_opinion 过程监管检查意见、exam_patrol 考核巡查、assessment_opinion 结业考核意见"
    )
    opinion: str = Field(description="意见或巡查情况")

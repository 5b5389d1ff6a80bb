from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema

from jineng.core.params import Year


class PlanOut(Schema):
    id: int
    year: int
    region_id: int
    region: str = Field(alias="region.name")
    source: str
    title: str
    layout: str


class RowOut(Schema):
    label: str
    name: str
    lead_units: str
    figures: dict[str, int | None]
    province: dict[str, int | None]
    warnings: list[str]


class ControlOut(Schema):
    label: str
    covers: str
    figures: dict[str, int | None]
    differences: dict[str, int]
    clause: str


class PlanDetailOut(Schema):
    plan: PlanOut
    indicators: list[str]
    labels: list[str]
    rows: list[RowOut]
    totals: dict[str, int]
    controls: list[ControlOut]
    warnings: list[str]


def _scalar(value: Any) -> Any:
    if isinstance(value, dict | list):
        raise ValueError("单元格只能是文本、数字、布尔值或 null")
    return value


# A cell as a spreadsheet holds it: an object or a list has no cell to go into (it was a 500 in the
# workbook writer). One validator rather than a union, so that the error names the cell once.
Cell = Annotated[
    Any,
    AfterValidator(_scalar),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"]}),
]


class PlanImportIn(Schema):
    year: Year
    region_id: int
    source: str = Field(max_length=64)
    title: str = Field(max_length=200)
    layout: str = Field(description="region（按地区）| department（按部门）| unit（按单位）")
    headers: list[str] = Field(
        description="模板第1行：序号（可省）、地区/部门/单位、各指标列名", max_length=20
    )
    rows: list[list[Cell]] = Field(max_length=2000)


class PlanImportOut(Schema):
    id: int
    state: str
    plan_id: int | None
    report: list[dict[str, Any]]


class CountOut(Schema):
    classes: int
    trainees: int
    confirmed: int = Field(description="其中人员类别已经人社部门核实的人次")
    upgrade: int = Field(0, description="其中技能提升培训（岗位技能提升、岗前、学徒制）的人次")


class ProgrammeProgressRowOut(Schema):
    code: str
    name: str
    clause: str
    groups: list[str] = Field(description="面向的人员类别（名称）；空 = 不限")
    lead: str
    target: int | None = Field(description="本地区本年度目标计划中同名行的人次；无则为 null")
    upgrade_share_min: str | None = Field(
        description="文件要求的技能提升培训最低占比（如 0.80）；无则为 null"
    )
    upgrade_short: bool = Field(description="已有学员且技能提升培训占比低于下限")
    count: CountOut


class GroupProgressRowOut(Schema):
    code: str = Field(description="人员类别代码；空 = 未填写")
    label: str
    count: CountOut


class ProgrammeProgressOut(Schema):
    year: int
    region: str
    profile: str = Field(description="所适用的政策档案；无则为空，problem 说明原因")
    problem: str
    programmes: list[ProgrammeProgressRowOut]
    groups: list[GroupProgressRowOut]


class SplitIn(Schema):
    part_ids: list[int] = Field(description="分解到的表（同一地区、同一年度的其他目标计划）")
    label: str = Field(description="被分解数的名称，如“市本级”“合计”")
    clause: str = Field(default="", description="出处：被分解的表及行、分解到的各表")
    whole_region_id: int | None = Field(
        default=None, description="被分解的行：该地区本级的行（如市本级）；留空：整表合计"
    )


class SplitOut(Schema):
    id: int
    whole: str = Field(description="被分解的表")
    parts: list[str]
    label: str
    warnings: list[str] = Field(description="跨表分解提示（H01）：未分解或超出的差额")

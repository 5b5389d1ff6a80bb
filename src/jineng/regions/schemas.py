from __future__ import annotations

from ninja import Schema


class RegionOut(Schema):
    id: int
    name: str
    code: str | None
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int


class DepartmentOut(Schema):
    id: int
    name: str
    kind: str
    region_id: int
    region: str


class ParameterOut(Schema):
    name: str
    label: str
    rule: str
    kind: str
    value: str | int | bool | list[str] | list[int] | None
    display: str
    clause: str
    note: str


class ProfileSummaryOut(Schema):
    code: str
    version: int
    short: str
    jurisdiction: str
    years: list[int]
    document: str


class ProfileOut(ProfileSummaryOut):
    parameters: list[ParameterOut]


class RegionProfileOut(Schema):
    region_id: int
    year: int
    assigned_at_region: str
    profile: ProfileSummaryOut

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from jineng.accounts.requests import request_user
from jineng.certificates.models import Certificate
from jineng.people.selectors import id_number_for


class RegisterCertificateOut(Schema):
    id: int
    holder: str = Field(description="持证人姓名")
    id_number: str = Field(description="身份证号（按查看人权限脱敏）")
    kind: str = Field(description="证书类型代码")
    kind_label: str
    number: str
    occupation_code: str
    occupation: str
    title: str = Field(description="工种/专项名称")
    level: int | None
    level_label: str
    body: str = Field(description="评价（认定）机构")
    issuer_name: str = Field(description="发证机构")
    issued_on: dt.date
    route: str = Field(description="取证途径代码")
    route_label: str
    class_ref: str = Field(description="培训班编号（培训班结业考核取得的证书）")
    region: str = Field(description="计入的区域")
    department: str = Field(description="计入的行业主管部门")
    unit: str = Field(description="计入的单位")

    @staticmethod
    def resolve_holder(c: Certificate) -> str:
        return c.holder.name

    @staticmethod
    def resolve_id_number(c: Certificate, context: dict[str, Any]) -> str:
        return id_number_for(request_user(context["request"]), c.holder)

    @staticmethod
    def resolve_kind_label(c: Certificate) -> str:
        return c.get_kind_display()

    @staticmethod
    def resolve_occupation_code(c: Certificate) -> str:
        return c.occupation.code

    @staticmethod
    def resolve_occupation(c: Certificate) -> str:
        return c.occupation.name

    @staticmethod
    def resolve_level_label(c: Certificate) -> str:
        return c.get_level_display() if c.level else ""

    @staticmethod
    def resolve_body(c: Certificate) -> str:
        return c.body.name

    @staticmethod
    def resolve_route_label(c: Certificate) -> str:
        return c.get_route_display()

    @staticmethod
    def resolve_class_ref(c: Certificate) -> str:
        return c.training_class.ref if c.training_class else ""

    @staticmethod
    def resolve_region(c: Certificate) -> str:
        return c.region.name

    @staticmethod
    def resolve_department(c: Certificate) -> str:
        return c.department.name if c.department else ""

    @staticmethod
    def resolve_unit(c: Certificate) -> str:
        return c.unit.name if c.unit else ""


class RegisterCertificateIn(Schema):
    id_number: str = Field(description="持证人身份证号；尚未实名登记的按此登记")
    name: str = Field(description="持证人姓名")
    route: str = Field(
        description="取证途径：enterprise 企业职业技能等级认定、social_evaluation 社会培训评价组织评价、"
        "competition 以赛代评/竞赛晋级、appraisal 职业技能鉴定、special_ability 专项职业能力考核"
    )
    kind: str = Field(description="证书类型代码（qualification、skill_level、special_ability …）")
    number: str = Field(description="证书编号")
    occupation_code: str = Field(description="职业编码（2022年版职业分类，如 6-31-01-03）")
    level: int | None = Field(default=None, description="等级 1–5（职业资格、职业技能等级证书）")
    title: str = Field(default="", description="工种/专项名称")
    issued_on: dt.date
    issuer_name: str = Field(default="", description="发证机构（留空：本机构）")
    unit_credit_code: str = Field(default="", description="所属单位统一社会信用代码（留空：本机构）")


class RegisterRowOut(Schema):
    row: int
    number: str
    outcome: str = Field(description="registered 已登记；already 已在登记册中")
    outcome_label: str
    certificate_id: int


class CertificateRegisterOut(Schema):
    registered: int
    already: int
    rows: list[RegisterRowOut]


class CertificateCheckOut(Schema):
    genuine: bool = Field(description="是否查到与证书编号和姓名相符的证书")
    message: str
    number: str
    holder: str = Field(description="持证人姓名（脱敏）")
    id_number: str = Field(description="身份证号（脱敏）")
    kind: str
    occupation: str
    level: str
    issuer: str
    issued_on: str
    route: str

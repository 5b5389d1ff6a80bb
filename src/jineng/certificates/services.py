"""Writes of the certificate register: a class's passed results (from assessment.services.results_enter,
in its transaction), and the certificates an evaluation body or a recognising enterprise adds by API or
workbook — all or nothing, with a report by row. The same certificate (kind + number) twice is one row:
sent again for the same holder it is reported as already registered; for another holder it is refused.

A holder not yet in the real-name registry is registered from the ID number (people.services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.catalogue.models import LEVELLED_KINDS, CertificateKind, Level, Occupation
from jineng.catalogue.selectors import filing_lines
from jineng.certificates.models import Certificate, Route
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import can
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.people.services import person_register
from jineng.policy import bodies
from jineng.policy.identity import (
    RULE_B01_CLAUSE,
    InvalidCreditCode,
    InvalidIdNumber,
    parse_credit_code,
    parse_id_number,
)
from jineng.policy.violations import Violation
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for, rule_clause
from jineng.training.models import Enrolment, TrainingClass

RULE = "H03"  # the register is what a unit's target is counted by (certificates obtained)
# Routes a body adds by itself; class results come only from the class's assessment.
ADDED_ROUTES = tuple(r for r in Route if r != Route.CLASS_RESULT)
MAX_ROWS = 5000
# 企业职业技能等级认定 is an enterprise's own recognition of its staff: only an enterprise (or its training
# centre) adds certificates of that route.
ENTERPRISE_KINDS = frozenset({Organisation.Kind.ENTERPRISE, Organisation.Kind.ENTERPRISE_CENTRE})


def _clause(region: Region, year: int, rule: str) -> str:
    try:
        return rule_clause(region, year, rule)
    except NoProfile:
        return "未设定政策档案"


# --- class results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassCertificate:
    """A passed result of a class, as the register keeps it."""

    enrolment: Enrolment
    kind: str
    level: int | None
    number: str
    issued_on: dt.date
    issuer_name: str = ""


@transaction.atomic
def class_certificates_register(
    *, actor: User | None, training_class: TrainingClass, body: Organisation, rows: Sequence[ClassCertificate]
) -> int:
    """A class's passed results into the register, counted for the class's region, department and
    institution. A certificate already registered for the same holder by another route becomes this class's
    (one row, counted once); one registered for someone else is refused. Called inside results_enter's
    transaction, whose event (assessment.results_entered) records the results these rows are."""
    tc = training_class
    if not rows:
        return 0
    clause = _clause(tc.region, tc.year, "E02")
    existing = {
        (c.kind, c.number): c
        for c in Certificate.objects.select_for_update().filter(number__in={r.number for r in rows})
    }
    new: list[Certificate] = []
    taken_over: list[Certificate] = []
    for r in rows:
        found = existing.get((r.kind, r.number))
        if found is not None:
            if found.holder_id != r.enrolment.person_id:
                raise Refusal(
                    "该证书编号已登记在他人名下",
                    field="证书编号",
                    value=r.number,
                    rule="E02",
                    clause=clause,
                )
            taken_over.append(found)
        fields = {
            "holder_id": r.enrolment.person_id,
            "kind": r.kind,
            "number": r.number,
            "occupation_id": tc.occupation_id,
            "level": r.level if r.kind in LEVELLED_KINDS else None,
            "body": body,
            "issuer_name": r.issuer_name,
            "issued_on": r.issued_on,
            "route": Route.CLASS_RESULT,
            "training_class": tc,
            "enrolment": r.enrolment,
            "region_id": tc.region_id,
            "department_id": tc.department_id,
            "unit_id": tc.institution_id,
            "recorded_by": actor,
        }
        if found is not None:
            for name, value in fields.items():
                setattr(found, name, value)
        else:
            new.append(Certificate(**fields))
    Certificate.objects.bulk_create(new)
    if taken_over:
        Certificate.objects.bulk_update(
            taken_over,
            [
                "occupation",
                "level",
                "body",
                "issuer_name",
                "issued_on",
                "route",
                "training_class",
                "enrolment",
                "region",
                "department",
                "unit",
                "recorded_by",
            ],
        )
    return len(rows)


# --- certificates added by a body -------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateRow:
    """One certificate a body adds (API body or workbook row)."""

    id_number: str
    name: str
    kind: str
    number: str
    occupation_code: str
    issued_on: dt.date | None
    route: str
    level: int | None = None
    title: str = ""
    issuer_name: str = ""
    unit_credit_code: str = ""  # the holder's unit where the certificate counts; empty: the body itself
    row: int | None = None


@dataclass
class RowOutcome:
    row: int
    number: str
    outcome: str  # "registered" | "already"
    certificate_id: int

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


OUTCOME_LABELS = {"registered": "已登记", "already": "已在登记册中（同一证书只登记一次）"}


@dataclass
class Report:
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def registered(self) -> int:
        return sum(1 for r in self.rows if r.outcome == "registered")

    @property
    def already(self) -> int:
        return sum(1 for r in self.rows if r.outcome == "already")


def recording_body(actor: User) -> Organisation:
    """The organisation that adds certificates: an evaluation body's, or an enterprise's (or school's) that
    is filed for recognition; the filing scope is asked row by row (I09)."""
    if not can(actor.role, "certificate.record") or actor.organisation_id is None:
        raise Refusal("只有评价机构或备案的认定单位经办人可以登记证书")
    return Organisation.objects.select_related("region").get(pk=actor.organisation_id)


@transaction.atomic
def certificates_register(
    *, actor: User, rows: Sequence[CertificateRow], today: dt.date | None = None
) -> Report:
    """Certificates a body issued, all or nothing: any bad row refuses the batch with a report by row.
    Each row is checked against the body's filings (I09: occupation, kind and level, in force on the issue
    date, in a region covering the unit's); the holder is registered when new (B01)."""
    today = today or timezone.localdate()
    body = recording_body(actor)
    if not rows:
        raise Refusal("没有可登记的证书", field="证书")
    if len(rows) > MAX_ROWS:
        raise Refusal(f"一次最多登记 {MAX_ROWS} 本证书", field="证书", value=str(len(rows)))
    base_clause = _clause(body.region, today.year, "E02")
    problems: list[Violation] = []
    occupations = {
        o.code: o for o in Occupation.objects.filter(code__in={r.occupation_code.strip() for r in rows})
    }
    codes: dict[str, str] = {}
    for r in rows:
        text = r.unit_credit_code.strip().upper()
        if text:
            try:
                codes[text] = parse_credit_code(text)
            except InvalidCreditCode:
                codes[text] = ""
    units = {
        o.credit_code: o
        for o in Organisation.objects.select_related("region").filter(credit_code__in=set(codes.values()))
    }
    lines = filing_lines(body_ids=[body.pk])
    known = dict(
        Person.objects.filter(id_number__in={r.id_number.strip().upper() for r in rows}).values_list(
            "id_number", "name"
        )
    )
    numbers = {r.number.strip() for r in rows}
    existing = {
        (c.kind, c.number): c
        for c in Certificate.objects.select_for_update().select_related("holder").filter(number__in=numbers)
    }
    checked: list[tuple[int, CertificateRow, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(rows, start=1):
        n = r.row or i

        def bad(column: str, message: str, value: str = "", rule: str = "E02", clause: str = "") -> None:
            problems.append(
                Violation(rule, clause or base_clause, message, field=column, row=n, value=value[:32])  # noqa: B023
            )

        before = len(problems)
        try:
            parsed = parse_id_number(r.id_number)
        except InvalidIdNumber as exc:
            bad("身份证号", exc.message, r.id_number[:4] + "…", "B01", RULE_B01_CLAUSE)
            parsed = None
        name = r.name.strip()
        if not name or len(name) > 32:
            bad("姓名", "请填写持证人姓名（不超过32个字）", name)
        elif parsed is not None and known.get(parsed.number, name) != name:
            bad("姓名", "该身份证号已登记，姓名与登记不一致，请核对", name, "B01", RULE_B01_CLAUSE)
        if r.route not in ADDED_ROUTES:
            bad(
                "取证途径",
                "应为："
                + "、".join(Route(x).label for x in ADDED_ROUTES)
                + "（培训班的证书由评价机构在结业考核结果中录入）",
                r.route,
            )
        elif r.route == Route.ENTERPRISE and body.kind not in ENTERPRISE_KINDS:
            bad(
                "取证途径",
                f"“{Route.ENTERPRISE.label}”只能由企业登记（{body.name}为{body.get_kind_display()}）",
                Route.ENTERPRISE.label,
                "I09",
                _clause(body.region, today.year, "I09"),
            )
        if r.kind not in CertificateKind.values:
            bad("证书类型", "应为：" + "、".join(CertificateKind.labels), r.kind)
        elif r.kind in LEVELLED_KINDS and r.level not in Level.values:
            bad("等级", "职业资格证书、职业技能等级证书须填写等级（1–5）", str(r.level or ""))
        elif r.kind not in LEVELLED_KINDS and r.level is not None:
            bad("等级", f"{CertificateKind(r.kind).label}不分等级，请留空", str(r.level))
        number = r.number.strip()
        if not number or len(number) > 64:
            bad("证书编号", "请填写证书编号（不超过64个字符）", number)
        occupation = occupations.get(r.occupation_code.strip())
        if occupation is None:
            bad("职业编码", "不是2022年版职业分类中的职业编码（如 6-31-01-03）", r.occupation_code)
        if r.issued_on is None:
            bad("发证日期", "请填写发证日期（如 2023-06-30）")
        elif r.issued_on > today:
            bad("发证日期", "发证日期晚于今天", r.issued_on.isoformat())
        unit = body
        code = r.unit_credit_code.strip().upper()
        if code:
            found_unit = units.get(codes.get(code, ""))
            if found_unit is None:
                bad("所属单位统一社会信用代码", "不是已登记机构的统一社会信用代码", code)
            else:
                unit = found_unit
        if len(problems) > before:
            continue
        assert parsed is not None and occupation is not None and r.issued_on is not None
        key = (r.kind, number)
        if key in seen:
            bad("证书编号", f"与第{seen[key]}行是同一证书", number)
            continue
        seen[key] = n
        found = existing.get(key)
        if found is not None:
            if found.holder.id_number != parsed.number:
                bad("证书编号", "该证书编号已登记在他人名下", number)
            else:
                checked.append((n, r, found))
            continue
        level = r.level if r.kind in LEVELLED_KINDS else None
        want = bodies.Wanted(
            occupation_id=occupation.pk,
            occupation_name=occupation.name,
            certificate_kind=r.kind,
            level=level,
            region_path=unit.region.path,
            region_name=unit.region.name,
            day=r.issued_on,
        )
        try:
            profile = profile_for(unit.region, r.issued_on.year)
        except NoProfile as exc:
            bad("所属单位", str(exc), unit.name)
            continue
        refused = bodies.check_body(profile, want, body_id=body.pk, body_name=body.name, lines=lines)
        if refused is not None:  # I09: a body issues only what it is filed for, where it is filed
            bad(bodies.FIELD, refused.message, body.name, refused.rule, refused.clause)
            continue
        checked.append((n, r, (parsed, occupation, unit, level)))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field))
        raise Refusal.from_violations(
            f"共 {len(rows)} 行，其中 {len({p.row for p in problems})} 行有问题，未登记任何证书", problems
        )
    report = Report()
    new: list[tuple[int, Certificate]] = []
    holders: dict[str, Person] = {}
    for n, r, got in checked:
        if isinstance(got, Certificate):
            report.rows.append(RowOutcome(n, got.number, "already", got.pk))
            continue
        parsed, occupation, unit, level = got
        assert r.issued_on is not None  # checked above
        holder = holders.get(parsed.number)
        if holder is None:
            # A holder not yet in the real-name registry is registered from the ID number (B01).
            holder = person_register(actor=actor, id_number=parsed.number, name=r.name, region=unit.region)
            holders[parsed.number] = holder
        elif holder.name != r.name.strip():
            raise Refusal(
                f"第{n}行：同一身份证号的姓名与前面的行不一致",
                field="姓名",
                value=r.name,
                rule="B01",
                clause=RULE_B01_CLAUSE,
            )
        new.append(
            (
                n,
                Certificate(
                    holder=holder,
                    kind=r.kind,
                    number=r.number.strip(),
                    occupation=occupation,
                    title=r.title.strip()[:128],
                    level=level,
                    body=body,
                    issuer_name=(r.issuer_name.strip() or body.name)[:128],
                    issued_on=r.issued_on,
                    route=r.route,
                    region=unit.region,
                    department_id=unit.department_id,
                    unit=unit,
                    recorded_by=actor,
                ),
            )
        )
    Certificate.objects.bulk_create([c for _, c in new])
    for n, c in new:
        report.rows.append(RowOutcome(n, c.number, "registered", c.pk))
    report.rows.sort(key=lambda x: x.row)
    event_record(
        actor=actor,
        action="certificate.registered",
        obj=body,
        from_state="",
        to_state="registered",
        payload={
            "registered": report.registered,
            "already": report.already,
            "routes": sorted({r.route for _, r, _ in checked}),
        },
    )
    return report


# --- the workbook --------------------------------------------------------------------------------------------

TEMPLATE_HEADERS = [
    "身份证号",
    "姓名",
    "取证途径",
    "证书类型",
    "证书编号",
    "职业编码",
    "等级",
    "工种/专项名称",
    "发证日期",
    "发证机构",
    "所属单位统一社会信用代码",
]
ROUTE_BY_LABEL = {label: code for code, label in Route.choices}
KIND_BY_LABEL = {label: code for code, label in CertificateKind.choices}
LEVEL_BY_LABEL: dict[str, int] = {label: value for value, label in Level.choices}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def workbook_read(
    content: bytes, *, clause: Callable[[], str] = lambda: "证书登记模板"
) -> list[CertificateRow]:
    """The template's columns through the one bounded reader; routes, kinds and levels by their Chinese
    labels (codes are read too). An unreadable row refuses the whole file with a report by row."""
    sheet = uploads.xlsx_rows(
        content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what="证书文件"
    )
    if not sheet or [str(c or "").strip() for c in sheet[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field="证书文件")
    out: list[CertificateRow] = []
    problems: list[Violation] = []
    for n, values in enumerate(sheet[1:], start=2):
        cells = [*values, *[None] * len(TEMPLATE_HEADERS)][: len(TEMPLATE_HEADERS)]
        if all(c in (None, "") for c in cells):
            continue
        text = [str(c if c is not None else "").strip() for c in cells]
        level_text = text[6].removesuffix(".0")
        level: int | None
        if not level_text:
            level = None
        elif level_text in LEVEL_BY_LABEL:
            level = LEVEL_BY_LABEL[level_text]
        elif level_text.isdigit():
            level = int(level_text)
        else:
            problems.append(
                Violation(
                    "E02",
                    clause(),
                    "等级应为 1–5 或“四级/中级工”这样的等级名称",
                    field="等级",
                    row=n,
                    value=level_text,
                )
            )
            continue
        issued = _date(cells[8])
        if text[8] and issued is None:
            problems.append(
                Violation(
                    "E02",
                    clause(),
                    "发证日期应为日期（如 2023-06-30）",
                    field="发证日期",
                    row=n,
                    value=text[8],
                )
            )
            continue
        out.append(
            CertificateRow(
                id_number=text[0],
                name=text[1],
                route=ROUTE_BY_LABEL.get(text[2], text[2]),
                kind=KIND_BY_LABEL.get(text[3], text[3]),
                number=text[4],
                occupation_code=text[5],
                level=level,
                title=text[7],
                issued_on=issued,
                issuer_name=text[9],
                unit_credit_code=text[10],
                row=n,
            )
        )
    if problems:
        raise Refusal.from_violations(f"文件中有 {len(problems)} 行无法读取，未登记任何证书", problems)
    return out

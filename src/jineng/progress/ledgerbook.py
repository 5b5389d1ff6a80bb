"""E09 技能培训台账: the trainings no subsidised class records, entered after they end.

An enterprise, an institution, an industry department or the bureau enters each training it ran within
the profile's days of its end (XC23 附件2 备注3: 15 days); an entry made later is kept and counted, with
its days late on the record. Subsidised classes are not entered here: Jineng holds them already, and the
dashboard counts their enrolments. The dashboard's 职业技能培训（人次） adds the ledger's trainees in the
month the training started (jineng.progress.selectors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.accounts.models import User
from jineng.audit.services import event_record
from jineng.catalogue.models import Occupation
from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.roles import Role, can
from jineng.core.scope import scope_of
from jineng.policy import progress as rules
from jineng.policy.violations import Violation
from jineng.progress.models import LedgerEntry, LedgerKind, RecordState
from jineng.progress.selectors import city_path
from jineng.regions.models import Department, Region
from jineng.regions.selectors import NoProfile, profile_for

TEMPLATE_HEADERS = [
    "培训地区",
    "行业主管部门",
    "培训项目",
    "培训类别",
    "培训职业编码",
    "开始日期",
    "结束日期",
    "培训人次",
]
FORMAT = "技能培训台账"
MAX_PERSONS = 100_000  # one training of more is a typing error, not a training


@dataclass(frozen=True)
class LedgerInput:
    region_id: int
    department_id: int | None
    title: str
    kind: str
    occupation_code: str
    start_date: dt.date
    end_date: dt.date
    persons: int


def _scope(actor: User, region: Region, department: Department | None) -> None:
    """Staff enter in their subtree (a department user for its own department); an institution or
    enterprise for trainings it ran in its own city."""
    if not can(actor.role, "trainingbook.record"):
        raise Refusal("您的角色不能录入技能培训台账")
    if actor.role == Role.INSTITUTION:
        org = actor.organisation
        if org is None or not region.path.startswith(city_path(org.region)):
            raise Refusal("只能录入本单位所在市的培训", field="培训地区", value=region.name)
        return
    scope = scope_of(actor)
    if not scope.contains_path(region.path):
        raise Refusal("只能录入本辖区的培训", field="培训地区", value=region.name)
    if scope.is_department and (department is None or department.pk != scope.department_id):
        raise Refusal("行业部门只能录入本部门的培训", field="行业主管部门")


def _checked(actor: User, data: LedgerInput, today: dt.date) -> dict[str, Any]:
    region = Region.objects.filter(pk=data.region_id).first()
    if region is None:
        raise Refusal("培训地区不存在", field="培训地区", value=str(data.region_id))
    department = None
    if data.department_id is not None:
        department = Department.objects.select_related("region").filter(pk=data.department_id).first()
        if department is None or not region.path.startswith(department.region.path):
            raise Refusal("行业主管部门须为培训地区或其上级地区的部门", field="行业主管部门")
    _scope(actor, region, department)
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        raise Refusal("请填写培训项目名称（不超过200字）", field="培训项目", value=title[:20])
    if data.kind not in LedgerKind.values:
        raise Refusal("培训类别应为：" + "、".join(LedgerKind.labels), field="培训类别", value=data.kind)
    occupation = None
    if data.occupation_code.strip():
        occupation = Occupation.objects.filter(code=data.occupation_code.strip()).first()
        if occupation is None:
            raise Refusal(
                "职业编码不在 2022 年版国家职业分类大典中", field="培训职业编码", value=data.occupation_code
            )
    if data.end_date < data.start_date:
        raise Refusal("结束日期早于开始日期", field="结束日期", value=data.end_date.isoformat())
    if data.end_date > today:
        # E09 is about trainings that ended: a planned one is entered when it is over.
        raise Refusal(f"培训尚未结束（{data.end_date:%Y-%m-%d}），结束后录入台账", field="结束日期")
    if not 1 <= data.persons <= MAX_PERSONS:
        raise Refusal(f"培训人次应为 1 至 {MAX_PERSONS}", field="培训人次", value=str(data.persons))
    organisation = actor.organisation if actor.role == Role.INSTITUTION else None
    duplicate = LedgerEntry.objects.filter(
        region=region,
        department=department,
        organisation=organisation,
        title=title,
        start_date=data.start_date,
        end_date=data.end_date,
        state=RecordState.RECORDED,
    )
    if duplicate.exists():
        raise Refusal(
            f"该培训已录入台账（{data.start_date:%Y-%m-%d} 至 {data.end_date:%Y-%m-%d}），不能重复计数",
            field="培训项目",
            value=title,
        )
    try:
        days_late = rules.ledger_days_late(
            profile_for(region, data.end_date.year), ended=data.end_date, entered=today
        )
    except NoProfile:
        days_late = None  # no document governs that year there: nothing to be late for
    return {
        "region": region,
        "department": department,
        "organisation": organisation,
        "title": title,
        "kind": data.kind,
        "occupation": occupation,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "persons": data.persons,
        "entered_on": today,
        "days_late": days_late,
    }


def _create(actor: User, fields: dict[str, Any]) -> LedgerEntry:
    entry = LedgerEntry.objects.create(**fields, recorded_by=actor, recorded_at=timezone.now())
    event_record(
        actor=actor,
        action="ledger_entry.record",
        obj=entry,
        to_state=entry.state,
        payload={
            "title": entry.title,
            "persons": entry.persons,
            "start": entry.start_date.isoformat(),
            "end": entry.end_date.isoformat(),
            "days_late": entry.days_late,
        },
        region_path=entry.region.path,
        department_id=entry.department_id,
        organisation_id=entry.organisation_id,
    )
    return entry


@transaction.atomic
def ledger_entry_record(*, actor: User, data: LedgerInput, today: dt.date | None = None) -> LedgerEntry:
    """E09: enter one finished training; counted at once, its lateness (if any) kept on the row."""
    return _create(actor, _checked(actor, data, today or timezone.localdate()))


@transaction.atomic
def ledger_entries_record(
    *, actor: User, rows: Sequence[tuple[int, LedgerInput]], today: dt.date | None = None
) -> list[LedgerEntry]:
    """Many entries, all or nothing: every row is checked, and any refusal refuses the batch naming each
    row (the xlsx import and the API's list)."""
    today = today or timezone.localdate()
    checked: list[dict[str, Any]] = []
    problems: list[Violation] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row, data in rows:
        try:
            fields = _checked(actor, data, today)
        except Refusal as exc:
            problems.append(
                Violation(
                    exc.rule or "格式",
                    exc.clause or FORMAT,
                    exc.message,
                    field=exc.field,
                    row=row,
                    value=exc.value,
                )
            )
            continue
        key = (fields["region"].pk, fields["title"], fields["start_date"], fields["end_date"])
        if key in seen:
            problems.append(
                Violation(
                    "格式",
                    FORMAT,
                    f"与第{seen[key]}行是同一培训，不能重复计数",
                    field="培训项目",
                    row=row,
                    value=fields["title"],
                )
            )
            continue
        seen[key] = row
        checked.append(fields)
    if problems:
        raise Refusal.from_violations(f"{FORMAT}未录入：{len(problems)} 处问题", problems)
    if not checked:
        raise Refusal("没有可录入的培训", field=FORMAT)
    return [_create(actor, fields) for fields in checked]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def ledger_rows_read(
    content: bytes, *, regions: dict[str, int], departments: dict[str, int]
) -> list[tuple[int, LedgerInput]]:
    """The template's columns through the one bounded reader; region and department by name (as the user
    may choose them), kinds by their Chinese labels."""
    sheet = uploads.xlsx_rows(content, unreadable="无法读取文件：请上传由本页下载的 .xlsx 模板", what=FORMAT)
    if not sheet or [str(c or "").strip() for c in sheet[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS:
        raise Refusal("表头与模板不一致：" + "、".join(TEMPLATE_HEADERS), field=FORMAT)
    kinds = {label: code for code, label in LedgerKind.choices}
    out: list[tuple[int, LedgerInput]] = []
    problems: list[Violation] = []
    for n, values in enumerate(sheet[1:], start=2):
        cells = [*values, *[None] * len(TEMPLATE_HEADERS)][: len(TEMPLATE_HEADERS)]
        if all(c in (None, "") for c in cells):
            continue
        text = [str(c if c is not None else "").strip() for c in cells]

        def bad(column: str, message: str, value: str) -> None:
            problems.append(Violation("格式", FORMAT, message, field=column, row=n, value=value[:20]))  # noqa: B023

        region_id = regions.get(text[0])
        if region_id is None:
            bad("培训地区", "不是您可录入的地区（填写地区名称，如“金水区”）", text[0])
        department_id = departments.get(text[1]) if text[1] else None
        if text[1] and department_id is None:
            bad("行业主管部门", "不是您可选择的部门（填写部门名称，如“市工信局”）", text[1])
        if text[3] not in kinds:
            bad("培训类别", "应为：" + "、".join(kinds), text[3])
        start, end = _date(cells[5]), _date(cells[6])
        if start is None:
            bad("开始日期", "日期格式应为 2023-03-01", text[5])
        if end is None:
            bad("结束日期", "日期格式应为 2023-03-01", text[6])
        try:
            persons = int(float(text[7]))
        except ValueError:
            persons = 0
            bad("培训人次", "应为正整数", text[7])
        if (
            region_id is None
            or start is None
            or end is None
            or text[3] not in kinds
            or (text[1] and department_id is None)
        ):
            continue
        out.append(
            (n, LedgerInput(region_id, department_id, text[2], kinds[text[3]], text[4], start, end, persons))
        )
    if problems:
        raise Refusal.from_violations(f"{FORMAT}未录入：{len(problems)} 处问题", problems)
    return out


@transaction.atomic
def ledger_entry_withdraw(*, actor: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """An entry made by mistake: it stays listed, no longer counted."""
    entry = (
        LedgerEntry.objects.select_for_update(of=("self",))
        .select_related("region", "department")
        .get(pk=entry.pk)
    )
    _scope(actor, entry.region, entry.department)
    if actor.role == Role.INSTITUTION and entry.organisation_id != actor.organisation_id:
        raise Refusal("只能撤回本单位录入的台账")
    if entry.state != RecordState.RECORDED:
        raise Refusal("已撤回，不能再次撤回", field="状态", value=entry.get_state_display())
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise Refusal("请填写撤回原因（不超过200字）", field="撤回原因")
    from_state = entry.state
    entry.state, entry.withdrawn_by = RecordState.WITHDRAWN, actor
    entry.withdrawn_at, entry.withdraw_reason = timezone.now(), reason
    entry.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
    event_record(
        actor=actor,
        action="ledger_entry.withdraw",
        obj=entry,
        from_state=from_state,
        to_state=entry.state,
        payload={"reason": reason},
        region_path=entry.region.path,
        department_id=entry.department_id,
        organisation_id=entry.organisation_id,
    )
    return entry

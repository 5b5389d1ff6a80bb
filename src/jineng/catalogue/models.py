"""The catalogue (目录清单): occupations of the 2022 national classification, the province's list of
subsidised training items, what each institution may train (A11), filed teachers (A15), workstations,
and the filing of online platforms (D01)."""

from __future__ import annotations

import datetime as dt

from django.db import models

from jineng.orgs.models import Organisation
from jineng.regions.models import Region


class Level(models.IntegerChoices):
    FIVE = 5, "五级/初级工"
    FOUR = 4, "四级/中级工"
    THREE = 3, "三级/高级工"
    TWO = 2, "二级/技师"
    ONE = 1, "一级/高级技师"


class CertificateKind(models.TextChoices):
    """E02: the certificates a subsidised training can lead to."""

    QUALIFICATION = "qualification", "职业资格证书"
    SKILL_LEVEL = "skill_level", "职业技能等级证书"
    SPECIAL_OPERATION = "special_operation", "特种作业操作证"
    SPECIAL_EQUIPMENT = "special_equipment", "特种设备作业人员证"
    SPECIAL_ABILITY = "special_ability", "专项职业能力证书"
    COMPLETION = "completion", "培训合格证书"


class SubsidyType(models.TextChoices):
    """补贴类型 of a standards item; codes shared with jineng.policy.standards (FUNDING_SUBSIDY_TYPES)."""

    SKILL_UPGRADE = "skill_upgrade", "岗位技能提升培训"
    EMPLOYMENT = "employment", "就业技能培训"
    ENTREPRENEURSHIP = "entrepreneurship", "创业培训"
    APPRENTICESHIP = "apprenticeship", "企业新型学徒制"
    # 评价补贴: a skill evaluation (鉴定、等级认定、专项能力考核、特种作业考核) priced per certificate, paid by the
    # evaluation programme (jineng.evalsubsidy, jineng.policy.evaluation), never a class's training line.
    EVALUATION = "evaluation", "评价补贴"


# Certificates that carry no level (a 专项职业能力证书 or a 培训合格证书 names no 等级).
LEVELLESS_KINDS = frozenset({CertificateKind.SPECIAL_ABILITY, CertificateKind.COMPLETION})
# Certificates that always name a level.
LEVELLED_KINDS = frozenset({CertificateKind.QUALIFICATION, CertificateKind.SKILL_LEVEL})


class OccupationCategory(models.Model):
    """大类 (level 1), 中类 (level 2), 小类 (level 3) of the 2022 classification."""

    code = models.CharField("编码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=128)
    level = models.PositiveSmallIntegerField("层级", choices=[(1, "大类"), (2, "中类"), (3, "小类")])

    class Meta:
        verbose_name = "职业分类"
        verbose_name_plural = "职业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Occupation(models.Model):
    code = models.CharField("职业编码", max_length=10, unique=True)  # "6-02-06-06"
    name = models.CharField("职业名称", max_length=128, db_index=True)  # without the L / S marks
    definition = models.TextField("定义", blank=True)
    major_code = models.CharField("大类", max_length=1)  # "6"
    middle_code = models.CharField("中类", max_length=4)  # "6-02"
    minor_code = models.CharField("小类", max_length=7)  # "6-02-06"
    is_green = models.BooleanField("绿色职业（L）", default=False)
    is_digital = models.BooleanField("数字职业（S）", default=False)
    # A07 exception: an occupation with its own class-hour rule is exempt from the 40-hour minimum.
    hour_rule = models.PositiveIntegerField("本职业课时规定", null=True, blank=True)
    # A new national occupation (国家公布的新职业) is subsidised from its publication date; None: an
    # occupation of the 2022 classification itself.
    published_on = models.DateField("新职业公布日期", null=True, blank=True)

    class Meta:
        verbose_name = "职业"
        verbose_name_plural = "职业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def marks(self) -> str:
        return "/".join(m for m, on in (("L", self.is_green), ("S", self.is_digital)) if on)


class OccupationCertificate(models.Model):
    """Which certificate kinds (E02) training in an occupation can lead to."""

    occupation = models.ForeignKey(Occupation, models.CASCADE, related_name="certificates")
    kind = models.CharField("证书类型", max_length=24, choices=CertificateKind.choices)

    class Meta:
        verbose_name = "职业可取得证书"
        verbose_name_plural = "职业可取得证书"
        constraints = [
            models.UniqueConstraint(fields=["occupation", "kind"], name="occupation_certificate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} · {self.get_kind_display()}"


class Trade(models.Model):
    """工种 under an occupation (e.g. 焊工 → 电焊工)."""

    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="trades")
    name = models.CharField("工种", max_length=64)

    class Meta:
        verbose_name = "工种"
        verbose_name_plural = "工种"
        ordering = ["occupation__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "name"], name="trade_unique_in_occupation")
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} · {self.name}"


class CatalogueItem(models.Model):
    """One version of one line of a province's (or, ``supplementary``, a city's) 补贴标准目录 for a year:
    occupation × 工种 × level × certificate kind × subsidy type, with the minimum hours and the amount.

    A line is never overwritten: a new amount or minimum is a new version from its ``valid_from``, and
    the previous version ends that day (``valid_to``, the first day it no longer holds). ``sample`` marks
    a table that is not an official one (the demo's): every page and export that shows it says so.
    """

    region = models.ForeignKey(Region, models.PROTECT, related_name="catalogue_items", verbose_name="区域")
    year = models.PositiveSmallIntegerField("年度")
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="catalogue_items")
    trade = models.ForeignKey(Trade, models.PROTECT, null=True, blank=True, related_name="catalogue_items")
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    certificate_kind = models.CharField("证书类型", max_length=24, choices=CertificateKind.choices)
    subsidy_type = models.CharField(
        "补贴类型", max_length=24, choices=SubsidyType.choices, default=SubsidyType.SKILL_UPGRADE
    )
    hours = models.PositiveIntegerField("最低课时")
    subsidy = models.DecimalField("补贴标准（元）", max_digits=10, decimal_places=2)
    version = models.PositiveSmallIntegerField("版本", default=1)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期（当日起不再有效）", null=True, blank=True)
    supplementary = models.BooleanField("市级补充目录", default=False)
    sample = models.BooleanField("示例标准（演示用，非官方）", default=False)

    SAMPLE_MARK = "示例标准（演示用，非官方）"

    class Meta:
        verbose_name = "补贴标准目录项目"
        verbose_name_plural = "补贴标准目录项目"
        ordering = ["region__path", "-year", "occupation__code", "trade__name", "-level", "version"]
        indexes = [models.Index(fields=["region", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "region",
                    "year",
                    "occupation",
                    "trade",
                    "level",
                    "certificate_kind",
                    "subsidy_type",
                    "version",
                ],
                name="catalogue_item_version_unique",
            )
        ]

    def __str__(self) -> str:
        parts = [self.occupation.name]
        if self.trade_id:
            parts.append(self.trade.name)  # type: ignore[union-attr]
        if self.level:
            parts.append(self.get_level_display())
        parts.append(self.get_certificate_kind_display())
        text = " · ".join(parts) + f"（{self.get_subsidy_type_display()}，第{self.version}版）"
        return f"{text} {self.SAMPLE_MARK}" if self.sample else text

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def sample_mark(self) -> str:
        """What every page and export showing this line says of it: the sample mark, or nothing."""
        return self.SAMPLE_MARK if self.sample else ""

    @property
    def validity(self) -> str:
        """ "2023-01-01 起" / "2023-01-01 至 2023-06-30"."""
        if self.valid_to is None:
            return f"{self.valid_from.isoformat()} 起"
        return f"{self.valid_from.isoformat()} 至 {(self.valid_to - dt.timedelta(days=1)).isoformat()}"


class InstitutionOccupation(models.Model):
    """A11: an institution may train an occupation from ``valid_from``; from ``valid_to`` on it may not."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="catalogue_occupations")
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="institutions")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期（当日起不再有效）", null=True, blank=True)

    class Meta:
        verbose_name = "机构培训目录"
        verbose_name_plural = "机构培训目录"
        ordering = ["organisation__name", "occupation__code", "-valid_from"]
        indexes = [models.Index(fields=["organisation", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.occupation.name}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class Teacher(models.Model):
    """A15: the teachers an institution has filed (师资报备)."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="teachers")
    name = models.CharField("姓名", max_length=32)
    id_number = models.CharField("身份证号", max_length=18)
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="teachers")
    full_time = models.BooleanField("专职", default=True)
    filed_on = models.DateField("报备日期", null=True, blank=True)
    active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = "师资"
        verbose_name_plural = "师资"
        ordering = ["organisation__name", "occupation__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number"], name="teacher_unique_in_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Workstation(models.Model):
    """Practical-training workstations (实训工位) of an institution per occupation (A02)."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="workstations")
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="workstations")
    count = models.PositiveIntegerField("工位数")

    class Meta:
        verbose_name = "实训工位"
        verbose_name_plural = "实训工位"
        ordering = ["organisation__name", "occupation__code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "occupation"], name="workstation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.occupation.name}: {self.count}"


class OnlinePlatformFiling(models.Model):
    """D01: an online platform must be catalogue-listed, filed and approved before its classes open."""

    organisation = models.OneToOneField(Organisation, models.PROTECT, related_name="platform_filing")
    platform_listed = models.BooleanField("已列入线上平台目录", default=False)
    platform_filed_on = models.DateField("备案日期", null=True, blank=True)
    platform_approved_on = models.DateField("审核通过日期", null=True, blank=True)

    class Meta:
        verbose_name = "线上培训平台备案"
        verbose_name_plural = "线上培训平台备案"
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    def ready_on(self, day: dt.date) -> bool:
        return (
            self.platform_listed
            and self.platform_filed_on is not None
            and self.platform_approved_on is not None
            and self.platform_filed_on <= day
            and self.platform_approved_on <= day
        )


class EvaluationFiling(models.Model):
    """I09: an evaluation body's filing — its listing in the 评价机构目录, or a 职业技能等级认定备案 (a recognition
    body: an enterprise, a school, a social evaluation organisation) — with what it may assess (its scope
    lines: occupation × certificate kind × level) and the region where it may do so, from ``valid_from``
    until ``valid_to`` (the first day it no longer holds)."""

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", "评价机构目录"
        RECOGNITION = "recognition", "职业技能等级认定备案"

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="evaluation_filings", verbose_name="评价机构"
    )
    kind = models.CharField("备案类别", max_length=16, choices=Kind.choices)
    ref = models.CharField("备案编号", max_length=64)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="evaluation_filings", verbose_name="可开展评价的区域"
    )
    filed_on = models.DateField("备案日期")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期（当日起不再有效）", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评价机构备案"
        verbose_name_plural = "评价机构备案"
        ordering = ["organisation__name", "-valid_from", "id"]
        indexes = [models.Index(fields=["organisation", "valid_from"])]
        constraints = [models.UniqueConstraint(fields=["ref"], name="evaluation_filing_ref_unique")]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.get_kind_display()} {self.ref}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def validity(self) -> str:
        if self.valid_to is None:
            return f"{self.valid_from.isoformat()} 起"
        return f"{self.valid_from.isoformat()} 至 {(self.valid_to - dt.timedelta(days=1)).isoformat()}"


class EvaluationScope(models.Model):
    """One line of a filing's scope: an occupation, a certificate kind and a level (none for the kinds that
    carry no level)."""

    filing = models.ForeignKey(EvaluationFiling, models.CASCADE, related_name="scope")
    occupation = models.ForeignKey(Occupation, models.PROTECT, related_name="evaluation_scope")
    certificate_kind = models.CharField("证书类型", max_length=24, choices=CertificateKind.choices)
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)

    class Meta:
        verbose_name = "评价机构备案范围"
        verbose_name_plural = "评价机构备案范围"
        ordering = ["filing_id", "occupation__code", "certificate_kind", "-level"]
        indexes = [models.Index(fields=["occupation", "certificate_kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "occupation", "certificate_kind", "level"], name="evaluation_scope_unique"
            )
        ]

    def __str__(self) -> str:
        level = f"（{self.get_level_display()}）" if self.level else ""
        return f"{self.occupation.name}{level} {self.get_certificate_kind_display()}"

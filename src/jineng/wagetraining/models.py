"""以工代训 (XC19 二(三)1; rules F03, J04, B08): an enterprise declares the employees of the groups the
document names and claims their months. No class, teachers, inspections or exam: the money goes through
the one claim pipeline (``claims.sourced``), one claim per declaration and month."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.claims.models import Claim
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy.profiles import YIGONG_GROUPS
from jineng.regions.models import Department, Region

PROGRAMME = "yigong"  # claims.programmes code, registered in apps.ready()


class DeclarationState(models.TextChoices):
    OPEN = "open", "申报中"
    CLOSED = "closed", "已终止"


class Group(models.TextChoices):
    """J04: the groups a declaration may name (policy.profiles.YIGONG_GROUPS); a profile says which it pays."""

    POOR_LABOUR = "poor_labour", "贫困劳动力"
    HARD_TO_EMPLOY = "hard_to_employ", "就业困难人员"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family", "零就业家庭成员"


assert dict(Group.choices) == YIGONG_GROUPS, "the groups are the policy's"


class Declaration(models.Model):
    """以工代训申报: one enterprise, one year (its region's profile for that year is frozen at creation)."""

    ref = models.CharField("申报编号", max_length=32, unique=True)
    enterprise = models.ForeignKey(
        Organisation, models.PROTECT, related_name="yigong_declarations", verbose_name="申报企业"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="所在区域")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="行业主管部门")
    year = models.PositiveSmallIntegerField("申报年度")
    # J04 参保企业: the enterprise's social-insurance registration, its evidence.
    insured = models.BooleanField("企业已参加社会保险")
    insurance_number = models.CharField("单位社保登记号", max_length=32, blank=True)
    insured_since = models.DateField("参保起始日期", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=DeclarationState.choices, default=DeclarationState.OPEN
    )
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("政策档案版本")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申报人"
    )
    created_on = models.DateField("申报日期")
    closed_on = models.DateField("终止日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "以工代训申报"
        verbose_name_plural = "以工代训申报"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["enterprise", "year"])]

    def __str__(self) -> str:
        return f"以工代训申报 {self.ref}"

    def audit_scope(self) -> EventScope:
        """Seen by its region, its department and the enterprise."""
        return EventScope(self.region.path, self.department_id, self.enterprise_id)


class Employee(models.Model):
    """以工代训人员: a real-name person the enterprise employs, of a group the document names."""

    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="employees", verbose_name="申报"
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="yigong_employments", verbose_name="人员")
    row = models.PositiveIntegerField("序号")
    group = models.CharField("人员类别", max_length=32, choices=Group.choices)
    hired_on = models.DateField("入职日期")
    left_on = models.DateField("离职日期", null=True, blank=True)
    post = models.CharField("岗位", max_length=64, blank=True)

    class Meta:
        verbose_name = "以工代训人员"
        verbose_name_plural = "以工代训人员"
        ordering = ["declaration", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "person"], name="yigong_employee_once_per_declaration"
            )
        ]
        indexes = [models.Index(fields=["person"], name="yigong_employee_person")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_group_display()}）"


class MonthClaim(models.Model):
    """One month claimed for a declaration: the claim the pipeline made, and what the enterprise did."""

    declaration = models.ForeignKey(Declaration, models.PROTECT, related_name="months", verbose_name="申报")
    month = models.DateField("申领月份")  # the month's first day
    claim = models.OneToOneField(Claim, models.PROTECT, related_name="yigong_month", verbose_name="补贴申领")
    activity = models.CharField("以工代训开展情况", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申领人"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "以工代训月度申领"
        verbose_name_plural = "以工代训月度申领"
        ordering = ["declaration", "month", "id"]
        indexes = [models.Index(fields=["declaration", "month"])]

    def __str__(self) -> str:
        return f"{self.declaration.ref} {self.month:%Y-%m}"

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

"""A subsidised class exists only as a row here: applied for, reviewed and opened in the system (A10).

The application carries every field of the 附件2 (ZZ21/HC21) / 附件3 (XC23) form. The policy profile in
force is frozen on the class at submission, so a later profile version does not re-judge it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jineng.audit.scope import EventScope
from jineng.catalogue.models import CertificateKind, Level
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.policy.profiles import TRAINEE_GROUPS
from jineng.regions.models import Department, Region


class Mode(models.TextChoices):
    """拟培训方式 of the form."""

    ENTERPRISE_SELF = "enterprise_self", "企业自主培训"
    COMMISSIONED = "commissioned", "委托培训"
    PROJECT = "project", "项目制培训"
    INSTITUTION = "institution", "培训机构面向社会开班"


class Delivery(models.TextChoices):
    OFFLINE = "offline", "线下"
    BLENDED = "blended", "线上+线下"
    ONLINE = "online", "纯线上"


class FundingType(models.TextChoices):
    # Codes shared with jineng.policy.training (B07, B08, A08/A09 read them).
    NEW_HIRE = "new_hire", "新录用人员岗前培训"
    ON_JOB = "on_job", "在岗职工技能提升培训"
    OFF_JOB = "off_job", "脱产培训"
    APPRENTICESHIP = "apprenticeship", "企业新型学徒制"
    YIGONG = "yigong", "以工代训"
    ENTREPRENEURSHIP = "entrepreneurship", "创业培训"
    EMPLOYMENT = "employment", "就业技能培训"


class ClassState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待行业部门审核"
    DEPT_REVIEWED = "dept_reviewed", "待人社部门审核"
    APPROVED = "approved", "已批准待开班"
    IN_TRAINING = "in_training", "培训中"
    ENDED = "ended", "已结业待考核申请"
    ASSESSMENT_APPLIED = "assessment_applied", "已申请考核"
    ASSESSED = "assessed", "已考核"
    CLOSED = "closed", "已办结"
    RETURNED = "returned", "已退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    CANCELLED = "cancelled", "已取消"


EDITABLE_STATES = frozenset({ClassState.DRAFT, ClassState.RETURNED})
UNDER_REVIEW_STATES = frozenset({ClassState.SUBMITTED, ClassState.DEPT_REVIEWED})


class TrainingClass(models.Model):
    ref = models.CharField("开班编号", max_length=32, unique=True)
    institution = models.ForeignKey(
        Organisation, models.PROTECT, related_name="classes", verbose_name="培训机构"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="classes", verbose_name="培训地点所在区域"
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="classes", verbose_name="行业主管部门"
    )
    year = models.PositiveSmallIntegerField("年度")
    profile_code = models.CharField("政策档案", max_length=16, blank=True)
    profile_version = models.PositiveSmallIntegerField("档案版本", null=True, blank=True)
    state = models.CharField("状态", max_length=24, choices=ClassState.choices, default=ClassState.DRAFT)

    # 机构与账户
    contact_name = models.CharField("联系人", max_length=32)
    contact_phone = models.CharField("联系电话", max_length=20)
    bank_name = models.CharField("开户银行", max_length=64)
    bank_account = models.CharField("银行账号", max_length=32)

    # 开班申请
    batch = models.CharField("开班批次", max_length=32)
    start_date = models.DateField("开班日期")
    end_date = models.DateField("结业日期")
    occupation = models.ForeignKey(
        "catalogue.Occupation", models.PROTECT, related_name="classes", verbose_name="培训职业"
    )
    trade = models.ForeignKey(
        "catalogue.Trade", models.PROTECT, null=True, blank=True, related_name="classes", verbose_name="工种"
    )
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True, choices=Level.choices)
    target_certificate = models.CharField("拟取得证书", max_length=24, choices=CertificateKind.choices)
    # F02: the 补贴标准目录 line the class trains for (its version at application; a claim is priced by
    # the version in force on the start date). None: priced by the document's own amount, or refused.
    catalogue_item = models.ForeignKey(
        "catalogue.CatalogueItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
        verbose_name="补贴标准目录项目",
    )
    planned_trainees = models.PositiveIntegerField("拟培训人数")
    total_hours = models.PositiveIntegerField("总课时")
    theory_hours = models.PositiveIntegerField("理论课时")
    practical_hours = models.PositiveIntegerField("实操课时")
    minutes_per_hour = models.PositiveSmallIntegerField("每课时分钟数")
    online_hours = models.PositiveIntegerField("线上理论课时", default=0)
    offline_practical_hours = models.PositiveIntegerField("线下实训课时", default=0)
    mode = models.CharField("培训方式", max_length=24, choices=Mode.choices)
    delivery = models.CharField("授课形式", max_length=16, choices=Delivery.choices, default=Delivery.OFFLINE)
    funding_type = models.CharField("补贴类别", max_length=24, choices=FundingType.choices)
    # J03: the profile's special programme (专项培训计划) the class counts towards; its name comes from the
    # class's profile (policy.profiles.SpecialProgramme), so the code alone is stored.
    # db_default: rows written raw (COPY in the benches, bulk loads) need not name the column.
    programme = models.CharField("专项培训计划", max_length=32, blank=True, default="", db_default="")
    enterprise = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioned_classes",
        verbose_name="委托/学徒企业",
    )
    online_platform = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="platform_classes",
        verbose_name="线上平台",
    )
    teachers = models.ManyToManyField("catalogue.Teacher", related_name="classes", verbose_name="授课教师")
    workstations = models.PositiveIntegerField("工位数")
    cross_city_approved = models.BooleanField("跨市培训已获批准", default=False)
    venue = models.CharField("培训地点", max_length=200)

    # Incremented at each submission: a return for revision starts a new round of signatures (F09).
    review_round = models.PositiveSmallIntegerField("审核轮次", default=0)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    review_due = models.DateField("当前审核期限", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    return_comment = models.TextField("退回意见", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "review_due"]),
            models.Index(fields=["institution", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {(self.occupation_id and self.occupation.name) or ''}"

    def audit_scope(self) -> EventScope:
        """A class's events, and those of its enrolments, checks and assessments, are seen by its
        region, its department and its institution."""
        return EventScope(self.region.path, self.department_id, self.institution_id)


class ReviewStage(models.TextChoices):
    DEPT = "dept", "行业主管部门"
    HR = "hr", "人力资源社会保障部门"


class ReviewStep(models.TextChoices):
    FIRST = "first", "初审"
    SECOND = "second", "复核"


class Decision(models.TextChoices):
    PASS = "pass", "通过"
    RETURN = "return", "退回修改"


class ClassReview(models.Model):
    """One signature on the form's 初审人 / 复核人 line (F09). Append-only, like the trail."""

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="reviews")
    stage = models.CharField("审核环节", max_length=8, choices=ReviewStage.choices)
    step = models.CharField("审核步骤", max_length=8, choices=ReviewStep.choices)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="class_reviews")
    decision = models.CharField("审核结论", max_length=8, choices=Decision.choices)
    comment = models.TextField("审核意见", blank=True)
    # When the reviewer signed: now, or the day of the act where the service is told it (a back-dated
    # record); the printed form dates the signature with it.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "开班审核"
        verbose_name_plural = "开班审核"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "round", "stage", "step"], name="one_signature_per_step_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"开班审核 {self.get_stage_display()}{self.get_step_display()}（第 {self.round} 轮）"


class Enrolment(models.Model):
    """One roster (花名册) row: a person in a class, with the answers the B-rules judge."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", "在册"
        WITHDRAWN = "withdrawn", "退出"

    # No index of their own: one_enrolment_per_class (training_class, person) and the (person,
    # training_class) index below serve every lookup by either, and each extra index is written for
    # every roster row.
    training_class = models.ForeignKey(
        TrainingClass, models.CASCADE, related_name="enrolments", db_index=False
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="enrolments", db_index=False)
    row = models.PositiveIntegerField("花名册行号")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ENROLLED)
    phone = models.CharField("手机号", max_length=20, blank=True)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    is_employee = models.BooleanField("企业职工", default=False)
    post_occupation = models.CharField("现岗位职业编码", max_length=16, blank=True)
    is_transfer = models.BooleanField("转岗", default=False)
    previous_post_occupation = models.CharField("原岗位职业编码", max_length=16, blank=True)
    hired_on = models.DateField("入职日期", null=True, blank=True)
    is_student = models.BooleanField("在校生", default=False)
    school = models.CharField("就读学校", max_length=128, blank=True)
    major_occupation = models.CharField("在读专业对应职业编码", max_length=16, blank=True)
    is_graduating_year = models.BooleanField("毕业年度学生", default=False)
    wants_training = models.BooleanField("有培训意愿", null=True)
    wants_work = models.BooleanField("有就业意愿", null=True)
    able_to_work = models.BooleanField("有劳动能力", null=True)
    # J01–J03: who the trainee is (policy.profiles.TRAINEE_GROUPS) and the facts the group's rules read.
    group = models.CharField(
        "人员类别", max_length=32, choices=list(TRAINEE_GROUPS.items()), blank=True, default="", db_default=""
    )
    place_code = models.CharField("常住地或求职就业地", max_length=6, blank=True, default="", db_default="")
    sentence_ends_on = models.DateField("刑期届满日期", null=True, blank=True)
    trained_in_sentence = models.BooleanField("服刑期间参加过职业技能培训", null=True)
    held_level = models.PositiveSmallIntegerField(
        "本职业现持有等级", null=True, blank=True, choices=Level.choices
    )
    # Who confirmed the declared group against the real-name registry's data, and when (J03).
    group_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    group_confirmed_at = models.DateTimeField("人员类别核实时间", null=True, blank=True)
    # Set when the class is assessed: the B03 clock starts here.
    assessed_on = models.DateField("考核日期", null=True, blank=True)

    class Meta:
        verbose_name = "学员"
        verbose_name_plural = "花名册"
        ordering = ["training_class", "row"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="one_enrolment_per_class")
        ]
        indexes = [models.Index(fields=["person", "training_class"])]

    def __str__(self) -> str:
        return f"花名册第 {self.row} 行"


class RosterJob(models.Model):
    """A roster upload checked in the background: progress for the page, the report when refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "检查中"
        ACCEPTED = "accepted", "已导入"
        REFUSED = "refused", "未通过检查"
        FAILED = "failed", "已失败"

    training_class = models.ForeignKey(TrainingClass, models.CASCADE, related_name="roster_jobs")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("文件内容")
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已检查行数", default=0)
    bad_rows = models.PositiveIntegerField("问题行数", default=0)
    report = models.JSONField("问题清单", default=list)
    message = models.TextField("结果说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of the run that holds the job: each run that takes it counts one more (its token), and
    # renews heartbeat_at as it goes. A job left 检查中 by a process that died has a stale heartbeat, and
    # the next delivery of its task (the outbox watchdog sends it again) takes it over.
    runs = models.PositiveIntegerField("检查次数", default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "花名册导入"
        verbose_name_plural = "花名册导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"花名册导入 {self.filename}"

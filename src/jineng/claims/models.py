"""补贴资金申领: the last block of the 附件2 / 附件3 form, made real.

A claim is for one assessed class; its lines are computed by jineng.policy.subsidy from what the system
recorded (roster, results, supervision), never typed in. The profile in force is frozen at submission.
Each review step has two signatures (F09); between the department and the bureau the list is on public
notice (F08); payment goes through a batch and the ledger, once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.audit.scope import EventScope
from jineng.claims.programmes import programme_label, programme_registered
from jineng.core.templatetags.jineng import yuan
from jineng.orgs.models import Organisation
from jineng.people.models import Person
from jineng.regions.models import Department, Region
from jineng.training.models import TrainingClass


class ClaimState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待行业部门审核"
    IN_NOTICE = "in_notice", "公示中"
    NOTICE_CLOSED = "notice_closed", "公示结束待人社审核"
    HR_REVIEWED = "hr_reviewed", "待财政审核"
    APPROVED = "approved", "已核准待拨付"
    IN_BATCH = "in_batch", "拨付批次中"
    PAID = "paid", "已拨付"
    RETURNED = "returned", "已退回修改"
    WITHDRAWN = "withdrawn", "已撤回"


LIVE_STATES = frozenset(
    {
        ClaimState.DRAFT,
        ClaimState.SUBMITTED,
        ClaimState.IN_NOTICE,
        ClaimState.NOTICE_CLOSED,
        ClaimState.HR_REVIEWED,
        ClaimState.APPROVED,
        ClaimState.IN_BATCH,
        ClaimState.PAID,
        ClaimState.RETURNED,
    }
)


class ApplicantKind(models.TextChoices):
    INSTITUTION = "institution", "培训机构"
    ENTERPRISE = "enterprise", "企业"
    # 评价机构 (XC23 附件3): an evaluation body claims the evaluation subsidy of the certificates it issued.
    EVALUATION_BODY = "evaluation_body", "评价机构"
    INDIVIDUAL = "individual", "个人"


class Claim(models.Model):
    # Unique by a constraint rather than unique=True, which on PostgreSQL adds a LIKE index (nothing
    # here searches by prefix: the list's search is icontains); the region is indexed by (region, state).
    ref = models.CharField("申领编号", max_length=32)
    # What the claim pays for: a programme (claims.programmes) and its source object there — a training
    # class, a 以工代训 month, an equipment grant, a voucher… The pipeline below knows the source only by
    # its id, reference, title and period; the class is kept as a key for the class programme, whose
    # lines the bulk path judges from the roster.
    programme = models.CharField("补贴项目", max_length=24, default="training", db_default="training")
    source_id = models.BigIntegerField("来源编号", null=True, blank=True)
    source_ref = models.CharField("来源单号", max_length=32, blank=True, default="", db_default="")
    title = models.CharField("申领事项", max_length=128, blank=True, default="", db_default="")
    period_start = models.DateField("补贴期间起", null=True, blank=True)
    period_end = models.DateField("补贴期间止", null=True, blank=True)
    training_class = models.ForeignKey(
        TrainingClass, models.PROTECT, null=True, blank=True, related_name="claims", verbose_name="培训班"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="claims", verbose_name="区域", db_index=False
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="claims", verbose_name="行业主管部门"
    )
    applicant_kind = models.CharField("申请人类别", max_length=16, choices=ApplicantKind.choices)
    # The payee: an organisation (institution or enterprise) or, for an individual claim, a person.
    payee_organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="claims", verbose_name="收款单位"
    )
    payee_person = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="claims", verbose_name="收款人"
    )
    bank_name = models.CharField("开户银行", max_length=64)
    bank_account = models.CharField("银行账号", max_length=32)
    state = models.CharField("状态", max_length=16, choices=ClaimState.choices, default=ClaimState.DRAFT)
    profile_code = models.CharField("政策档案", max_length=16, blank=True)
    profile_version = models.PositiveSmallIntegerField("档案版本", null=True, blank=True)

    headcount = models.PositiveIntegerField("申请补贴人数", default=0)
    amount = models.DecimalField("申请补贴资金（元）", max_digits=14, decimal_places=2, default=0)
    # Class-level forfeits and the F04 settlement, as computed; shown with the lines.
    computation = models.JSONField("计算说明", default=dict)

    pledge_signed_by = models.CharField("申请承诺人", max_length=32, blank=True)
    pledge_signed_at = models.DateTimeField("承诺时间", null=True, blank=True)
    submitted_on = models.DateField("受理日期", null=True, blank=True)
    review_round = models.PositiveSmallIntegerField("审核轮次", default=0)
    review_due = models.DateField("当前审核期限", null=True, blank=True)
    return_comment = models.TextField("退回意见", blank=True)

    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    approved_at = models.DateTimeField("核准时间", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "补贴申领"
        verbose_name_plural = "补贴申领"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "review_due"]), models.Index(fields=["region", "state"])]
        constraints = [models.UniqueConstraint(fields=["ref"], name="claims_claim_ref_unique")]

    def __str__(self) -> str:
        return self.ref

    def audit_scope(self) -> EventScope:
        """A claim's events are seen by its region, its department and the organisation it pays."""
        return EventScope(self.region.path, self.department_id, self.payee_organisation_id)

    @property
    def programme_label(self) -> str:
        return programme_label(self.programme)

    @property
    def source_url(self) -> str:
        """The page of what the claim pays for, where the programme has one."""
        found = programme_registered(self.programme)
        return found.source_url(self.source_id) if found and found.source_url and self.source_id else ""

    @property
    def payee(self) -> Organisation | Person:
        """Who is paid: the organisation, or for an individual claim the person."""
        if self.payee_organisation_id:
            return self.payee_organisation  # type: ignore[return-value]
        return self.payee_person  # type: ignore[return-value]

    @property
    def payee_name(self) -> str:
        if self.payee_organisation_id:
            return self.payee_organisation.name  # type: ignore[union-attr]
        return self.payee_person.name if self.payee_person_id else ""  # type: ignore[union-attr]


class ClaimLine(models.Model):
    """One trainee's entitlement, with how it was computed and the rules it rests on."""

    class Status(models.TextChoices):
        PAYABLE = "payable", "予以补贴"
        EXCLUDED = "excluded", "不予补贴"

    # No database key to the claim: lines are written only by claims.bulk.claims_create_bulk, which takes
    # each line's claim id from the claims it inserts in the same statement group and transaction, so the
    # key could never fail — and checking it a million times at commit cost a tenth of claiming a million
    # lines. Deleting a claim still deletes its lines (CASCADE, in the ORM).
    claim = models.ForeignKey(Claim, models.CASCADE, related_name="lines", db_constraint=False)
    # The line is an enrolment's: written only by claims.bulk from the roster it has just read, its class
    # locked. On PostgreSQL a trigger on training_enrolment (migration 0007) refuses removing or re-keying
    # an enrolment whose trainee has a line — the guard a key (training_class, person) → enrolment gave
    # (0003) without its check of every line at commit, which locked each enrolment row and cost a seventh
    # of claiming a million lines. Deleting a class or a person with lines is refused here (PROTECT).
    # Not indexed whole: lines are looked up by person only for the refused ones (a trainee's history for
    # B02/B08, claims.entitle), which the partial index below serves — a tenth of the entries to keep up
    # at every COPY, and a probe per person instead of a scan of every line as the table grows.
    # No person on a line that pays an organisation for itself (an equipment grant, F05).
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_lines",
        db_constraint=False,
        db_index=False,
    )
    training_class = models.ForeignKey(
        TrainingClass, models.PROTECT, null=True, blank=True, related_name="claim_lines", db_constraint=False
    )
    # Lines of other programmes than classes: what the line pays for (a month, an item), and the key
    # that holds it once while live — e.g. "yigong:<declaration>:<person>:<month>". Class lines leave both
    # empty (the database's default: the bulk COPY does not name them) and are held once by the
    # (class, person) constraint.
    label = models.CharField("补贴事项", max_length=64, blank=True, default="", db_default="")
    line_key = models.CharField("明细键", max_length=96, blank=True, default="", db_default="")
    row = models.PositiveIntegerField("序号")
    status = models.CharField("结论", max_length=12, choices=Status.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    rule_ids = models.CharField("依据规则", max_length=64)
    computation = models.TextField("计算过程")
    reasons = models.JSONField("不予补贴原因", default=list)
    # A trainee's line is claimed once: a live claim holds it (F02, and no double claim for one person).
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = "申领明细"
        verbose_name_plural = "申领明细"
        ordering = ["claim", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"],
                condition=models.Q(live=True),
                name="one_live_claim_line_per_trainee_and_class",
            ),
            models.UniqueConstraint(
                fields=["line_key"],
                condition=models.Q(live=True) & ~models.Q(line_key=""),
                name="one_live_claim_line_per_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person"], condition=models.Q(status="excluded"), name="claimline_refused_by_person"
            ),
            # The lines of programmes other than classes, by person (claims.entitle: B08 across
            # programmes): class lines — the millions — keep out of it.
            models.Index(
                fields=["person"],
                condition=models.Q(training_class__isnull=True),
                name="claimline_other_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"申领明细第 {self.row} 行"


class ClaimStage(models.TextChoices):
    DEPT = "dept", "行业主管部门审核"
    HR = "hr", "人力资源社会保障部门审核"
    FINANCE = "finance", "财政部门审核"


class ClaimStep(models.TextChoices):
    FIRST = "first", "初审"
    SECOND = "second", "复核"


class ClaimDecision(models.TextChoices):
    PASS = "pass", "通过"
    RETURN = "return", "退回修改"


class ClaimReview(models.Model):
    """One signature (初审人 / 复核人, F09). Append-only."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="reviews")
    stage = models.CharField("环节", max_length=8, choices=ClaimStage.choices)
    step = models.CharField("步骤", max_length=8, choices=ClaimStep.choices)
    round = models.PositiveSmallIntegerField("轮次")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="claim_reviews")
    decision = models.CharField("结论", max_length=8, choices=ClaimDecision.choices)
    comment = models.TextField("意见", blank=True)
    on = models.DateField("审核日期")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申领审核"
        verbose_name_plural = "申领审核"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "round", "stage", "step"], name="one_claim_signature_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"申领审核 {self.get_stage_display()}{self.get_step_display()}（第 {self.round} 轮）"


class Objection(models.Model):
    """An objection to a notice (F08), from anyone, with no login; staff resolve it before the claim moves on."""

    class Outcome(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "异议不成立"
        UPHELD = "upheld", "异议成立，已核减"

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="objections")
    line = models.ForeignKey(ClaimLine, models.PROTECT, null=True, blank=True, related_name="objections")
    name = models.CharField("异议人", max_length=32)
    contact = models.CharField("联系方式", max_length=64)
    text = models.TextField("异议内容")
    received_on = models.DateField("收到日期")
    outcome = models.CharField("处理结果", max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    resolution = models.TextField("处理情况", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_on = models.DateField("处理日期", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"公示异议（{self.received_on:%Y-%m-%d} 收到，{self.get_outcome_display()}）"


class PaymentBatch(models.Model):
    """A disbursement batch of one region's cycle (F11 weekly / F12 monthly): built by the bureau, sent to
    finance, paid from the fund sources in F13 order, confirmed by the bank reference."""

    class State(models.TextChoices):
        OPEN = "open", "汇总中"
        SENT = "sent", "已送财政"
        PAID = "paid", "已拨付"

    ref = models.CharField("批次编号", max_length=32, unique=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="payment_batches")
    cycle = models.CharField("拨付周期", max_length=16)
    period_start = models.DateField("周期开始")
    collect_on = models.DateField("收交审核日")
    send_on = models.DateField("送财政日")
    pay_on = models.DateField("拨付日")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    bank_reference = models.CharField("银行回单号", max_length=64, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "拨付批次"
        verbose_name_plural = "拨付批次"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cycle", "period_start"], name="one_batch_per_region_period"
            )
        ]

    def __str__(self) -> str:
        return f"拨付批次 {self.ref}"


class BatchItem(models.Model):
    batch = models.ForeignKey(PaymentBatch, models.PROTECT, related_name="items")
    # A claim is in one batch, ever: the database refuses a second row (paid exactly once).
    claim = models.OneToOneField(Claim, models.PROTECT, related_name="batch_item")
    # What the bank pays: the claim's amount less the F04 prepayment settled and the F14 receivables offset.
    amount = models.DecimalField("拨付金额（元）", max_digits=14, decimal_places=2)
    prepaid = models.DecimalField("预拨抵减（元，F04）", max_digits=14, decimal_places=2, default=0)
    offset = models.DecimalField("应收抵扣（元，F14）", max_digits=14, decimal_places=2, default=0)
    funds = models.JSONField("资金来源", default=list)
    journal_entry_id = models.BigIntegerField("记账凭证", null=True, blank=True)

    class Meta:
        verbose_name = "拨付明细"
        verbose_name_plural = "拨付明细"
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"拨付明细（{yuan(self.amount)} 元）"


class PrepaymentState(models.TextChoices):
    REQUESTED = "requested", "待人社初审"
    FIRST_SIGNED = "first_signed", "待人社复核"
    APPROVED = "approved", "已核准待财政预拨"
    PAID = "paid", "已预拨"
    SETTLED = "settled", "已清算"
    REJECTED = "rejected", "未予核准"
    # F04: the bureau cancelled the class. Not yet paid: closed. Paid: the whole prepayment is owed back
    # (a receivable of the institution, F14).
    CLOSED = "closed", "班级已取消，不再预拨"
    RECALLED = "recalled", "班级已取消，预拨款转应退回"


LIVE_PREPAYMENT_STATES = (
    PrepaymentState.REQUESTED,
    PrepaymentState.FIRST_SIGNED,
    PrepaymentState.APPROVED,
    PrepaymentState.PAID,
    PrepaymentState.SETTLED,
)


class Prepayment(models.Model):
    """F04: part of a project-based (项目制) class's subsidy advanced before the class is claimed; settled
    against the claim's final amount when the claim's batch is paid."""

    ref = models.CharField("预拨编号", max_length=32, unique=True)
    training_class = models.ForeignKey(
        TrainingClass, models.PROTECT, related_name="prepayments", verbose_name="培训班"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="prepayments", verbose_name="区域")
    institution = models.ForeignKey(
        Organisation, models.PROTECT, related_name="prepayments", verbose_name="收款机构"
    )
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("档案版本")
    basis = models.DecimalField("预计补贴（元）", max_digits=14, decimal_places=2)
    share = models.DecimalField("预拨比例", max_digits=5, decimal_places=4)
    amount = models.DecimalField("预拨金额（元）", max_digits=14, decimal_places=2)
    computation = models.TextField("计算说明")
    state = models.CharField(
        "状态", max_length=16, choices=PrepaymentState.choices, default=PrepaymentState.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_on = models.DateField("申请日期")
    first_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_on = models.DateField("初审日期", null=True, blank=True)
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_on = models.DateField("复核日期", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)
    paid_on = models.DateField("预拨日期", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    funds = models.JSONField("资金来源", default=list)
    journal_entry_id = models.BigIntegerField("预拨凭证", null=True, blank=True)
    settled_claim = models.ForeignKey(
        "Claim", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="清算申领"
    )
    settled_on = models.DateField("清算日期", null=True, blank=True)
    settled_final = models.DecimalField(
        "核定补贴（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    settled_excess = models.DecimalField("超出核定应退（元）", max_digits=14, decimal_places=2, default=0)
    settle_entry_id = models.BigIntegerField("清算凭证", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目制预拨"
        verbose_name_plural = "项目制预拨"
        ordering = ["-requested_on", "-id"]
        constraints = [
            # One live prepayment per class: a second request while one stands is refused by the database.
            models.UniqueConstraint(
                fields=["training_class"],
                condition=models.Q(state__in=[str(s) for s in LIVE_PREPAYMENT_STATES]),
                name="one_live_prepayment_per_class",
            )
        ]

    def __str__(self) -> str:
        return self.ref

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, None, self.institution_id)


class ProjectStop(models.Model):
    """F04 (where the profile allows it): the bureau stops an institution's 项目制 training — no more
    prepayments — when its project-based classes did not reach the expected effect, attendance or
    completion. The figures the decision rested on are kept with it; a stop is lifted, never deleted."""

    institution = models.ForeignKey(
        Organisation, models.PROTECT, related_name="project_stops", verbose_name="培训机构"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="决定区域")
    profile_code = models.CharField("政策档案", max_length=16)
    profile_version = models.PositiveSmallIntegerField("档案版本")
    reason = models.TextField("停止原因")
    figures = models.JSONField("培训效果数据", default=dict)
    stopped_on = models.DateField("停止日期")
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    lifted_on = models.DateField("恢复日期", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField("恢复原因", blank=True)

    class Meta:
        verbose_name = "项目制资格停止"
        verbose_name_plural = "项目制资格停止"
        ordering = ["-stopped_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(lifted_on__isnull=True),
                name="one_open_project_stop",
            )
        ]

    def __str__(self) -> str:
        return f"项目制资格停止（{self.stopped_on:%Y-%m-%d}）"

    def audit_scope(self) -> EventScope:
        return EventScope(self.region.path, None, self.institution_id)


class ClaimRun(models.Model):
    """Thousands of classes claimed, or thousands of claims signed, in the background (申领批处理).

    The ids are cut into chunks that Celery workers take side by side; each chunk is one call of
    ``claims.bulk`` — all or nothing, as a batch on the page — and records its own outcome in the same
    transaction, so a chunk delivered twice is done once. A refused chunk names the class or claim and
    the rule; the others go through. The run's progress is counted from its chunks."""

    class Kind(models.TextChoices):
        CREATE = "create", "批量申领"
        REVIEW = "review", "批量签署"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="claim_runs")
    decision = models.CharField("审核结论", max_length=8, choices=ClaimDecision.choices, blank=True)
    comment = models.TextField("审核意见", blank=True)
    on = models.DateField("办理日期")
    items = models.PositiveIntegerField("培训班或申领数")
    chunk_size = models.PositiveIntegerField("每批数量")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申领批处理"
        verbose_name_plural = "申领批处理"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def audit_scope(self) -> EventScope:
        """A run's trail, and its chunks', is seen where its starter is: the claims it makes or signs
        carry their own events, scoped as claims."""
        return self.actor.audit_scope()


class ClaimRunChunk(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待处理"
        DONE = "done", "已完成"
        REFUSED = "refused", "未通过"

    run = models.ForeignKey(ClaimRun, models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField("批次序号")
    ids = models.JSONField("培训班或申领 id")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.PENDING)
    claims = models.PositiveIntegerField("申领笔数", default=0)
    message = models.TextField("未通过原因", blank=True)
    details = models.JSONField("未通过明细", default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "申领批处理分批"
        verbose_name_plural = "申领批处理分批"
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="one_chunk_per_position")]

    def __str__(self) -> str:
        return f"{self.run} 第{self.position}批"

    def audit_scope(self) -> EventScope:
        return self.run.audit_scope()

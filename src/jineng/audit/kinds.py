"""The one registry of audit event kinds: every action an event may carry, with the label an official
reads on the audit page (班级已提交, not ``class.submitted``).

``jineng.audit.services`` refuses to write an event whose action is not here, and
``audit/tests/test_kinds.py`` reads the sources so that a kind typed inline elsewhere fails CI before
it fails at run time. A new kind is one line below.

Some kinds are built from a model's choices (the review steps, the ledger's entry kinds); they are
listed in full here, and the test enumerates those choices so that a new choice needs its kind too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str


class UnregisteredEventKind(LookupError):
    """An event whose action is not in the registry: a programming error, not a user's refusal."""


_KINDS: tuple[EventKind, ...] = (
    # Accounts and API tokens.
    EventKind("user.created", "账号已创建"),
    EventKind("user.operator_created", "运维账号已创建"),
    EventKind("user.password_changed", "密码已修改"),
    EventKind("user.role_changed", "角色已变更"),
    EventKind("user.deactivated", "账号已停用"),
    EventKind("user.reactivated", "账号已恢复"),
    EventKind("user.renamed", "姓名已修改"),
    EventKind("user.unlocked", "账号已解锁"),
    EventKind("api_token.issued", "接口令牌已签发"),
    EventKind("api_token.revoked", "接口令牌已吊销"),
    # Regions, departments, organisations, calendar.
    EventKind("region.created", "区域已创建"),
    EventKind("department.created", "部门已创建"),
    EventKind("region.contact_changed", "人社局咨询电话已设定"),
    EventKind("profile.assigned", "参数方案已指定"),
    EventKind("organisation.registered", "机构已登记"),
    EventKind("organisation.details_updated", "机构联系人与开户信息已修改"),
    EventKind("organisation.suspended", "机构已暂停"),
    EventKind("organisation.reinstated", "机构已恢复"),
    EventKind("organisation.exited", "机构已退出"),
    EventKind("organisation.audit_finding_recorded", "审计发现已记录"),
    EventKind("organisation.sanctioned", "机构处理决定已登记"),
    EventKind("organisation.sanction_lift_signed", "解除处理决定已提出（第一人签署）"),
    EventKind("organisation.sanction_lifted", "处理决定已解除（第二人签署）"),
    EventKind("organisation.inspection_recorded", "年检结果已登记"),
    EventKind("organisation.incident_recorded", "办学责任事故已登记"),
    EventKind("calendar.year_set", "工作日历已设定"),
    # Catalogue.
    EventKind("catalogue.imported", "目录已导入"),
    EventKind("occupation.classification_loaded", "职业分类已载入"),
    EventKind("institution_occupation.set", "机构培训职业已设定"),
    EventKind("institution_occupation.ended", "机构培训职业已终止"),
    EventKind("teacher.filed", "教师已备案"),
    EventKind("teacher.deactivated", "教师已停用"),
    EventKind("workstation.set", "工位已设定"),
    EventKind("online_platform.filed", "线上平台已备案"),
    # Targets.
    EventKind("plan.created", "计划已创建"),
    EventKind("plan.imported", "计划已导入"),
    EventKind("plan.import_refused", "计划导入被拒"),
    EventKind("target.province_set", "省级目标已设定"),
    # Training classes.
    EventKind("class.created", "班级已创建"),
    EventKind("class.updated", "班级已修改"),
    # An upload is queued for its check; the check's outcome is its own event: the rows imported (the
    # class's roster_replaced), or none (refused, failed, given up).
    EventKind("roster.uploaded", "花名册已上传，等待检查"),
    EventKind("roster.refused", "花名册未通过检查，未导入"),
    EventKind("roster.failed", "花名册未能检查或保存，未导入"),
    EventKind("roster.given_up", "花名册检查多次未能执行，已放弃"),
    EventKind("class.roster_replaced", "花名册已通过检查并导入（替换原名单）"),
    EventKind("person.registered", "人员已登记"),
    EventKind("class.submitted", "班级已提交"),
    EventKind("class.review.dept.first", "行业主管部门已初审"),
    EventKind("class.review.dept.second", "行业主管部门已复核"),
    EventKind("class.review.hr.first", "人社部门已初审"),
    EventKind("class.review.hr.second", "人社部门已复核"),
    EventKind("class.withdrawn", "班级已撤回"),
    EventKind("class.cancelled", "班级已取消"),
    EventKind("class.groups_confirmed", "学员人员类别已核实"),
    # Supervision.
    EventKind("class.opened", "班级已开班"),
    EventKind("class.inspected", "班级已检查"),
    EventKind("class.checkins_received", "考勤已接收"),
    EventKind("leave.recorded", "请假已登记"),
    EventKind("leave.made_up", "请假已补课"),
    EventKind("lesson.video_recorded", "课堂录像已登记"),
    EventKind("class.subsidy_forfeited", "班级补贴已取消"),
    EventKind("class.ended", "班级已结业"),
    EventKind("class.satisfaction_recorded", "满意度已记录"),
    # Assessment.
    EventKind("class.assessment_applied", "鉴定已申请"),
    EventKind("assessment.results_entered", "鉴定结果已录入"),
    EventKind("class.assessed", "班级已鉴定"),
    # Vouchers.
    EventKind("voucher.issued", "培训券已发放"),
    EventKind("voucher.bound", "培训券已绑定"),
    EventKind("voucher.redeemed", "培训券已核销"),
    EventKind("voucher.revoked", "培训券已作废"),
    EventKind("voucher.expired", "培训券已过期"),
    # 以工代训 (wagetraining).
    EventKind("yigong.declared", "以工代训已申报"),
    EventKind("yigong.employees_added", "以工代训人员已申报"),
    EventKind("yigong.months_claimed", "以工代训月度补贴已申领"),
    EventKind("yigong.closed", "以工代训申报已终止"),
    # 企业新型学徒制 (apprenticeship): cohorts, apprentices, completion.
    EventKind("apprenticeship.registered", "学徒制培养已登记"),
    EventKind("apprenticeship.apprentices_added", "学徒已导入"),
    EventKind("apprenticeship.apprentice_left", "学徒已退出"),
    EventKind("apprenticeship.apprentice_certified", "学徒已结业取证"),
    EventKind("apprenticeship.completed", "学徒制培养已结业"),
    # Claims.
    EventKind("claim.created", "申领已生成"),
    EventKind("claim.submitted", "申领已提交"),
    EventKind("claim.bank_set", "收款账户已填写"),
    EventKind("claim.withdrawn", "申领已撤回"),
    EventKind("claim.review.dept.first", "申领已由行业主管部门初审"),
    EventKind("claim.review.dept.second", "申领已由行业主管部门复核"),
    EventKind("claim.review.hr.first", "申领已由人社部门初审"),
    EventKind("claim.review.hr.second", "申领已由人社部门复核"),
    EventKind("claim.review.finance.first", "申领已由财政部门初审"),
    EventKind("claim.review.finance.second", "申领已由财政部门复核"),
    EventKind("claim.objection.received", "异议已受理"),
    EventKind("claim.objection.resolved", "异议已处理"),
    EventKind("claim.notice_closed", "公示已结束"),
    EventKind("claim.paid", "申领已拨付"),
    EventKind("claim_run.started", "批量申领已启动"),
    EventKind("claim_run.chunk.done", "批量申领分批已完成"),
    EventKind("claim_run.chunk.refused", "批量申领分批未通过"),
    EventKind("claim_run.chunk.given_up", "批量申领分批多次未能执行，已放弃"),
    EventKind("batch.opened", "拨付批次已建立"),
    EventKind("batch.collected", "拨付批次已汇总"),
    EventKind("batch.sent", "拨付批次已送财政"),
    EventKind("batch.paid", "拨付批次已拨付"),
    EventKind("prepayment.requested", "预拨已申请"),
    EventKind("prepayment.review.first", "预拨已初审"),
    EventKind("prepayment.review.second", "预拨已复核"),
    EventKind("prepayment.paid", "预拨已拨付"),
    EventKind("prepayment.settled", "预拨已清算"),
    # F05 equipment grants of bases and master studios.
    EventKind("grant.recognition_recorded", "基地/工作室认定已登记"),
    EventKind("grant.applied", "设备补助已申请"),
    EventKind("grant.review.first", "设备补助已初审"),
    EventKind("grant.review.second", "设备补助已复核"),
    # the programmes' small gaps (issue 14 follow-up): withdraw a grant, end a cohort, correct an employee
    EventKind("grant.withdrawn", "设备补助申请已撤回"),
    EventKind("apprenticeship.ended", "学徒制培养已提前终止"),
    EventKind("yigong.employee_corrected", "以工代训人员申报已更正"),
    EventKind("prepayment.closed", "预拨已关闭（班级取消）"),
    EventKind("prepayment.recalled", "预拨转应退回（班级取消）"),
    EventKind("project.stopped", "机构项目制资格已停止"),
    EventKind("project.restored", "机构项目制资格已恢复"),
    # Recovery (F14).
    EventKind("recovery.wrong_payment.recorded", "错付已登记"),
    EventKind("recovery.case.opened", "追缴已立案"),
    EventKind("recovery.blacklisted", "机构已列入黑名单"),
    EventKind("recovery.blacklist.again", "机构再次列入黑名单"),
    EventKind("recovery.refund.recorded", "退款已登记"),
    EventKind("recovery.case.notice_served", "追缴通知已送达"),
    EventKind("recovery.case.closed", "追缴已结案"),
    EventKind("recovery.offset.applied", "应收已抵扣"),
    # Ledger: one kind per journal entry kind (ledger.models.EntryKind).
    EventKind("ledger.fund_opened", "资金已开立"),
    EventKind("ledger.appropriation", "资金拨入已记账"),
    EventKind("ledger.appropriation_cut", "资金调减已记账"),
    EventKind("ledger.budget_set", "年度资金预算已设定"),
    EventKind("ledger.payable", "应付补贴已确认"),
    EventKind("ledger.payment", "支付已记账"),
    EventKind("ledger.prepayment", "预拨已记账"),
    EventKind("ledger.prepayment_settle", "预拨清算已记账"),
    EventKind("ledger.receivable_wrong", "错付应收已记账"),
    EventKind("ledger.receivable_recovery", "追缴应收已记账"),
    EventKind("ledger.refund", "退回已记账"),
    EventKind("ledger.offset", "应收抵扣已记账"),
    EventKind("ledger.reversal", "冲销已记账"),
    EventKind("ledger.manual", "其他分录已记账"),
    # Progress reporting (H01–H08).
    EventKind("report.submit", "进度报表已报送"),
    EventKind("report.approve", "进度报表已审核"),
    EventKind("report.return", "进度报表已退回"),
    EventKind("progress.refresh", "进度已刷新"),
    EventKind("bulletin.issue", "通报已发布"),
    EventKind("media_item.record", "宣传报道已登记"),
    EventKind("media_item.withdraw", "宣传报道已撤回"),
    EventKind("competition.record", "技能竞赛已登记"),
    EventKind("competition.withdraw", "技能竞赛已撤回"),
    EventKind("ledger_entry.record", "技能培训台账已录入"),
    EventKind("ledger_entry.withdraw", "技能培训台账已撤回"),
    EventKind("followup.recorded", "就业跟踪已登记"),
    EventKind("appraisal.computed", "机构年度绩效已计算"),
    EventKind("appraisal.decided", "机构年度绩效评价已决定"),
    # Who may evaluate what (I08, I09).
    EventKind("evaluation_filing.recorded", "评价机构备案已登记"),
    EventKind("evaluation_filing.ended", "评价机构备案已终止"),
    EventKind("organisation.recognition_filed_changed", "职业技能等级认定备案标志已更新"),
    EventKind("assessment.cross_region_arranged", "跨区域考核安排已作出"),
    # Online training and face check-in (D01, D04, D06, C07).
    EventKind("device.registered", "人脸识别签到设备已登记"),
    EventKind("device.revoked", "人脸识别签到设备已停用"),
    EventKind("course.filed", "线上课程已报送"),
    EventKind("course.decided", "线上课程已审核"),
    EventKind("class.course_set", "班级线上课程已设置"),
    EventKind("class.assessment_requester_recorded", "纯线上培训考核申请主体已登记"),
    EventKind("online.events_received", "线上学习与签到事件已接收"),
    # Issue 16: the certificate register.
    EventKind("certificate.registered", "证书已登记入册"),
    EventKind("class.signed_off", "人社部门已签字"),
    EventKind("plan.split_recorded", "跨表分解已登记"),
)

KINDS: dict[str, EventKind] = {kind.code: kind for kind in _KINDS}
assert len(KINDS) == len(_KINDS), "an event kind is listed twice"


def is_registered(action: str) -> bool:
    return action in KINDS


def label_of(action: str) -> str:
    """The kind's Chinese label; an event written before its kind was renamed shows its code."""
    kind = KINDS.get(action)
    return kind.label if kind is not None else action


def require_registered(action: str) -> None:
    if action not in KINDS:
        raise UnregisteredEventKind(
            f"audit event kind {action!r} is not registered in jineng.audit.kinds: add it with its Chinese label"
        )


def choices() -> list[tuple[str, str]]:
    """(code, label) of every kind, in the registry's order (grouped by domain): the audit page's filter."""
    return [(kind.code, kind.label) for kind in _KINDS]


@cache
def object_type_label(object_type: str) -> str:
    """The Chinese name (the model's verbose_name) of an event's object type, ``app_label.Model``; the
    type itself for a model that no longer exists."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


@cache
def _state_choices(object_type: str) -> dict[str, str]:
    """The model's state (or status) field's choices, code → label; empty for a model without one."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    for name in ("state", "status"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.choices:
            return {str(code): str(label) for code, label in field.flatchoices}
    return {}


# States that services write for objects without a state field of their own (an account, a token, a
# wrong payment's receivable, a profile assignment); test_kinds checks that every literal state a service
# writes is labelled here or by its model's choices.
OTHER_STATES: dict[str, str] = {
    "active": "正常",
    "locked": "已锁定",
    "blacklisted": "已列入黑名单",
    "failed": "不合格",
    "passed": "合格",
    "suspended": "暂停",
    "exited": "已退出",
    "in_force": "已生效",
    "issued": "已签发",
    "open": "已开立",
    "outstanding": "待退回",
    "refreshed": "已刷新",
    "registered": "已登记",
    "revoked": "已撤销",
    "sent": "已送出",
    "stopped": "已停止",
    "restored": "已恢复",
}


def state_label(object_type: str, code: str) -> str:
    """An event's from/to state in Chinese, as the object's model labels it (待人社初审, not
    ``requested``), else as OTHER_STATES does; a policy profile's key (``ZZ21@v1``, the state of a
    profile assignment) by its document's name; any other value (a date) as it is."""
    if not code:
        return ""
    found = _state_choices(object_type).get(code) or OTHER_STATES.get(code)
    if found:
        return found
    if "@v" in code:
        return _profile_label(code)
    return code


def _profile_label(key: str) -> str:
    from jineng.policy.profiles import get_profile

    code, _, version = key.partition("@v")
    try:
        profile = get_profile(code, int(version))
    except (KeyError, ValueError):
        return key
    return f"{profile.jurisdiction} {profile.short}"


def detail_of(payload: object) -> str:
    """18.4: what an event's payload says changed, for the trail's reader: the fields named in
    ``changed`` and a (masked) bank account. Other payloads are the services' own and stay in the export."""
    if not isinstance(payload, dict):
        return ""
    parts = []
    changed = payload.get("changed")
    if isinstance(changed, list) and changed:
        parts.append("修改：" + "、".join(str(c) for c in changed))
    if payload.get("bank_account"):
        parts.append(f"新账号 {payload['bank_account']}")
    return "；".join(parts)


def object_shown(object_type: str, object_id: str, object_label: str) -> str:
    """The object as a page names it: its label, or, for events written before the model had a name of
    its own (Django's "PaymentBatch object (2)", kept as written: the trail is append-only), its type's
    Chinese name and number."""
    if not object_label or object_label.endswith(f" object ({object_id})"):
        return f"{object_type_label(object_type)} {object_id}"
    return object_label

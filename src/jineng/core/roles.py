"""Roles and what each may do. One table, read by views, API, navigation and the scope-matrix test."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", "人社局管理员"
    HR_FIRST = "hr_first", "人社局初审"
    HR_SECOND = "hr_second", "人社局复核"
    DEPT_FIRST = "dept_first", "行业部门初审"
    DEPT_SECOND = "dept_second", "行业部门复核"
    FINANCE = "finance", "财政审核"
    INSTITUTION = "institution", "培训机构经办"
    EVALUATOR = "evaluator", "评价机构经办"
    INSPECTOR = "inspector", "督查员"
    AUDITOR = "auditor", "审计"
    TRAINEE = "trainee", "学员"


HR_ROLES = frozenset({Role.HR_ADMIN, Role.HR_FIRST, Role.HR_SECOND})
DEPT_ROLES = frozenset({Role.DEPT_FIRST, Role.DEPT_SECOND})
ORG_ROLES = frozenset({Role.INSTITUTION, Role.EVALUATOR})
REGION_ROLES = HR_ROLES | {Role.FINANCE, Role.INSPECTOR, Role.AUDITOR}
STAFF_ROLES = REGION_ROLES | DEPT_ROLES

# capability → roles that have it. Scope (region subtree / department / organisation) applies on top.
CAPABILITIES: dict[str, frozenset[Role]] = {
    "region.view": STAFF_ROLES,
    "department.view": STAFF_ROLES,
    "profile.view": STAFF_ROLES | ORG_ROLES,
    # 18.3: the bureau puts a profile in force for a region of its subtree and a year, on a page.
    "profile.assign": frozenset({Role.HR_ADMIN}),
    "department.manage": frozenset({Role.HR_ADMIN}),
    "org.view": STAFF_ROLES | ORG_ROLES,
    "org.register": frozenset({Role.HR_ADMIN}),
    # An institution's or evaluation body's clerk keeps its own contacts and bank details; the bureau's
    # admin those of the organisations in his region. Each change is in the audit trail.
    "org.edit": ORG_ROLES | {Role.HR_ADMIN},
    "person.view": HR_ROLES | DEPT_ROLES | ORG_ROLES | {Role.INSPECTOR, Role.AUDITOR},
    "person.register": HR_ROLES | {Role.INSTITUTION},
    # Seeing a whole ID number is needed only to verify identity at registration and review.
    "person.full_id": HR_ROLES,
    "audit.view": frozenset({Role.AUDITOR, Role.HR_ADMIN}),
    "calendar.view": frozenset(Role),
    "calendar.edit": frozenset({Role.HR_ADMIN}),
    "token.manage": ORG_ROLES | {Role.HR_ADMIN},
    # Unlocking an account that django-axes locked after too many failed logins, within the admin's region.
    "account.unlock": frozenset({Role.HR_ADMIN}),
    # 18.3: the bureau's admin opens, rescopes, disables and resets the staff and organisation accounts of
    # his region subtree (设置 / 账号管理); never a superuser or staff account, never another admin.
    "account.manage": frozenset({Role.HR_ADMIN}),
    # 18.11: the bureau's telephone that its public notices name.
    "region.contact": frozenset({Role.HR_ADMIN}),
    "self.view": frozenset({Role.TRAINEE}),
    # --- catalogue (目录清单): occupations, the province's subsidised-training list, what each
    # institution may train, filed teachers, workstations, online platforms, institution status.
    "catalogue.view": STAFF_ROLES | ORG_ROLES,
    "catalogue.manage": frozenset({Role.HR_ADMIN}),
    "teacher.file": frozenset({Role.INSTITUTION, Role.HR_ADMIN}),
    "org.status": frozenset({Role.HR_ADMIN}),
    # --- I01/I02 sanctions: staff and the institution itself read its sanctions and its record (年检,
    # liability incidents); the bureau's staff record sanctions and the record, and two of them lift one.
    "sanction.view": STAFF_ROLES | ORG_ROLES,
    "sanction.manage": HR_ROLES,
    # --- training classes (开班), rosters, review, supervision, assessment.
    "class.view": STAFF_ROLES | ORG_ROLES,
    "class.apply": frozenset({Role.INSTITUTION}),
    "class.review_dept": DEPT_ROLES,
    "class.review_hr": frozenset({Role.HR_FIRST, Role.HR_SECOND}),
    "class.cancel": HR_ROLES,
    "class.supervise": frozenset({Role.INSPECTOR, Role.HR_FIRST, Role.HR_SECOND}),
    # J03: the bureau confirms the trainees' declared groups against the real-name registry's data.
    "class.confirm_groups": HR_ROLES,
    "assessment.apply": frozenset({Role.INSTITUTION}),
    # I08: the bureau arranges a body filed elsewhere for a class (跨区域、统筹集中考核).
    "assessment.arrange": frozenset({Role.HR_ADMIN}),
    "assessment.results": frozenset({Role.EVALUATOR}),
    "certificate.view": STAFF_ROLES | ORG_ROLES,
    # Issue 16: an evaluation body, or an enterprise / school filed for recognition, adds the certificates it
    # issued to the register (each row within its filing scope, I09).
    "certificate.record": frozenset({Role.EVALUATOR, Role.INSTITUTION}),
    # Issue 16 (C01): the bureau signs its fields of the application form (the exam patrol also an inspector).
    "signoff.record": HR_ROLES | {Role.INSPECTOR},
    # --- 电子职业培训券 (G01, G02): the bureau issues and revokes; an institution binds and redeems
    # vouchers in its own classes; a trainee sees his own ones through self.view.
    "voucher.view": HR_ROLES | {Role.AUDITOR, Role.INSTITUTION},
    "voucher.issue": HR_ROLES,
    "voucher.use": HR_ROLES | {Role.INSTITUTION},
    "voucher.counts": HR_ROLES | {Role.AUDITOR},
    # --- 企业新型学徒制 (issue 14): the institution's clerk registers a cohort with an enterprise, imports
    # its apprentices (A08/A09) and claims each yearly stage; the enterprise's clerk and staff read.
    "apprenticeship.view": STAFF_ROLES | {Role.INSTITUTION},
    "apprenticeship.manage": frozenset({Role.INSTITUTION}),
    # --- subsidy claims (补贴资金申领), public notice, payment batches (issue 4).
    "claim.view": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION, Role.TRAINEE},
    "claim.apply": frozenset({Role.INSTITUTION, Role.TRAINEE}),
    # The scope's claim list (补贴申领), with its state filters and export, is the staff's and the institution's
    # tool; a trainee follows his own lines and opens his own claims from 我的培训与补贴 (claims:mine).
    "claim.list": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION},
    "claim.review": DEPT_ROLES | {Role.HR_FIRST, Role.HR_SECOND, Role.FINANCE},
    # 申领批处理: an institution claims many classes at once, a reviewer signs many claims; a trainee, who
    # claims for himself class by class, is not offered it.
    "claim.run": DEPT_ROLES | {Role.HR_FIRST, Role.HR_SECOND, Role.FINANCE, Role.INSTITUTION},
    "claim.notice": HR_ROLES,
    "claim.queue": DEPT_ROLES | HR_ROLES | {Role.FINANCE},
    "batch.view": HR_ROLES | {Role.FINANCE, Role.AUDITOR},
    "batch.manage": HR_ROLES,
    "batch.pay": frozenset({Role.FINANCE}),
    # --- 评价补贴 (issue 14; XC23 附件3 names 企业、培训机构、评价机构、个人 as applicants): an evaluation body
    # claims for the certificates it issued, an institution or enterprise for its trainees' or staff's, a
    # trainee for his own; staff read the claims of their scope and review them as any claim.
    "evaluation.view": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION, Role.EVALUATOR, Role.TRAINEE},
    "evaluation.apply": frozenset({Role.INSTITUTION, Role.EVALUATOR, Role.TRAINEE}),
    # The list of the scope's evaluation claims; a trainee claims for his own certificates from 我的培训与补贴
    # and finds his claims there.
    "evaluation.list": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION, Role.EVALUATOR},
    # --- the books (issue 4): funds, payables, payments, receivables. Read-only for these roles; the
    # claims workflow writes through ledger.services.
    "ledger.view": frozenset({Role.HR_ADMIN, Role.FINANCE, Role.AUDITOR}),
    # --- yearly budgets per fund source (issue 14): the bureau and finance set them; each change is an
    # appropriation (or a cut) in the books and an audit event.
    "fund.budget": frozenset({Role.HR_ADMIN, Role.FINANCE}),
    # --- F04 prepayment of project-based classes: the institution asks, the bureau's two reviewers
    # sign (F09), finance pays.
    "prepayment.view": HR_ROLES | {Role.FINANCE, Role.AUDITOR, Role.INSTITUTION},
    "prepayment.apply": frozenset({Role.INSTITUTION}),
    "prepayment.review": frozenset({Role.HR_FIRST, Role.HR_SECOND}),
    "prepayment.pay": frozenset({Role.FINANCE}),
    # F04 (where the profile allows it): the bureau stops, and later restores, an institution's 项目制.
    "project.stop": frozenset({Role.HR_ADMIN, Role.HR_SECOND}),
    # --- F05 equipment grants of high-skilled talent bases and master studios: the bureau's admin records
    # the recognised ones, their organisation applies once, the bureau's two reviewers sign (F09); the
    # grant is then a claim like any other.
    "grant.view": HR_ROLES | {Role.AUDITOR, Role.INSTITUTION},
    "grant.recognise": frozenset({Role.HR_ADMIN}),
    "grant.apply": frozenset({Role.INSTITUTION}),
    "grant.review": frozenset({Role.HR_FIRST, Role.HR_SECOND}),
    # --- F14 wrong payments, refunds, recovery (追缴), blacklist and the weekly / monthly reports.
    "recovery.view": HR_ROLES | {Role.FINANCE, Role.AUDITOR},
    "recovery.manage": HR_ROLES,
    # --- 以工代训 (F03, J04): an enterprise's clerk declares its employees and claims months (the claims then
    # follow the claim pipeline's capabilities); staff of the region and the department read them.
    "yigong.view": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION},
    "yigong.declare": frozenset({Role.INSTITUTION}),
    # --- progress against the year's targets (issue 5): actuals from the records, the dashboard, the
    # monthly report (H06): a county submits its month, the city approves once all its counties are in.
    "progress.view": STAFF_ROLES,
    "report.submit": HR_ROLES,
    "report.approve": frozenset({Role.HR_ADMIN, Role.HR_SECOND}),
    # H06 the reporting calendar: an industry department submits its own periodic reports (its region's
    # bureau approves them, report.approve).
    "report.submit_department": DEPT_ROLES,
    # H08 publicity items and H02 competitions held: the bureau records for its region (and the city's
    # departments), a department for itself; staff read those of their scope.
    "outreach.view": STAFF_ROLES,
    "outreach.record": HR_ROLES | DEPT_ROLES,
    # E09 技能培训台账: every training outside the subsidised classes, entered by whoever ran it (an
    # institution or enterprise for itself, a department for its own, the bureau for its region).
    "trainingbook.view": STAFF_ROLES | {Role.INSTITUTION},
    "trainingbook.record": HR_ROLES | DEPT_ROLES | {Role.INSTITUTION},
    # I03–I05: the yearly evaluation of institutions (the bureau computes and decides) and the employment
    # follow-up of their trainees (the institution asks its own, the bureau any in its region).
    "appraisal.view": STAFF_ROLES - {Role.INSPECTOR} | {Role.INSTITUTION},
    "appraisal.decide": frozenset({Role.HR_ADMIN, Role.HR_SECOND}),
    # --- online training and face check-in (D01, D04, D06, C07): the bureau's staff, inspectors and auditors
    # read the logs' verdicts; the institution (or platform) its own; the province's reviewers approve
    # platforms' course videos; a trainee his own learning record through self.view.
    "online.view": STAFF_ROLES | {Role.INSTITUTION},
    "online.manage": frozenset({Role.INSTITUTION}),
    "course.decide": frozenset({Role.HR_ADMIN, Role.HR_SECOND}),
    "followup.record": HR_ROLES | {Role.INSTITUTION},
    # --- target plans (目标任务分解, issue 5): staff read the plans of their scope; the bureau enters them.
    "plan.view": STAFF_ROLES,
    "plan.manage": frozenset({Role.HR_ADMIN}),
}


def can(role: str | None, capability: str) -> bool:
    return role is not None and role in CAPABILITIES[capability]

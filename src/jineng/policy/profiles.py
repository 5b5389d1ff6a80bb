"""Policy profiles: the numbers of one jurisdiction + year, loaded from versioned TOML files.

Every parameter of :data:`SCHEMA` must appear in every profile, either with a ``value`` or with
``not_set`` saying why the document does not fix it. A parameter carries its rule ID (checked against
the schema, so a file cannot drift from RULES.md) and the clause it comes from. Decimals and money are
written as strings ("0.65", "600") so that no float ever touches them.

A rule that app code cites but that has no parameter of its own (A10 "进系统", E02 the certificate kinds …)
takes its clause from the profile's ``[clauses]`` table: rule ID → the clause exactly as a refusal quotes
it. Every profile carries every rule of :data:`CITED_RULES`, so app code never quotes a clause itself and a
new document is one profile file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

PROFILE_DIR = Path(__file__).with_name("profiles")

# kind → Chinese description used in error messages
KINDS = {
    "int": "整数",
    "decimal": '小数字符串（如 "0.65"）',
    "money": '金额字符串（元，如 "600"）',
    "bool": "true/false",
    "date": "日期（如 2022-01-01）",
    "str_list": "字符串列表",
    "int_list": "整数列表",
    "choice": "选项之一",
}


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: str
    rule: str
    label: str
    choices: tuple[str, ...] = ()


def _p(name: str, kind: str, rule: str, label: str, *choices: str) -> ParamSpec:
    return ParamSpec(name, kind, rule, label, tuple(choices))


SCHEMA: tuple[ParamSpec, ...] = (
    _p("max_trainees_per_teacher", "int", "A01", "师生比：每名教师对应学员数上限"),
    _p("max_trainees_per_workstation", "int", "A02", "工位比：每个工位对应学员数上限"),
    _p("max_class_size", "int", "A03", "每班人数上限"),
    _p("min_minutes_per_class_hour", "int", "A04", "每课时最少分钟数"),
    _p("min_practical_share", "decimal", "A05", "实操课时占总课时最低比例"),
    _p("min_teachers_per_major", "int", "A06", "每个专业每个班级最少教师数"),
    _p("min_hours_completion_only", "int", "A07", "只能取得培训合格证书的培训最少课时"),
    _p("apprentice_per_fulltime_teacher_max", "int", "A08", "新型学徒制单个职业人数与专职教师数之比上限"),
    _p("apprentice_same_enterprise_occupation_max", "int", "A09", "同一机构同一企业同一职业学徒人数上限"),
    _p("apprentice_yearly_max_degree_school", "int", "A09", "具备学制教育资质机构年学徒总量上限"),
    _p("apprentice_yearly_max_other", "int", "A09", "其他机构年学徒总量上限"),
    _p("class_dept_review_working_days", "int", "A10", "开班申请行业主管部门审核时限（工作日）"),
    _p("class_hr_review_working_days", "int", "A10", "开班申请人社部门审核时限（工作日）"),
    _p("catalogue_listing_required", "bool", "A11", "培训机构须就该职业（工种）纳入目录清单"),
    _p("supplementary_occupations_max", "int", "A11", "市级补充目录职业（工种）数上限"),
    _p("audit_findings_since", "date", "A12", "审计检查发现问题的起算日期"),
    # I02 (HC21 16): a private training school needs no liability incident since this date and a passed
    # annual inspection (年检) of this year; not checked where the profile sets neither.
    _p("private_school_incident_free_since", "date", "I02", "民办职业培训学校：此日以来未发生办学责任事故"),
    _p("private_school_inspection_year", "int", "I02", "民办职业培训学校：须年检合格的年度"),
    _p("cross_city_approval_required", "bool", "A13", "跨地市补贴性培训须经省级同意（技工学校除外）"),
    _p("group_cross_county_filing_required", "bool", "A13", "集团培训中心跨区域培训须向当地人社局报备"),
    _p("pre_opening_questionnaire_required", "bool", "A14", "开班前问卷调查"),
    _p("teacher_filing_required", "bool", "A15", "专职师资报备"),
    _p("max_subsidised_trainings_per_year", "int", "B02", "每人每年享受补贴性培训次数上限"),
    _p("min_months_after_assessment", "int", "B03", "上次培训考核后至下次开班最少间隔（月）"),
    _p("employee_post_match_required", "bool", "B04", "企业职工须参加与本人岗位相同或相近的职业培训"),
    _p("transfer_category_must_differ", "bool", "B05", "转岗职工培训职业与原岗位不得属于同一职业分类"),
    _p("student_exclusion", "choice", "B06", "在校生限制口径", "current_major", "graduating_year"),
    _p("new_hire_window_months", "int", "B07", "新录用人员岗前培训：入职后月数上限"),
    _p("yigong_and_new_hire_exclusive", "bool", "B08", "以工代训补贴与岗前培训补贴不得重复享受"),
    _p("remote_supervision_replaces_onsite", "bool", "C03", "有效远程监管可替代实地检查"),
    _p("min_practical_video_minutes_per_hour", "int", "C04", "实操每学时连续录像最少分钟数"),
    _p("video_incomplete_forfeit_count", "int", "C05", "录像无法显示全体学员达此次数即取消补贴"),
    _p("video_retention_years", "int", "C06", "培训视频留存年限"),
    _p("face_checkin_required", "bool", "C07", "人脸识别签到"),
    # Issue 16: the bureau's own sign-offs the document's application form has (exam_patrol 考核巡查人员签字,
    # supervision_opinion 过程监管后人社部门检查意见, assessment_opinion 结业考核后人社部门意见).
    _p("bureau_signoffs", "str_list", "C01", "申请表中人社部门的签字与意见栏"),
    _p("make_up_lessons_allowed", "bool", "C08", "书面请假后补课计入到课率"),
    _p("satisfaction_min", "decimal", "C09", "满意度最低比例"),
    _p("satisfaction_rectification_months", "int", "C09", "满意度不达标整改期（月）"),
    _p("satisfaction_effect", "choice", "C09", "满意度不达标的后果", "stop_opening", "suspend_assessment"),
    _p("online_platform_must_be_listed", "bool", "D01", "线上平台须纳入目录并备案"),
    _p("online_fully_online_occupations", "str_list", "D02", "可全线上培训的职业（工种）"),
    _p("online_offline_required_occupations", "str_list", "D02", "须线下实训的职业（工种）"),
    _p("online_offline_min_hours", "int", "D02", "线下实训最少学时"),
    _p("online_assessment_months", "int_list", "D03", "线上培训线下考核月份"),
    _p("max_online_theory_share", "decimal", "D05", "线上理论学习占总课时上限"),
    _p("online_assessment_requesters", "str_list", "D06", "纯线上培训可申请考核的主体"),
    _p(
        "online_lesson_checks",
        "bool",
        "D04",
        "线上学习过程管控（快进、多窗口、弹窗、活体比对、顺序、随机抓拍）",
    ),
    _p("online_popup_max_minutes", "int", "D04", "连续无弹窗管控的最长分钟数"),
    _p("online_invalid_refuses_assessment", "bool", "D04", "线上培训无效的不受理线下考核申请"),
    _p("online_course_approval_required", "bool", "D01", "线上平台新增培训视频须经省级审核同意"),
    _p("assessment_notice_days", "int", "E01", "考核时间提前申报天数"),
    _p("higher_certificate_required", "bool", "E03", "能取得更高证书的不得直接考核培训合格证书"),
    _p("offline_assessment_required", "bool", "E04", "补贴性培训一律线下考核"),
    _p("completion_exam_min_level", "choice", "E05", "合格证书考核出题组织的最低层级", "county"),
    _p("max_special_completion_share", "decimal", "E06", "专项能力与合格证书占比上限"),
    _p("ledger_entry_days", "int", "E09", "培训结束后录入台账期限（日）"),
    _p("subsidy_new_hire", "money", "F01", "新录用人员岗前培训补贴（元/人）"),
    _p("subsidy_completion", "money", "F02", "培训合格证书补贴（元/人）"),
    _p("subsidy_junior", "money", "F02", "初级工补贴（元/人）"),
    _p("subsidy_intermediate", "money", "F02", "中级工补贴（元/人）"),
    _p("subsidy_senior", "money", "F02", "高级工补贴（元/人）"),
    _p("subsidy_offjob_completion", "money", "F02", "脱产培训合格证书补贴（元/人）"),
    _p("subsidy_by_province_standard", "bool", "F02", "文件未定额的补贴按省补贴标准目录执行"),
    # 评价补贴 (jineng.policy.evaluation): priced by the province standard's evaluation items, or not at all.
    _p("evaluation_by_province_standard", "bool", "F02", "评价补贴按省补贴标准目录执行"),
    _p("subsidy_yigong_monthly", "money", "F03", "以工代训补贴（元/人/月）"),
    _p("yigong_max_months", "int", "F03", "以工代训最长月数"),
    _p("yigong_min_employment_months", "int", "F03", "以工代训：吸纳就业最少月数"),
    # 以工代训 (J04): who may be declared (YIGONG_GROUPS names), which of them count the employment months
    # above, and which only where the enterprise is insured (参保企业).
    _p("yigong_groups", "str_list", "J04", "以工代训补贴对象（人员类别）"),
    _p("yigong_min_employment_groups", "str_list", "F03", "以工代训：须吸纳就业满最少月数的人员类别"),
    _p("yigong_insured_groups", "str_list", "J04", "以工代训：须由参保企业吸纳的人员类别"),
    _p("prepay_share_min", "decimal", "F04", "项目制预拨比例下限"),
    _p("prepay_share_max", "decimal", "F04", "项目制预拨比例上限"),
    # The class's 拟培训方式 codes (training.models.Mode) whose subsidy may be prepaid.
    _p("prepay_modes", "str_list", "F04", "可预拨补贴的培训方式"),
    _p("project_stop_on_poor_results", "bool", "F04", "培训效果差、出勤率低、结业比例低的可停止项目制资格"),
    _p("equipment_share", "decimal", "F05", "实训设备补助比例"),
    _p("equipment_cap_base", "money", "F05", "高技能人才培训基地设备补助上限（元）"),
    _p("equipment_cap_studio", "money", "F05", "技能大师工作室设备补助上限（元）"),
    _p("pledge_required", "bool", "F06", "申领须签署承诺"),
    _p("dept_review_working_days", "int", "F07", "行业主管部门审核时限（工作日）"),
    _p("public_notice_working_days", "int", "F08", "补贴公示期（工作日）"),
    _p("reviewers_per_step", "int", "F09", "每个审核环节的经办审查人数"),
    _p("finance_review_required", "bool", "F10", "拨付前须财政部门审核"),
    _p("hr_review_max_working_days", "int", "F10", "同一笔业务在人社部门的时限（工作日）"),
    _p("finance_review_max_working_days", "int", "F10", "同一笔业务在财政部门的时限（工作日）"),
    _p("disbursement_cycle", "choice", "F11", "资金拨付周期", "weekly", "monthly"),
    _p("weekly_cycle_weekdays", "int_list", "F11", "每周收交、汇总送财政、财政审核的星期（1=周一）"),
    _p("fund_sources", "str_list", "F13", "资金来源"),
    _p("fund_source_priority", "str_list", "F13", "资金使用顺序"),
    _p(
        "unemployment_insurance_allocation",
        "money",
        "F13",
        "从失业保险基金结余中安排的职业技能提升行动资金（元，文件期内合计）",
    ),
    _p("wrong_payment_report_periods", "str_list", "F14", "错误资金退还情况报告周期"),
    _p("training_share_of_employment_fund_min", "decimal", "F15", "培训和评价补贴占就业补助资金最低比例"),
    _p("vouchers_issued_yearly", "int", "G02", "全年累计发放职业培训券张数"),
    _p("vouchers_used_yearly_min", "int", "G02", "全年有效使用职业培训券最少张数"),
    _p("high_skilled_share_min", "decimal", "H04", "新增高技能人才占新增技能人才最低比例"),
    _p("manufacturing_share_min", "decimal", "H04", "制造业补贴性培训占比下限（每个县）"),
    _p("special_completion_cert_share_max", "decimal", "H04", "专项能力与合格证书总量占比上限"),
    _p("school_min_technician_college", "int", "H07", "技师学院年补贴性培训最少人数"),
    _p("school_min_senior_technical", "int", "H07", "高级技工学校年补贴性培训最少人数"),
    _p("school_min_technical", "int", "H07", "普通技工学校年补贴性培训最少人数"),
    _p("school_min_vocational", "int", "H07", "职业学校年补贴性培训最少人数"),
    _p("apprentice_min_technician_college", "int", "H07", "技师学院年新型学徒制最少人数"),
    _p("apprentice_min_senior_technical", "int", "H07", "高级技工学校年新型学徒制最少人数"),
    _p("apprentice_min_technical", "int", "H07", "普通技工学校年新型学徒制最少人数"),
    _p("apprentice_min_vocational", "int", "H07", "职业学校年新型学徒制最少人数"),
    # H06 the reporting calendar: the periodic reports a profile's documents require (REPORT_KINDS codes), and
    # each kind's deadline in working days after its period ends (jineng.policy.reporting).
    _p("report_kinds", "str_list", "H06", "须定期报送的报告（周调度、月报、季度讲评、半年督导、全年总结）"),
    _p("report_due_weekly_working_days", "int", "H06", "周调度报送时限（周末后工作日）"),
    _p("report_due_monthly_working_days", "int", "H06", "月报报送时限（月末后工作日）"),
    _p("report_due_quarterly_working_days", "int", "H06", "季度讲评报送时限（季末后工作日）"),
    _p("report_due_half_year_working_days", "int", "H06", "半年督导报送时限（半年末后工作日）"),
    _p("report_due_year_working_days", "int", "H06", "全年总结报送时限（年末后工作日）"),
    # J01: the worker is subsidised where registered (户籍地), living (常住地) or seeking work (求职就业地).
    _p("subsidy_place_rule", "bool", "J01", "在户籍地、常住地或求职就业地享受职业培训补贴"),
    # J02: the provisions on prisoners, community correction and compulsory rehabilitation, per group
    # (TRAINEE_GROUPS codes) and per condition; a condition the document does not state is not_set.
    _p("j02_groups", "str_list", "J02", "适用服刑、矫正、戒毒人员培训条件的人员类别"),
    _p("j02_max_age", "int", "J02", "服刑等人员参加补贴性培训的最高年龄（周岁）"),
    _p("j02_questionnaire_required", "bool", "J02", "服刑等人员须有劳动和就业能力、有培训意愿"),
    _p("j02_untrained_in_sentence", "bool", "J02", "服刑期间未参加过职业技能培训"),
    _p("j02_next_level", "bool", "J02", "符合晋升上一级职业技能等级"),
    _p("j02_sentence_ends_before", "date", "J02", "刑期届满须早于此日"),
    _p("county_media_items_min", "int", "H08", "各县在县级以上媒体发布宣传信息最少篇数"),
    _p("department_media_items_min", "int", "H08", "市直单位在市级以上媒体发布宣传信息最少篇数"),
)
SPECS: dict[str, ParamSpec] = {spec.name: spec for spec in SCHEMA}

# Every rule ID of RULES.md (the rules inventory); a [clauses] key outside it is a typo.
RULE_IDS: frozenset[str] = frozenset(
    [f"A{n:02d}" for n in range(1, 16)]
    + [f"B{n:02d}" for n in range(1, 9)]
    + [f"C{n:02d}" for n in range(1, 10)]
    + [f"D{n:02d}" for n in range(1, 7)]
    + [f"E{n:02d}" for n in range(1, 10)]
    + [f"F{n:02d}" for n in range(1, 16)]
    + [f"G{n:02d}" for n in range(1, 3)]
    + [f"H{n:02d}" for n in range(1, 9)]
    + [f"I{n:02d}" for n in range(1, 10)]
    + [f"J{n:02d}" for n in range(1, 5)]
)

# The rules app code cites through Profile.rule_clause: each profile's [clauses] table must carry them all.
# A rule with two clauses for two of its parts has a second key "<rule>_<part>".
CITED_RULES: dict[str, str] = {
    "A10": "补贴性培训进系统、系统之外零补贴",
    "A11": "目录清单",
    "A12": "审计、检查发现明显问题的机构",
    "A15": "专职教师报备",
    "C01": "培训期间实地检查或随机抽查",
    "C02": "开班人数以实到人数为准",
    "C02_trained": "培训人数以检查在位平均人数为准",
    "C03": "远程监管替代实地检查（本档案未规定时引用的条款）",
    "C04": "实操录像（本档案未规定时引用的条款）",
    "C08": "请假补课（本档案未规定时引用的条款）",
    "D01": "线上平台列入目录并备案",
    "E02": "结业考核证书类别",
    "F04": "项目制预拨",
    "F13": "资金来源与资金使用顺序",
    "F14": "错误资金退还、追缴",
    "F14_blacklist": "问题突出的机构列入黑名单",
    "G01": "电子职业培训券",
    "I01": "处于处理期（暂停、黑名单）的机构不得开班、预拨、申领",
    "I01_stop_opening": "满意度不达标停止开班、整改期",
    "I01_catalogue_exit": "退出目录清单",
    "I01_inspection_failed": "年检未通过或发生办学责任事故",
    "H01": "目标任务分解",
    "H02": "目标任务指标",
    "H05": "省级下达数与市级指导数",
    "H06": "月统计、月报、通报",
    "H08": "宣传引导",
    "J03": "人员类别与专项培训计划",
    # Who may evaluate what: the filed scope of evaluation bodies (I09) and the bureau's cross-region or
    # centralised arrangement where no local body is filed (I08).
    "I08": "跨区域、统筹集中考核",
    "I09": "评价机构按备案范围考核",
}


class ProfileError(ValueError):
    """A profile file that cannot be used; ``problems`` lists every one found, in Chinese."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"政策档案 {source} 不可用：\n" + "\n".join(f"- {p}" for p in problems))


class ParameterNotSet(LookupError):
    """The profile's documents do not fix this number: refuse, never assume zero."""

    def __init__(self, profile: Profile, param: Parameter) -> None:
        self.profile = profile
        self.param = param
        super().__init__(
            f"本政策口径未规定“{param.spec.label}”（规则 {param.spec.rule}，政策档案 {profile.code}"
            f" 《{profile.document}》）：{param.note}"
        )


@dataclass(frozen=True)
class Parameter:
    spec: ParamSpec
    value: Any  # None when not set
    clause: str
    note: str

    @property
    def is_set(self) -> bool:
        return self.value is not None

    @property
    def rule(self) -> str:
        return self.spec.rule

    def display(self) -> str:
        if self.value is None:
            return "未规定"
        if isinstance(self.value, bool):
            return "是" if self.value else "否"
        if isinstance(self.value, list):
            labels = value_labels(self.spec.name)
            return "、".join(labels.get(v, str(v)) if isinstance(v, str) else str(v) for v in self.value)
        if self.spec.kind == "decimal":
            return f"{(self.value * 100).normalize():f}%"
        if self.spec.kind == "choice":
            return CHOICE_LABELS.get(self.value, str(self.value))
        return str(self.value)


CHOICE_LABELS = {
    "current_major": "不得对在校生开展在读专业的补贴性培训",
    "graduating_year": "不得对毕业年度在校生开展补贴性培训（特殊职教、普通高校、创业培训除外）",
    "stop_opening": "停止开班，整改期",
    "suspend_assessment": "暂停结业考核，重新培训或取消当班补贴",
    "county": "县（区）级以上人社部门",
    "weekly": "每周（周三收交、周四汇总送财政、周五财政审核）",
    "monthly": "每月向财政推送",
}

# C01 (issue 16): the bureau's sign-off fields of a document's application form, code → the label the
# sign-offs show (jineng.signoffs.models.Kind).
BUREAU_SIGNOFFS: dict[str, str] = {
    "supervision_opinion": "过程监管 · 人社部门检查意见",
    "exam_patrol": "结业考核 · 考核巡查",
    "assessment_opinion": "结业考核 · 人社部门意见",
}


def value_labels(name: str) -> dict[str, str]:
    """The Chinese names of a list parameter's codes (report kinds, trainee groups, training modes, sign-off
    fields); an empty mapping for a list the documents already write in words."""
    from jineng.policy.subsidy import MODES  # subsidy reads the profiles: imported when first shown

    return {
        "report_kinds": REPORT_KINDS,
        "j02_groups": TRAINEE_GROUPS,
        "bureau_signoffs": BUREAU_SIGNOFFS,
        "prepay_modes": dict(MODES),
    }.get(name, {})


# F13: the funds as the documents name them → the ledger's fund kinds (jineng.ledger.models.FundKind).
FUND_KINDS: dict[str, str] = {
    "职业技能提升行动资金": "special_account",
    "职业技能提升行动专账资金": "special_account",
    "就业补助资金": "employment_subsidy",
    "失业保险基金": "unemployment_insurance",
}


# J04: the groups a 以工代训 declaration may name, code → the name the documents use (jineng.policy.yigong).
YIGONG_GROUPS: dict[str, str] = {
    "poor_labour": "贫困劳动力",
    "hard_to_employ": "就业困难人员",
    "zero_employment_family": "零就业家庭成员",
}


# H06: the periodic reports of the reporting calendar, code → the name the documents use (XC23 三(一)
# "周调度、月通报、季讲评、半年督导、全年总结"; the 月报 of HC21 三(一), XC19 三(一), ZZHS21 六).
REPORT_KINDS: dict[str, str] = {
    "weekly": "周调度",
    "monthly": "月报",
    "quarterly": "季度讲评",
    "half_year": "半年督导",
    "year": "全年总结",
}


# J03: the groups a trainee may be recorded in, code → the name the documents use (HC21 二 2、12 and 附件1;
# XC19 二(一)2、3、7; XC23 二(一)6; ZZ21 二(二)). A profile's special programmes name the groups they are for.
TRAINEE_GROUPS: dict[str, str] = {
    "rural_transfer": "农村转移就业劳动者",
    "two_after": "两后生（未继续升学的初高中毕业生）",
    "graduate": "高校毕业生",
    "unemployed": "失业人员",
    "hard_to_employ": "就业困难人员",
    "veteran": "退役军人",
    "disabled": "残疾人",
    "poverty": "脱贫人口",
    "qiaoxifu": "“巧媳妇”工程从业人员",
    "farmer": "高素质农民",
    "prisoner": "在押服刑人员",
    "correction": "社区矫正对象",
    "rehab": "强制隔离戒毒人员",
    "employee": "企业职工",
    "entrepreneur": "创业人员",
    "other": "其他人员",
}


@dataclass(frozen=True)
class SpecialProgramme:
    """One of a document's 专项培训计划 (HC21's sub-plans, XC19's plans, XC23's 专项行动): the classes tagged
    with it count towards its target, and where it names groups (J03) only trainees of those groups."""

    code: str
    name: str
    clause: str
    groups: tuple[str, ...] = ()  # TRAINEE_GROUPS codes; empty = any trainee
    lead: str = ""  # 责任单位 as the document names them
    # The least share of 技能提升培训 among the programme's trainees ("其中技能提升培训占比80%以上", XC19).
    upgrade_share_min: Decimal | None = None

    def group_labels(self) -> str:
        return "、".join(TRAINEE_GROUPS[g] for g in self.groups)


@dataclass(frozen=True)
class Profile:
    code: str
    version: int
    jurisdiction: str
    region_code: str
    years: tuple[int, ...]
    document: str
    short: str
    source_file: str
    params: dict[str, Parameter]
    clauses: dict[str, str] = field(default_factory=dict)
    programmes: dict[str, SpecialProgramme] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.code}@v{self.version}"

    def param(self, name: str) -> Parameter:
        return self.params[name]

    def value(self, name: str) -> Any:
        param = self.params[name]
        if param.value is None:
            raise ParameterNotSet(self, param)
        return param.value

    def get(self, name: str, default: Any = None) -> Any:
        value = self.params[name].value
        return default if value is None else value

    def cite(self, name: str) -> str:
        """The clause to quote in a refusal: "ZZ21 六(二)1"."""
        return f"{self.code} {self.params[name].clause}"

    def rule_clause(self, rule: str) -> str:
        """The clause a refusal of ``rule`` (or of "<rule>_<part>") quotes, from the [clauses] table."""
        try:
            return self.clauses[rule]
        except KeyError:
            raise KeyError(f"政策档案 {self.code} 未写明规则 {rule} 的条款出处（[clauses] 表）") from None

    def by_rule(self) -> Iterator[tuple[str, list[Parameter]]]:
        rules: dict[str, list[Parameter]] = {}
        for spec in SCHEMA:
            rules.setdefault(spec.rule, []).append(self.params[spec.name])
        yield from rules.items()


def _convert(spec: ParamSpec, raw: Any) -> tuple[Any, str | None]:
    """(value, problem). bool is checked before int because TOML true is a Python int too."""
    kind = spec.kind
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            return None, f"应为整数，实际为 {type(raw).__name__} {raw!r}"
        if raw < 0:
            return None, f"不得为负数，实际为 {raw}"
        return raw, None
    if kind in ("decimal", "money"):
        if not isinstance(raw, str):
            return None, f"应为{KINDS[kind]}（写成字符串以免浮点误差），实际为 {type(raw).__name__} {raw!r}"
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return None, f"{raw!r} 不是合法的数字"
        if not value.is_finite() or value < 0:
            return None, f"{raw!r} 应为非负有限数"
        if kind == "decimal" and value > 1:
            return None, f"比例应在 0 到 1 之间，实际为 {raw}"
        return value, None
    if kind == "bool":
        if not isinstance(raw, bool):
            return None, f"应为 true/false，实际为 {type(raw).__name__} {raw!r}"
        return raw, None
    if kind == "date":
        if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
            return None, f"应为日期（如 2022-01-01），实际为 {type(raw).__name__} {raw!r}"
        return raw, None
    if kind == "str_list":
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            return None, f"应为非空字符串的列表，实际为 {raw!r}"
        return [x.strip() for x in raw], None
    if kind == "int_list":
        if not isinstance(raw, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
            return None, f"应为整数列表，实际为 {raw!r}"
        return list(raw), None
    if kind == "choice":
        if raw not in spec.choices:
            return None, f"应为 {' / '.join(spec.choices)} 之一，实际为 {raw!r}"
        return raw, None
    raise AssertionError(f"unknown kind {kind}")  # schema error, not a data error


def _meaning_problems(params: dict[str, Parameter]) -> list[str]:
    """What a value's kind cannot say: the parameters the money path reads as weekdays or fund names."""
    problems = []
    weekdays = params.get("weekly_cycle_weekdays")
    if weekdays is not None and weekdays.is_set:
        days = weekdays.value
        if len(days) != 3 or not all(1 <= d <= 7 for d in days) or days != sorted(days):
            problems.append(
                f"参数 weekly_cycle_weekdays（F11）应为收交、送财政、财政审核三个星期（1=周一 … 7=周日，"
                f"依次不早于前一个），实际为 {days!r}"
            )
    priority = params.get("fund_source_priority")
    if priority is not None and priority.is_set:
        unknown = [name for name in priority.value if name not in FUND_KINDS]
        kinds = [FUND_KINDS[name] for name in priority.value if name in FUND_KINDS]
        if unknown or len(set(kinds)) != len(kinds):
            problems.append(
                f"参数 fund_source_priority（F13）应为不重复的资金名称（{'、'.join(FUND_KINDS)}），"
                f"实际为 {priority.value!r}"
            )
    for name in ("yigong_groups", "yigong_min_employment_groups", "yigong_insured_groups"):
        groups = params.get(name)
        if groups is not None and groups.is_set:
            unknown = [g for g in groups.value if g not in YIGONG_GROUPS.values()]
            if unknown or len(set(groups.value)) != len(groups.value):
                problems.append(
                    f"参数 {name}（{groups.rule}）应为不重复的人员类别（{'、'.join(YIGONG_GROUPS.values())}），"
                    f"实际为 {groups.value!r}"
                )
    reports = params.get("report_kinds")
    if reports is not None and reports.is_set:
        unknown = [k for k in reports.value if k not in REPORT_KINDS]
        if unknown or len(set(reports.value)) != len(reports.value):
            problems.append(
                f"参数 report_kinds（H06）应为不重复的报告代码（{'、'.join(REPORT_KINDS)}），实际为 {reports.value!r}"
            )
    groups = params.get("j02_groups")
    if groups is not None and groups.is_set:
        unknown = [g for g in groups.value if g not in TRAINEE_GROUPS]
        if unknown:
            problems.append(f"参数 j02_groups（J02）含未知的人员类别代码 {unknown!r}（见 TRAINEE_GROUPS）")
    return problems


def _programmes(raw: Any, problems: list[str]) -> dict[str, SpecialProgramme]:
    """The [programmes.<code>] tables (J03): name, clause, groups (TRAINEE_GROUPS codes, [] = any), lead."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append("[programmes] 应为表：[programmes.<代码>] name/clause/groups/lead")
        return {}
    out: dict[str, SpecialProgramme] = {}
    for code, entry in raw.items():
        where = f"专项计划 {code}"
        if not isinstance(entry, dict):
            problems.append(f"{where} 应为表")
            continue
        unknown = sorted(set(entry) - {"name", "clause", "groups", "lead", "upgrade_share_min"})
        if unknown:
            problems.append(
                f"{where} 有未知字段 {'、'.join(unknown)}（可用 name/clause/groups/lead/upgrade_share_min）"
            )
        share = None
        if "upgrade_share_min" in entry:
            share, problem = _convert(
                _p("upgrade_share_min", "decimal", "J03", "技能提升培训占比下限"), entry["upgrade_share_min"]
            )
            if problem:
                problems.append(f"{where} 的 upgrade_share_min {problem}")
                continue
        name, clause, groups, lead = (entry.get(k) for k in ("name", "clause", "groups", "lead"))
        if not isinstance(name, str) or not name.strip() or not isinstance(clause, str) or not clause.strip():
            problems.append(f"{where} 须写名称 name 与条款出处 clause")
            continue
        if groups is None:
            groups = []
        if not isinstance(groups, list) or any(g not in TRAINEE_GROUPS for g in groups):
            problems.append(f"{where} 的 groups 应为人员类别代码列表（见 TRAINEE_GROUPS），实际为 {groups!r}")
            continue
        if len(code) > 32:
            problems.append(f"{where} 的代码过长（不超过 32 个字符）")
            continue
        out[code] = SpecialProgramme(
            code, name.strip(), clause.strip(), tuple(groups), str(lead or "").strip(), share
        )
    return out


def _clauses(raw: Any, problems: list[str]) -> dict[str, str]:
    """The [clauses] table: every rule of CITED_RULES, each a non-empty clause; only rule IDs of RULES.md."""
    if not isinstance(raw, dict):
        problems.append("缺少 [clauses] 表（规则编号 = 条款出处）")
        return {}
    clauses: dict[str, str] = {}
    for rule, text in raw.items():
        if rule.split("_")[0] not in RULE_IDS:
            problems.append(f"[clauses] 中的 {rule} 不是规则编号（见 RULES.md）")
        elif not isinstance(text, str) or not text.strip():
            problems.append(f"[clauses] 中规则 {rule} 的条款出处应为非空字符串，实际为 {text!r}")
        else:
            clauses[rule] = text.strip()
    for rule, label in CITED_RULES.items():
        if rule not in raw:
            problems.append(f"[clauses] 缺少规则 {rule}（{label}）的条款出处")
    return clauses


_HEADER = {
    "code": str,
    "version": int,
    "jurisdiction": str,
    "region_code": str,
    "years": list,
    "document": str,
    "short": str,
    "source_file": str,
}


def parse_profile(data: dict[str, Any], source: str) -> Profile:
    problems: list[str] = []
    for key, typ in _HEADER.items():
        if key not in data:
            problems.append(f"缺少档案字段 {key}")
        elif not isinstance(data[key], typ) or isinstance(data[key], bool):
            problems.append(f"档案字段 {key} 类型错误：应为 {typ.__name__}，实际为 {data[key]!r}")
    raw_params = data.get("params")
    if not isinstance(raw_params, dict):
        problems.append("缺少 [params] 表")
        raw_params = {}
    params: dict[str, Parameter] = {}
    for spec in SCHEMA:
        where = f"参数 {spec.name}（{spec.rule} {spec.label}）"
        entry = raw_params.get(spec.name)
        if entry is None:
            problems.append(f"缺少{where}：每个参数都要写 value 或写 not_set 说明为何未规定")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where} 应为表（value/rule/clause），实际为 {entry!r}")
            continue
        if entry.get("rule") != spec.rule:
            problems.append(f"{where} 的规则编号应为 {spec.rule}，文件写的是 {entry.get('rule')!r}")
        clause = entry.get("clause")
        has_value = "value" in entry
        not_set = entry.get("not_set")
        if has_value == (not_set is not None):
            problems.append(f"{where} 须且只须写 value 与 not_set 之一")
            continue
        if has_value:
            if not isinstance(clause, str) or not clause.strip():
                problems.append(f"{where} 缺少条款出处 clause")
                continue
            value, problem = _convert(spec, entry["value"])
            if problem:
                problems.append(f"{where} 类型错误：{problem}")
                continue
            params[spec.name] = Parameter(spec, value, clause.strip(), str(entry.get("note", "")))
        else:
            if not isinstance(not_set, str) or not not_set.strip():
                problems.append(f"{where} 的 not_set 应写明未规定的原因")
                continue
            params[spec.name] = Parameter(spec, None, str(clause or "").strip(), not_set.strip())
    problems.extend(_meaning_problems(params))
    unknown = sorted(set(raw_params) - set(SPECS))
    for name in unknown:
        problems.append(f"未知参数 {name}：不在参数表中（拼写错误？）")
    clauses = _clauses(data.get("clauses"), problems)
    programmes = _programmes(data.get("programmes"), problems)
    years = data.get("years", [])
    if isinstance(years, list) and not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        problems.append(f"档案字段 years 应为整数列表，实际为 {years!r}")
    if problems:
        raise ProfileError(source, problems)
    return Profile(
        code=data["code"],
        version=data["version"],
        jurisdiction=data["jurisdiction"],
        region_code=data["region_code"],
        years=tuple(data["years"]),
        document=data["document"],
        short=data["short"],
        source_file=data["source_file"],
        params=params,
        clauses=clauses,
        programmes=programmes,
    )


def load_profile_file(path: Path) -> Profile:
    source = str(path.relative_to(PROFILE_DIR)) if path.is_relative_to(PROFILE_DIR) else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, [f"TOML 格式错误：{exc}"]) from None
    profile = parse_profile(data, source)
    expected = f"{profile.code}/v{profile.version}.toml"
    if source != str(path) and source != expected:
        raise ProfileError(source, [f"文件应命名为 {expected}（档案代码与版本号决定路径）"])
    return profile


@cache
def all_profiles() -> dict[tuple[str, int], Profile]:
    """Every profile file in the repo, keyed by (code, version). Any bad file stops the start."""
    profiles: dict[tuple[str, int], Profile] = {}
    for path in sorted(PROFILE_DIR.glob("*/v*.toml")):
        profile = load_profile_file(path)
        profiles[(profile.code, profile.version)] = profile
    return profiles


def latest_profiles() -> list[Profile]:
    """Each profile code's latest version, in code order."""
    latest: dict[str, Profile] = {}
    for (code, _version), profile in sorted(all_profiles().items()):
        latest[code] = profile
    return list(latest.values())


@dataclass(frozen=True)
class PolicyDocument:
    """One of the official work plans the product implements (profiles/documents.toml): a rule profile's
    document, or one that sets target tables only."""

    code: str
    issuer: str
    number: str  # empty: the document has no number in its text
    title: str
    holds: str  # what of it the product holds: rule parameters, target tables


@cache
def policy_documents() -> tuple[PolicyDocument, ...]:
    """The documents in their table's order."""
    data = tomllib.loads((PROFILE_DIR / "documents.toml").read_text(encoding="utf-8"))
    return tuple(PolicyDocument(**row) for row in data["document"])


def profile_written_for(region_code: str, year: int) -> Profile:
    """The profile whose document was written for this jurisdiction (its GB/T 2260 code) and year, in its
    latest version: what a region's bureau puts in force unless it decides otherwise."""
    found = [p for p in all_profiles().values() if p.region_code == region_code and year in p.years]
    codes = {p.code for p in found}
    if len(codes) != 1:
        raise LookupError(f"{year} 年为区域 {region_code} 制定的政策档案有 {len(codes)} 份：须指明档案代码")
    return max(found, key=lambda p: p.version)


def get_profile(code: str, version: int | None = None) -> Profile:
    profiles = all_profiles()
    if version is None:
        versions = [v for (c, v) in profiles if c == code]
        if not versions:
            raise KeyError(f"没有代码为 {code} 的政策档案")
        version = max(versions)
    try:
        return profiles[(code, version)]
    except KeyError:
        raise KeyError(f"没有政策档案 {code} v{version}") from None

"""The menu: one entry per page a role may open. Read by the layout and by the home page."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse

from jineng.core.roles import Role, can


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    capability: str
    description: str
    # Roles that have the capability but are not offered the page in their menu (a trainee's menu offers
    # his own pages only).
    not_for: frozenset[str] = frozenset()

    @property
    def url(self) -> str:
        return _reversed(self.url_name)


# A page draws every entry of its role's menu and looks each address up again to light the current one:
# some 60 reverse() calls a page. An entry's address depends only on the URL configuration in use and
# the script prefix, so it is looked up once per pair. Keyed by the resolver object itself (weakly), a
# changed URL configuration (clear_url_caches, a test's ROOT_URLCONF) starts from an empty table.
_REVERSED: weakref.WeakKeyDictionary[URLResolver, dict[tuple[str, str], str]] = weakref.WeakKeyDictionary()


def _reversed(url_name: str) -> str:
    resolver = get_resolver(get_urlconf())
    table = _REVERSED.get(resolver)
    if table is None:
        table = _REVERSED[resolver] = {}
    key = (url_name, get_script_prefix())
    url = table.get(key)
    if url is None:
        url = table[key] = reverse(url_name)
    return url


MENU: tuple[NavItem, ...] = (
    NavItem(
        "基础数据",
        "行政区域",
        "regions:list",
        "region.view",
        "省、市、县（区）及功能区，各年度适用的政策档案",
    ),
    NavItem(
        "基础数据",
        "行业主管部门",
        "regions:departments",
        "department.view",
        "各级行业主管部门、人社与财政部门",
    ),
    NavItem("基础数据", "机构名录", "orgs:list", "org.view", "培训机构、企业、评价机构及其统一社会信用代码"),
    NavItem("基础数据", "实名人员库", "people:list", "person.view", "按居民身份证号实名登记的人员"),
    NavItem("本人", "我的信息", "people:me", "self.view", "本人的实名登记信息"),
    NavItem(
        "本人", "我的培训券", "vouchers:mine", "self.view", "本人的电子职业培训券：券号、有效期与使用情况"
    ),
    NavItem(
        "本人",
        "我的培训与补贴",
        "claims:mine",
        "self.view",
        "本人参加的培训班、考勤、考核结果与证书、补贴明细及拨付情况，公示期内可对本人明细提出异议；本人取得的证书可申领职业技能评价补贴",
    ),
    NavItem("本人", "我的学习记录", "online:me", "self.view", "本人的线上学习有效课时与人脸签到记录"),
    NavItem(
        "政策",
        "政策档案",
        "regions:profiles",
        "profile.view",
        "各地各年度政策参数对照，逐条注明规则编号与条款",
    ),
    NavItem(
        "政策",
        "各地区适用档案",
        "regions:profiles_in_force",
        "profile.view",
        "某地区某年度适用哪份政策档案；人社局管理员设定，记入审计日志",
    ),
    NavItem(
        "政策",
        "工作日历",
        "workcal:index",
        "calendar.view",
        "法定节假日与调休，按工作日计算期限",
        not_for=frozenset({Role.TRAINEE}),
    ),
    NavItem(
        "培训目录",
        "职业目录",
        "catalogue:occupations",
        "catalogue.view",
        "2022年版职业分类大典，绿色职业（L）与数字职业（S）",
    ),
    NavItem(
        "培训目录",
        "补贴性培训目录",
        "catalogue:items",
        "catalogue.view",
        "省、市补贴性培训项目目录：职业、工种、等级、证书类型、课时与补贴标准",
    ),
    NavItem(
        "培训目录",
        "机构培训目录",
        "catalogue:institutions",
        "catalogue.view",
        "各机构可开展补贴性培训的职业（A11）",
    ),
    NavItem(
        "培训目录", "师资报备", "catalogue:teachers", "catalogue.view", "培训机构报备的专职、兼职教师（A15）"
    ),
    NavItem(
        "培训目录", "实训工位", "catalogue:workstations", "catalogue.view", "各机构分职业的实训工位数（A02）"
    ),
    NavItem(
        "培训目录",
        "线上培训平台",
        "catalogue:platforms",
        "catalogue.view",
        "线上平台的目录、备案与审核（D01）",
    ),
    NavItem(
        "培训目录",
        "评价机构备案",
        "catalogue:filings",
        "catalogue.view",
        "评价机构目录与职业技能等级认定备案：职业、等级、区域与有效期（I09）",
    ),
    NavItem(
        "培训目录",
        "机构状态",
        "catalogue:status",
        "org.status",
        "暂停、恢复、退出，审计督查发现问题（A12、C09）",
    ),
    NavItem(
        "培训目录",
        "处理决定",
        "orgs:sanctions",
        "sanction.manage",
        "执行中的暂停、停止开班、黑名单等处理决定，两人签署解除（I01）",
    ),
    NavItem(
        "培训目录",
        "机构绩效评价",
        "appraisal:list",
        "appraisal.view",
        "按出勤、取证、满意度、就业跟踪年度评价，决定下年度目录与项目制资格（I03–I05）",
    ),
    NavItem(
        "培训班", "开班申请", "training:list", "class.view", "开班申请、花名册与审核进度（A01–A15、B01–B08）"
    ),
    NavItem(
        "培训班",
        "开班审核",
        "training:queue",
        "class.review_dept",
        "待我签署的开班申请，按审核期限排序（F09）",
    ),
    NavItem(
        "培训班", "开班审核", "training:queue", "class.review_hr", "待我签署的开班申请，按审核期限排序（F09）"
    ),
    NavItem(
        "培训班",
        "过程监管",
        "supervision:queue",
        "class.view",
        "开班当日检查、培训期间检查、结业（C01、C02）",
    ),
    NavItem(
        "培训班",
        "今日检查",
        "supervision:today",
        "class.supervise",
        "督查员手机页：今日辖区在训班级，一班一表",
    ),
    NavItem(
        "培训班",
        "线上培训监管",
        "online:list",
        "online.view",
        "线上学习日志与人脸签到：逐课有效性、有效课时、每日异常清单（D01、D04、C07）",
    ),
    NavItem("培训班", "结业考核", "assessment:queue", "class.view", "考核申请与评价机构结果录入（E01–E05）"),
    NavItem(
        "培训班",
        "跨区域考核安排",
        "assessment:arrangements",
        "class.view",
        "本地无备案评价机构或考核人数较少时的跨区域、统筹集中考核（I08）",
    ),
    NavItem(
        "培训班",
        "证书查询",
        "assessment:certificates",
        "certificate.view",
        "按身份证号或姓名查询证书；专项与合格证书占比（E06）",
    ),
    NavItem(
        "培训班",
        "证书登记册",
        "certificates:list",
        "certificate.view",
        "各取证途径的全部证书（培训班、企业认定、社会评价、竞赛、鉴定、专项能力），带查验二维码（H03）",
    ),
    NavItem(
        "资金",
        "补贴申领",
        "claims:list",
        "claim.list",
        "已考核班级的补贴申领：逐人金额与依据、审核、公示、拨付",
    ),
    NavItem(
        "资金",
        "评价补贴",
        "evalsubsidy:index",
        "evaluation.list",
        "评价机构、培训机构、企业、个人按证书申领职业技能评价补贴：逐证书金额与依据（补贴标准目录）",
    ),
    NavItem(
        "资金",
        "申领审核",
        "claims:queue",
        "claim.queue",
        "待我签署的补贴申领（F07、F09、F10）与公示中的名单（F08）",
    ),
    NavItem(
        "资金",
        "申领批处理",
        "claims:runs",
        "claim.run",
        "本机构全部已考核班级一次批量申领，后台分批办理，逐批列明未通过的班级与规则（API 亦可批量签署）",
    ),
    NavItem(
        "资金",
        "以工代训",
        "wagetraining:list",
        "yigong.view",
        "企业申报吸纳就业的人员，按月申领以工代训补贴，经同一审核、公示、拨付流程（F03、J04、B08）",
    ),
    NavItem(
        "资金",
        "拨付批次",
        "claims:batches",
        "batch.view",
        "按周（F11）或按月（F12）汇总拨付，资金来源（F13）",
    ),
    NavItem(
        "资金",
        "资金账簿",
        "ledger:index",
        "ledger.view",
        "资金余额、试算平衡与记账分录：拨入、应付、支付、预拨、退回与追缴（F04、F13、F14）",
    ),
    NavItem(
        "资金",
        "年度资金预算",
        "ledger:budgets",
        "ledger.view",
        "各项资金来源按区域、年度设定预算，每次设定记账并留痕；支付按政策档案的资金使用顺序（F13）",
    ),
    NavItem(
        "资金",
        "资金使用情况",
        "claims:fund_use",
        "ledger.view",
        "年度预算与支付，培训补贴与评价补贴分列，培训和评价补贴占就业补助资金比例（F15）；年度报告与公开页",
    ),
    NavItem(
        "资金",
        "项目制预拨",
        "claims:prepayments",
        "prepayment.view",
        "项目制培训预拨 30%—50% 补贴，两人审核、财政拨付，申领拨付时清算（F04）",
    ),
    NavItem(
        "资金",
        "实训设备补助",
        "grants:list",
        "grant.view",
        "高技能人才培训基地、技能大师工作室新购置实训设备一次性补助：申请、两人审核，转入补贴申领（F05、F09）",
    ),
    NavItem(
        "资金",
        "错发追缴",
        "recovery:list",
        "recovery.view",
        "错发多发资金退回、抵扣，骗取资金追缴与黑名单（F14）",
    ),
    NavItem(
        "资金",
        "错发周报月报",
        "recovery:report",
        "recovery.view",
        "每周、每月错误资金申领退还情况报告，按区域、机构（F14）",
    ),
    NavItem(
        "学徒制",
        "企业新型学徒制",
        "apprenticeship:list",
        "apprenticeship.view",
        "校企合作的学徒制培养：学徒名单（A08、A09）、按年度申领补贴、结业取证",
    ),
    NavItem(
        "培训券",
        "电子职业培训券",
        "vouchers:list",
        "voucher.view",
        "发放、绑定、以证换券与作废；年度发放数与有效使用数（G01、G02）",
    ),
    NavItem(
        "目标",
        "目标计划",
        "targets:list",
        "plan.view",
        "年度目标任务分解：按地区、部门、单位，合计核对（H01）、省级下达数（H05）、技工院校最低任务（H07）",
    ),
    NavItem(
        "目标",
        "专项计划与重点群体",
        "targets:programmes",
        "plan.view",
        "各专项培训计划与人员类别的培训人次，按开班学员统计，已核实类别单列（J03）",
    ),
    NavItem(
        "目标",
        "进度看板",
        "progress:dashboard",
        "progress.view",
        "实绩自动统计：按地区、部门、单位、月份的完成率、排名、进度滞后与结构比例（H03、H04）",
    ),
    NavItem(
        "目标", "月报与通报", "progress:reports", "progress.view", "县（区）报送、市级审核、月通报排名（H06）"
    ),
    NavItem(
        "目标",
        "定期报告",
        "progress:calendar",
        "progress.view",
        "周调度、月报、季度讲评、半年督导、全年总结：县（区）和行业部门报送，上一级审核或退回（H06）",
    ),
    NavItem(
        "目标",
        "逾期报告",
        "progress:late",
        "progress.view",
        "已过报送时限、尚未报送或审核的报告，逾期天数（H06）",
    ),
    NavItem(
        "目标",
        "宣传与竞赛",
        "progress:media",
        "outreach.view",
        "宣传信息登记与县（区）、市直部门达标情况（H08），技能竞赛登记（H02）",
    ),
    NavItem(
        "目标",
        "技能培训台账",
        "progress:ledger",
        "trainingbook.view",
        "补贴性培训以外的职业技能培训，培训结束后录入并计入职业技能培训人次（E09）",
    ),
    NavItem("监督", "审计日志", "audit:list", "audit.view", "所有状态变更的只增不改记录"),
    NavItem("设置", "API 令牌", "accounts:tokens", "token.manage", "机构自有系统对接 /api/v1 的访问令牌"),
    NavItem(
        "设置",
        "登录锁定",
        "accounts:lockouts",
        "account.unlock",
        "登录失败次数过多被暂时锁定的本辖区账户，可解锁",
    ),
    NavItem(
        "设置",
        "账号管理",
        "accounts:users",
        "account.manage",
        "开设本辖区工作人员和机构经办的账号，设定角色与范围，停用、启用、重置密码",
    ),
)


def menu_for(role: str | None) -> list[NavItem]:
    return [item for item in MENU if can(role, item.capability) and role not in item.not_for]

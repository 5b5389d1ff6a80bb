"""Every target table of the policy documents, as plans with the documents' exact figures (H01, H02).

Transcribed from ../shared/policy: ZZ21 附件1, HC21 附件1, ZZHS21 表1–表5, XC23 附件1–附件2 (XC19 has no
target table). Figures printed in 万 (XC23) are given here as printed, as strings, and converted exactly
by wan_to_persons. The tables' own 合计/总计 rows are kept as controls, so that the plan page compares
the rows against them; XC23 附件2 (行业系统) has no total of its own and is checked against the city's
targets of 附件1 — which its departments do not add up to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jineng.orgs.models import Organisation
from jineng.policy.targets import Indicator, count_to_persons, wan_to_persons
from jineng.regions.models import Department, Region
from jineng.targets.models import Control, Plan
from jineng.targets.services import ControlIn, RowIn, plan_create, split_record

I = Indicator  # noqa: E741 — the tables below read better with a short name

# --- ZZ21 附件1: 2021 年度郑州市补贴性职业技能提升培训目标任务分解 (persons) --------------------------------
ZZ21_A1_COLUMNS = (I.SUBSIDISED, I.APPRENTICES)  # 开展补贴性技能培训人次, 开展新型学徒制培训人数
ZZ21_A1_ROWS: list[tuple[str, tuple[str | None, ...]]] = [
    ("市本级", ("100000", "10500")),
    ("金水区", ("25000", None)),
    ("郑东新区", ("25000", None)),
    ("航空港区", ("25000", None)),
    ("高新区", ("21000", None)),
    ("经开区", ("21000", None)),
    ("二七区", ("15000", None)),
    ("中原区", ("14000", None)),
    ("管城区", ("12000", None)),
    ("惠济区", ("11000", None)),
    ("上街区", ("7000", None)),
    ("中牟县", ("15000", None)),
    ("登封市", ("12000", None)),
    ("新密市", ("14000", None)),
    ("荥阳市", ("12000", None)),
    ("新郑市", ("21000", None)),
]
ZZ21_A1_TOTALS = [("郑州市总计", "all", ("350000", "10500")), ("县（市、区）合计", "below", ("250000", None))]

# --- HC21 附件1: 2021年潢川县…培训任务分解表 (人次; 备注: the figures are the subsidised-training tasks) ----
HC21_A1_ROWS: list[tuple[str, str, str]] = [
    (
        "农村劳动力技能培训",
        "扶贫办、人社局、教体局、农业农村局、商务局、住房和城乡建设局、妇联、民政局、退役军人事务局",
        "4800",
    ),
    ("创业培训", "人力资源和社会保障局", "850"),
    ("企业新型学徒制培训", "人力资源和社会保障局", "75"),
    ("企业职工补贴性技能提升培训", "工信局、人社局", "300"),
    ("养老、托幼等康养从业人员技能培训", "民政局、教体局", "300"),
    ("建筑业从业人员技能提升培训", "住房和城乡建设局、团县委", "275"),
    ("交通运输行业从业人员技能提升培训", "交通运输局", "50"),
    ("农民培训", "农业农村局", "300"),
    ("电子商务从业人员技能提升培训", "商务局", "200"),
    ("退役军人技能培训", "退役军人事务局", "200"),
    ("残疾人技能提升培训", "残联", "200"),
    ("服刑人员技能培训", "司法局", "50"),
    ("“巧媳妇”工程就业创业技能培训", "妇联", "200"),
    ("高危行业安全技能提升培训", "应急管理局", "200"),
]
HC21_A1_TOTAL = "8000"
# The lead unit as HC21 names it in 附件1 → the department of the demo.
HC21_DEPARTMENT_ALIASES = {"人力资源和社会保障局": "人社局"}

# --- ZZHS21 表1: 2021年高技能人才培养目标任务分解表 (persons) ------------------------------------------------
ZZHS21_T1_COLUMNS = (I.HIGH_SKILLED, I.TECHNICIANS)
ZZHS21_T1_ROWS: list[tuple[str, tuple[str | None, ...]]] = [
    ("市本级", ("16900", "5070")),
    ("航空港区", ("120", "35")),
    ("郑东新区", ("110", "33")),
    ("高新区", ("120", "36")),
    ("经开区", ("100", "31")),
    ("登封市", ("100", "31")),
    ("新密市", ("110", "33")),
    ("荥阳市", ("110", "33")),
    ("新郑市", ("120", "36")),
    ("中牟县", ("120", "35")),
    ("中原区", ("110", "33")),
    ("二七区", ("100", "31")),
    ("金水区", ("120", "36")),
    ("管城区", ("100", "31")),
    ("惠济区", ("110", "33")),
    ("上街区", ("50", "13")),
]
ZZHS21_T1_TOTALS = [("郑州市总计", "all", ("18500", "5550")), ("区县（市）合计", "below", ("1600", "480"))]

# --- ZZHS21 表2: 市本级分解表（市直部门）-------------------------------------------------------------------
ZZHS21_T2_ROWS: list[tuple[str, tuple[str | None, ...]]] = [
    ("市教育局", ("1000", "300")),
    ("市科技局", ("200", "60")),
    ("市工信局", ("500", "150")),
    ("市公安局", ("500", "150")),
    ("市民政局", ("500", "150")),
    ("市司法局", ("500", "150")),
    ("市城建局", ("500", "150")),
    ("市商务局", ("300", "90")),
    ("市文化广电和旅游局", ("700", "210")),
    ("市卫健委", ("500", "150")),
    ("市退役军人局", ("1000", "300")),
    ("市应急局", ("500", "150")),
    ("市国资委", ("400", "120")),
    ("市大数据局", ("300", "90")),
    ("市妇联", ("200", "60")),
]
ZZHS21_T2_TOTAL = ("7600", "2280")

# --- ZZHS21 表3–表5: 市本级分解表 by unit (新增培养高技能人才, persons) --------------------------------------
ZZHS21_T3_ROWS: list[tuple[str, str]] = [
    ("郑州市公共交通集团有限公司", "100"),
    ("郑州丹尼斯百货有限公司", "50"),
    ("好想你健康食品股份有限公司", "50"),
    ("三全食品股份有限公司", "50"),
    ("郑州宇通集团有限公司", "50"),
    ("河南正道商业有限公司", "50"),
    ("郑州煤矿机械集团股份有限公司", "50"),
    ("河南省黄河迎宾馆", "50"),
    ("中原环保股份有限公司", "50"),
    ("河南天地粤海酒店", "50"),
    ("海马汽车有限公司", "50"),
    ("郑州市污水净化有限公司", "50"),
    ("郑州日产汽车有限公司", "50"),
    ("中鑫之宝汽车服务有限公司", "50"),
    ("河南小南国投资发展有限公司", "50"),
    ("中煤新登郑州煤业有限公司", "50"),
    ("河南省永和铂爵国际酒店有限公司", "50"),
]
ZZHS21_T3_TOTAL = "900"
ZZHS21_T4_ROWS: list[tuple[str, str]] = [
    ("恒天重工股份有限公司", "30"),
    ("中铁工程装备集团有限公司", "30"),
    ("河南中夏建筑工程有限公司", "150"),
    ("格力电器（郑州）有限公司", "80"),
    ("郑州领袖梦舒雅服饰有限公司", "40"),
    ("郑州旭飞光电科技有限公司", "30"),
    ("郑州华润燃气股份有限公司", "30"),
    ("郑州飞机装备有限责任公司", "30"),
    ("郑州宝视达品牌管理有限公司", "40"),
    ("河南省巨通机电设备有限公司", "30"),
    ("河南多凯建筑工程有限公司", "100"),
    ("河南皇甲特卫保安服务集团有限公司", "50"),
    ("河南省五建建设集团有限公司", "30"),
]
ZZHS21_T4_TOTAL = "670"
ZZHS21_T5_ROWS: list[tuple[str, str]] = [
    ("郑州工程技术学院", "900"),
    ("郑州轨道交通公司", "300"),
    ("郑州交通技师学院", "300"),
    ("航空物流公共实训中心", "400"),
    ("郑州商业技师学院", "500"),
    ("郑州旅游职业学院", "200"),
    ("郑州电力职业技术学院", "200"),
    ("郑州工业技师学院", "400"),
    ("郑州财经技师学院", "400"),
    ("郑州电缆技工学校", "200"),
    ("郑州技师学院", "300"),
    ("河南云和数据信息技术有限公司", "630"),
    ("登封中等专业学校", "100"),
    ("郑州铁路技师学院", "300"),
    ("郑州职业教育和评价协会", "1000"),
    ("中国陶瓷行业特有工种职业技能鉴定站河南分站", "1000"),
    ("河南古川河消防安全职业培训学校", "500"),
    ("河南省珠宝玉石首饰行业协会", "100"),
]
ZZHS21_T5_TOTAL = "7730"

# --- XC23 附件1: 任务指导计划（县市区）, in 万 as printed ---------------------------------------------------
XC23_A1_COLUMNS = (I.TRAINING, I.SUBSIDISED, I.SKILLED, I.HIGH_SKILLED, I.TECHNICIANS, I.APPRENTICES)
XC23_A1_ROWS: list[tuple[str, tuple[str | None, ...]]] = [
    ("市直", ("1.5", "0.55", "0.6", "0.45", "0.02", "0.11")),
    ("禹州市", ("2.5", "1.1", "2", "0.45", "0.04", "0.006")),
    ("长葛市", ("1.9", "0.8", "1.6", "0.45", "0.04", "0.006")),
    ("鄢陵县", ("1.2", "0.55", "0.9", "0.35", "0.03", "0.003")),
    ("襄城县", ("1.2", "0.55", "0.9", "0.35", "0.03", "0.003")),
    ("魏都区", ("0.7", "0.4", "0.6", "0.35", "0.03", "0.003")),
    ("建安区", ("1.2", "0.5", "0.9", "0.35", "0.03", "0.003")),
    ("示范区", ("0.6", "0.25", "0.5", "0.25", "0.02", "0.002")),
    ("开发区", ("0.6", "0.25", "0.5", "0.25", "0.02", "0.002")),
    ("东城区", ("0.6", "0.25", "0.5", "0.25", "0.02", "0.002")),
]
XC23_A1_TOTAL = ("12", "5.2", "9", "3.5", "0.28", "0.14")

# --- XC23 附件2: 任务指导计划（行业系统）, in 万 as printed ------------------------------------------------
XC23_A2_COLUMNS = (I.TRAINING, I.SKILLED, I.HIGH_SKILLED)
XC23_A2_ROWS: list[tuple[str, tuple[str | None, ...]]] = [
    ("市教育局（含许昌职业技术学院）", ("2", "1.8", "0.6")),
    ("市科技局", ("0.04", "0.025", "0.005")),
    ("市工信局", ("2", "1.3", "0.8")),
    ("市公安局", ("0.2", "0.2", "0.01")),
    ("市民政局", ("0.2", "0.15", "0.01")),
    ("市司法局", ("0.16", "0.036", "0")),
    ("市人社局", ("2.5", "2.25", "1.4")),
    ("市自然资源和规划局", ("0.18", "0.09", "0.02")),
    ("市住建局", ("0.3", "0.1", "0.02")),
    ("市交通局", ("0.2", "0.09", "0.015")),
    ("市农业农村局", ("1", "0.6", "0.1")),
    ("市商务局", ("0.4", "0.36", "0.135")),
    ("市文广旅局", ("0.11", "0.055", "0.027")),
    ("市卫健委", ("0.12", "0.09", "0.05")),
    ("市退役军人事务局", ("0.09", "0.02", "0.004")),
    ("市应急管理局", ("0.4", "0.09", "0")),
    ("市市场监管局", ("0.1", "0.02", "0.002")),
    ("市体育局", ("0.02", "0.045", "0.005")),
    ("市发改委", ("0.02", "0.018", "0.0068")),
    ("市乡村振兴局", ("0.0315", "0.021", "0.0063")),
    ("市政务服务和大数据管理局", ("0.008", "0.005", "0.0025")),
    ("市通管办", ("0.2", "0.09", "0.015")),
    ("市邮政管理局", ("0.06", "0.015", "0.005")),
    ("市供销合作社", ("0.04", "0.015", "0.009")),
    ("市总工会", ("0.32", "0.18", "0.12")),
    ("团市委", ("0.24", "0.09", "0.025")),
    ("市妇联", ("0.24", "0.09", "0.045")),
    ("市残联", ("0.12", "0.025", "0.009")),
]
# 附件2 has no total row; its parent is the city's target (XC23 一, = 附件1 合计).
XC23_A2_PARENT = ("12", "9", "3.5")
XC23_A2_NOTE = (
    "备注1：以上任务指导计划综合考虑省级行业部门下达我市的年度任务指标……如省级行业部门后期下达任务指标"
    "高于该任务指导计划，以省级行业部门下达任务指标为准；如该任务指导计划高于省级行业部门后期下达任务指标，"
    "以该任务指导计划为准。（规则 H05）"
)


# --- The documents' overall targets (一、目标任务) for what no table of theirs decomposes: one row for
# the whole city or county, so that the region's own figure exists for every indicator the text sets.
# (ZZHS21's 1.85万 / 5550 are 表1's totals and are not repeated; XC19 sets three-year totals only.)
TEXT_TARGETS: list[tuple[str, int, str, str, dict[str, str]]] = [
    ("ZZ21 一", 2021, "郑州市", "2021年郑州市职业技能提升行动总体目标", {I.TRAINING: "700000"}),
    (
        "HC21 一(二)",
        2021,
        "潢川县",
        "2021年潢川县职业技能提升培训目标任务",
        {I.TRAINING: "10000", I.SUBSIDISED: "8000"},
    ),
    (
        "XC23 一",
        2023,
        "许昌市",
        "2023年“人人持证、技能河南”建设总体目标",
        {I.RECOGNITION: "100", I.COMPETITIONS: "20"},
    ),
    (  # G02: "全年累计发放职业培训券5万张，有效使用1万张以上"
        "XC23 二(四)",
        2023,
        "许昌市",
        "2023年电子职业培训券发放使用目标",
        {I.VOUCHERS_ISSUED: "50000", I.VOUCHERS_USED: "10000"},
    ),
]
TEXT_LABELS = {"郑州市": "全市", "潢川县": "全县", "许昌市": "全市"}


def _figures(columns: tuple[str, ...], values: tuple[str | None, ...], *, wan: bool) -> dict[str, int]:
    convert = wan_to_persons if wan else count_to_persons
    return {c: convert(v) for c, v in zip(columns, values, strict=True) if v is not None}


def _region(city: Region, label: str) -> Region:
    if label in ("市本级", "市直"):
        return city
    return (
        Region.objects.get(parent=city, short_name=label)
        if Region.objects.filter(parent=city, short_name=label).exists()
        else Region.objects.get(parent=city, name=label)
    )


def _controls(
    totals: Sequence[tuple[str, str, tuple[str | None, ...]]],
    columns: tuple[str, ...],
    clause: str,
    *,
    wan: bool,
) -> list[ControlIn]:
    out = []
    for label, covers, values in totals:
        for indicator, persons in _figures(columns, values, wan=wan).items():
            out.append(
                ControlIn(indicator=indicator, label=label, persons=persons, covers=covers, clause=clause)
            )
    return out


def _by_region(
    city: Region,
    rows: list[tuple[str, tuple[str | None, ...]]],
    columns: tuple[str, ...],
    *,
    wan: bool,
) -> list[RowIn]:
    return [
        RowIn(label=label, region=_region(city, label), figures=_figures(columns, values, wan=wan))
        for label, values in rows
    ]


def _by_unit(city: Region, rows: list[tuple[str, str]]) -> list[RowIn]:
    out = []
    for name, persons in rows:
        org = Organisation.objects.select_related("region", "department").get(name=name)
        out.append(
            RowIn(
                label=name,
                region=org.region,
                department=org.department,
                organisation=org,
                figures={I.HIGH_SKILLED: count_to_persons(persons)},
            )
        )
    return out


def demo_plans_load(actor: Any = None) -> list[Plan]:
    zhengzhou = Region.objects.get(name="郑州市")
    xuchang = Region.objects.get(name="许昌市")
    huangchuan = Region.objects.get(name="潢川县")
    plans: list[Plan] = []
    all_ = Control.Covers.ALL

    plans.append(
        plan_create(
            actor=actor,
            year=2021,
            region=zhengzhou,
            source="ZZ21 附件1",
            title="2021年度郑州市补贴性职业技能提升培训目标任务分解",
            layout=Plan.Layout.REGION,
            rows=_by_region(zhengzhou, ZZ21_A1_ROWS, ZZ21_A1_COLUMNS, wan=False),
            controls=_controls(ZZ21_A1_TOTALS, ZZ21_A1_COLUMNS, "ZZ21 附件1", wan=False),
        )
    )

    hc_rows = []
    for task, leads, persons in HC21_A1_ROWS:
        first = leads.split("、")[0]
        dept = Department.objects.get(region=huangchuan, name=HC21_DEPARTMENT_ALIASES.get(first, first))
        hc_rows.append(
            RowIn(
                label=task,
                region=huangchuan,
                department=dept,
                lead_units=leads,
                figures={I.SUBSIDISED: count_to_persons(persons)},
            )
        )
    plans.append(
        plan_create(
            actor=actor,
            year=2021,
            region=huangchuan,
            source="HC21 附件1",
            title="2021年潢川县全民技能振兴工程暨职业技能提升培训任务分解表",
            layout=Plan.Layout.TASK,
            rows=hc_rows,
            controls=[
                ControlIn(I.SUBSIDISED, "总计", count_to_persons(HC21_A1_TOTAL), all_, "HC21 附件1 总计")
            ],
            note="备注：此计划数即为各单位牵头开展补贴性职业技能培训任务数。行的部门为第一牵头单位，原文牵头单位另列。",
        )
    )

    plans.append(
        plan_create(
            actor=actor,
            year=2021,
            region=zhengzhou,
            source="ZZHS21 表1",
            title="2021年高技能人才培养目标任务分解表",
            layout=Plan.Layout.REGION,
            rows=_by_region(zhengzhou, ZZHS21_T1_ROWS, ZZHS21_T1_COLUMNS, wan=False),
            controls=_controls(ZZHS21_T1_TOTALS, ZZHS21_T1_COLUMNS, "ZZHS21 表1", wan=False),
        )
    )
    t2_rows = [
        RowIn(
            label=name,
            region=zhengzhou,
            department=Department.objects.get(region=zhengzhou, name=name),
            figures=_figures(ZZHS21_T1_COLUMNS, values, wan=False),
        )
        for name, values in ZZHS21_T2_ROWS
    ]
    plans.append(
        plan_create(
            actor=actor,
            year=2021,
            region=zhengzhou,
            source="ZZHS21 表2",
            title="2021年高技能人才培养目标任务市本级分解表（市直部门）",
            layout=Plan.Layout.DEPARTMENT,
            rows=t2_rows,
            controls=_controls([("合计", all_, ZZHS21_T2_TOTAL)], ZZHS21_T1_COLUMNS, "ZZHS21 表2", wan=False),
        )
    )
    for source, title, rows, total in (
        ("ZZHS21 表3", "（企业职业技能等级认定机构）", ZZHS21_T3_ROWS, ZZHS21_T3_TOTAL),
        ("ZZHS21 表4", "（市技能人才评价试点企业）", ZZHS21_T4_ROWS, ZZHS21_T4_TOTAL),
        ("ZZHS21 表5", "（公共实训基地、示范基地及其他）", ZZHS21_T5_ROWS, ZZHS21_T5_TOTAL),
    ):
        plans.append(
            plan_create(
                actor=actor,
                year=2021,
                region=zhengzhou,
                source=source,
                title=f"2021年高技能人才培养目标任务市本级分解表{title}",
                layout=Plan.Layout.UNIT,
                rows=_by_unit(zhengzhou, rows),
                controls=[ControlIn(I.HIGH_SKILLED, "合计", count_to_persons(total), all_, source)],
            )
        )

    plans.append(
        plan_create(
            actor=actor,
            year=2023,
            region=xuchang,
            source="XC23 附件1",
            title="2023年“人人持证、技能河南”建设目标任务指导计划（县市区）",
            layout=Plan.Layout.REGION,
            rows=_by_region(xuchang, XC23_A1_ROWS, XC23_A1_COLUMNS, wan=True),
            controls=_controls([("合计", all_, XC23_A1_TOTAL)], XC23_A1_COLUMNS, "XC23 附件1", wan=True),
        )
    )
    a2_rows = []
    for label, values in XC23_A2_ROWS:
        name = label.split("（", 1)[0]
        a2_rows.append(
            RowIn(
                label=label,
                region=xuchang,
                department=Department.objects.get(region=xuchang, name=name),
                figures=_figures(XC23_A2_COLUMNS, values, wan=True),
            )
        )
    plans.append(
        plan_create(
            actor=actor,
            year=2023,
            region=xuchang,
            source="XC23 附件2",
            title="2023年“人人持证、技能河南”建设目标任务指导计划（行业系统）",
            layout=Plan.Layout.DEPARTMENT,
            rows=a2_rows,
            controls=_controls(
                [("全市目标（附件1合计）", all_, XC23_A2_PARENT)],
                XC23_A2_COLUMNS,
                "XC23 一、附件1 合计",
                wan=True,
            ),
            note=XC23_A2_NOTE,
        )
    )
    for source, year, region_name, title, figures in TEXT_TARGETS:
        region = Region.objects.get(name=region_name)
        plans.append(
            plan_create(
                actor=actor,
                year=year,
                region=region,
                source=source,
                title=title,
                layout=Plan.Layout.REGION,
                rows=[
                    RowIn(
                        label=TEXT_LABELS[region_name],
                        region=region,
                        figures={i: count_to_persons(v) for i, v in figures.items()},
                    )
                ],
                note="正文“目标任务”所定、附件各表未分解的指标。",
            )
        )
    # Issue 16, H01 across tables: ZZHS21 表1's 市本级 is split over 表2–表5; XC23 附件1's total over 附件2.
    by_source = {(p.region_id, p.source): p for p in plans}
    split_record(
        actor=actor,
        whole=by_source[(zhengzhou.pk, "ZZHS21 表1")],
        whole_region=zhengzhou,
        parts=[by_source[(zhengzhou.pk, f"ZZHS21 表{n}")] for n in (2, 3, 4, 5)],
        label="市本级",
        clause="ZZHS21 表1 市本级；表2–表5 市本级分解表",
    )
    split_record(
        actor=actor,
        whole=by_source[(xuchang.pk, "XC23 附件1")],
        parts=[by_source[(xuchang.pk, "XC23 附件2")]],
        label="合计",
        clause="XC23 一、附件1 合计；附件2 行业系统",
    )
    return plans

"""The demo, made from the tables of the five policy documents (../shared/policy)."""

from __future__ import annotations

# (name in the document, official GB/T 2260 name or None for a functional zone, full name, kind)
ZHENGZHOU_UNITS = [  # ZZ21 附件1, in the document's order
    ("金水区", "金水区", "金水区", "district"),
    ("郑东新区", None, "郑东新区", "zone"),
    ("航空港区", None, "郑州航空港经济综合实验区", "zone"),
    ("高新区", None, "郑州高新技术产业开发区", "zone"),
    ("经开区", None, "郑州经济技术开发区", "zone"),
    ("二七区", "二七区", "二七区", "district"),
    ("中原区", "中原区", "中原区", "district"),
    ("管城区", "管城回族区", "管城回族区", "district"),
    ("惠济区", "惠济区", "惠济区", "district"),
    ("上街区", "上街区", "上街区", "district"),
    ("中牟县", "中牟县", "中牟县", "county"),
    ("登封市", "登封市", "登封市", "county_city"),
    ("新密市", "新密市", "新密市", "county_city"),
    ("荥阳市", "荥阳市", "荥阳市", "county_city"),
    ("新郑市", "新郑市", "新郑市", "county_city"),
]
XUCHANG_UNITS = [  # XC23 附件1; 市直 is the city level itself
    ("禹州市", "禹州市", "禹州市", "county_city"),
    ("长葛市", "长葛市", "长葛市", "county_city"),
    ("鄢陵县", "鄢陵县", "鄢陵县", "county"),
    ("襄城县", "襄城县", "襄城县", "county"),
    ("魏都区", "魏都区", "魏都区", "district"),
    ("建安区", "建安区", "建安区", "district"),
    ("示范区", None, "许昌城乡一体化示范区", "zone"),
    ("开发区", None, "许昌经济技术开发区", "zone"),
    ("东城区", None, "许昌东城区", "zone"),
]

# ZZHS21 表2 (city departments); the HR and finance bureaus are added as their own kinds.
ZHENGZHOU_DEPARTMENTS = [
    "市教育局",
    "市科技局",
    "市工信局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市城建局",
    "市商务局",
    "市文化广电和旅游局",
    "市卫健委",
    "市退役军人局",
    "市应急局",
    "市国资委",
    "市大数据局",
    "市妇联",
]
# XC23 附件2, in the document's order.
XUCHANG_DEPARTMENTS = [
    "市教育局",
    "市科技局",
    "市工信局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市人社局",
    "市自然资源和规划局",
    "市住建局",
    "市交通局",
    "市农业农村局",
    "市商务局",
    "市文广旅局",
    "市卫健委",
    "市退役军人事务局",
    "市应急管理局",
    "市市场监管局",
    "市体育局",
    "市发改委",
    "市乡村振兴局",
    "市政务服务和大数据管理局",
    "市通管办",
    "市邮政管理局",
    "市供销合作社",
    "市总工会",
    "团市委",
    "市妇联",
    "市残联",
]
# HC21 附件1 lead units (牵头单位), each once.
HUANGCHUAN_DEPARTMENTS = [
    "扶贫办",
    "人社局",
    "教体局",
    "农业农村局",
    "商务局",
    "住房和城乡建设局",
    "妇联",
    "民政局",
    "退役军人事务局",
    "工信局",
    "团县委",
    "交通运输局",
    "残联",
    "司法局",
    "应急管理局",
]
MASS = {"市妇联", "市总工会", "团市委", "市残联", "妇联", "团县委", "残联"}
HRSS = {"市人社局", "人社局"}

# ZZHS21 表3: enterprises filed as skill-level recognition bodies.
ZZ_RECOGNITION_ENTERPRISES = [
    "郑州市公共交通集团有限公司",
    "郑州丹尼斯百货有限公司",
    "好想你健康食品股份有限公司",
    "三全食品股份有限公司",
    "郑州宇通集团有限公司",
    "河南正道商业有限公司",
    "郑州煤矿机械集团股份有限公司",
    "河南省黄河迎宾馆",
    "中原环保股份有限公司",
    "河南天地粤海酒店",
    "海马汽车有限公司",
    "郑州市污水净化有限公司",
    "郑州日产汽车有限公司",
    "中鑫之宝汽车服务有限公司",
    "河南小南国投资发展有限公司",
    "中煤新登郑州煤业有限公司",
    "河南省永和铂爵国际酒店有限公司",
]
# The trades each of them recognises (职业技能等级认定备案的职业): invented for the demo, not in ZZHS21.
ZZ_RECOGNITION_SCOPES = {
    "郑州市公共交通集团有限公司": ("4-12-01-01",),  # 汽车维修工
    "郑州丹尼斯百货有限公司": ("4-01-02-04", "4-01-02-01"),  # 收银员、营销员
    "好想你健康食品股份有限公司": ("6-01-06-00",),  # 果蔬坚果加工工
    "三全食品股份有限公司": ("6-02-03-01",),  # 米面主食制作工
    "郑州宇通集团有限公司": ("6-22-02-01",),  # 汽车装调工
    "河南正道商业有限公司": ("4-01-02-01",),  # 营销员
    "郑州煤矿机械集团股份有限公司": ("6-18-02-04", "6-18-01-01"),  # 焊工、车工
    "河南省黄河迎宾馆": ("4-03-02-01", "4-03-01-02"),  # 中式烹调师、客房服务员
    "中原环保股份有限公司": ("4-09-07-01",),  # 污水处理工
    "河南天地粤海酒店": ("4-03-02-01", "4-03-02-05"),  # 中式烹调师、餐厅服务员
    "海马汽车有限公司": ("6-22-02-01",),  # 汽车装调工
    "郑州市污水净化有限公司": ("4-09-07-01",),  # 污水处理工
    "郑州日产汽车有限公司": ("6-22-02-01",),  # 汽车装调工
    "中鑫之宝汽车服务有限公司": ("4-12-01-01",),  # 汽车维修工
    "河南小南国投资发展有限公司": ("4-03-02-01", "4-03-02-02"),  # 中式烹调师、中式面点师
    "中煤新登郑州煤业有限公司": ("6-31-01-03",),  # 电工
    "河南省永和铂爵国际酒店有限公司": ("4-03-01-01", "4-03-01-02"),  # 前厅服务员、客房服务员
}
# ZZHS21 表4: skill-evaluation pilot enterprises.
ZZ_PILOT_ENTERPRISES = [
    "恒天重工股份有限公司",
    "中铁工程装备集团有限公司",
    "河南中夏建筑工程有限公司",
    "格力电器（郑州）有限公司",
    "郑州领袖梦舒雅服饰有限公司",
    "郑州旭飞光电科技有限公司",
    "郑州华润燃气股份有限公司",
    "郑州飞机装备有限责任公司",
    "郑州宝视达品牌管理有限公司",
    "河南省巨通机电设备有限公司",
    "河南多凯建筑工程有限公司",
    "河南皇甲特卫保安服务集团有限公司",
    "河南省五建建设集团有限公司",
]
# ZZHS21 表5: public training bases, demonstration bases and others — (name, kind, unit or None for city).
ZZ_BASES = [
    ("郑州工程技术学院", "vocational_school", None),
    ("郑州轨道交通公司", "enterprise", None),
    ("郑州交通技师学院", "technician_college", None),
    ("航空物流公共实训中心", "base", "航空港区"),
    ("郑州商业技师学院", "technician_college", None),
    ("郑州旅游职业学院", "vocational_school", None),
    ("郑州电力职业技术学院", "vocational_school", None),
    ("郑州工业技师学院", "technician_college", None),
    ("郑州财经技师学院", "technician_college", None),
    ("郑州电缆技工学校", "technical_school", None),
    ("郑州技师学院", "technician_college", None),
    ("河南云和数据信息技术有限公司", "enterprise_centre", None),
    ("登封中等专业学校", "vocational_school", "登封市"),
    ("郑州铁路技师学院", "technician_college", None),
    ("郑州职业教育和评价协会", "social_evaluation", None),
    ("中国陶瓷行业特有工种职业技能鉴定站河南分站", "appraisal_station", None),
    ("河南古川河消防安全职业培训学校", "private_school", None),
    ("河南省珠宝玉石首饰行业协会", "social_evaluation", None),
]
# Named in the Xuchang and Huangchuan documents.
XC_ORGS = [
    ("许昌职业技术学院", "vocational_school", None),  # XC23 附件2 市教育局（含许昌职业技术学院）
    ("许昌技师学院", "technician_college", None),  # XC23 二(一)9
    ("鄢陵县中林园林工程有限公司", "enterprise", "鄢陵县"),  # XC23 二(一)8
]
HC_ORGS = [("信阳工业学校", "vocational_school", "潢川县")]  # HC21 15, 17

PROFILE_ASSIGNMENTS = [  # (region name, year, profile code)
    ("郑州市", 2021, "ZZ21"),
    ("潢川县", 2021, "HC21"),
    ("许昌市", 2019, "XC19"),
    ("许昌市", 2020, "XC19"),
    ("许昌市", 2021, "XC19"),
    ("许昌市", 2023, "XC23"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "文博",
    "雨涵",
    "子轩",
    "欣怡",
    "浩然",
    "思远",
]

# role → (username, display name, region, department, organisation)
ACCOUNTS = [
    ("hr_admin", "zz_admin", "王建国", "郑州市", "市人社局", None),
    ("hr_first", "zz_hr1", "李娜", "郑州市", "市人社局", None),
    ("hr_second", "zz_hr2", "张伟", "郑州市", "市人社局", None),
    ("dept_first", "zz_gxj1", "刘洋", "郑州市", "市工信局", None),
    ("dept_second", "zz_gxj2", "陈静", "郑州市", "市工信局", None),
    ("finance", "zz_czj", "杨帆", "郑州市", "市财政局", None),
    ("institution", "zzsy_jb", "赵敏", "郑州市", None, "郑州商业技师学院"),
    ("evaluator", "tcjd_jb", "孙丽", "郑州市", None, "中国陶瓷行业特有工种职业技能鉴定站河南分站"),
    ("inspector", "zz_dc", "周强", "郑州市", None, None),
    ("auditor", "zz_sj", "吴芳", "郑州市", None, None),
    ("trainee", "xueyuan", "李明", "金水区", None, None),
]
# Beyond one account a role: the province's bureau, whose scope holds all three cities' plans and
# progress (Zhengzhou, Xuchang, Huangchuan), for the targets and dashboard pages.
EXTRA_ACCOUNTS = [
    ("hr_admin", "hn_admin", "孙明", "河南省", None, None),
]
TRAINEE_ID = "410105198001011239"  # the example of issue 2: 金水区 code, born 1980-01-01

"""The catalogue part of the demo: the 2022 classification, a small Henan list for 2021 and 2023, and
the demo institutions' occupations, filed teachers and workstations.

Occupations are those the documents name (ZZ21 附件3: 茶艺师、家政服务员…; HC21 4: 中式烹调、中式面点、
家政服务、养老护理; ZZHS21: 焊工、电工…). 育婴员 (HC21, ZZHS21) is not in the 2022 classification; its
successor there is 保育师 (4-10-01-03). Subsidy standards are ZZ21 六's: 培训合格证 1000 元, 初级工
1500 元, 中级工 2000 元, 高级工 2500 元; the class hours are illustrative, the documents do not list them.
Beside the training lines, a few lines of the other subsidy types the programmes are priced by, invented
like the rest (no document states them): 评价补贴 per certificate (EVALUATION) and 企业新型学徒制 per
apprentice and year (APPRENTICESHIP). The list is loaded for 2020 too, the year the demo's 学徒制
cohort of 许昌 (XC19) starts and is priced in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from jineng.catalogue.importing import HEADERS
from jineng.catalogue.models import CertificateKind, InstitutionOccupation, Level, Occupation, SubsidyType
from jineng.catalogue.services import (
    catalogue_import,
    institution_occupation_set,
    occupations_load,
    teacher_file,
    workstation_set,
)
from jineng.core.xlsx import workbook_bytes
from jineng.orgs.models import Organisation
from jineng.policy.identity import make_id_number
from jineng.regions.models import Region

SKILL = CertificateKind.SKILL_LEVEL.label
ABILITY = CertificateKind.SPECIAL_ABILITY.label
COMPLETION = CertificateKind.COMPLETION.label
SUBSIDY = {Level.FIVE: Decimal(1500), Level.FOUR: Decimal(2000), Level.THREE: Decimal(2500)}
HOURS = {Level.FIVE: 80, Level.FOUR: 120, Level.THREE: 160}

# (code, trade, levels, extra certificate kinds without a level)
HENAN_LIST: list[tuple[str, str, tuple[Level, ...], tuple[str, ...]]] = [
    ("6-31-01-03", "", (Level.FIVE, Level.FOUR, Level.THREE), ()),  # 电工
    ("6-18-02-04", "电焊工", (Level.FIVE, Level.FOUR, Level.THREE), ()),  # 焊工
    ("6-18-01-01", "", (Level.FIVE, Level.FOUR), ()),  # 车工
    ("4-03-02-01", "", (Level.FIVE, Level.FOUR, Level.THREE), ()),  # 中式烹调师
    ("4-03-02-02", "", (Level.FIVE, Level.FOUR), ()),  # 中式面点师
    ("4-03-02-07", "", (Level.FIVE, Level.FOUR), (COMPLETION,)),  # 茶艺师
    ("4-10-01-03", "", (Level.FIVE, Level.FOUR), ()),  # 保育师 (育婴员 until 2022)
    ("4-10-01-05", "", (Level.FIVE, Level.FOUR, Level.THREE), ()),  # 养老护理员
    ("4-10-01-06", "", (Level.FIVE,), (ABILITY, COMPLETION)),  # 家政服务员
    ("4-01-06-01", "", (Level.FIVE, Level.FOUR), ()),  # 电子商务师 S
    ("4-01-06-02", "直播销售员", (Level.FIVE, Level.FOUR), ()),  # 互联网营销师 S
    ("4-14-01-03", "", (Level.FIVE,), ()),  # 健康照护师
]

EVALUATION_TYPE = SubsidyType.EVALUATION.label
APPRENTICESHIP_TYPE = SubsidyType.APPRENTICESHIP.label
# (code, trade, level, amount): 评价补贴 of a skill-level certificate, per certificate
EVALUATION = [
    ("6-31-01-03", "", Level.FIVE, Decimal(150)),
    ("6-31-01-03", "", Level.FOUR, Decimal(200)),
    ("6-31-01-03", "", Level.THREE, Decimal(250)),
    ("6-18-02-04", "电焊工", Level.FIVE, Decimal(150)),
    ("6-18-02-04", "电焊工", Level.FOUR, Decimal(200)),
]
# (code, trade, level, amount): 企业新型学徒制, per apprentice and year of training
APPRENTICESHIP = [
    ("6-31-01-03", "", Level.FOUR, Decimal(4000)),
    ("6-18-02-04", "电焊工", Level.FOUR, Decimal(4000)),
]
LIST_YEARS = (2020, 2021, 2023)

# institution → occupations it may train (A11)
INSTITUTIONS = {
    "郑州商业技师学院": ["4-03-02-01", "4-03-02-02", "4-03-02-07", "4-01-06-01"],
    "郑州技师学院": ["6-31-01-03", "6-18-02-04", "6-18-01-01"],
    "郑州旅游职业学院": ["4-03-02-07", "4-10-01-05"],
    "河南云和数据信息技术有限公司": ["4-01-06-01", "4-01-06-02"],
    "许昌技师学院": ["6-31-01-03", "6-18-02-04"],
    "许昌职业技术学院": ["4-10-01-05", "4-10-01-03", "4-10-01-06"],
    "信阳工业学校": ["4-03-02-01", "4-10-01-06"],
}
SINCE = dt.date(2021, 1, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "国华", "春梅", "文军", "红霞", "卫东", "晓燕", "明亮"]


def _list_rows() -> list[list[object]]:
    names = dict(Occupation.objects.filter(code__in=[c for c, *_ in HENAN_LIST]).values_list("code", "name"))
    rows: list[list[object]] = []
    for code, trade, levels, extra in HENAN_LIST:
        for level in levels:
            rows.append([code, names[code], trade, level.label, SKILL, HOURS[level], SUBSIDY[level]])
        for kind in extra:
            rows.append([code, names[code], trade, "", kind, 40, Decimal(1000)])
    for code, trade, level, amount in EVALUATION:
        rows.append([code, names[code], trade, level.label, SKILL, HOURS[level], amount, EVALUATION_TYPE])
    for code, trade, level, amount in APPRENTICESHIP:
        rows.append([code, names[code], trade, level.label, SKILL, HOURS[level], amount, APPRENTICESHIP_TYPE])
    return rows


@transaction.atomic
def catalogue_demo_load() -> bool:
    """Returns False when the catalogue demo was already there."""
    occupations_load(actor=None)
    henan = Region.objects.filter(code="410000").first()
    if henan is None or InstitutionOccupation.objects.exists():
        return False
    content = workbook_bytes("目录", HEADERS, _list_rows())
    # Invented amounts, not the province's: every line is flagged, and every page, export and claim line
    # that shows one says 示例标准（演示用，非官方）.
    for year in LIST_YEARS:
        catalogue_import(actor=None, region=henan, year=year, content=content, sample=True)

    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[c for c, *_ in HENAN_LIST])}
    serial = 0
    for org in Organisation.objects.filter(name__in=list(INSTITUTIONS)).select_related("region"):
        area = org.region.code or "410100"
        for code in INSTITUTIONS[org.name]:
            occupation = occupations[code]
            institution_occupation_set(
                actor=None, organisation=org, occupation=occupation, valid_from=SINCE, today=SINCE
            )
            workstation_set(actor=None, organisation=org, occupation=occupation, count=40)
            for _ in range(2):  # A06: at least two teachers per major
                serial += 1
                teacher_file(
                    actor=None,
                    organisation=org,
                    name=SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial * 5) % len(GIVEN)],
                    id_number=make_id_number(
                        area, dt.date(1970 + serial % 25, 1 + serial % 12, 1 + serial % 28), 500 + serial
                    ),
                    occupation=occupation,
                    full_time=serial % 3 != 0,
                    filed_on=SINCE,
                )
    return True

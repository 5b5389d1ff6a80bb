"""Import of a target table from xlsx: the three layouts, 万 columns, the row-level report, all or nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.core.errors import Refusal
from jineng.targets import sheet
from jineng.targets.models import Control, Plan, PlanImport, Target
from jineng.targets.services import plan_import
from jineng.targets.tests.factories import xlsx

pytestmark = pytest.mark.django_db


def _import(world, content: bytes, layout: str = "region", region=None, source: str = "测试附件1"):
    return plan_import(
        actor=world.users["hr_admin"],
        year=2023,
        region=region or world.zhengzhou,
        source=source,
        title="测试目标任务",
        layout=layout,
        content=content,
        filename="plan.xlsx",
    )


def _sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_h01_each_layout_has_a_template_with_every_indicator_column():
    for layout, key in (("region", "地区"), ("department", "部门"), ("unit", "单位")):
        rows = _sheet(sheet.template_bytes(layout))
        assert rows[0][:3] == ("序号", key, "职业技能培训（人次）")
        assert len(rows[0]) == 2 + 10
        assert rows[-1][1] == "合计"


def test_h01_region_table_in_wan_is_imported_exactly(world):
    # Given a table by region, in 万 as XC23 prints it, with its 合计 row
    content = xlsx(
        ["序号", "地区", "职业技能培训（万人次）", "新增技能人才（人）"],
        [
            [1, "市本级", "1.5", 600],
            [2, "金水区", 0.0315, None],
            [3, "二七区", "0.2", 10],
            [None, "合计", "1.7315", 610],
        ],
    )
    # When the bureau imports it
    record = _import(world, content)
    # Then the plan holds exact persons, the total is kept as the table's control, and nothing is off
    assert record.state == PlanImport.State.ACCEPTED
    plan = record.plan
    figures = sorted(plan.targets.values_list("region__name", "indicator", "persons"))
    assert figures == [
        ("二七区", "skilled", 10),
        ("二七区", "training", 2000),
        ("郑州市", "skilled", 600),
        ("郑州市", "training", 15000),
        ("金水区", "training", 315),
    ]
    assert sorted(Control.objects.filter(plan=plan).values_list("indicator", "persons", "covers")) == [
        ("skilled", 610, "all"),
        ("training", 17315, "all"),
    ]
    actions = list(Event.objects.filter(action__startswith="plan.").values_list("action", flat=True))
    assert sorted(actions) == ["plan.created", "plan.imported"]


def test_h01_department_names_with_a_remark_resolve_and_a_short_sum_warns(world, hr_admin):
    content = xlsx(
        ["部门", "职业技能培训（万人次）"],
        [["市工信局", "2"], ["市教育局（含某职业技术学院）", "2"], ["全市目标", "12"]],
    )
    record = _import(world, content, layout="department")
    assert record.state == PlanImport.State.ACCEPTED
    assert sorted(record.plan.targets.values_list("label", "department__name", "persons")) == [
        ("市工信局", "市工信局", 20000),
        ("市教育局（含某职业技术学院）", "市教育局", 20000),
    ]
    page = world.client(hr_admin).get(f"/targets/{record.plan_id}/").content.decode()
    assert "各部门合计 40000 人次，比全市目标 12万（120000人次）少 80000 人次" in page


def test_h07_unit_table_warns_for_a_technician_college_below_2000(world, hr_admin):
    # Given ZZ21 in force for 郑州市 in 2021 and a unit table giving the college 1999 subsidised trainees
    content = xlsx(
        ["单位", "其中补贴性培训（人次）", "企业新型学徒制（人）"], [["郑州商业技师学院", 1999, 500]]
    )
    record = plan_import(
        actor=hr_admin,
        year=2021,
        region=world.zhengzhou,
        source="单位表",
        title="院校任务",
        layout="unit",
        content=content,
    )
    page = world.client(hr_admin).get(f"/targets/{record.plan_id}/").content.decode()
    assert (
        "郑州商业技师学院（技师学院）年补贴性培训目标 1999 人，低于不少于 2000 人的要求"
        "（规则 H07，依据 ZZ21 四(二) 技师学院…年完成补贴性培训不少于2000人）" in page
    )
    assert "新型学徒制目标 500" not in page  # 500 meets the apprentice minimum


def test_h01_bad_rows_refuse_the_whole_file_with_a_row_level_report(world):
    # Given a table with an unknown region, a fraction of a person, a duplicated row and an unknown column
    content = xlsx(
        ["序号", "地区", "职业技能培训（万人次）", "培训人数"],
        [
            [1, "市本级", "1.5", 1],
            [2, "金水区", "0.00001", 1],
            [3, "火星区", "0.1", 1],
            [4, "市本级", "0.2", 1],
        ],
    )
    # When it is imported
    record = _import(world, content)
    # Then nothing is created and each problem names its row, column and value
    assert record.state == PlanImport.State.REFUSED
    assert (Plan.objects.count(), Target.objects.count(), Control.objects.count()) == (0, 0, 0)
    assert [(p["row"], p["field"], p["value"]) for p in record.report] == [
        (1, "培训人数", "培训人数"),
        (3, "职业技能培训（万人次）", "0.00001"),
        (5, "地区", "市本级"),
        (4, "地区", "火星区"),
    ]
    assert record.report[1]["message"] == (
        "第3行“职业技能培训（万人次）”：“0.00001”万 = 0.1 人，不是整数人数，请核对小数位（规则 格式，依据 目标任务导入模板）"
    )
    assert record.report[3]["message"].startswith("第4行“地区”：郑州市下没有名为“火星区”的地区")
    assert Event.objects.filter(action="plan.import_refused").count() == 1


def test_h01_refused_report_downloads_as_xlsx(world, hr_admin):
    record = _import(world, xlsx(["地区", "职业技能培训（人次）"], [["火星区", 1]]))
    response = world.client(hr_admin).get(f"/targets/imports/{record.pk}/report.xlsx")
    rows = _sheet(response.content)
    assert rows[0] == ("行号", "列", "填写内容", "规则", "依据", "问题")
    assert rows[1][:4] == (2, "地区", "火星区", "格式")
    page = world.client(hr_admin).get(f"/targets/imports/{record.pk}/").content.decode()
    assert "整个文件均未导入" in page and "火星区" in page


def test_h01_a_file_that_is_not_xlsx_is_refused_as_a_whole(world):
    record = _import(world, b"not a spreadsheet")
    assert record.state == PlanImport.State.REFUSED
    assert record.report[0]["message"].startswith("无法读取文件")
    assert Plan.objects.count() == 0


def test_h01_same_source_twice_is_refused(world):
    content = xlsx(["地区", "职业技能培训（人次）"], [["金水区", 1]])
    _import(world, content)
    with pytest.raises(Refusal, match="已有出处为“测试附件1”的目标计划"):
        _import(world, content)
    assert Plan.objects.count() == 1


def test_import_page_creates_the_plan_and_redirects(world, hr_admin):
    from jineng.targets.tests.factories import upload

    response = world.client(hr_admin).post(
        "/targets/import/",
        {
            "year": 2021,
            "region": world.zhengzhou.pk,
            "source": "页面导入",
            "title": "页面导入测试",
            "layout": "region",
            "file": upload(["地区", "其中补贴性培训（人次）"], [["金水区", 25000], ["二七区", 15000]]),
        },
    )
    plan = Plan.objects.get(source="页面导入")
    assert response.status_code == 302 and response["Location"] == f"/targets/{plan.pk}/"
    assert plan.targets.count() == 2


def test_api_import_refused_gives_422_with_rows(world, hr_admin):
    response = world.client(hr_admin).post(
        "/api/v1/plans/import",
        {
            "year": 2021,
            "region_id": world.zhengzhou.pk,
            "source": "接口",
            "title": "接口导入",
            "layout": "region",
            "headers": ["地区", "其中补贴性培训（人次）"],
            "rows": [["火星区", 1]],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "refused"
    assert [(d["row"], d["field"], d["value"]) for d in body["details"]] == [(2, "地区", "火星区")]
    assert Plan.objects.count() == 0


def test_h01_plan_create_refuses_a_duplicated_row_and_creates_nothing(world):
    from jineng.targets.services import RowIn, plan_create

    row = RowIn(label="金水区", region=world.jinshui, figures={"subsidised": 25000})
    with pytest.raises(Refusal, match="“金水区”重复"):
        plan_create(
            actor=None,
            year=2021,
            region=world.zhengzhou,
            source="重复",
            title="重复行",
            layout="region",
            rows=[row, row],
        )
    assert (Plan.objects.count(), Target.objects.count()) == (0, 0)


def test_plan_create_refuses_a_row_outside_the_plans_region(world):
    from jineng.targets.services import RowIn, plan_create

    with pytest.raises(Refusal) as exc:
        plan_create(
            actor=None,
            year=2021,
            region=world.zhengzhou,
            source="越界",
            title="越界",
            layout="region",
            rows=[RowIn(label="魏都区", region=world.weidu, figures={"subsidised": 1})],
        )
    assert (
        exc.value.render()
        == "“地区”：“魏都区”不在郑州市范围内（规则 H01，依据 ZZ21 附件1；HC21 附件1；ZZHS21 表1–表5；XC23 附件1–附件2）"
    )
    assert Plan.objects.count() == 0

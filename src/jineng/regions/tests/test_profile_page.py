"""Issue 18: the page 政策档案 names all five documents with their titles, numbers and issuers, and shows a
list parameter's codes by their Chinese names."""

from __future__ import annotations

import re

import pytest

from jineng.conftest import World
from jineng.policy.profiles import get_profile, policy_documents

pytestmark = pytest.mark.django_db

ROW = re.compile(r"<b>(\w+)</b><div class=\"document\">([^<]+)(?:<span class=\"muted\">([^<]+)</span>)?")


def test_the_profile_page_names_every_document_and_shows_values_in_words(world: World) -> None:
    html = world.client(world.users["hr_admin"]).get("/regions/profiles/").content.decode()
    # Then the five documents are named, the one without a number said to have none
    assert ROW.findall(html) == [
        (
            "ZZ21",
            "2021年郑州市全民技能振兴工程暨职业技能提升行动工作方案（郑技领办〔2021〕6号） · 郑州市全民技能振兴工程领导小组办公室",
            "",
        ),
        (
            "HC21",
            "2021年潢川县全民技能振兴工程暨职业技能提升行动工作方案（潢技领办〔2021〕1号） · 潢川县全民技能振兴工程领导小组办公室",
            "",
        ),
        ("ZZHS21", "2021年郑州市高技能人才工作实施方案", "（文件未编号）"),
        (
            "XC19",
            "许昌市职业技能提升行动方案（2019—2021年）（许政办〔2019〕20号） · 许昌市人民政府办公室",
            "",
        ),
        (
            "XC23",
            "2023年许昌市高质量推进“人人持证、技能河南”建设工作方案（许技领办〔2023〕1号） · 许昌市贯彻落实“人人持证、技能河南”建设工作领导小组办公室",
            "",
        ),
    ]
    assert (
        '郑州市（市人才工作领导小组部署）<br><span class="muted">目标任务分解表（表1—表5），无规则参数</span>'
        in html
    )
    assert [d.code for d in policy_documents()] == ["ZZ21", "HC21", "ZZHS21", "XC19", "XC23"]
    # And the list parameters show words, not codes
    assert "<b>周调度、月报、季度讲评、半年督导、全年总结</b>" in html
    assert "<b>过程监管 · 人社部门检查意见、结业考核 · 考核巡查、结业考核 · 人社部门意见</b>" in html
    assert "<b>在押服刑人员</b>" in html
    assert "<b>项目制培训、企业自主培训</b>" in html
    for code in ("weekly", "half_year", "supervision_opinion", "exam_patrol", "prisoner", "enterprise_self"):
        assert re.search(rf"<b>[^<]*\b{code}\b", html) is None, code
    assert get_profile("XC23").param("report_kinds").display() == "周调度、月报、季度讲评、半年督导、全年总结"

"""The menu: one entry per page a role may open. Read by the layout and by the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from jineng.accounts.roles import can


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    capability: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


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
        "政策",
        "政策档案",
        "regions:profiles",
        "profile.view",
        "各地各年度政策参数对照，逐条注明规则编号与条款",
    ),
    NavItem("政策", "工作日历", "workcal:index", "calendar.view", "法定节假日与调休，按工作日计算期限"),
    NavItem("监督", "审计日志", "audit:list", "audit.view", "所有状态变更的只增不改记录"),
    NavItem("设置", "API 令牌", "accounts:tokens", "token.manage", "机构自有系统对接 /api/v1 的访问令牌"),
)


def menu_for(role: str | None) -> list[NavItem]:
    return [item for item in MENU if can(role, item.capability)]

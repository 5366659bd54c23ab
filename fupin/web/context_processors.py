"""Navigation that shows only what exists and what the user's role may open, grouped by capability
so that a phone's menu stays short: a group with one page is a link, a larger one a drop-down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from fupin.core.roles import Role
from fupin.core.scope import Scope, scope_of
from fupin.fieldwork.selectors.compliance import compliance_cadres_q, unread_reminder_count
from fupin.indicators.services.entry import ENTRY_ROLES
from fupin.rectification.selectors.board import unread_notice_count
from fupin.training.selectors.cadres import sees_coverage


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    badge: int = 0


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)

    @property
    def badge(self) -> int:
        return sum(item.badge for item in self.items)


Entry = tuple[str, str]  # (label, URL name)


def _fieldwork(scope: Scope) -> list[Entry]:
    entries: list[Entry] = []
    if scope.cadre_id is not None:
        entries += [("打卡", "fieldwork:checkin"), ("我的考勤", "fieldwork:compliance-mine")]
    entries.append(("我的打卡", "fieldwork:checkin-mine"))
    if compliance_cadres_q(scope) is not None:
        entries += [("考勤看板", "fieldwork:compliance"), ("打卡记录", "fieldwork:checkin-list")]
    entries.append(("请销假", "fieldwork:leave-mine"))
    if scope.can_manage or scope.role == Role.TOWN_OFFICIAL:
        entries.append(("请假审批", "fieldwork:leave-approvals"))
    if scope.is_area_wide:
        entries += [("请销假记录", "fieldwork:leave-list"), ("驻镇汇报", "fieldwork:town-stay-board")]
    if scope.cadre_id is not None:
        entries.append(("我的驻镇汇报", "fieldwork:town-stay-mine"))
    entries += [("调研材料", "fieldwork:research-list"), ("驻村日志", "fieldwork:diary-list")]
    if scope.cadre_id is not None:
        entries.append(("考勤提醒", "fieldwork:reminders"))
    return entries


def _rectification(scope: Scope) -> list[Entry]:
    entries: list[Entry] = [
        ("问题清单", "rectification:problem-list"),
        ("责任清单", "rectification:responsibility-list"),
        ("任务清单", "rectification:task-list"),
    ]
    if scope.is_area_wide:
        entries += [
            ("清零看板", "rectification:board"),
            ("检视活动", "rectification:intake-list"),
            ("群众及应用反映", "rectification:intake-incoming"),
        ]
    if scope.can_manage:
        entries += [("梳理归纳", "rectification:group-suggestions"), ("问题类别", "rectification:categories")]
    entries += [("自查清单", "rectification:checklist-list"), ("整改提醒", "rectification:notices")]
    if scope.can_manage or scope.role == Role.TOWN_OFFICIAL:
        entries.append(("问题反映二维码", "rectification:poster-list"))
    if scope.can_manage:
        entries.append(("应用接入", "rectification:webhook-app-list"))
    return entries


def _training(scope: Scope) -> list[Entry]:
    entries: list[Entry] = [("政策培训", "training:training-list")]
    if sees_coverage(scope):
        entries.append(("培训覆盖", "training:coverage"))
    entries.append(("政策考试", "training:exam-list"))
    if scope.cadre_id is not None:
        entries.append(("我的考试", "training:exam-mine"))
    if scope.can_manage:
        entries.append(("题库", "training:question-list"))
    return entries


def _indicators(scope: Scope) -> list[Entry]:
    """Indicators and key projects: those who enter or steer see the data sets, the area-wide the
    indicator report, every staff member the key projects."""
    entries: list[Entry] = []
    if scope.role in ENTRY_ROLES or scope.is_area_wide:
        entries.append(("指标报表", "indicators:data-sets"))
    if scope.is_area_wide:
        entries.append(("主要指标", "indicators:report"))
    entries.append(("重点项目", "indicators:project-list"))
    return entries


def _employment(scope: Scope) -> list[Entry]:
    return [
        ("劳动力", "employment:laborer-list"),
        ("招聘岗位", "employment:posting-list"),
        ("人岗匹配", "employment:worklist"),
        ("技能培训", "employment:training-list"),
        ("公益岗位", "employment:welfare-post-list"),
        ("社区工厂", "employment:factory-list"),
        ("转移就业", "employment:transfer-list"),
    ]


def _industry(scope: Scope) -> list[Entry]:
    return [
        ("特色产业", "industry:industry-list"),
        ("产业补助", "industry:subsidy-list"),
        ("小额信贷", "industry:loan-list"),
        ("产业保险", "industry:insurance"),
        ("互助资金", "industry:mutual-aid"),
        ("经营主体", "industry:entity-list"),
        ("整合资金", "industry:funds"),
        ("光伏电站", "industry:solar-station-list"),
        ("光伏收益分配", "industry:solar-distribution-list"),
        ("光伏公示名单", "industry:solar-publicity"),
    ]


def _groups(scope: Scope) -> list[tuple[str, list[Entry]]]:
    if scope.is_public:
        return []
    admin: list[Entry] = []
    if scope.can_manage:
        admin += [
            ("台账导入导出", "ledgers:index"),
            ("县级设置", "areas:settings"),
            ("简报模板", "briefing-templates"),
        ]
    if scope.can_manage_accounts:
        admin.append(("账号管理", "people:account-list"))
    admin.append(("接口文档", "api-docs"))
    # The 驾驶舱 and the briefing for those who steer an area (the same accounts as the figures API).
    reports: list[Entry] = (
        [("驾驶舱", "dashboard"), ("工作简报", "briefing-download")] if scope.is_area_wide else []
    )
    return [
        ("首页", [("首页", "home")]),
        ("统计与简报", reports),
        (
            "基础信息",
            [("行政区划", "areas:tree"), ("单位", "people:unit-list"), ("干部", "people:cadre-list")],
        ),
        ("建档立卡", [("贫困户", "registry:household-list"), ("防返贫监测", "registry:monitoring-list")]),
        ("帮扶责任", [("帮扶责任", "duty:coverage")]),
        ("驻村帮扶", _fieldwork(scope)),
        ("问题整改", _rectification(scope)),
        ("培训考试", _training(scope)),
        ("指标与项目", _indicators(scope)),
        ("就业帮扶", _employment(scope)),
        ("产业扶贫", _industry(scope)),
        ("管理", admin),
    ]


def _badges(scope: Scope) -> dict[str, int]:
    """Unread counts shown beside their pages."""
    return {
        "fieldwork:reminders": unread_reminder_count(scope),
        "rectification:notices": unread_notice_count(scope),
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_groups": []}
    scope = scope_of(request)
    badges = _badges(scope) if not scope.is_public else {}
    groups = []
    for label, entries in _groups(scope):
        items = []
        for item_label, name in entries:
            url = reverse(name)
            active = request.path == url if url == "/" else request.path.startswith(url)
            items.append(NavItem(item_label, url, active, badges.get(name, 0)))
        groups.append(NavGroup(label, tuple(items)))
    return {"nav_groups": groups, "scope": scope}

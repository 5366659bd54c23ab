"""Navigation that shows only what exists and what the user's role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from fupin.core.scope import scope_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _items(request: HttpRequest) -> list[tuple[str, str]]:
    scope = scope_of(request)
    if scope.is_public:
        return []
    items = [
        ("首页", "home"),
        ("行政区划", "areas:tree"),
        ("单位", "people:unit-list"),
        ("干部", "people:cadre-list"),
        ("贫困户", "registry:household-list"),
        ("防返贫监测", "registry:monitoring-list"),
        ("帮扶责任", "duty:coverage"),
    ]
    if scope.can_manage:
        items.append(("台账导入导出", "ledgers:index"))
        items.append(("县级设置", "areas:settings"))
    if scope.can_manage_accounts:
        items.append(("账号管理", "people:account-list"))
    items.append(("接口文档", "api-docs"))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_items": []}
    nav = []
    for label, name in _items(request):
        url = reverse(name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        nav.append(NavItem(label, url, active))
    return {"nav_items": nav, "scope": scope_of(request)}

"""System checks that validate the environment-driven settings at start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Tagged so that a command can ask for these without the URL and template checks (see IMPORT_CHECKS).
SETTINGS_TAG = "fupin_settings"
# What a data import needs checked: the settings and the models. The URL and template checks import
# every view (about 0.8 s), which says nothing about a ledger file.
IMPORT_CHECKS = [SETTINGS_TAG, Tags.models]


@register(SETTINGS_TAG)
def settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        problems.append(Error(f"DATABASE_URL 指向不支持的数据库：{engine}", id="fupin.E001"))
    if not settings.DEBUG and not settings.CELERY_TASK_ALWAYS_EAGER and "postgresql" not in engine:
        problems.append(Warning("生产环境（Celery 工作进程）应使用 PostgreSQL。", id="fupin.W001"))
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENV:
        problems.append(
            Warning(
                "未设置 FUPIN_SECRET_KEY：正在使用 var/ 下自动生成的密钥。"
                "生产环境请设置 FUPIN_SECRET_KEY 或 FUPIN_SECRET_KEY_FILE。",
                id="fupin.W003",
            )
        )
    if not settings.CELERY_TASK_ALWAYS_EAGER and "locmem" in settings.CACHES["default"]["BACKEND"]:
        problems.append(
            Warning(
                "Celery 工作进程与网页进程不共享缓存：导入进度条将不会更新。请设置 FUPIN_REDIS_URL。",
                id="fupin.W004",
            )
        )
    if not settings.NODE_MODULES.exists() and settings.DEBUG:
        problems.append(Warning("未找到 node_modules：请先运行 bin/run 安装前端资源。", id="fupin.W002"))
    return problems

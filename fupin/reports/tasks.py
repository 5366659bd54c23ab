"""Background work of the reports app: keeping the rollups current (docs/scaling.md, "Rollups")."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.core.cache import cache

from fupin.areas.models import Area
from fupin.reports.figures import Period
from fupin.reports.rollups.store import mark_stale_from_changes, rebuild, rebuild_stale

# One refresh at a time across workers; a second one finding the lock taken has nothing to add.
REFRESH_LOCK = "fupin:rollups:refresh"
# Beat runs the refresh every 15 s; a run stops taking new builds after this, so that a write shows
# within 60 s when the county's builds fit in it.
REFRESH_BUDGET_S = 40


@shared_task(name="fupin.reports.refresh_rollups")
def refresh_rollups() -> int:
    if not cache.add(REFRESH_LOCK, "1", timeout=REFRESH_BUDGET_S + 60):
        return 0
    try:
        mark_stale_from_changes()
        return len(rebuild_stale(deadline_s=REFRESH_BUDGET_S))
    finally:
        cache.delete(REFRESH_LOCK)


@shared_task(name="fupin.reports.build_rollup")
def build_rollup(root_code: str, month: str, as_of: str) -> None:
    root = Area.objects.filter(code=root_code).first()
    if root is None:
        return
    day = dt.date.fromisoformat(as_of)
    rebuild(root, Period(int(month[:4]), int(month[5:]), day))

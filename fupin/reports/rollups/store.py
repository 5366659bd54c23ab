"""Writes of the rollups: read the change log into stale marks, and (re)build stale documents.

These are the bodies of the Celery tasks in fupin.reports.tasks and of `fupin rollups`; in the
embedded default they also run when a document is asked for (the tasks run eagerly there).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.reports.figures import Period
from fupin.reports.models import FigureRollup, RollupBuild, RollupCursor
from fupin.reports.rollups.builder import build_documents
from fupin.reports.rollups.changes import READ_LIMIT, ReadPosition, read_changes

CURSOR = "change-log"


@dataclass(frozen=True)
class MarkResult:
    counties: int
    everywhere: bool
    builds_marked: int


def mark_stale_from_changes() -> MarkResult:
    """Reads the change log written since the last call and marks stale every build it touched: the
    county's own, and those of the areas above it. Reads in steps of READ_LIMIT rows until done."""
    counties: set[str] = set()
    everywhere = False
    marked = 0
    while True:
        with transaction.atomic():
            cursor, _ = RollupCursor.objects.select_for_update().get_or_create(name=CURSOR)
            touched, position = read_changes(
                ReadPosition(cursor.seen_through, cursor.gaps), time.time(), _watched_counties()
            )
            if touched.everywhere:
                marked += _mark(Q())
            elif touched.county_codes:
                marked += _mark(_builds_holding(touched.county_codes))
            if (position.seen_through, position.gaps) != (cursor.seen_through, cursor.gaps):
                cursor.seen_through, cursor.gaps = position.seen_through, position.gaps
                cursor.save(update_fields=["seen_through", "gaps"])
        counties |= touched.county_codes
        everywhere = everywhere or touched.everywhere
        if touched.new_rows < READ_LIMIT:
            return MarkResult(len(counties), everywhere, marked)


def _watched_counties() -> set[str] | None:
    """The counties whose kept figures a write could make stale: those of fresh builds (a stale one
    is rebuilt anyway). None when a fresh build above counties makes every county matter."""
    roots = set(RollupBuild.objects.filter(stale=False).values_list("root_code", flat=True).distinct())
    if any(
        areacode.level_of(code) not in (areacode.COUNTY, areacode.TOWN, areacode.VILLAGE) for code in roots
    ):
        return None
    return roots


def _builds_holding(county_codes: set[str]) -> Q:
    roots: set[str] = set()
    for code in county_codes:
        roots.add(code)
        parent = areacode.parent_code_of(code)
        while parent is not None:
            roots.add(parent)
            parent = areacode.parent_code_of(parent)
    return Q(root_code__in=sorted(roots))


def _mark(which: Q) -> int:
    return RollupBuild.objects.filter(which).update(stale=True, marks=F("marks") + 1)


def rebuild(root: Area, period: Period) -> RollupBuild:
    """Computes and stores the documents of one build. A write that lands while it runs leaves the
    build stale, to be built again."""
    build, _ = RollupBuild.objects.get_or_create(
        root_code=root.code, month=period.label, as_of=period.as_of, defaults={"stale": True}
    )
    marks_at_start = build.marks
    started = time.perf_counter()
    documents = build_documents(root, period)
    with transaction.atomic():
        build = RollupBuild.objects.select_for_update().get(pk=build.pk)
        FigureRollup.objects.filter(build=build).delete()
        FigureRollup.objects.bulk_create(
            [
                FigureRollup(
                    build=build,
                    area_code=code,
                    month=period.label,
                    as_of=period.as_of,
                    document_json=json.dumps(document, ensure_ascii=False),
                )
                for code, document in documents.items()
            ],
            batch_size=500,
        )
        build.built_at = timezone.now()
        build.seconds = round(time.perf_counter() - started, 3)
        build.stale = build.marks != marks_at_start
        build.save(update_fields=["built_at", "seconds", "stale"])
    return build


def rebuild_stale(deadline_s: float | None = None) -> list[RollupBuild]:
    """Builds every stale build until `deadline_s` seconds have passed: counties first, the latest
    month first. An area above counties is one raw document over all its counties, slow at a
    province's size, so it waits until the counties (where writes land) are current."""
    started = time.monotonic()
    done: list[RollupBuild] = []
    stale = RollupBuild.objects.filter(stale=True).order_by("-month", "-as_of", "root_code")
    for build in sorted(stale, key=lambda each: areacode.level_of(each.root_code) != areacode.COUNTY):
        if deadline_s is not None and time.monotonic() - started > deadline_s:
            break
        root = Area.objects.filter(code=build.root_code).first()
        if root is None:
            build.delete()
            continue
        done.append(rebuild(root, Period(int(build.month[:4]), int(build.month[5:]), build.as_of)))
    return done

"""`fupin figures --check`: every stored document against the same document computed from the raw
records. Any difference is a fault (a grouped builder that disagrees with its definition, or a write
the change log did not turn into a stale mark) and is reported by figure path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.reports.figures import figures_document
from fupin.reports.models import FigureRollup


@dataclass(frozen=True)
class Difference:
    area_code: str
    month: str
    as_of: str
    path: str
    rollup: Any
    raw: Any

    def __str__(self) -> str:
        return (
            f"{self.area_code} {self.month}（截至 {self.as_of}）{self.path}：汇总表为 {self.rollup!r}，"
            f"原始数据为 {self.raw!r}"
        )


@dataclass(frozen=True)
class CheckResult:
    documents: int
    differences: list[Difference]


def differences_between(rollup: Any, raw: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, rollup value, raw value) for every leaf that differs; a key present on one side only is
    a difference, and so is a different order of a map's keys (the order is part of the document)."""
    if isinstance(rollup, dict) and isinstance(raw, dict):
        for key in dict.fromkeys([*rollup, *raw]):
            inner = f"{path}.{key}" if path else str(key)
            if key not in rollup or key not in raw:
                yield inner, rollup.get(key), raw.get(key)
            else:
                yield from differences_between(rollup[key], raw[key], inner)
        if list(rollup) != list(raw) and set(rollup) == set(raw):
            yield f"{path}（键的顺序）", list(rollup), list(raw)
        return
    if rollup != raw or type(rollup) is not type(raw):
        yield path, rollup, raw


def check_rollups(area_code: str | None = None, month: str | None = None) -> CheckResult:
    """Compares the stored documents (of the areas inside `area_code`, for `month`, when given) with
    the raw definition."""
    stored = FigureRollup.objects.order_by("month", "as_of", "area_code")
    if area_code:
        stored = stored.filter(area_code__startswith=areacode.prefix_of(area_code))
    if month:
        stored = stored.filter(month=month)
    areas = {area.code: area for area in Area.objects.filter(code__in=stored.values("area_code"))}
    found: list[Difference] = []
    count = 0
    for row in stored.iterator(chunk_size=200):
        area = areas.get(row.area_code)
        if area is None:
            continue
        count += 1
        raw = figures_document(area, row.month, row.as_of.isoformat())
        found.extend(
            Difference(row.area_code, row.month, row.as_of.isoformat(), path, mine, theirs)
            for path, mine, theirs in differences_between(row.document, raw)
        )
    return CheckResult(count, found)

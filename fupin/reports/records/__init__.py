"""The records behind each figure of the figures document (docs/figures.md): the drill-down.

`record_source(path)` gives, for a dotted figure path (`registry.poor_households`,
`rectification.by_category.医疗保障`, `fieldwork.quota.帮扶干部.met`), the function that lists exactly
the rows the figure counts — the same filters and as-of rules as the section functions in
fupin/<app>/figures.py, written here where those keep them private — with the columns a person reads
them by and the link to each row's own page. Map entries (categories, channels, fundings, regions,
uses, industries, quota categories) are resolved by pattern. Indicators and projects have no rows of
their own: their figures link to the indicator report and the project list instead.
"""

from __future__ import annotations

from collections.abc import Callable

from fupin.reports.records import (
    employment,
    fieldwork_rectification,
    finance,
    industry,
    registry_duty,
    solar,
    training,
)
from fupin.reports.records.base import Column, RecordSource, count_of, each, total_of

__all__ = ["SOURCES", "Column", "RecordSource", "count_of", "each", "record_source", "total_of"]

SOURCES: dict[str, RecordSource] = {
    **registry_duty.SOURCES,
    **fieldwork_rectification.SOURCES,
    **training.SOURCES,
    **employment.SOURCES,
    **industry.SOURCES,
    **finance.SOURCES,
    **solar.SOURCES,
}

QUOTA_KEYS = {"cadres": False, "met": True}


def _quota(rest: str) -> RecordSource | None:
    category, _, key = rest.rpartition(".")
    if not category or key not in QUOTA_KEYS:
        return None
    return fieldwork_rectification.quota_source(category, met_only=QUOTA_KEYS[key])


def _by_industry(rest: str) -> RecordSource | None:
    name, _, key = rest.rpartition(".")
    return industry.by_industry_source(name, key) if name else None


def _cause(rest: str) -> RecordSource | None:
    cause, _, key = rest.rpartition(".")
    return registry_duty.cause_source(cause, key) if cause else None


def _category(rest: str) -> RecordSource | None:
    return fieldwork_rectification.category_source(rest) if rest else None


# Map entries: the path's prefix, and how the entry (the rest of the path) becomes a source.
PATTERNS: dict[str, Callable[[str], RecordSource | None]] = {
    "causes.": _cause,
    "fieldwork.quota.": _quota,
    "rectification.by_category.": _category,
    "rectification.by_channel.": fieldwork_rectification.channel_source,
    "employment.welfare_jobs_by_funding.": employment.funding_source,
    "employment.transfer_by_region.": employment.region_source,
    "industry.by_industry.": _by_industry,
    "solar.by_use_fen.": solar.use_source,
}


def record_source(path: str) -> RecordSource | None:
    """The source of the records behind the figure at `path`, or None when it has none."""
    source = SOURCES.get(path)
    if source is not None:
        return source
    for prefix, resolve in PATTERNS.items():
        if path.startswith(prefix):
            return resolve(path[len(prefix) :])
    return None

"""The `registry` section of the figures document (spec/figures.md), computed from the records.

Statuses are stocks read "as of" a date. A household's status on a past date is the one its status
history (StatusChange) gives: the target of its last change on or before the date; a household whose
first recorded change comes after the date had that change's starting status; a household with no
change after the date has its current status. Households of status 新识别 (identification under
way) and 一般农户 (monitored, never registered) are not registered households and are not counted.
Registration is by year (识别年度): a household registered after the as-of year is not yet counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from fupin.areas.models import Area, AreaLevel
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.registry.models import Household, Member, PovertyCause, PovertyStatus
from fupin.registry.selectors import registered_by, status_on

COUNTED_STATUSES = frozenset({PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED})
POOR = frozenset({PovertyStatus.NOT_OUT, PovertyStatus.RELAPSED})


@dataclass(frozen=True)
class StatusesAsOf:
    """Each counted household's id and its status on the as-of date."""

    status_by_household: dict[int, str]

    def ids(self, statuses: frozenset[str] = COUNTED_STATUSES) -> list[int]:
        return [pk for pk, status in self.status_by_household.items() if status in statuses]

    def count(self, statuses: frozenset[str]) -> int:
        return sum(1 for status in self.status_by_household.values() if status in statuses)


def households_in_area(area_code: str) -> QuerySet[Household]:
    return Household.objects.filter(area_code__startswith=areacode.prefix_of(area_code))


def statuses_as_of(area_code: str, as_of: dt.date) -> StatusesAsOf:
    statuses = (
        households_in_area(area_code)
        .filter(registered_by(as_of))
        .annotate(status_on=status_on(as_of))
        .values_list("pk", "status_on")
    )
    return StatusesAsOf({pk: status for pk, status in statuses if status in COUNTED_STATUSES})


@dataclass(frozen=True)
class CountyStatuses:
    """Every counted household of a county with its status on the as-of date and its area code, read
    once so that figures of all the county's areas can be built from it."""

    status_by_household: dict[int, str]
    area_by_household: dict[int, str]

    def for_area(self, area_code: str) -> StatusesAsOf:
        """The StatusesAsOf that statuses_as_of(area_code, as_of) would return."""
        prefix = areacode.prefix_of(area_code)
        return StatusesAsOf(
            {
                pk: status
                for pk, status in self.status_by_household.items()
                if self.area_by_household[pk].startswith(prefix)
            }
        )


def county_statuses(county_code: str, as_of: dt.date) -> CountyStatuses:
    rows = (
        households_in_area(county_code)
        .filter(registered_by(as_of))
        .annotate(status_on=status_on(as_of))
        .values_list("pk", "status_on", "area_code")
    )
    status_by_household: dict[int, str] = {}
    area_by_household: dict[int, str] = {}
    for pk, status, code in rows.iterator(chunk_size=10000):
        if status in COUNTED_STATUSES:
            status_by_household[pk] = status
            area_by_household[pk] = code
    return CountyStatuses(status_by_household, area_by_household)


def registry_section(area_code: str, as_of: dt.date, statuses: StatusesAsOf | None = None) -> dict[str, int]:
    statuses = statuses or statuses_as_of(area_code, as_of)
    counted = statuses.ids()
    return _registry_figures(
        households=len(counted),
        people=_members_of(counted),
        by_status=Counter(statuses.status_by_household.values()),
        poor_villages=Area.objects.filter(
            code__startswith=areacode.prefix_of(area_code), level=AreaLevel.VILLAGE, is_poor_village=True
        ).count(),
    )


def registry_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """registry_section of every area of the county, from the county's statuses and one query of
    member counts per household (the poor villages are the tree's own areas)."""
    members = dict(
        Member.objects.filter(household__area_code__startswith=areacode.prefix_of(tree.county_code))
        .values_list("household_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    households: Counter[str] = Counter()
    people: Counter[str] = Counter()
    by_status: dict[str, Counter[str]] = {code: Counter() for code in tree.codes}
    for household_id, status in statuses.status_by_household.items():
        for code in tree.containing(statuses.area_by_household[household_id]):
            households[code] += 1
            people[code] += members.get(household_id, 0)
            by_status[code][status] += 1
    poor_villages: Counter[str] = Counter()
    for area in tree.areas:
        if area.level == AreaLevel.VILLAGE and area.is_poor_village:
            poor_villages.update(tree.containing(area.code))
    return {
        code: _registry_figures(
            households=households[code],
            people=people[code],
            by_status=by_status[code],
            poor_villages=poor_villages[code],
        )
        for code in tree.codes
    }


def _registry_figures(
    *, households: int, people: int, by_status: Counter[str], poor_villages: int
) -> dict[str, int]:
    return {
        "households": households,
        "people": people,
        "poor_households": sum(by_status[status] for status in POOR),
        "exited_households": by_status[PovertyStatus.OUT],
        "relapsed_households": by_status[PovertyStatus.RELAPSED],
        "poor_villages": poor_villages,
    }


def _members_of(household_ids: list[int]) -> int:
    total = 0
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        total += Member.objects.filter(household_id__in=chunk).count()
    return total


# -- causes: households by main cause of poverty -------------------------------------------------

EXITED = frozenset({PovertyStatus.OUT})


def causes_section(area_code: str, statuses: StatusesAsOf) -> dict[str, dict[str, int]]:
    """{致贫原因: {"poor": 未脱贫 or 返贫 households, "exited": 已脱贫 households}} of the counted
    households, by the main cause recorded now, in the order of the causes; a cause with neither is
    left out."""
    causes = dict(households_in_area(area_code).values_list("pk", "main_cause"))
    return _causes_figures(
        Counter((causes[pk], status) for pk, status in statuses.status_by_household.items() if pk in causes)
    )


def causes_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """causes_section of every area of the county, from one query of the county's main causes."""
    causes = dict(households_in_area(tree.county_code).values_list("pk", "main_cause"))
    counts: dict[str, Counter[tuple[str, str]]] = {code: Counter() for code in tree.codes}
    for household_id, status in statuses.status_by_household.items():
        cause = causes.get(household_id)
        if cause is None:
            continue
        for code in tree.containing(statuses.area_by_household[household_id]):
            counts[code][(cause, status)] += 1
    return {code: _causes_figures(counts[code]) for code in tree.codes}


def _causes_figures(by_cause_and_status: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    figures: dict[str, dict[str, int]] = {}
    for cause in PovertyCause:
        poor = sum(by_cause_and_status[(cause.value, status)] for status in POOR)
        exited = sum(by_cause_and_status[(cause.value, status)] for status in EXITED)
        if poor or exited:
            figures[str(cause.label)] = {"poor": poor, "exited": exited}
    return figures

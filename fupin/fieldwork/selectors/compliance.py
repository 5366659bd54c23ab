"""Quota compliance (考勤): who met the county's field-work rules in a month (figures.md, "Quota rules").

Only valid check-ins count, all of a cadre's wherever they were made, and several on one day count
as one day. A weekly rule is judged on the ISO weeks whose Thursday falls in the month, each with all
seven days, and is met when every such week meets it; a monthly rule on the days of the month. A
cadre who holds two categories is judged under each.

A county month is 7,000 cadres and 200,000 check-ins. They are read as (cadre, date, kind) triples
in one pass over the date index and folded into a bit mask of days per cadre and kind, so judging a
rule is a few integer operations per cadre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from fupin.areas.county_settings import QUOTA_RULES
from fupin.areas.models import Area
from fupin.areas.selectors import county_setting
from fupin.core import areacode
from fupin.duty.models import LeaderTown, Pairing, WorkTeamMember, active_on
from fupin.fieldwork.models import CheckIn, CheckInKind
from fupin.people.models import Cadre, CadreCategory

WEEK, MONTH = "week", "month"
KIND_BITS = {CheckInKind.TOWN.value: 0, CheckInKind.VILLAGE.value: 1, CheckInKind.HOUSEHOLD.value: 2}


@dataclass(frozen=True)
class QuotaRule:
    category: str
    kinds: frozenset[str]
    days: int
    period: str  # WEEK or MONTH

    @property
    def category_label(self) -> str:
        return str(CadreCategory(self.category).label)

    @property
    def text(self) -> str:
        kinds = "、".join(str(CheckInKind(k).label) for k in CheckInKind.values if k in self.kinds)
        every = "每周" if self.period == WEEK else "每月"
        return f"{every}至少{self.days}天（{kinds}）"


def quota_rules(area_code: str) -> list[QuotaRule]:
    """The county's rules (a county setting; the seed's three by default)."""
    return [
        QuotaRule(r["category"], frozenset(r["kinds"]), int(r["days"]), r["period"])
        for r in county_setting(area_code, QUOTA_RULES)
    ]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1


def judged_weeks(year: int, month: int) -> list[Period]:
    """The ISO weeks (Monday–Sunday) whose Thursday falls in the month."""
    first = dt.date(year, month, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    while thursday.month == month:
        monday = thursday - dt.timedelta(days=3)
        weeks.append(Period(monday, monday + dt.timedelta(days=6)))
        thursday += dt.timedelta(days=7)
    return weeks


def month_period(year: int, month: int) -> Period:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(dt.date(year, month, 1), following - dt.timedelta(days=1))


def judged_periods(rule: QuotaRule, year: int, month: int) -> list[Period]:
    return judged_weeks(year, month) if rule.period == WEEK else [month_period(year, month)]


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    days: int
    met: bool


@dataclass(frozen=True)
class RuleResult:
    rule: QuotaRule
    periods: tuple[PeriodResult, ...]

    @property
    def met(self) -> bool:
        return all(p.met for p in self.periods)

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)

    @property
    def shortfall(self) -> int:
        """Days missing, summed over the periods that fell short."""
        return sum(max(0, self.rule.days - p.days) for p in self.periods)


@dataclass
class DayMasks:
    """Valid check-in days of one cadre: for each kind, bit i set when day `origin + i` has one."""

    origin: dt.date
    by_kind: list[int]

    def days(self, kinds: frozenset[str], period: Period) -> int:
        mask = 0
        for kind in kinds:
            mask |= self.by_kind[KIND_BITS[kind]]
        low = (period.start - self.origin).days
        window = (mask >> low) & ((1 << period.length) - 1)
        return window.bit_count()

    def dates(self, kinds: Iterable[str]) -> set[dt.date]:
        mask = 0
        for kind in kinds:
            mask |= self.by_kind[KIND_BITS[kind]]
        return {self.origin + dt.timedelta(days=i) for i in range(mask.bit_length()) if mask >> i & 1}


def span(rules: Sequence[QuotaRule], year: int, month: int) -> Period:
    """Every day any rule of the month looks at: the month and its straddling ISO weeks."""
    periods = [month_period(year, month), *judged_weeks(year, month)]
    return Period(min(p.start for p in periods), max(p.end for p in periods))


def valid_day_masks(cadre_ids: set[int] | None, window: Period) -> dict[int, DayMasks]:
    """Each cadre's valid check-in days in the window (all cadres' when `cadre_ids` is None)."""
    rows = CheckIn.objects.filter(valid=True, date__gte=window.start, date__lte=window.end)
    masks: dict[int, DayMasks] = {}
    origin = window.start
    for cadre_id, day, kind in rows.values_list("cadre_id", "date", "kind").iterator(chunk_size=20_000):
        if cadre_ids is not None and cadre_id not in cadre_ids:
            continue
        entry = masks.get(cadre_id)
        if entry is None:
            entry = masks[cadre_id] = DayMasks(origin, [0, 0, 0])
        entry.by_kind[KIND_BITS[kind]] |= 1 << (day - origin).days
    return masks


def cadres_of_area(area: Area, as_of: dt.date) -> Q:
    """figures.md: a cadre belongs to an area when the area is the county (here: the cadre's unit, or
    its parent unit, lies in the county), or when it has an assignment active on `as_of` to a
    household, village or town inside the area."""
    prefix = areacode.prefix_of(area.code)
    assigned = (
        Q(
            pk__in=Pairing.objects.filter(active_on(as_of), household__area_code__startswith=prefix).values(
                "cadre_id"
            )
        )
        | Q(
            pk__in=WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix).values(
                "cadre_id"
            )
        )
        | Q(
            pk__in=LeaderTown.objects.filter(active_on(as_of), town__code__startswith=prefix).values(
                "cadre_id"
            )
        )
    )
    if area.level == areacode.COUNTY:
        return (
            assigned | Q(unit__area__code__startswith=prefix) | Q(unit__parent__area__code__startswith=prefix)
        )
    return assigned


@dataclass(frozen=True)
class CadreCompliance:
    cadre_id: int
    code: str
    name: str
    unit_name: str
    results: tuple[RuleResult, ...]  # one per rule of a category the cadre holds

    @property
    def met(self) -> bool:
        return all(r.met for r in self.results)


def judge_cadre(
    rules: Sequence[QuotaRule], categories: Iterable[str], masks: DayMasks | None, year: int, month: int
) -> tuple[RuleResult, ...]:
    held = set(categories)
    results = []
    for rule in rules:
        if rule.category not in held:
            continue
        periods = []
        for period in judged_periods(rule, year, month):
            days = masks.days(rule.kinds, period) if masks else 0
            periods.append(PeriodResult(period, days, days >= rule.days))
        results.append(RuleResult(rule, tuple(periods)))
    return tuple(results)


def compliance(
    area: Area, year: int, month: int, as_of: dt.date, *, cadres: Q | None = None
) -> list[CadreCompliance]:
    """Compliance of the area's cadres that hold a category with a rule, ordered by cadre code.
    `cadres` narrows further (a unit, a category, the user's scope)."""
    rules = quota_rules(area.code)
    if not rules:
        return []
    holds_a_rule = Q()
    for rule in rules:
        holds_a_rule |= Q(categories__contains=f",{rule.category},")
    judged = Cadre.objects.filter(cadres_of_area(area, as_of), holds_a_rule)
    if cadres is not None:
        judged = judged.filter(cadres)
    people = list(judged.order_by("code").values_list("pk", "code", "name", "unit__name", "categories"))
    masks = valid_day_masks({p[0] for p in people}, span(rules, year, month))
    return [
        CadreCompliance(
            pk, code, name, unit_name, judge_cadre(rules, categories.split(","), masks.get(pk), year, month)
        )
        for pk, code, name, unit_name, categories in people
    ]


def quota_figures(area: Area, year: int, month: int, as_of: dt.date) -> dict[str, dict[str, int]]:
    """figures.md `fieldwork.quota`: per category with a rule, cadres holding it and those meeting it."""
    rules = quota_rules(area.code)
    figures = {rule.category_label: {"cadres": 0, "met": 0} for rule in rules}
    for person in compliance(area, year, month, as_of):
        for result in person.results:
            entry = figures[result.rule.category_label]
            entry["cadres"] += 1
            entry["met"] += int(result.met)
    return figures

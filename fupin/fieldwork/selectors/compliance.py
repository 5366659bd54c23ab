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
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Substr

from fupin.areas.county_settings import QUOTA_RULES
from fupin.areas.models import Area
from fupin.areas.selectors import county_setting
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.duty.belonging import cadres_by_area, cadres_of_area
from fupin.duty.models import LeaderTown, Pairing, WorkTeamMember, active_on
from fupin.fieldwork.models import CheckIn, CheckInKind, Reminder
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
    return list(_judged_periods(rule.period, year, month))


@functools.lru_cache(maxsize=256)
def _judged_periods(period: str, year: int, month: int) -> tuple[Period, ...]:
    # Judging a county month asks this once per cadre and rule: compute it once.
    return tuple(judged_weeks(year, month)) if period == WEEK else (month_period(year, month),)


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
    masks: dict[int, DayMasks] = {}
    for cadre_id, kind, bits in _valid_day_bits(window):
        if cadre_ids is not None and cadre_id not in cadre_ids:
            continue
        entry = masks.get(cadre_id)
        if entry is None:
            entry = masks[cadre_id] = DayMasks(window.start, [0, 0, 0])
        entry.by_kind[KIND_BITS[kind]] |= bits
    return masks


# A bigint holds 63 day bits; a month with its straddling weeks is at most 37 days.
SQL_MASK_DAYS = 63
MASKS_SQL = (
    "SELECT cadre_id, kind, bit_or(1::bigint << (date - %s::date)) FROM fieldwork_checkin "
    "WHERE valid AND date BETWEEN %s AND %s GROUP BY cadre_id, kind"
)


def _valid_day_bits(window: Period) -> Iterator[tuple[int, str, int]]:
    """(cadre, kind, mask of its valid days from the window's start). PostgreSQL folds the days into
    the masks itself (bit_or), so a county month sends ~7,000 rows instead of 200,000; elsewhere (and
    for longer windows) the rows are folded here."""
    if connection.vendor == "postgresql" and window.length <= SQL_MASK_DAYS:
        with connection.cursor() as cursor:
            cursor.execute(MASKS_SQL, [window.start, window.start, window.end])
            rows = cursor.fetchall()
        yield from rows
        return
    valid = CheckIn.objects.filter(valid=True, date__gte=window.start, date__lte=window.end)
    for cadre_id, day, kind in valid.values_list("cadre_id", "date", "kind").iterator(chunk_size=20_000):
        yield cadre_id, kind, 1 << (day - window.start).days


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
        for period in _judged_periods(rule.period, year, month):
            days = masks.days(rule.kinds, period) if masks else 0
            periods.append(PeriodResult(period, days, days >= rule.days))
        results.append(RuleResult(rule, tuple(periods)))
    return tuple(results)


def judged_cadres(area: Area, rules: Sequence[QuotaRule], as_of: dt.date) -> QuerySet[Cadre]:
    """The cadres `compliance` judges: the area's, holding a category that has a rule."""
    holds_a_rule = Q()
    for rule in rules:
        holds_a_rule |= Q(categories__contains=f",{rule.category},")
    return Cadre.objects.filter(cadres_of_area(area.code, as_of), holds_a_rule)


def compliance(
    area: Area, year: int, month: int, as_of: dt.date, *, cadres: Q | None = None
) -> list[CadreCompliance]:
    """Compliance of the area's cadres that hold a category with a rule, ordered by cadre code.
    `cadres` narrows further (a unit, a category, the user's scope)."""
    rules = quota_rules(area.code)
    if not rules:
        return []
    judged = judged_cadres(area, rules, as_of)
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
    return _tally_quota(quota_rules(area.code), compliance(area, year, month, as_of))


def quota_figures_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date
) -> dict[str, dict[str, dict[str, int]]]:
    """quota_figures of every area of the county: the county's cadres are judged once (the cadres of
    a town or village are among the county's, and a cadre's judgement does not depend on the area),
    and each area tallies the judged cadres that belong to it."""
    rules = quota_rules(tree.county_code)
    judged = {person.cadre_id: person for person in compliance(tree.county, year, month, as_of)}
    belonging = cadres_by_area(tree, as_of)
    return {
        code: _tally_quota(rules, [judged[pk] for pk in belonging[code] if pk in judged])
        for code in tree.codes
    }


def _tally_quota(rules: Sequence[QuotaRule], judged: Iterable[CadreCompliance]) -> dict[str, dict[str, int]]:
    figures = {rule.category_label: {"cadres": 0, "met": 0} for rule in rules}
    for person in judged:
        for result in person.results:
            entry = figures[result.rule.category_label]
            entry["cadres"] += 1
            entry["met"] += int(result.met)
    return figures


# -- reads for the compliance board, a cadre's calendar and the reminders -------------------------


def compliance_cadres_q(scope: Scope) -> Q | None:
    """Which of an area's judged cadres a user sees on the board: all of them for an area-wide role
    (the area it may open decides), its units' cadres for a unit user; None when the role has no
    board (it still sees its own calendar)."""
    if scope.role == SUPERUSER or scope.is_area_wide:
        return Q()
    if scope.role == Role.UNIT_USER and scope.unit_ids:
        return Q(unit_id__in=scope.unit_ids)
    return None


def cadre_unit_codes(area: Area, rules: Sequence[QuotaRule], as_of: dt.date, cadres: Q) -> dict[int, str]:
    """The unit code of each judged cadre, for grouping and filtering by unit."""
    return dict(judged_cadres(area, rules, as_of).filter(cadres).values_list("pk", "unit__code"))


def cadre_towns(area: Area, as_of: dt.date) -> dict[int, set[str]]:
    """The towns (inside the area) of each cadre's assignments active on `as_of`: the towns of the
    households it is paired with and of the villages whose work team it serves in, and the towns it
    leads. A cadre with assignments in several towns has several."""
    prefix = areacode.prefix_of(area.code)
    sources = (
        Pairing.objects.filter(active_on(as_of), household__area_code__startswith=prefix).values_list(
            "cadre_id", Substr("household__area_code", 1, 9)
        ),
        WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix).values_list(
            "cadre_id", Substr("village__code", 1, 9)
        ),
        LeaderTown.objects.filter(active_on(as_of), town__code__startswith=prefix).values_list(
            "cadre_id", Substr("town__code", 1, 9)
        ),
    )
    towns: dict[int, set[str]] = defaultdict(set)
    for rows in sources:
        for cadre_id, town_prefix in rows.order_by().distinct():
            towns[cadre_id].add(town_prefix.ljust(12, "0"))
    return dict(towns)


def area_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=sorted(set(codes))).values_list("code", "name"))


def day_masks_of(rows: Iterable[tuple[dt.date, str]], origin: dt.date) -> DayMasks:
    """One cadre's valid (date, kind) pairs as day masks from `origin` (no day before it)."""
    masks = DayMasks(origin, [0, 0, 0])
    for day, kind in rows:
        masks.by_kind[KIND_BITS[kind]] |= 1 << (day - origin).days
    return masks


def calendar_span(year: int, month: int, rules: Sequence[QuotaRule]) -> Period:
    """Whole ISO weeks covering the month and its judged straddling weeks: a calendar's rows."""
    days = span(rules, year, month)
    start = days.start - dt.timedelta(days=days.start.weekday())
    end = days.end + dt.timedelta(days=6 - days.end.weekday())
    return Period(start, end)


def cadre_checkins(cadre_id: int, window: Period) -> list[CheckIn]:
    """All of one cadre's check-ins in the window, valid or not, in the order they were made."""
    return list(
        CheckIn.objects.filter(cadre_id=cadre_id, date__gte=window.start, date__lte=window.end)
        .select_related("area", "household")
        .order_by("date", "time", "pk")
    )


def period_of(rule: QuotaRule, day: dt.date) -> Period:
    """The period of `rule` that `day` lies in: its ISO week (Monday–Sunday) or its month."""
    if rule.period == WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    return month_period(day.year, day.month)


def pace_expected(rule: QuotaRule, period: Period, day: dt.date) -> int:
    """By day k of a period of L days a rule of N days expects floor(N·k/L) valid days."""
    k = (day - period.start).days + 1
    return rule.days * k // period.length


@dataclass(frozen=True)
class Pace:
    period: Period
    days: int  # valid days from the period's start to the day, that day included
    expected: int

    @property
    def behind(self) -> bool:
        return self.days < self.expected


def pace_on(rule: QuotaRule, masks: DayMasks | None, day: dt.date) -> Pace:
    """How a cadre stands on `day` against the pace of `rule` (masks must start by the period's start)."""
    period = period_of(rule, day)
    done = masks.days(rule.kinds, Period(period.start, day)) if masks else 0
    return Pace(period, done, pace_expected(rule, period, day))


def valid_day_masks_of(cadres: QuerySet[Cadre], window: Period) -> dict[int, DayMasks]:
    """Like `valid_day_masks`, for the cadres of a query, filtered in the database (a county's
    cadres out of a province's check-ins)."""
    rows = CheckIn.objects.filter(
        valid=True, date__gte=window.start, date__lte=window.end, cadre_id__in=cadres.values("pk")
    ).values_list("cadre_id", "date", "kind")
    masks: dict[int, DayMasks] = {}
    for cadre_id, day, kind in rows.iterator(chunk_size=20_000):
        entry = masks.setdefault(cadre_id, DayMasks(window.start, [0, 0, 0]))
        entry.by_kind[KIND_BITS[kind]] |= 1 << (day - window.start).days
    return masks


def reminder_list(scope: Scope) -> QuerySet[Reminder]:
    """The signed-in cadre's own reminders, unread first; nobody sees another's."""
    if scope.cadre_id is None:
        return Reminder.objects.none()
    return Reminder.objects.filter(cadre_id=scope.cadre_id).order_by(
        F("read_at").desc(nulls_first=True), "-day", "-id"
    )


def unread_reminder_count(scope: Scope) -> int:
    """For the navigation's badge: the signed-in cadre's unread reminders (0 without a cadre)."""
    if scope.cadre_id is None:
        return 0
    return Reminder.objects.filter(cadre_id=scope.cadre_id, read_at__isnull=True).count()

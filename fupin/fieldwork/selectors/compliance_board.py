"""The compliance board (考勤看板) of a month and area: tallies by category, unit and town, the list of
cadres who fall short, and one cadre's calendar; the pages and the Excel export render these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from fupin.areas.models import Area
from fupin.core.scope import Scope
from fupin.fieldwork.models import CheckIn, CheckInKind
from fupin.fieldwork.selectors.compliance import (
    CadreCompliance,
    Period,
    PeriodResult,
    QuotaRule,
    RuleResult,
    area_names,
    cadre_towns,
    cadre_unit_codes,
    compliance,
    month_period,
    quota_rules,
    span,
)
from fupin.fieldwork.selectors.leave import leave_days_by_cadre

NO_TOWN = "none"


NO_TOWN_LABEL = "无在岗驻点乡镇"


SHOWS = {"short": "未达标及进行中", "all": "全部"}


# -- what the request asks for ---------------------------------------------------------------------
@dataclass(frozen=True)
class BoardQuery:
    scope: Scope
    area: Area
    year: int
    month: int
    # The user's part of the area's judged cadres; None for a role without a board.
    cadres: Q | None

    @property
    def as_of(self) -> dt.date:
        """figures.md: stocks (who belongs to the area) as of the month's last day."""
        return month_period(self.year, self.month).end

    @property
    def month_text(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def base_query(self) -> str:
        return urlencode({"month": self.month_text, "area": self.area.code})


# -- the board ---------------------------------------------------------------------------------------
@dataclass
class Tally:
    key: str
    label: str
    cadres: int = 0
    met: int = 0
    note: str = ""

    @property
    def short(self) -> int:
        return self.cadres - self.met

    @property
    def rate(self) -> str:
        return f"{self.met / self.cadres:.1%}" if self.cadres else "—"


@dataclass
class Board:
    query: BoardQuery
    rules: list[QuotaRule]
    people: list[CadreCompliance]
    units: dict[int, str]  # cadre → unit code
    towns: dict[int, list[str]]  # cadre → town codes inside the area, or [NO_TOWN]
    town_names: dict[str, str]
    by_category: dict[str, Tally] = field(default_factory=dict)
    by_unit: dict[str, Tally] = field(default_factory=dict)
    by_town: dict[str, Tally] = field(default_factory=dict)

    @property
    def multi_town_cadres(self) -> int:
        return sum(1 for towns in self.towns.values() if len(towns) > 1)

    @property
    def month_over(self) -> bool:
        return span(self.rules, self.query.year, self.query.month).end < timezone.localdate()


def board_of(query: BoardQuery) -> Board:
    """The month's compliance of the user's cadres of the area, counted three ways: per category
    (each cadre under each rule it holds), per unit and per town (a cadre meets when it meets all
    its rules; a cadre with assignments in several towns counts in each)."""
    assert query.cadres is not None
    rules = quota_rules(query.area.code)
    people = compliance(query.area, query.year, query.month, query.as_of, cadres=query.cadres)
    units = cadre_unit_codes(query.area, rules, query.as_of, query.cadres) if people else {}
    assigned = cadre_towns(query.area, query.as_of) if people else {}
    towns = {p.cadre_id: sorted(assigned.get(p.cadre_id, ())) or [NO_TOWN] for p in people}
    names = area_names(code for codes in towns.values() for code in codes if code != NO_TOWN)
    board = Board(query, rules, people, units, towns, names | {NO_TOWN: NO_TOWN_LABEL})
    for rule in rules:
        board.by_category[rule.category] = Tally(rule.category, rule.category_label, note=rule.text)
    for person in people:
        for result in person.results:
            _count(board.by_category[result.rule.category], result.met)
        unit = units.get(person.cadre_id, "")
        _count(board.by_unit.setdefault(unit, Tally(unit, person.unit_name)), person.met)
        for town in towns[person.cadre_id]:
            _count(board.by_town.setdefault(town, Tally(town, board.town_names.get(town, town))), person.met)
    board.by_unit = dict(sorted(board.by_unit.items(), key=lambda item: (-item[1].short, item[0])))
    board.by_town = dict(sorted(board.by_town.items(), key=lambda item: (item[0] == NO_TOWN, item[0])))
    return board


def _count(tally: Tally, met: bool) -> None:
    tally.cadres += 1
    tally.met += int(met)


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    town: str = ""
    category: str = ""
    show: str = "short"

    @classmethod
    def of(cls, params: QueryDict) -> Filters:
        show = params.get("show", "short")
        return cls(
            unit=params.get("unit", "").strip(),
            town=params.get("town", "").strip(),
            category=params.get("category", "").strip(),
            show=show if show in SHOWS else "short",
        )

    def keeps(self, board: Board, person: CadreCompliance, result: RuleResult) -> bool:
        return (
            (self.show == "all" or not result.met)
            and (not self.unit or board.units.get(person.cadre_id) == self.unit)
            and (not self.town or self.town in board.towns[person.cadre_id])
            and (not self.category or result.rule.category == self.category)
        )

    def describe(self, board: Board) -> str:
        parts = [f"显示：{SHOWS[self.show]}"]
        if self.unit:
            parts.append(
                f"单位：{board.by_unit[self.unit].label if self.unit in board.by_unit else self.unit}"
            )
        if self.town:
            parts.append(f"乡镇：{board.town_names.get(self.town, self.town)}")
        if self.category in board.by_category:
            parts.append(f"类别：{board.by_category[self.category].label}")
        return "；".join(parts)


def shortfall_seeds(board: Board, filters: Filters) -> list[tuple[CadreCompliance, RuleResult]]:
    return [
        (person, result)
        for person in board.people
        for result in person.results
        if filters.keeps(board, person, result)
    ]


@dataclass(frozen=True)
class Row:
    """One cadre under one rule, as the page shows it and the export writes it."""

    cadre_code: str
    cells: tuple[str | int, ...]
    met: bool


def _dates_text(days: Iterable[dt.date]) -> str:
    """10-08至10-10、10-15: consecutive days as ranges."""
    ordered = sorted(days)
    runs: list[list[dt.date]] = []
    for day in ordered:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return "、".join(
        f"{run[0]:%m-%d}" if len(run) == 1 else f"{run[0]:%m-%d}至{run[-1]:%m-%d}" for run in runs
    )


def _status(result: RuleResult, today: dt.date) -> str:
    if result.met:
        return "达标"
    ended = any(p.period.end < today for p in result.periods if not p.met)
    return "未达标" if ended else "进行中"


def shortfall_rows(board: Board, seeds: Sequence[tuple[CadreCompliance, RuleResult]]) -> list[Row]:
    """The rows for the given cadres and rules, with the approved leave inside the judged periods."""
    window = span(board.rules, board.query.year, board.query.month)
    leave = leave_days_by_cadre({person.cadre_id for person, _ in seeds}, window.start, window.end)
    today = timezone.localdate()
    rows = []
    for person, result in seeds:
        judged = [p.period for p in result.periods]
        away = [d for d in leave.get(person.cadre_id, ()) if any(p.start <= d <= p.end for p in judged)]
        periods = "；".join(
            f"{p.period.start:%m-%d}至{p.period.end:%m-%d}：{p.days}天" for p in result.periods
        )
        towns = "、".join(board.town_names.get(t, t) for t in board.towns[person.cadre_id])
        cells = (
            person.code,
            person.name,
            person.unit_name,
            towns,
            result.rule.category_label,
            result.rule.text,
            periods,
            result.shortfall,
            len(away),
            _dates_text(away),
            _status(result, today),
        )
        rows.append(Row(person.code, cells, result.met))
    return rows


# -- one cadre's calendar ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    in_month: bool
    valid: list[tuple[str, int]]  # (kind, how many valid check-ins of that kind)
    invalid: list[CheckIn]
    on_leave: bool

    @property
    def weekday(self) -> str:
        return "周" + "一二三四五六日"[self.day.weekday()]


@dataclass(frozen=True)
class CalendarWeek:
    days: list[CalendarDay]
    # The weekly rules' verdicts when the week is judged in the month (its Thursday lies in it).
    results: list[tuple[QuotaRule, PeriodResult]]


def calendar_of(
    checkins: list[CheckIn], leave: set[dt.date], grid: Period, year: int, month: int
) -> list[CalendarWeek]:
    by_day: dict[dt.date, list[CheckIn]] = defaultdict(list)
    for checkin in checkins:
        by_day[checkin.date].append(checkin)
    weeks = []
    monday = grid.start
    while monday <= grid.end:
        days = []
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            valid = [c for c in by_day[day] if c.valid]
            counts = [
                (str(label), n)
                for kind, label in CheckInKind.choices
                if (n := sum(1 for c in valid if c.kind == kind))
            ]
            invalid = [c for c in by_day[day] if not c.valid]
            days.append(CalendarDay(day, day.month == month, counts, invalid, day in leave))
        weeks.append(CalendarWeek(days, []))
        monday += dt.timedelta(days=7)
    return weeks

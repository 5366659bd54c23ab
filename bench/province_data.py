"""Generator of a province-scale fupin database for the statistics benchmark (issue 8; synthetic).

    python bench/province_data.py [--households 5000000] [--counties 100] [--months 2019-01..2019-12]
                                  [--checkins N] [--problems N] [--seed 2019] [--database-url URL]

Drops and recreates a scratch PostgreSQL database (`fupin_province` on 127.0.0.1:5432, or
FUPIN_BENCH_PROVINCE_DATABASE_URL, or --database-url), migrates it and fills it with COPY:

- areas: a province, its cities (20 counties each), COUNTIES counties shaped like the seed county
  (17 towns × 9 villages, about 30% poor villages), with coordinates;
- per county 230 units and 6,050 cadres in the seed's mix (county leaders, department heads, work
  team cadres, town and village cadres, paired cadres);
- households (default 5,000,000, 3.2 members each on average) with statuses in a realistic mix and
  the status history (StatusChange) that figures read statuses "as of" a date from;
- pairings for nearly all poor households and most exited ones, work teams in poor villages with
  a first secretary, unit-village and leader-town assignments;
- check-ins (default 4 per household) over the months, judged by fupin's own validity rules, and
  problems (default 0.2 per household) in every status with dates, categories and channels.

Rows are written county by county, so memory stays that of one county (peak resident 330 MB at
50,000 households a county, measured), and are deterministic by seed (each county draws from its
own generator). Each county's figures for the last month, counted while drawing, are printed for
the first county and returned by generate() for the test.
Every NOT NULL column is filled on purpose: a column the generator does not give must have a
default, be nullable or be a blank text column, or the run stops before writing (see Table).
Not written: the change log (services write one row per record; no figure reads it), accounts,
trainings, leave and diaries.

While loading, the tables' secondary indexes are dropped and foreign-key triggers are off
(session_replication_role = replica); the generator itself keeps every reference valid, and the
indexes are built again at the end, then ANALYZE.

`--baseline` is bench/figures_raw.py: the figures document over the raw rows, timed.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fupin_province"
NOW = "2020-01-05 09:00:00+08"  # created_at / updated_at of every generated row
ACTOR = "省级基准数据生成"

# The seed county's shape (fupin/demo/county.py), except for the share of poor villages.
COUNTIES_PER_CITY = 20
TOWNS_PER_COUNTY = 17
VILLAGES_PER_TOWN = 9
POOR_VILLAGE_SHARE = 0.3
UNITS_PER_COUNTY = 230
COUNTY_LEADERS = 28
DEPARTMENT_HEADS = 156
TOWN_CADRES = 340
VILLAGE_CADRES = 304
CADRES_PER_COUNTY = 6050
TEAM_SIZE = 3  # a first secretary and two members in each poor village

CHECKINS_PER_HOUSEHOLD = 4  # 20,000,000 for 5,000,000 households (issue 8)
PROBLEMS_PER_HOUSEHOLD = 0.2  # 1,000,000 for 5,000,000
INVALID_SHARE = 0.07  # as fupin/demo/fieldwork.py: about one check-in in fifteen is invalid
INVALID_KINDS = (("mocked", 30), ("far", 30), ("coarse", 25), ("unpaired", 15))
HOUSEHOLD_SIZES = (1, 2, 2, 3, 3, 3, 4, 4, 5, 5)  # 3.2 on average

Point = tuple[float, float]


# -- writing rows with COPY -----------------------------------------------------------------------


class Table:
    """One model's table, written with COPY text lines in a fixed column order.

    `provided` are the attnames the generator gives, in the order of the values it passes; every
    other column gets a constant: the timestamp for auto_now fields, the field's default, NULL where
    the column allows it, or "" for a blank text column. Any other column is an error at start-up,
    so a model that gains a NOT NULL column without a default stops the generator instead of
    letting it write rows the services would never write.
    """

    def __init__(self, model: Any, provided: Sequence[str]) -> None:
        from django.db import models

        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in provided if name not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        tail: list[str] = []
        rest: list[str] = []
        for attname, f in fields.items():
            if attname == "id" or attname in provided:
                continue
            rest.append(f.column)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                tail.append(NOW)
            elif f.has_default() and not callable(f.default):
                tail.append(_text(f.get_default()))
            elif f.null:
                tail.append("\\N")
            elif f.blank and isinstance(f, models.CharField | models.TextField | models.FileField):
                tail.append("")
            else:
                raise ValueError(f"{model.__name__}.{attname} is NOT NULL and the generator gives no value")
        self.model = model
        self.name: str = model._meta.db_table
        self.columns = ["id", *(fields[name].column for name in provided), *rest]
        self.tail = "\t" + "\t".join(tail) if tail else ""
        self.next_id = 1
        self.rows = 0
        self.seconds = 0.0

    def new_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def line(self, pk: int, values: Sequence[Any]) -> str:
        return f"{pk}\t" + "\t".join([_text(v) for v in values]) + self.tail + "\n"


def _text(value: Any) -> str:
    """A value in COPY's text format (the generator's text never holds tabs, newlines or \\)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Writer:
    """COPY into the tables over one psycopg connection, timing each table."""

    def __init__(self, connection: Any, tables: dict[str, Table]) -> None:
        self.connection = connection
        self.tables = tables
        with connection.cursor() as cursor:
            for table in tables.values():
                cursor.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{table.name}"')
                table.next_id = cursor.fetchone()[0]

    def copy(self, key: str, lines: list[str]) -> None:
        """COPY lines already drawn; the table's seconds are those of the COPY alone."""
        table = self.tables[key]
        started = time.perf_counter()
        columns = ", ".join(f'"{c}"' for c in table.columns)
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
        ):
            for start in range(0, len(lines), 5000):
                copy.write("".join(lines[start : start + 5000]))
        table.rows += len(lines)
        table.seconds += time.perf_counter() - started

    def reset_sequences(self) -> None:
        with self.connection.cursor() as cursor:
            for table in self.tables.values():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 1) FROM "{table.name}"))'
                )


# The columns each generator gives, in the order of its values.
# fmt: off
HOUSEHOLD_COLUMNS = (
    "code", "village_id", "area_code", "head_name", "head_id_number", "size", "identification_standard",
    "category", "main_cause", "poverty_status", "registered_year", "exit_year", "relapse_year",
    "cancel_reason", "phone", "food_clothing_secure", "housing_secure", "water_secure",
    "schooling_secure", "medical_secure", "net_income_per_capita", "relocated", "relocation_mode",
    "relocation_site", "relocation_year", "longitude", "latitude", "search_key",
)
MEMBER_COLUMNS = (
    "household_id", "name", "id_number", "relation", "sex", "health", "labour", "migrant_work",
    "months_worked", "search_key",
)
CHECKIN_COLUMNS = (
    "code", "cadre_id", "date", "time", "kind", "area_id", "area_code", "household_id", "longitude",
    "latitude", "accuracy_m", "notes", "source", "recorded_at", "valid", "invalid_reason", "distance_m",
)
PROBLEM_COLUMNS = (
    "code", "channel", "origin", "category_id", "description", "area_id", "area_code", "household_id",
    "found_date", "responsible_unit_id", "responsible_leader_id", "responsible_person_id", "measures",
    "deadline", "status", "completed_date", "closed_date", "rectification_note", "fix_at_once",
    "long_term", "intake",
)
# fmt: on


def _tables() -> dict[str, Table]:
    from fupin.areas.models import Area
    from fupin.duty.models import LeaderTown, Pairing, UnitVillage, WorkTeamMember
    from fupin.fieldwork.models import CheckIn
    from fupin.people.models import Cadre, Unit
    from fupin.rectification.models import Problem, ProblemCategory
    from fupin.registry.models import Household, Member, StatusChange

    return {
        "area": Table(
            Area,
            ["code", "name", "level", "parent_id", "is_poor_village", "longitude", "latitude", "search_key"],
        ),
        "unit": Table(Unit, ["code", "name", "kind", "parent_id", "area_id", "search_key"]),
        "cadre": Table(
            Cadre, ["code", "name", "id_number", "phone", "unit_id", "title", "categories", "search_key"]
        ),
        "category": Table(ProblemCategory, ["county_id", "name", "order", "active"]),
        "unit_village": Table(UnitVillage, ["unit_id", "village_id", "start_date", "end_date"]),
        "leader_town": Table(LeaderTown, ["cadre_id", "town_id", "lead_unit_id", "start_date", "end_date"]),
        "work_team": Table(
            WorkTeamMember, ["village_id", "cadre_id", "role", "sending_unit_id", "start_date", "end_date"]
        ),
        "household": Table(Household, HOUSEHOLD_COLUMNS),
        "member": Table(Member, MEMBER_COLUMNS),
        "status_change": Table(
            StatusChange, ["household_id", "from_status", "to_status", "on", "reason", "actor_name"]
        ),
        "pairing": Table(Pairing, ["cadre_id", "household_id", "start_date", "end_date"]),
        "checkin": Table(CheckIn, CHECKIN_COLUMNS),
        "problem": Table(Problem, PROBLEM_COLUMNS),
    }


# -- the province's shape ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    households: int
    counties: int
    months: tuple[tuple[int, int], ...]
    checkins: int
    problems: int
    seed: int
    # Above the ~1,000 fixed posts (leaders, heads, work teams, town and village cadres) the rest
    # are paired cadres.
    cadres_per_county: int = CADRES_PER_COUNTY

    @property
    def first_day(self) -> dt.date:
        return dt.date(*self.months[0], 1)

    @property
    def last_day(self) -> dt.date:
        return _last_day(*self.months[-1])

    @property
    def truth_month(self) -> str:
        """The month (the last one) whose figures the generator counts itself."""
        return f"{self.months[-1][0]:04d}-{self.months[-1][1]:02d}"


def _last_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _share(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` split into `parts` nearly equal parts."""
    return total // parts + (1 if index < total % parts else 0)


@dataclass
class Village:
    pk: int
    code: str
    point: Point
    poor: bool


@dataclass
class Town:
    pk: int
    code: str
    point: Point
    villages: list[Village]


@dataclass
class County:
    index: int
    pk: int
    code: str
    name: str
    point: Point
    towns: list[Town]

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.towns for v in t.villages]


@cache
def _pinyin(text: str) -> str:
    from fupin.core.text import pinyin_key

    return pinyin_key(text)


def _round_point(lon: float, lat: float) -> Point:
    """A point as the decimal(9, 6) columns store it, so that judging it again gives the same verdict."""
    return (round(lon, 6), round(lat, 6))


def _near(rng: random.Random, point: Point, low_m: float, high_m: float) -> Point:
    """A point at a random distance in [low_m, high_m] from `point`, in a random direction."""
    distance = rng.uniform(low_m, high_m)
    angle = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(angle) / 111_195.0
    dlon = distance * math.sin(angle) / (111_195.0 * math.cos(math.radians(point[1])))
    return _round_point(point[0] + dlon, point[1] + dlat)


def write_areas(writer: Writer, sizes: Sizes) -> list[County]:
    """The province, its cities, counties, towns and villages (codes 61xxyy…, Shaanxi-like)."""
    from fupin.demo import names

    table = writer.tables["area"]
    rng = random.Random(f"{sizes.seed}:areas")
    lines: list[str] = []

    def add(code: str, name: str, level: str, parent: int | None, poor: bool, point: Point | None) -> int:
        pk = table.new_id()
        lon, lat = point if point else (None, None)
        lines.append(table.line(pk, [code, name, level, parent, poor, lon, lat, _pinyin(name)]))
        return pk

    province = add("610000000000", "陕西省", "province", None, False, None)
    cities: dict[int, int] = {}
    counties: list[County] = []
    for index in range(sizes.counties):
        city_number, county_number = 1 + index // COUNTIES_PER_CITY, 21 + index % COUNTIES_PER_CITY
        if city_number not in cities:
            cities[city_number] = add(
                f"61{city_number:02d}00000000", f"第{city_number}市", "city", province, False, None
            )
        code = f"61{city_number:02d}{county_number:02d}000000"
        name = rng.choice(names.VILLAGE_FIRST)[:2] + "县"
        point = _round_point(105.5 + (index % 10) * 0.45, 32.6 + (index // 10) * 0.35)
        pk = add(code, name, "county", cities[city_number], False, point)
        towns = []
        for t in range(TOWNS_PER_COUNTY):
            town_code = f"{code[:6]}{100 + t:03d}000"
            town_point = _near(rng, point, 3_000, 15_000)
            town_pk = add(town_code, names.TOWNS[t % len(names.TOWNS)], "town", pk, False, town_point)
            villages = []
            for v in range(VILLAGES_PER_TOWN):
                village_code = f"{town_code[:9]}{200 + v:03d}"
                poor = rng.random() < POOR_VILLAGE_SHARE
                village_point = _near(rng, town_point, 1_000, 5_000)
                village_name = rng.choice(names.VILLAGE_FIRST) + rng.choice(names.VILLAGE_LAST)
                village_pk = add(village_code, village_name, "village", town_pk, poor, village_point)
                villages.append(Village(village_pk, village_code, village_point, poor))
            towns.append(Town(town_pk, town_code, town_point, villages))
        counties.append(County(index, pk, code, name, point, towns))
    writer.copy("area", lines)
    return counties


# -- units, cadres and their assignments --------------------------------------------------------------


@dataclass
class Staff:
    """A county's units and cadres by what they do, for the assignments and check-ins."""

    county_units: list[int] = field(default_factory=list)
    town_units: dict[int, int] = field(default_factory=dict)  # town pk → its government
    leaders: list[int] = field(default_factory=list)
    heads: list[tuple[int, int]] = field(default_factory=list)  # (cadre, unit)
    team: list[int] = field(default_factory=list)
    helpers: list[int] = field(default_factory=list)  # holders of 帮扶干部
    led_town: dict[int, Town] = field(default_factory=dict)  # leader → town
    head_village: dict[int, Village] = field(default_factory=dict)  # head → its unit's village
    team_village: dict[int, Village] = field(default_factory=dict)
    categories: list[tuple[int, str]] = field(default_factory=list)  # (pk, name)
    aid_units: set[int] = field(default_factory=set)


class _Ids:
    """Unique valid ID numbers: birth date × sequence walked in order (no set needed)."""

    def __init__(self, start: dt.date) -> None:
        self.day = start
        self.sequence = 0

    def next(self, region: str, male: bool) -> str:
        from fupin.core import idnumber

        if (self.sequence % 2 == 1) != male:
            self.sequence += 1
        if self.sequence > 998:
            self.sequence = 1 if male else 0
            self.day += dt.timedelta(days=1)
        number = idnumber.make(region, self.day, self.sequence)
        self.sequence += 1
        return number


def _phone(rng: random.Random) -> str:
    return f"1{rng.randint(30, 99)}{rng.randint(0, 99_999_999):08d}"


def _person_name(rng: random.Random) -> str:
    from fupin.demo import names

    given = rng.choice(names.GIVEN_CHARS) + (rng.choice(names.GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(names.SURNAMES[:40]) + given


def write_staff(writer: Writer, county: County, rng: random.Random, cadre_ids: _Ids, sizes: Sizes) -> Staff:
    from fupin.demo import names
    from fupin.people.models import CadreCategory as C
    from fupin.people.models import categories_field

    staff = Staff()
    units, cadres = writer.tables["unit"], writer.tables["cadre"]
    unit_lines: list[str] = []
    short = county.name[:-1]

    def unit(name: str, kind: str, area: int) -> int:
        pk = units.new_id()
        unit_lines.append(
            units.line(
                pk, [f"U{county.code[:6]}{len(unit_lines) + 1:04d}", name, kind, None, area, _pinyin(name)]
            )
        )
        return pk

    for name in (*names.PARTY_GOVERNMENT, *names.SECTOR_DEPARTMENTS):
        kind = "party_gov" if name in names.PARTY_GOVERNMENT else "sector_dept"
        staff.county_units.append(unit(short + name, kind, county.pk))
    for town in county.towns:
        staff.town_units[town.pk] = unit(
            f"{short}{names.TOWNS[len(staff.town_units) % len(names.TOWNS)]}人民政府", "party_gov", town.pk
        )
    while len(unit_lines) < UNITS_PER_COUNTY:
        stem = names.INSTITUTION_STEMS[len(unit_lines) % len(names.INSTITUTION_STEMS)]
        kind = names.INSTITUTION_KINDS[len(unit_lines) % len(names.INSTITUTION_KINDS)]
        staff.county_units.append(unit(f"{short}{stem}{kind}", "institution", county.pk))
    writer.copy("unit", unit_lines)

    cadre_lines: list[str] = []

    def cadre(unit_pk: int, title: str, categories: Sequence[str]) -> int:
        pk = cadres.new_id()
        name = _person_name(rng)
        number = cadre_ids.next("610100", rng.random() < 0.7)
        phone = f"13{rng.randint(0, 999_999_999):09d}"
        row = [f"G{county.code[:6]}{len(cadre_lines) + 1:05d}", name, number, phone, unit_pk, title]
        cadre_lines.append(cadres.line(pk, [*row, categories_field(list(categories)), _pinyin(name)]))
        if C.PAIRED_CADRE in categories:
            staff.helpers.append(pk)
        return pk

    for i in range(COUNTY_LEADERS):
        staff.leaders.append(
            cadre(
                staff.county_units[i % 4],
                names.TITLES_COUNTY_LEADER[i % len(names.TITLES_COUNTY_LEADER)],
                [C.COUNTY_LEADER, C.PAIRED_CADRE],
            )
        )
    for i in range(DEPARTMENT_HEADS):
        unit_pk = staff.county_units[4 + i % (len(staff.county_units) - 4)]
        staff.heads.append(
            (cadre(unit_pk, rng.choice(names.TITLES_HEAD), [C.DEPARTMENT_HEAD, C.PAIRED_CADRE]), unit_pk)
        )
    poor_villages = [v for v in county.villages if v.poor]
    for i in range(len(poor_villages) * TEAM_SIZE):
        role = [C.FIRST_SECRETARY] if i % TEAM_SIZE == 0 else [C.TEAM_MEMBER]
        staff.team.append(cadre(rng.choice(staff.county_units), rng.choice(names.TITLES_STAFF), role))
    town_units = list(staff.town_units.values())
    for _ in range(TOWN_CADRES):
        categories = [C.TOWN_CADRE, C.PAIRED_CADRE] if rng.random() < 0.6 else [C.TOWN_CADRE]
        cadre(rng.choice(town_units), rng.choice(names.TITLES_STAFF), categories)
    for _ in range(VILLAGE_CADRES):
        cadre(
            rng.choice(town_units),
            rng.choice(("村支部书记", "村主任", "村文书", "村监委会主任")),
            [C.VILLAGE_CADRE],
        )
    while len(cadre_lines) < sizes.cadres_per_county:
        cadre(rng.choice(staff.county_units), rng.choice(names.TITLES_STAFF), [C.PAIRED_CADRE])
    writer.copy("cadre", cadre_lines)
    _write_assignments(writer, county, rng, staff, poor_villages, sizes.first_day)
    return staff


def _write_assignments(
    writer: Writer,
    county: County,
    rng: random.Random,
    staff: Staff,
    poor_villages: list[Village],
    first: dt.date,
) -> None:
    """Leader-town, unit-village and work teams (from two years before the months), and the
    county's problem categories."""
    from fupin.rectification.services.problems import DEFAULT_CATEGORIES

    start = dt.date(first.year - 2, 3, 1)
    leader_town = writer.tables["leader_town"]
    lines = []
    for town, leader in zip(county.towns, staff.leaders, strict=False):
        staff.led_town[leader] = town
        lines.append(
            leader_town.line(
                leader_town.new_id(), [leader, town.pk, rng.choice(staff.county_units), start, None]
            )
        )
    writer.copy("leader_town", lines)

    # Each poor village has one or two helping units (department heads' units first), one in three
    # other villages has one; a head visits the village its unit helps.
    unit_village = writer.tables["unit_village"]
    lines = []
    heads = list(staff.heads)
    for village in county.villages:
        helpers = (1 + (rng.random() < 0.5)) if village.poor else int(rng.random() < 0.33)
        chosen: set[int] = set()
        for _ in range(helpers):
            if heads:
                head, unit_pk = heads.pop(rng.randrange(len(heads)))
                staff.head_village[head] = village
            else:
                unit_pk = rng.choice(staff.county_units)
            if unit_pk in chosen:  # (unit, village, start) is unique
                continue
            chosen.add(unit_pk)
            staff.aid_units.add(unit_pk)
            lines.append(unit_village.line(unit_village.new_id(), [unit_pk, village.pk, start, None]))
    writer.copy("unit_village", lines)

    # Work teams: a first secretary (one in three also team leader) and two members; one village
    # in fifty is between first secretaries (the last one's term ended), as happens.
    work_team = writer.tables["work_team"]
    lines = []
    for i, village in enumerate(poor_villages):
        for j, cadre in enumerate(staff.team[i * TEAM_SIZE : (i + 1) * TEAM_SIZE]):
            role = ("secretary_leader" if i % 3 == 0 else "first_secretary") if j == 0 else "member"
            end = first - dt.timedelta(days=1) if j == 0 and rng.random() < 0.02 else None
            lines.append(
                work_team.line(
                    work_team.new_id(), [village.pk, cadre, role, rng.choice(staff.county_units), start, end]
                )
            )
            if end is None:
                staff.team_village[cadre] = village
    writer.copy("work_team", lines)

    category = writer.tables["category"]
    lines = []
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        pk = category.new_id()
        staff.categories.append((pk, name))
        lines.append(category.line(pk, [county.pk, name, order, True]))
    writer.copy("category", lines)


# -- households, members, status history and pairings ----------------------------------------------


@dataclass(frozen=True)
class Change:
    from_status: str
    to_status: str
    on: dt.date
    reason: str


@dataclass(frozen=True)
class Visit:
    """A pairing a cadre can visit: the household and the point a check-in is judged against."""

    cadre: int
    household: int
    village: Village
    reference: Point
    reference_kind: str  # household, or village when the household has no coordinates
    start: dt.date
    end: dt.date | None


@dataclass
class CountyTruth:
    """The figures of one county for the truth month, counted by the generator as it writes."""

    registry: Counter[str] = field(default_factory=Counter)
    paired_cadres: set[int] = field(default_factory=set)
    duty: Counter[str] = field(default_factory=Counter)
    fieldwork: Counter[str] = field(default_factory=Counter)
    rectification: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    def count_household(self, status: str, people: int, paired_cadres: list[int]) -> None:
        """Counts a household by its status on the as-of date (members: the current rows)."""
        if status not in COUNTED:
            return
        self.registry["households"] += 1
        self.registry["people"] += people
        self.registry["poor_households" if status in POOR else "exited_households"] += 1
        self.registry["relapsed_households"] += status == "relapsed"
        self.paired_cadres.update(paired_cadres)
        if status in POOR:
            self.duty["poor_households_paired" if paired_cadres else "poor_households_unpaired"] += 1

    def document(self) -> dict[str, Any]:
        """The parts of the figures document (spec/figures.md) that these rows determine."""
        registry = {
            key: self.registry[key]
            for key in (
                "households",
                "people",
                "poor_households",
                "exited_households",
                "relapsed_households",
                "poor_villages",
            )
        }
        duty = {"paired_cadres": len(self.paired_cadres)}
        for key in (
            "poor_households_paired",
            "poor_households_unpaired",
            "aid_units",
            "villages_with_first_secretary",
            "work_team_members",
        ):
            duty[key] = self.duty[key]
        rectification: dict[str, Any] = {
            key: self.rectification[key] for key in ("found", "rectified", "closed", "overdue")
        }
        rectification["open"] = rectification["found"] - rectification["rectified"]
        rectification["by_category"] = dict(self.by_category)
        rectification["by_channel"] = dict(self.by_channel)
        return {
            "registry": registry,
            "duty": duty,
            "fieldwork": {k: self.fieldwork[k] for k in ("valid_checkins", "invalid_checkins")},
            "rectification": rectification,
        }


COUNTED = ("not_out", "out", "relapsed")
POOR = ("not_out", "relapsed")


def status_on(changes: Sequence[Change], current: str, as_of: dt.date) -> str:
    """The status on `as_of` by the rule of fupin/registry/selectors.status_on, in Python."""
    later = [c for c in changes if c.on > as_of]
    if not later:
        return current
    before = [c for c in changes if c.on <= as_of]
    return before[-1].to_status if before else later[0].from_status


def _day_in(rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> dt.date:
    return dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


def _timeline(rng: random.Random, registered: int, last_year: int) -> tuple[str, list[Change]]:
    """The household's current status and its history: registration, then exit, relapse or
    cancellation as the years went (most exited by 2019, some poor, a few relapsed or cancelled)."""
    registered_on = _day_in(rng, registered, 3, 10)
    if registered == last_year:
        status = rng.choices(("not_out", "new", "non_poor"), (80, 10, 10))[0]
        return status, [
            Change("", status, registered_on, "建档立卡识别" if status != "non_poor" else "纳入防返贫监测")
        ]
    history = [Change("", "not_out", registered_on, "建档立卡识别")]
    draw = rng.random()
    if draw < 0.80:
        exit_on = _day_in(rng, rng.randint(registered + 1, last_year), 9, 12)
        history.append(Change("not_out", "out", exit_on, "脱贫退出"))
        return "out", history
    if draw < 0.935:
        return "not_out", history
    if draw < 0.96 and registered + 1 < last_year:
        exit_on = _day_in(rng, rng.randint(registered + 1, last_year - 1), 9, 12)
        relapse_on = _day_in(rng, rng.randint(exit_on.year + 1, last_year))
        history += [
            Change("not_out", "out", exit_on, "脱贫退出"),
            Change("out", "relapsed", relapse_on, "返贫"),
        ]
        return "relapsed", history
    if draw < 0.995:
        cancel_on = _day_in(rng, rng.randint(registered + 1, last_year))
        history.append(Change("not_out", "cancelled", cancel_on, "注销"))
        return "cancelled", history
    return "not_out", history


def _village_counts(villages: list[Village], households: int) -> list[int]:
    """Households per village: poor villages are larger (weight 1.5), the total exact."""
    weights = [1.5 if v.poor else 1.0 for v in villages]
    total = sum(weights)
    counts = [int(households * w / total) for w in weights]
    for i in range(households - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


# fmt: off
CAUSES = (
    ("illness", 30), ("disability", 12), ("schooling", 10), ("disaster", 4), ("no_land", 4), ("no_water", 2),
    ("no_skills", 14), ("no_labour", 10), ("no_capital", 10), ("transport", 2), ("motivation", 2),
)
# fmt: on
RELATIONS = ("spouse", "son", "daughter", "son", "daughter", "father", "mother", "grandson", "granddaughter")
FEMALE_RELATIONS = frozenset({"daughter", "mother", "granddaughter"})
HEALTH = (("healthy", 75), ("chronic", 14), ("serious", 5), ("disabled", 6))
LABOUR = (("ordinary", 55), ("skilled", 8), ("weak", 12), ("lost", 10), ("none", 15))
WORK = (("in_town", 10), ("in_county", 20), ("in_province", 15), ("out_of_province", 15), ("none", 40))
CANCEL_REASONS = ("家庭成员全部死亡", "识别不精准，经核实注销", "户籍迁出本县")


def _weighted(choices: Sequence[tuple[str, int]]) -> Callable[[random.Random], str]:
    """A fast draw from weighted choices (random.choices rebuilds its tables on every call)."""
    values = [c for c, _ in choices]
    cumulative = []
    total = 0
    for _, weight in choices:
        total += weight
        cumulative.append(total)

    def draw(rng: random.Random) -> str:
        return values[bisect.bisect(cumulative, rng.random() * total)]

    return draw


draw_cause, draw_health, draw_labour, draw_work = map(_weighted, (CAUSES, HEALTH, LABOUR, WORK))


def write_households(
    writer: Writer,
    county: County,
    count: int,
    rng: random.Random,
    staff: Staff,
    ids: _Ids,
    sizes: Sizes,
    truth: CountyTruth,
) -> tuple[list[Visit], list[tuple[int, Village]]]:
    """The county's households with members, status history and pairings; returns the pairings a
    cadre can visit and every household's (pk, village) for the problems."""
    households, members = writer.tables["household"], writer.tables["member"]
    changes, pairings = writer.tables["status_change"], writer.tables["pairing"]
    household_lines: list[str] = []
    member_lines: list[str] = []
    change_lines: list[str] = []
    pairing_lines: list[str] = []
    visits: list[Visit] = []
    placed: list[tuple[int, Village]] = []
    as_of = sizes.last_day
    last_year = sizes.last_day.year
    region = county.code[:6]
    for village, in_village in zip(county.villages, _village_counts(county.villages, count), strict=True):
        for k in range(in_village):
            pk = households.new_id()
            registered = last_year - rng.choices((5, 4, 3, 2, 1, 0), (40, 18, 15, 12, 10, 5))[0]
            status, history = _timeline(rng, registered, last_year)
            size = rng.choice(HOUSEHOLD_SIZES)
            head_name, head_number = _write_members(members, member_lines, rng, ids, region, pk, size)
            exit_change = next((c for c in history if c.to_status == "out"), None)
            relapse = next((c for c in history if c.to_status == "relapsed"), None)
            cancel = next((c for c in history if c.to_status == "cancelled"), None)
            out = status == "out"
            secure = out or rng.random() < 0.7
            point = _near(rng, village.point, 50, 700) if rng.random() < 0.92 else None
            relocated = rng.random() < 0.08
            household_lines.append(households.line(pk, [
                f"H{village.code}{k + 1:05d}", village.pk, village.code, head_name, head_number, size,
                "national" if rng.random() < 0.95 else "provincial",
                rng.choices(("general", "dibao", "tekun"), (70, 25, 5))[0], draw_cause(rng), status,
                registered, exit_change.on.year if exit_change else None,
                relapse.on.year if relapse else None,
                rng.choice(CANCEL_REASONS) if cancel else "", _phone(rng),
                True, secure, True, True, secure, f"{rng.uniform(2800 if out else 1500, 12000):.2f}",
                relocated, rng.choice(("centralised", "dispersed")) if relocated else "",
                f"{village.code[-3:]}号安置点" if relocated else "", 2017 if relocated else None,
                point[0] if point else None, point[1] if point else None, _pinyin(head_name),
            ]))  # fmt: skip
            for change in history:
                change_lines.append(
                    changes.line(
                        changes.new_id(),
                        [pk, change.from_status, change.to_status, change.on, change.reason, ACTOR],
                    )
                )
            placed.append((pk, village))
            on_date = status_on(history, status, as_of) if registered <= as_of.year else ""
            reference = (point, "household") if point else (village.point, "village")
            active = _write_pairings(
                pairings, pairing_lines, visits, rng, staff, pk, village, reference, status, history, as_of
            )
            truth.count_household(on_date, size, active)
    writer.copy("household", household_lines)
    writer.copy("member", member_lines)
    writer.copy("status_change", change_lines)
    writer.copy("pairing", pairing_lines)
    return visits, placed


def _write_members(
    table: Table, lines: list[str], rng: random.Random, ids: _Ids, region: str, household: int, size: int
) -> tuple[str, str]:
    """The household's members, the head first; returns the head's name and ID number."""
    head = ("", "")
    for m in range(size):
        relation = "head" if m == 0 else rng.choice(RELATIONS)
        male = rng.random() < 0.86 if m == 0 else relation not in FEMALE_RELATIONS and rng.random() < 0.6
        name = _person_name(rng)
        number = ids.next(region, male)
        if m == 0:
            head = (name, number)
        work = draw_work(rng)
        months = None if work == "none" else rng.randint(3, 12)
        sex = "male" if male else "female"
        values = [household, name, number, relation, sex, draw_health(rng), draw_labour(rng), work, months]
        lines.append(table.line(table.new_id(), [*values, _pinyin(name)]))
    return head


def _write_pairings(
    pairings: Table, lines: list[str], visits: list[Visit], rng: random.Random, staff: Staff, household: int,
    village: Village, reference: tuple[Point, str], status: str, history: list[Change], as_of: dt.date,
) -> list[int]:  # fmt: skip
    """A household's pairings: nearly every poor household (1.5% left unpaired), three exited in
    four (帮扶 goes on after exit), cancelled ones until the day of cancellation; one in thirty
    changed cadre on the way. Returns the cadres paired on `as_of`."""
    if status in ("new", "non_poor"):
        return []
    wanted = {"not_out": 0.985, "relapsed": 0.985, "out": 0.75, "cancelled": 0.8}[status]
    if rng.random() >= wanted:
        return []
    start = history[0].on + dt.timedelta(days=rng.randint(10, 40))
    cancel = history[-1].on if status == "cancelled" else None
    if cancel and cancel < start:
        return []
    spans: list[tuple[int, dt.date, dt.date | None]] = []
    cadre = rng.choice(staff.helpers)
    if rng.random() < 1 / 30:
        handover = start + dt.timedelta(days=rng.randint(100, 500))
        if cancel is None or handover < cancel:
            spans.append((cadre, start, handover))
            start = handover + dt.timedelta(days=1)
            cadre = rng.choice(staff.helpers)  # (cadre, household, start) stays unique: starts differ
    spans.append((cadre, start, cancel))
    active = []
    for cadre, begin, end in spans:
        lines.append(pairings.line(pairings.new_id(), [cadre, household, begin, end]))
        visits.append(Visit(cadre, household, village, reference[0], reference[1], begin, end))
        if begin <= as_of and (end is None or as_of <= end):
            active.append(cadre)
    return active


# -- check-ins ------------------------------------------------------------------------------------------

NOTES = {
    "household": (
        "了解家庭收入情况",
        "宣讲扶贫政策",
        "核对两不愁三保障",
        "帮助申请产业补助",
        "了解务工情况",
        "填写帮扶手册",
    ),
    "village": ("参加村两委会议", "督导产业项目进度", "召开院坝会", "核查扶贫台账", "走访贫困户"),
    "town": ("听取镇党委工作汇报", "调研产业发展", "督导问题整改", "召开镇村干部座谈会"),
}
draw_invalid = _weighted(INVALID_KINDS)


@dataclass
class CheckInWriter:
    """Makes one county's check-in lines, each judged by fupin's validity rules as a service would."""

    table: Table
    county: County
    rng: random.Random
    pairs: set[tuple[int, int]]  # (cadre, household) of every pairing, for "not paired" check-ins
    lines: list[str] = field(default_factory=list)
    made: int = 0

    def add(
        self, cadre: int, day: dt.date, kind: str, area: Village | Town, reference: Point,
        reference_kind: str, visit: Visit | None = None, others: Sequence[Visit] = (),
    ) -> bool:  # fmt: skip
        from fupin.fieldwork.validity import ValidityRules, judge

        rng = self.rng
        invalid = draw_invalid(rng) if rng.random() < INVALID_SHARE else ""
        if invalid == "unpaired":
            other = rng.choice(others) if others else None
            if other is None or (cadre, other.household) in self.pairs:
                invalid = "far"
            else:
                visit, area, reference, reference_kind = (
                    other,
                    other.village,
                    other.reference,
                    other.reference_kind,
                )
        position = (
            _near(rng, reference, 2_500, 6_000) if invalid == "far" else _near(rng, reference, 20, 1_200)
        )
        accuracy = {"mocked": Decimal("0.0"), "coarse": Decimal(f"{rng.uniform(250, 900):.1f}")}.get(
            invalid, Decimal(f"{rng.uniform(5, 80):.1f}")
        )
        paired = None if kind != "household" else invalid != "unpaired"
        verdict = judge(
            rules=ValidityRules(radius_m=2000, accuracy_max_m=200), position=position, accuracy_m=accuracy,
            reference=reference, reference_kind=reference_kind, paired=paired,
        )  # fmt: skip
        self.made += 1
        at = dt.time(rng.randint(8, 18), rng.randint(0, 59))
        self.lines.append(self.table.line(self.table.new_id(), [
            f"K{self.county.code[:6]}{self.made:08d}", cadre, day, at, kind, area.pk, area.code,
            visit.household if visit else None, position[0], position[1], accuracy,
            rng.choice(NOTES[kind]), "phone", f"{day} {at}+08", verdict.valid, verdict.reason,
            verdict.distance_m,
        ]))  # fmt: skip
        return verdict.valid


def write_checkins(
    writer: Writer,
    county: County,
    rng: random.Random,
    staff: Staff,
    visits: list[Visit],
    total: int,
    sizes: Sizes,
    truth: CountyTruth,
) -> None:
    """The county's check-ins, month by month: county leaders in their town about 3.5 days a week,
    department heads in their unit's village about 4.5, work teams in their village, and the rest
    paired cadres visiting their households; about one in fifteen invalid."""
    out = CheckInWriter(writer.tables["checkin"], county, rng, {(v.cadre, v.household) for v in visits})
    villages = county.villages
    poor = [v for v in villages if v.poor] or villages
    for index, (year, month) in enumerate(sizes.months):
        budget = _share(total, len(sizes.months), index)
        first, last = dt.date(year, month, 1), _last_day(year, month)
        days = [first + dt.timedelta(days=d) for d in range((last - first).days + 1)]
        # Leaders and heads take at most a third of the month's check-ins (they do at full scale).
        nominal = (len(staff.leaders) * 0.5 + len(staff.heads) * 0.65) * len(days)
        factor = min(1.0, budget / 3 / nominal) if nominal else 0.0
        made_before = out.made
        counted = index == len(sizes.months) - 1
        results: list[bool] = []
        for leader in staff.leaders:
            town = staff.led_town.get(leader)
            for day in days:
                if rng.random() < 0.5 * factor:
                    if town and rng.random() < 0.5:
                        results.append(out.add(leader, day, "town", town, town.point, "town"))
                    else:
                        village = rng.choice(town.villages if town else poor)
                        results.append(out.add(leader, day, "village", village, village.point, "village"))
        for head, _unit in staff.heads:
            village = staff.head_village.get(head) or poor[head % len(poor)]
            for day in days:
                if rng.random() < 0.65 * factor:
                    results.append(out.add(head, day, "village", village, village.point, "village"))
        visitable = [v for v in visits if v.start <= first and (v.end is None or v.end >= last)]
        team = list(staff.team_village.items())
        while out.made - made_before < budget:
            day = rng.choice(days)
            if team and (rng.random() < 0.15 or not visitable):
                cadre, village = rng.choice(team)
                results.append(out.add(cadre, day, "village", village, village.point, "village"))
            elif visitable:
                visit = rng.choice(visitable)
                results.append(
                    out.add(
                        visit.cadre,
                        day,
                        "household",
                        visit.village,
                        visit.reference,
                        visit.reference_kind,
                        visit,
                        visitable,
                    )
                )
            else:
                break
        if counted:
            truth.fieldwork["valid_checkins"] += sum(results)
            truth.fieldwork["invalid_checkins"] += len(results) - sum(results)
        if len(out.lines) >= 50_000 or index == len(sizes.months) - 1:
            writer.copy("checkin", out.lines)
            out.lines = []


# -- problems ---------------------------------------------------------------------------------------------

# fmt: off
CHANNELS = (
    ("talk", 20), ("symposium", 25), ("suggestion_box", 5), ("feedback_form", 15), ("party_app", 5),
    ("release_app", 3), ("dingtalk", 7), ("patrol", 10), ("assessment", 7), ("other", 3),
)
# fmt: on
ORIGINS = (("self", 40), ("public", 30), ("collective", 15), ("superior", 15))
STATUSES = (("open", 12), ("in_progress", 18), ("rectified", 25), ("closed", 45))
draw_channel, draw_origin, draw_status = map(_weighted, (CHANNELS, ORIGINS, STATUSES))
MEASURES = "制定整改方案，明确责任人和整改时限"
PROBLEM_TEXTS = (
    "群众反映问题未及时回应",
    "台账信息与实际不符",
    "政策宣传不到位",
    "帮扶措施针对性不强",
    "项目进度滞后",
    "资金拨付不及时",
)


def write_problems(
    writer: Writer,
    county: County,
    rng: random.Random,
    staff: Staff,
    placed: list[tuple[int, Village]],
    total: int,
    sizes: Sizes,
    truth: CountyTruth,
) -> None:
    """Problems found over the months at county, town and village level, in every status."""
    from fupin.rectification.models import Channel

    table = writer.tables["problem"]
    labels = {c.value: str(c.label) for c in Channel}
    span = (sizes.last_day - sizes.first_day).days
    as_of = sizes.last_day
    lines = []
    for n in range(total):
        found = sizes.first_day + dt.timedelta(days=rng.randint(0, span))
        level = rng.random()
        household = None
        area: County | Town | Village
        if level < 0.1:
            area = county
        elif level < 0.4:
            area = rng.choice(county.towns)
        elif placed and rng.random() < 0.5:
            household, area = rng.choice(placed)
        else:
            area = rng.choice(county.villages)
        status = draw_status(rng)
        completed = (
            found + dt.timedelta(days=rng.randint(1, 60)) if status in ("rectified", "closed") else None
        )
        closed = (
            completed + dt.timedelta(days=rng.randint(0, 20)) if completed and status == "closed" else None
        )
        fix_at_once, long_term = rng.random() < 0.15, rng.random() < 0.05
        deadline = found + dt.timedelta(
            days=365 if long_term else rng.randint(0, 7) if fix_at_once else rng.randint(15, 90)
        )
        category_pk, category = rng.choice(staff.categories)
        channel = draw_channel(rng)
        lines.append(table.line(table.new_id(), [
            f"P{county.code[:6]}{n + 1:07d}", channel, draw_origin(rng), category_pk,
            f"{category}：{rng.choice(PROBLEM_TEXTS)}", area.pk, area.code, household, found,
            rng.choice(staff.county_units), rng.choice(staff.leaders), rng.choice(staff.helpers),
            "" if status == "open" else MEASURES, deadline, status, completed, closed,
            "已整改到位" if completed else "", fix_at_once, long_term, "ledger",
        ]))  # fmt: skip
        if found <= as_of:
            rectified = completed is not None and completed <= as_of
            truth.rectification["found"] += 1
            truth.rectification["rectified"] += rectified
            truth.rectification["closed"] += closed is not None and closed <= as_of
            truth.rectification["overdue"] += not rectified and deadline < as_of
            truth.by_category[category] += 1
            truth.by_channel[labels[channel]] += 1
    writer.copy("problem", lines)


# -- the whole province ------------------------------------------------------------------------------------


def _county_duty(county: County, staff: Staff, truth: CountyTruth) -> None:
    """Duty figures fixed by the assignments: all started before the months, and the first
    secretaries who left did so the day before them."""
    first_secretaries = set(staff.team[::TEAM_SIZE])
    truth.registry["poor_villages"] = sum(v.poor for v in county.villages)
    truth.duty["villages_with_first_secretary"] = sum(c in first_secretaries for c in staff.team_village)
    truth.duty["work_team_members"] = len(staff.team_village)
    truth.duty["aid_units"] = len(staff.aid_units)


class Phases:
    """Wall time of each phase (drawing the rows and writing them), summed over the counties."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


@dataclass(frozen=True)
class Generated:
    tables: dict[str, Table]  # each with its rows and the seconds its COPY took
    phases: dict[str, float]
    truths: dict[str, dict[str, Any]]  # county code → the figures its rows determine (truth month)
    seconds: float


def generate(
    connection: Any, sizes: Sizes, *, commit: bool = True, log: Callable[[str], None] = print
) -> Generated:
    """Writes the province into the migrated database of `connection` (a psycopg connection),
    committing county by county when `commit` (a test leaves that to its own transaction)."""
    writer = Writer(connection, _tables())
    phases = Phases()
    started = time.perf_counter()
    with phases.timed("areas"):
        counties = write_areas(writer, sizes)
    member_ids, cadre_ids = _Ids(dt.date(1940, 1, 1)), _Ids(dt.date(1965, 1, 1))
    truths: dict[str, dict[str, Any]] = {}
    for county in counties:
        rng = random.Random(f"{sizes.seed}:{county.code}")
        truth = CountyTruth()
        with phases.timed("units, cadres, assignments"):
            staff = write_staff(writer, county, rng, cadre_ids, sizes)
            _county_duty(county, staff, truth)
        with phases.timed("households, members, history, pairings"):
            households = _share(sizes.households, sizes.counties, county.index)
            visits, placed = write_households(
                writer, county, households, rng, staff, member_ids, sizes, truth
            )
        with phases.timed("check-ins"):
            checkins = _share(sizes.checkins, sizes.counties, county.index)
            write_checkins(writer, county, rng, staff, visits, checkins, sizes, truth)
        with phases.timed("problems"):
            problems = _share(sizes.problems, sizes.counties, county.index)
            write_problems(writer, county, rng, staff, placed, problems, sizes, truth)
        if commit:
            connection.commit()
        truths[county.code] = truth.document()
        elapsed = time.perf_counter() - started
        rows = sum(t.rows for t in writer.tables.values())
        log(
            f"county {county.index + 1}/{sizes.counties} {county.code}: {rows:,} rows in {elapsed:,.0f} s "
            f"({rows / elapsed:,.0f} rows/s, peak RSS {_peak_mb():,.0f} MB)"
        )
    writer.reset_sequences()
    if commit:
        connection.commit()
    return Generated(writer.tables, phases.seconds, truths, time.perf_counter() - started)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the command ---------------------------------------------------------------------------------------------

BIG_TABLES = ("household", "member", "status_change", "pairing", "checkin", "problem")


def _prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "-m", "fupin", "migrate", "-v", "0"], check=True, env=os.environ)


def _drop_indexes(connection: Any, tables: Sequence[str]) -> list[str]:
    """Drops the tables' secondary indexes (not those behind constraints); returns their DDL."""
    rows = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(tables)],
    ).fetchall()
    for name, _ in rows:
        connection.execute(f'DROP INDEX "{name}"')
    connection.commit()
    return [definition for _, definition in rows]


def _report(generated: Generated) -> None:
    """Rows and COPY rate per table, then the wall time per phase (drawing rows included)."""
    print(f"{'table':<32}{'rows':>14}{'COPY s':>9}{'COPY rows/s':>13}")
    for table in generated.tables.values():
        rate = table.rows / table.seconds if table.seconds else 0.0
        print(f"{table.name:<32}{table.rows:>14,}{table.seconds:>9.1f}{rate:>13,.0f}")
    rows = {
        "areas": ("area",),
        "units, cadres, assignments": (
            "unit",
            "cadre",
            "category",
            "unit_village",
            "leader_town",
            "work_team",
        ),
        "households, members, history, pairings": ("household", "member", "status_change", "pairing"),
        "check-ins": ("checkin",),
        "problems": ("problem",),
    }
    print(f"{'phase (drawing + COPY)':<42}{'rows':>14}{'s':>9}{'rows/s':>13}")
    for phase, seconds in generated.phases.items():
        count = sum(generated.tables[key].rows for key in rows[phase])
        print(f"{phase:<42}{count:>14,}{seconds:>9.1f}{count / seconds if seconds else 0:>13,.0f}")
    total = sum(t.rows for t in generated.tables.values())
    rate = total / generated.seconds
    print(f"{'all':<42}{total:>14,}{generated.seconds:>9.1f}{rate:>13,.0f}")
    # The limit measured in the same run: the same rows through COPY alone, already drawn.
    copy_rate = total / sum(t.seconds for t in generated.tables.values())
    print(f"ratio whole run / COPY alone ({copy_rate:,.0f} rows/s) = {rate / copy_rate:.2f}")


def _parse_months(text: str) -> tuple[tuple[int, int], ...]:
    first, _, last = text.partition("..")
    year, month = map(int, first.split("-"))
    end = tuple(map(int, (last or first).split("-")))
    months = []
    while (year, month) <= end:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not months:
        raise SystemExit(f"no months in {text!r}")
    return tuple(months)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=5_000_000)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--months", default="2019-01..2019-12", help="YYYY-MM..YYYY-MM")
    parser.add_argument("--checkins", type=int, help=f"default {CHECKINS_PER_HOUSEHOLD} per household")
    parser.add_argument("--problems", type=int, help=f"default {PROBLEMS_PER_HOUSEHOLD} per household")
    parser.add_argument("--cadres-per-county", type=int, default=CADRES_PER_COUNTY)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument(
        "--database-url", default=os.environ.get("FUPIN_BENCH_PROVINCE_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--baseline", action="store_true", help="time the figures on the database instead")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    if args.baseline:
        from bench import figures_raw

        figures_raw.run(
            month=f"{_parse_months(args.months)[-1][0]:04d}-{_parse_months(args.months)[-1][1]:02d}"
        )
        return
    sizes = Sizes(
        households=args.households,
        counties=args.counties,
        months=_parse_months(args.months),
        checkins=args.checkins if args.checkins is not None else args.households * CHECKINS_PER_HOUSEHOLD,
        problems=args.problems
        if args.problems is not None
        else round(args.households * PROBLEMS_PER_HOUSEHOLD),
        seed=args.seed,
        cadres_per_county=args.cadres_per_county,
    )
    started = time.perf_counter()
    _prepare_database(args.database_url)
    import django
    import psycopg

    django.setup()
    with psycopg.connect(args.database_url) as connection:
        # The generator keeps every reference valid; checking each row's foreign keys would
        # double the load time (superuser only, as the scratch database's owner is).
        connection.execute("SET session_replication_role = replica")
        tables = _tables()
        indexes = _drop_indexes(connection, [tables[key].name for key in BIG_TABLES])
        generated = generate(connection, sizes)
        _report(generated)
        index_started = time.perf_counter()
        connection.execute("SET maintenance_work_mem = '512MB'")
        for definition in indexes:
            connection.execute(definition)
        connection.commit()
        print(f"rebuilt {len(indexes)} indexes in {time.perf_counter() - index_started:,.1f} s")
        analyze_started = time.perf_counter()
        connection.autocommit = True
        connection.execute("ANALYZE")
        print(f"ANALYZE in {time.perf_counter() - analyze_started:,.1f} s")
        size_row = connection.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
        size = size_row[0] if size_row else "?"
    first = next(iter(generated.truths))
    print(f"the generator's figures for county {first}, {sizes.truth_month}:")
    print(json.dumps(generated.truths[first], ensure_ascii=False, indent=1))
    total = time.perf_counter() - started
    print(f"total {total:,.0f} s (migrate included); database size {size}; peak RSS {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()

"""One month of the demo county's check-ins (驻村打卡), as rows of the checkins ledger.

The demo county lives in December 2019, when the seed article appeared; its latest full month is
November 2019. Every cadre with a quota rule (县级领导, 部门主要负责人, 帮扶干部) or a pairing checks
in that month, as a county's month looks:

- most paired cadres visit their households on 8 or more days, some fall short;
- most county leaders are in their town or its villages 3 days a week, most department heads in
  their unit's villages or their households 4 days a week; some miss a week;
- helpers with no household to visit go to their unit's village a few times;
- about one check-in in fifteen is invalid, for the reasons a county sees: a mocked location
  (accuracy 0), a check-in far from the household, a poor fix, a household the cadre is not paired
  with.

The rows are imported by the ledger engine with the rest of the demo, which judges each one; the
positions are drawn so that the verdicts come out as intended.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from fupin.demo.county import DemoCounty

REFERENCE_DATE = dt.date(2019, 12, 10)
QUOTA_CATEGORIES = ("县级领导", "部门主要负责人", "帮扶干部")
HOUSEHOLD_DAYS_REACHED = 0.82  # share of paired cadres who reach 8 household days
WEEKLY_RULE_MET = 0.85  # share of leaders and department heads who meet their weekly rule
WEEKLY_DAYS = {"县级领导": 3, "部门主要负责人": 4}
HOUSEHOLD_DAYS = ((8, 9, 10, 11), (50, 30, 14, 6))  # days of those who reach 8, and their weights
SECOND_VISIT = 0.04  # a second household on the same day
INVALID_SHARE = 0.07  # invalid check-ins added per valid one
# Why an invalid check-in is invalid: (reason, weight).
INVALID_REASONS = (("mocked", 30), ("far", 30), ("coarse", 25), ("unpaired", 15))
METRES_PER_DEGREE = 111_195.0

NOTES = {
    "入户": (
        "了解家庭收入情况",
        "宣讲扶贫政策",
        "核对两不愁三保障",
        "帮助申请产业补助",
        "了解务工情况",
        "填写帮扶手册",
        "协调解决饮水问题",
        "走访慰问",
    ),
    "驻村": ("参加村两委会议", "督导产业项目进度", "召开院坝会", "核查扶贫台账", "走访贫困户"),
    "驻镇": ("听取镇党委工作汇报", "调研产业发展", "督导问题整改", "召开镇村干部座谈会"),
}

Point = tuple[float, float]


def demo_month(reference: dt.date = REFERENCE_DATE) -> tuple[dt.date, dt.date]:
    """The first and last day of the latest full month before `reference`."""
    last = reference.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@dataclass
class _Places:
    """Where the county's people are: points of areas and households, and who goes where."""

    points: dict[str, Point] = field(default_factory=dict)
    town_of: dict[str, str] = field(default_factory=dict)
    village_of: dict[str, str] = field(default_factory=dict)
    households_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    paired: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unit_villages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    led_towns: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    villages_of_town: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, county: DemoCounty, first: dt.date, last: dt.date) -> _Places:
        places = cls()
        for area in county.areas:
            if area.get("经度"):
                places.points[area["区划代码"]] = (float(area["经度"]), float(area["纬度"]))
            if area["层级"] == "村":
                places.villages_of_town[area["上级区划代码"]].append(area["区划代码"])
        registry = county.registry
        for household in registry.households:
            code, village = household["户编号"], household["区划代码"]
            places.points[code] = (float(household["经度"]), float(household["纬度"]))
            places.village_of[code] = village
            places.households_in[village].append(code)
        for pairing in registry.pairings:
            if _active(pairing, first, last):
                places.paired[pairing["干部编号"]].append(pairing["户编号"])
        for row in registry.unit_villages:
            if _active(row, first, last):
                places.unit_villages[row["单位编码"]].append(row["区划代码"])
        for row in registry.leader_towns:
            if _active(row, first, last):
                places.led_towns[row["干部编号"]].append(row["区划代码"])
        return places


def _active(row: dict[str, str], first: dt.date, last: dt.date) -> bool:
    """Active for the whole month, so that every day of it is covered."""
    return dt.date.fromisoformat(row["开始日期"]) <= first and (
        not row.get("结束日期") or dt.date.fromisoformat(row["结束日期"]) >= last
    )


def _offset(point: Point, metres: float, bearing: float) -> Point:
    lon, lat = point
    north = metres * math.cos(bearing) / METRES_PER_DEGREE
    east = metres * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return lon + east, lat + north


class _Month:
    """Check-ins of one month, drawn from one random stream."""

    def __init__(self, rng: random.Random, places: _Places, first: dt.date, last: dt.date) -> None:
        self.rng = rng
        self.places = places
        self.days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        self.weeks = _judged_weeks(first, last)
        self.rows: list[dict[str, str]] = []

    # -- choosing days -------------------------------------------------------------------------
    def pick_days(self, count: int, among: list[dt.date] | None = None) -> list[dt.date]:
        """`count` distinct days, weekdays far likelier than weekends."""
        pool = among if among is not None else self.days
        weight = {5: 0.25, 6: 0.1}
        keyed = sorted(pool, key=lambda d: self.rng.random() ** (1 / weight.get(d.weekday(), 1.0)))
        return sorted(keyed[-count:]) if count > 0 else []

    def weekly_days(self, need: int) -> list[dt.date]:
        """Days for a weekly rule: `need` or more in each judged week, or one week short."""
        short = -1 if self.rng.random() < WEEKLY_RULE_MET else self.rng.randrange(len(self.weeks))
        chosen: list[dt.date] = []
        for index, week in enumerate(self.weeks):
            count = need + self.rng.choice((0, 0, 1)) if index != short else need - self.rng.randint(1, 2)
            chosen.extend(self.pick_days(min(count, len(week)), week))
        return chosen

    # -- one cadre -----------------------------------------------------------------------------
    def cadre(self, code: str, unit: str, categories: set[str]) -> None:
        rng, places = self.rng, self.places
        households = sorted(set(places.paired.get(code, ())))
        weekly = max((WEEKLY_DAYS[c] for c in categories if c in WEEKLY_DAYS), default=0)
        days = self.weekly_days(weekly) if weekly else []
        if households:
            reached = rng.random() < HOUSEHOLD_DAYS_REACHED
            target = rng.choices(*HOUSEHOLD_DAYS)[0] if reached else rng.randint(2, 7)
            visits = self.pick_days(min(target, len(days)), days) if days else []
            if len(visits) < target:
                spare = [d for d in self.days if d not in visits]
                visits += self.pick_days(target - len(visits), spare)
            for day in visits:
                self.visit(code, day, households)
            days = [d for d in days if d not in visits]
        elif not weekly and "帮扶干部" in categories:
            days = self.pick_days(rng.randint(1, 3))
        for day in days:
            self.elsewhere(code, unit, day, categories, households)

    def visit(self, cadre: str, day: dt.date, households: list[str]) -> None:
        for household in self.rng.sample(
            households, 2 if len(households) > 1 and self.rng.random() < SECOND_VISIT else 1
        ):
            self.add(cadre, day, "入户", self.places.village_of[household], household)

    def elsewhere(
        self, cadre: str, unit: str, day: dt.date, categories: set[str], households: list[str]
    ) -> None:
        """A day in a town or a village: a leader's town (or one of its villages), a head's or a
        helper's unit village (or the village of its households)."""
        places, rng = self.places, self.rng
        towns = places.led_towns.get(cadre, [])
        if "县级领导" in categories and towns:
            town = rng.choice(towns)
            villages = places.villages_of_town[town]
            if rng.random() < 0.6 or not villages:
                self.add(cadre, day, "驻镇", town)
            else:
                self.add(cadre, day, "驻村", rng.choice(villages))
            return
        villages = places.unit_villages.get(unit) or [places.village_of[h] for h in households]
        if not villages:
            villages = sorted(places.households_in)
        self.add(cadre, day, "驻村", rng.choice(villages))

    # -- one check-in --------------------------------------------------------------------------
    def add(self, cadre: str, day: dt.date, kind: str, area: str, household: str = "") -> None:
        rng = self.rng
        reference = self.places.points[household or area]
        point = _offset(reference, rng.uniform(5, 350), rng.uniform(0, 2 * math.pi))
        self.rows.append(self._row(cadre, day, kind, area, household, point, round(rng.uniform(4, 65), 1)))
        if rng.random() < INVALID_SHARE:
            self.add_invalid(cadre, day, kind, area, household)

    def add_invalid(self, cadre: str, day: dt.date, kind: str, area: str, household: str) -> None:
        rng = self.rng
        reason = rng.choices([r for r, _ in INVALID_REASONS], weights=[w for _, w in INVALID_REASONS])[0]
        if reason == "unpaired":
            others = [
                h for h in self.places.households_in.get(area, []) if h not in self.places.paired[cadre]
            ]
            if kind != "入户" or not others:
                reason = "coarse"
            else:
                household = rng.choice(others)
        reference = self.places.points[household or area]
        accuracy = round(rng.uniform(4, 65), 1)
        point = _offset(reference, rng.uniform(5, 350), rng.uniform(0, 2 * math.pi))
        if reason == "mocked":
            accuracy, point = 0.0, reference
        elif reason == "far":
            point = _offset(reference, rng.uniform(3_000, 15_000), rng.uniform(0, 2 * math.pi))
        elif reason == "coarse":
            accuracy = round(rng.uniform(250, 1_500), 1)
        when = day if rng.random() < 0.5 else rng.choice(self.days)
        self.rows.append(self._row(cadre, when, kind, area, household, point, accuracy))

    def _row(
        self, cadre: str, day: dt.date, kind: str, area: str, household: str, point: Point, accuracy: float
    ) -> dict[str, str]:
        minute = self.rng.randint(8 * 60, 18 * 60)
        return {
            "记录编号": "",
            "干部编号": cadre,
            "日期": day.isoformat(),
            "时间": f"{minute // 60:02d}:{minute % 60:02d}",
            "类型": kind,
            "区划代码": area,
            "户编号": household,
            "经度": f"{point[0]:.6f}",
            "纬度": f"{point[1]:.6f}",
            "定位精度": f"{accuracy:.1f}",
            "工作内容": self.rng.choice(NOTES[kind]),
        }


def _judged_weeks(first: dt.date, last: dt.date) -> list[list[dt.date]]:
    """The days inside the month of each ISO week whose Thursday falls in it."""
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        if first <= monday + dt.timedelta(days=3) <= last:
            days = [monday + dt.timedelta(days=n) for n in range(7)]
            weeks.append([d for d in days if first <= d <= last])
        monday += dt.timedelta(days=7)
    return weeks


def demo_checkins(county: DemoCounty, seed: int, reference: dt.date = REFERENCE_DATE) -> list[dict[str, str]]:
    """The month's check-ins as checkins-ledger rows, in order of date and time."""
    first, last = demo_month(reference)
    month = _Month(random.Random(seed * 13 + 5), _Places.of(county, first, last), first, last)
    for cadre in county.cadres:
        categories = set(cadre["干部类别"].split("、"))
        if categories & set(QUOTA_CATEGORIES) or cadre["干部编号"] in month.places.paired:
            month.cadre(cadre["干部编号"], cadre["单位编码"], categories)
    rows = sorted(month.rows, key=lambda r: (r["日期"], r["时间"], r["干部编号"]))
    for number, row in enumerate(rows, start=1):
        row["记录编号"] = f"DK{first:%Y%m}{number:06d}"
    return rows

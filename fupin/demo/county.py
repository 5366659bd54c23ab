"""A deterministic synthetic county shaped like the seed's (略阳县, 2019).

The county is produced as the three structure ledgers and imported through the ledger engine, so
the demo exercises the same path as a county office's Excel files. Later capabilities add their
own ledgers to `county_ledgers`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field

from fupin.core import idnumber
from fupin.demo import names
from fupin.demo.registry import DemoRegistry, build_registry

COUNTY_CODE = "610727000000"
COUNTY_NAME = "略阳县"
COUNTY_CENTRE = (106.156, 33.330)
VILLAGES = 152
POOR_VILLAGES = 110
UNITS = 229
COUNTY_LEADERS = 28
DEPARTMENT_HEADS = 156
WORK_TEAM_CADRES = 420
TOWN_CADRES = 340
VILLAGE_CADRES = 304
CADRES = 6050


@dataclass
class DemoCounty:
    areas: list[dict[str, str]] = field(default_factory=list)
    units: list[dict[str, str]] = field(default_factory=list)
    cadres: list[dict[str, str]] = field(default_factory=list)
    registry: DemoRegistry = field(default_factory=DemoRegistry)

    def ledgers(self) -> dict[str, list[dict[str, str]]]:
        return {"areas": self.areas, "units": self.units, "cadres": self.cadres, **self.registry.ledgers()}


class _People:
    """Unique plausible names, ID numbers and phone numbers from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.surname_weights = [1 / (i + 8) for i in range(len(names.SURNAMES))]

    def name(self) -> str:
        surname = self.rng.choices(names.SURNAMES, weights=self.surname_weights)[0]
        length = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(self.rng.choice(names.GIVEN_CHARS) for _ in range(length))

    def id_number(self, *, sex: str, born_from: int = 1962, born_to: int = 1996) -> str:
        while True:
            birth = dt.date(
                self.rng.randint(born_from, born_to), self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
            sequence = self.rng.randrange(0, 999)
            if (sequence % 2 == 1) != (sex == "男"):
                sequence = (sequence + 1) % 1000
            number = idnumber.make("610727", birth, sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(["13", "15", "18", "17", "19"]) + "".join(
                str(self.rng.randrange(10)) for _ in range(9)
            )
            if number not in self.phones:
                self.phones.add(number)
                return number


def _areas(rng: random.Random) -> tuple[list[dict[str, str]], list[str], list[str]]:
    lon0, lat0 = COUNTY_CENTRE
    rows = [
        {
            "区划代码": COUNTY_CODE,
            "名称": COUNTY_NAME,
            "层级": "县",
            "经度": f"{lon0:.6f}",
            "纬度": f"{lat0:.6f}",
        }
    ]
    town_codes, village_codes = [], []
    # Villages per town: 152 spread over 17 towns, between 5 and 14 each.
    sizes = [VILLAGES // len(names.TOWNS)] * len(names.TOWNS)
    for _ in range(VILLAGES - sum(sizes)):
        sizes[rng.randrange(len(sizes))] += 1
    for _ in range(40):
        a, b = rng.randrange(len(sizes)), rng.randrange(len(sizes))
        if sizes[a] > 5 and sizes[b] < 14:
            sizes[a] -= 1
            sizes[b] += 1
    poor = set(rng.sample(range(VILLAGES), POOR_VILLAGES))
    index = 0
    for t, (town, size) in enumerate(zip(names.TOWNS, sizes, strict=True)):
        code = f"610727{100 + t:03d}000"
        tlon, tlat = lon0 + rng.uniform(-0.35, 0.35), lat0 + rng.uniform(-0.22, 0.22)
        rows.append(
            {
                "区划代码": code,
                "名称": town,
                "层级": "乡镇",
                "上级区划代码": COUNTY_CODE,
                "经度": f"{tlon:.6f}",
                "纬度": f"{tlat:.6f}",
            }
        )
        town_codes.append(code)
        used: set[str] = set()
        for v in range(size):
            name = ""
            while not name or name in used:
                name = rng.choice(names.VILLAGE_FIRST) + rng.choice(names.VILLAGE_LAST)
            used.add(name)
            vcode = f"{code[:9]}{200 + v:03d}"
            rows.append(
                {
                    "区划代码": vcode,
                    "名称": name,
                    "层级": "村",
                    "上级区划代码": code,
                    "贫困村": "是" if index in poor else "否",
                    "经度": f"{tlon + rng.uniform(-0.05, 0.05):.6f}",
                    "纬度": f"{tlat + rng.uniform(-0.04, 0.04):.6f}",
                }
            )
            village_codes.append(vcode)
            index += 1
    return rows, town_codes, village_codes


def _units(rng: random.Random, town_codes: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def add(name: str, kind: str, area: str = COUNTY_CODE, parent: str = "") -> str:
        code = f"U{len(rows) + 1:04d}"
        rows.append(
            {
                "单位编码": code,
                "单位名称": name,
                "单位类型": kind,
                "上级单位编码": parent,
                "所在区划代码": area,
            }
        )
        return code

    for name in names.PARTY_GOVERNMENT:
        add(name, "党政机关")
    departments = [add(name, "行业部门") for name in names.SECTOR_DEPARTMENTS]
    for town, code in zip(names.TOWNS, town_codes, strict=True):
        add(f"{town}人民政府", "党政机关", area=code)
    for name in names.STATE_ENTERPRISES:
        add(name, "国有企业")
    for name in names.PRIVATE_ENTERPRISES:
        add(name, "民营企业")
    for name in names.SOCIAL_ORGANISATIONS:
        add(name, "社会组织")
    institutions = [f"{stem}{kind}" for stem in names.INSTITUTION_STEMS for kind in names.INSTITUTION_KINDS]
    rng.shuffle(institutions)
    for name in institutions[: UNITS - len(rows) - 4]:
        # Most institutions sit under a department (e.g. 县疾控中心 under 县卫生健康局).
        add(name, "事业单位", parent=rng.choice(departments) if rng.random() < 0.7 else "")
    for i in range(UNITS - len(rows)):
        add(f"县驻村帮扶协调组{i + 1}", "其他")
    return rows


def _cadres(rng: random.Random, units: list[dict[str, str]], people: _People) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    county_units = [u for u in units if u["所在区划代码"] == COUNTY_CODE]
    town_units = [u for u in units if u["所在区划代码"] != COUNTY_CODE]
    heads_units = county_units[:DEPARTMENT_HEADS]

    def add(unit: dict[str, str], title: str, categories: list[str]) -> None:
        sex = "男" if rng.random() < 0.68 else "女"
        rows.append(
            {
                "干部编号": f"G{len(rows) + 1:05d}",
                "姓名": people.name(),
                "身份证号": people.id_number(sex=sex),
                "手机号码": people.phone(),
                "单位编码": unit["单位编码"],
                "职务": title,
                "干部类别": "、".join(categories),
            }
        )

    for i in range(COUNTY_LEADERS):
        title = names.TITLES_COUNTY_LEADER[min(i, len(names.TITLES_COUNTY_LEADER) - 1)]
        add(county_units[i % 4], title, ["县级领导", "帮扶干部"])
    for unit in heads_units:
        add(unit, rng.choice(names.TITLES_HEAD), ["部门主要负责人", "帮扶干部"])
    for i in range(WORK_TEAM_CADRES):
        if i < POOR_VILLAGES:
            categories = ["第一书记", "驻村工作队长"] if i % 3 == 0 else ["第一书记"]
        elif i < POOR_VILLAGES + 70:
            categories = ["驻村工作队长"]
        else:
            categories = ["驻村工作队员"]
        add(rng.choice(county_units), rng.choice(names.TITLES_STAFF), categories)
    for _ in range(TOWN_CADRES):
        categories = ["镇干部", "帮扶干部"] if rng.random() < 0.6 else ["镇干部"]
        add(rng.choice(town_units), rng.choice(names.TITLES_STAFF), categories)
    for _ in range(VILLAGE_CADRES):
        add(
            rng.choice(town_units), rng.choice(("村支部书记", "村主任", "村文书", "村监委会主任")), ["村干部"]
        )
    while len(rows) < CADRES:
        add(rng.choice(units), rng.choice(names.TITLES_STAFF), ["帮扶干部"])
    return rows


def build_county(seed: int = 2019, *, with_registry: bool = True) -> DemoCounty:
    rng = random.Random(seed)
    areas, town_codes, _ = _areas(rng)
    units = _units(rng, town_codes)
    people = _People(rng)
    cadres = _cadres(rng, units, people)
    county = DemoCounty(areas=areas, units=units, cadres=cadres)
    if with_registry:
        county.registry = build_registry(seed, areas, units, cadres, people.name, people.phone, people.ids)
    return county


def as_csv(rows: list[dict[str, str]]) -> bytes:
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")

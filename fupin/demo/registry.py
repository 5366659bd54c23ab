"""The demo county's registry and chain of responsibility, as ledger rows (ledgers.md headers).

About 13,000 registered households with about 43,000 members, the seed county's size; every unit
helps a village or two, a work team sits in every poor village, each county leader answers for a
town, and cadres are paired with every household that is not cancelled — except a handful left
unpaired, and two poor villages whose first secretaries' terms have ended, so that the coverage
board has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from fupin.core import idnumber

HOUSEHOLDS_PER_POOR_VILLAGE = (75, 135)
HOUSEHOLDS_PER_OTHER_VILLAGE = (25, 55)
UNPAIRED_POOR_HOUSEHOLDS = 12
VILLAGES_WITHOUT_SECRETARY = 2
UNITS_WITHOUT_VILLAGE = 6
PAIRING_LOAD_TARGET = 4

CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
]
CAUSE_WEIGHTS = [26, 12, 8, 4, 5, 2, 14, 12, 10, 3, 3, 1]
ETHNICITIES = ["汉族"] * 48 + ["回族", "羌族"]
EDUCATION = ["文盲或半文盲", "小学", "初中", "高中", "大专及以上"]
HEALTH = ["健康", "长期慢性病", "患有大病", "残疾"]
MIGRANT = ["乡镇内务工", "县内务工", "县外省内务工", "省外务工", "未务工"]


@dataclass
class DemoRegistry:
    households: list[dict[str, str]] = field(default_factory=list)
    members: list[dict[str, str]] = field(default_factory=list)
    pairings: list[dict[str, str]] = field(default_factory=list)
    work_teams: list[dict[str, str]] = field(default_factory=list)
    unit_villages: list[dict[str, str]] = field(default_factory=list)
    leader_towns: list[dict[str, str]] = field(default_factory=list)

    def ledgers(self) -> dict[str, list[dict[str, str]]]:
        return {
            "households": self.households,
            "members": self.members,
            "pairings": self.pairings,
            "work-teams": self.work_teams,
            "unit-villages": self.unit_villages,
            "leader-towns": self.leader_towns,
        }


def _date(value: dt.date) -> str:
    return value.isoformat()


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


class _Households:
    def __init__(self, rng: random.Random, people: _Identities, registry: DemoRegistry) -> None:
        self.rng = rng
        self.people = people
        self.registry = registry

    def add_village(self, village: dict[str, str], count: int) -> list[tuple[str, str]]:
        """Adds `count` households to the village; returns their (code, status)."""
        added: list[tuple[str, str]] = []
        for _ in range(count):
            code = f"H{village['区划代码'][6:]}{len(added) + 1:03d}"
            status = self._status()
            added.append((code, status))
            self._household(village, code, status)
        return added

    def _status(self) -> str:
        roll = self.rng.random()
        if roll < 0.66:
            return "已脱贫"
        if roll < 0.955:
            return "未脱贫"
        if roll < 0.97:
            return "返贫"
        return "注销"

    def _household(self, village: dict[str, str], code: str, status: str) -> None:
        rng = self.rng
        size = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[11, 20, 25, 23, 12, 6, 3])[0]
        registered = rng.choice([2014, 2014, 2014, 2015, 2016, 2017, 2018, 2019])
        out = status == "已脱贫"
        main_cause = rng.choices(CAUSES, weights=CAUSE_WEIGHTS)[0]
        others = [c for c in rng.sample(CAUSES, 3) if c != main_cause][: rng.choice([0, 0, 1, 2])]
        secure = (lambda: "是") if out else (lambda: "是" if rng.random() < 0.8 else "否")
        income = rng.uniform(4200, 11000) if out else rng.uniform(1800, 3600)
        members = self.people.family(size)
        head = members[0]
        row = {
            "户编号": code,
            "区划代码": village["区划代码"],
            "户主姓名": head["姓名"],
            "户主身份证号": head["身份证号"],
            "家庭人口数": str(size),
            "识别标准": "国家标准" if rng.random() < 0.93 else "省定标准",
            "贫困户属性": rng.choices(["一般贫困户", "低保贫困户", "特困供养贫困户"], weights=[70, 24, 6])[0],
            "主要致贫原因": main_cause,
            "其他致贫原因": "、".join(others),
            "脱贫属性": status,
            "识别年度": str(registered),
            "脱贫年度": str(rng.randint(max(registered, 2016), 2019)) if out else "",
            "联系电话": self.people.phone() if rng.random() < 0.7 else "",
            "住房安全有保障": secure(),
            "饮水安全有保障": secure(),
            "义务教育有保障": secure(),
            "基本医疗有保障": secure(),
            "年人均纯收入": f"{income:.2f}",
            "经度": f"{float(village['经度']) + rng.uniform(-0.012, 0.012):.6f}",
            "纬度": f"{float(village['纬度']) + rng.uniform(-0.009, 0.009):.6f}",
        }
        self.registry.households.append(row)
        for member in members:
            self.registry.members.append({"户编号": code, **member})


class _Identities:
    """Members of plausible families: a head, a spouse, children, sometimes a parent."""

    def __init__(
        self, rng: random.Random, taken_ids: set[str], name: Callable[[], str], phone: Callable[[], str]
    ) -> None:
        self.rng = rng
        self.ids = taken_ids
        self._name = name
        self._phone = phone

    def name(self) -> str:
        return self._name()

    def phone(self) -> str:
        return self._phone()

    def id_number(self, sex: str, born: int) -> str:
        while True:
            birth = dt.date(born, self.rng.randint(1, 12), self.rng.randint(1, 28))
            sequence = self.rng.randrange(0, 999)
            if (sequence % 2 == 1) != (sex == "男"):
                sequence = (sequence + 1) % 1000
            number = idnumber.make("610727", birth, sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def person(self, relation: str, sex: str, born: int) -> dict[str, str]:
        rng = self.rng
        age = 2019 - born
        working_age = 18 <= age <= 60
        health = rng.choices(HEALTH, weights=[70, 16, 6, 8])[0]
        if not working_age or health in {"患有大病", "残疾"}:
            labour = rng.choice(["丧失劳动力", "无劳动力", "弱劳动力"])
        else:
            labour = rng.choices(["普通劳动力", "技能劳动力", "弱劳动力"], weights=[70, 18, 12])[0]
        works = labour in {"普通劳动力", "技能劳动力"} and rng.random() < 0.75
        return {
            "姓名": self.name(),
            "身份证号": self.id_number(sex, born),
            "与户主关系": relation,
            "性别": sex,
            "民族": rng.choice(ETHNICITIES),
            "文化程度": rng.choices(EDUCATION, weights=[8, 34, 38, 14, 6])[0] if age >= 16 else "",
            "在校生状况": ("小学" if age <= 12 else "初中" if age <= 15 else "高中")
            if 6 <= age <= 18
            else "",
            "健康状况": health,
            "劳动技能": labour,
            "务工状况": rng.choice(MIGRANT[:4]) if works else "未务工",
            "务工时间": str(rng.randint(3, 12)) if works else "0",
        }

    def family(self, size: int) -> list[dict[str, str]]:
        rng = self.rng
        head_sex = "男" if rng.random() < 0.86 else "女"
        head_born = rng.randint(1942, 1988)
        members = [self.person("户主", head_sex, head_born)]
        if size >= 2 and rng.random() < 0.85:
            members.append(
                self.person("配偶", "女" if head_sex == "男" else "男", head_born + rng.randint(-3, 4))
            )
        while len(members) < size:
            if len(members) == size - 1 and head_born > 1965 and rng.random() < 0.3:
                sex = rng.choice(["男", "女"])
                members.append(
                    self.person("父亲" if sex == "男" else "母亲", sex, head_born - rng.randint(22, 32))
                )
                continue
            sex = rng.choice(["男", "女"])
            born = min(2018, head_born + rng.randint(20, 34))
            members.append(self.person("之子" if sex == "男" else "之女", sex, born))
        return members


def build_registry(
    seed: int,
    areas: list[dict[str, str]],
    units: list[dict[str, str]],
    cadres: list[dict[str, str]],
    name: Callable[[], str],
    phone: Callable[[], str],
    taken_ids: set[str],
) -> DemoRegistry:
    rng = random.Random(seed * 7 + 3)
    registry = DemoRegistry()
    people = _Identities(rng, taken_ids, name, phone)
    villages = [a for a in areas if a["层级"] == "村"]
    towns = [a for a in areas if a["层级"] == "乡镇"]
    households = _Households(rng, people, registry)
    by_village: dict[str, list[tuple[str, str]]] = {}
    for village in villages:
        bounds = (
            HOUSEHOLDS_PER_POOR_VILLAGE if village.get("贫困村") == "是" else HOUSEHOLDS_PER_OTHER_VILLAGE
        )
        by_village[village["区划代码"]] = households.add_village(village, rng.randint(*bounds))
    village_units = _unit_villages(rng, registry, villages, units)
    _leader_towns(rng, registry, towns, units, cadres)
    _work_teams(rng, registry, villages, cadres)
    _pairings(rng, registry, by_village, village_units, cadres)
    return registry


def _unit_villages(
    rng: random.Random, registry: DemoRegistry, villages: list[dict[str, str]], units: list[dict[str, str]]
) -> dict[str, list[str]]:
    """Every village gets one or two helping units; a few units help none."""
    helping = [u["单位编码"] for u in units[: len(units) - UNITS_WITHOUT_VILLAGE]]
    rng.shuffle(helping)
    village_units: dict[str, list[str]] = defaultdict(list)
    for index, unit in enumerate(helping):
        village = villages[index % len(villages)]["区划代码"]
        village_units[village].append(unit)
        start = dt.date(2017, 3, 1) if rng.random() < 0.8 else dt.date(2018, 6, 1)
        registry.unit_villages.append({"单位编码": unit, "区划代码": village, "开始日期": _date(start)})
    return village_units


def _leader_towns(
    rng: random.Random,
    registry: DemoRegistry,
    towns: list[dict[str, str]],
    units: list[dict[str, str]],
    cadres: list[dict[str, str]],
) -> None:
    leaders = [c["干部编号"] for c in cadres if "县级领导" in c["干部类别"]]
    departments = [u["单位编码"] for u in units if u["单位类型"] == "行业部门"]
    for index, town in enumerate(towns):
        for leader in leaders[index :: len(towns)]:
            registry.leader_towns.append(
                {
                    "干部编号": leader,
                    "区划代码": town["区划代码"],
                    "牵头部门单位编码": rng.choice(departments),
                    "开始日期": "2017-01-01",
                }
            )


def _work_teams(
    rng: random.Random, registry: DemoRegistry, villages: list[dict[str, str]], cadres: list[dict[str, str]]
) -> None:
    poor = [v["区划代码"] for v in villages if v.get("贫困村") == "是"]
    secretaries = [c for c in cadres if "第一书记" in c["干部类别"]]
    leaders = [c for c in cadres if c["干部类别"] == "驻村工作队长"]
    members = [c for c in cadres if c["干部类别"] == "驻村工作队员"]

    def join(village: str, cadre: dict[str, str], role: str, start: str, end: str = "") -> None:
        registry.work_teams.append(
            {
                "区划代码": village,
                "干部编号": cadre["干部编号"],
                "开始日期": start,
                "队内职务": role,
                "派出单位编码": cadre["单位编码"],
                "结束日期": end,
            }
        )

    needs_leader = []
    for index, (village, secretary) in enumerate(zip(poor, secretaries, strict=False)):
        both = "驻村工作队长" in secretary["干部类别"]
        role = "第一书记兼队长" if both else "第一书记"
        # The last villages' secretaries ended their term: the coverage board shows them.
        end = "2019-09-30" if index >= len(poor) - VILLAGES_WITHOUT_SECRETARY else ""
        join(village, secretary, role, "2017-09-01", end)
        if not both:
            needs_leader.append(village)
    for village, leader in zip(needs_leader, leaders, strict=False):
        join(village, leader, "队长", "2017-09-01")
    for index, member in enumerate(members):
        join(poor[index % len(poor)], member, "队员", rng.choice(["2017-09-01", "2018-03-01", "2019-03-01"]))


def _pairings(
    rng: random.Random,
    registry: DemoRegistry,
    by_village: dict[str, list[tuple[str, str]]],
    village_units: dict[str, list[str]],
    cadres: list[dict[str, str]],
) -> None:
    """Cadres of the village's helping units pair its households; others fill in where they run short.

    One household in ten changed helper in 2018 (history); cancelled households' pairings ended.
    """
    helpers = [c for c in cadres if "帮扶干部" in c["干部类别"]]
    by_unit: dict[str, list[str]] = defaultdict(list)
    for cadre in helpers:
        by_unit[cadre["单位编码"]].append(cadre["干部编号"])
    load: dict[str, int] = defaultdict(int)
    spare = [c["干部编号"] for c in helpers]
    rng.shuffle(spare)
    unpaired_left = UNPAIRED_POOR_HOUSEHOLDS
    unpaired: set[str] = set()
    paired: set[tuple[str, str]] = set()

    def pick(village: str) -> str:
        pool = [c for unit in village_units.get(village, []) for c in by_unit[unit]]
        candidates = [c for c in pool if load[c] < PAIRING_LOAD_TARGET]
        if candidates:
            chosen = rng.choice(candidates)
        else:
            chosen = min(spare[:50], key=lambda c: load[c])
            spare.append(spare.pop(spare.index(chosen)))
        load[chosen] += 1
        return chosen

    for village, households in by_village.items():
        for code, status in households:
            if status in {"未脱贫", "返贫"} and unpaired_left and rng.random() < 0.01:
                unpaired_left -= 1
                unpaired.add(code)
                continue
            start = _random_day(rng, dt.date(2017, 1, 1), dt.date(2018, 12, 31))
            if rng.random() < 0.1:
                earlier = pick(village)
                registry.pairings.append(
                    {
                        "干部编号": earlier,
                        "户编号": code,
                        "开始日期": _date(dt.date(2016, 3, 1)),
                        "结束日期": _date(start - dt.timedelta(days=1)),
                    }
                )
            end = _date(dt.date(2019, 6, 30)) if status == "注销" else ""
            helper = pick(village)
            paired.add((helper, code))
            registry.pairings.append(
                {"干部编号": helper, "户编号": code, "开始日期": _date(start), "结束日期": end}
            )
    # A few heavily loaded cadres, as real counties have, for the load panel to flag.
    heavy = rng.sample([c for c in spare if load[c] <= 1], 3)
    for heavy_cadre in heavy:
        for households in list(by_village.values())[:2]:
            for code, status in households[:4]:
                if status != "注销" and code not in unpaired and (heavy_cadre, code) not in paired:
                    registry.pairings.append(
                        {"干部编号": heavy_cadre, "户编号": code, "开始日期": "2019-01-01", "结束日期": ""}
                    )

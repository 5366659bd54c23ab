"""Generator of province-scale registry ledgers for the benchmarks (synthetic, deterministic).

A province of COUNTIES counties × 15 towns × 10 villages; households spread evenly over villages;
members (three per household on average) with valid, unique ID numbers whose 17th digit agrees with
their sex; the household head is the first member. Output is UTF-8 CSV with the canonical headers
of ledgers.md, written streaming so that a million rows need no memory to speak of.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fupin.core import idnumber

TOWNS_PER_COUNTY = 15
VILLAGES_PER_TOWN = 10
HOUSEHOLD_HEADER = [
    "户编号", "区划代码", "户主姓名", "户主身份证号", "家庭人口数", "识别标准", "贫困户属性", "主要致贫原因",
    "其他致贫原因", "脱贫属性", "识别年度", "脱贫年度", "联系电话", "住房安全有保障", "饮水安全有保障",
    "义务教育有保障", "基本医疗有保障", "年人均纯收入", "经度", "纬度",
]  # fmt: skip
MEMBER_HEADER = [
    "户编号",
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = "建国军平华明伟强磊洋勇艳娟敏静丽芳霞燕红梅兰英秀玲桂珍春海涛"
CAUSES = ["因病", "因残", "因学", "因灾", "缺技术", "缺劳力", "缺资金"]


@dataclass(frozen=True)
class Province:
    counties: int

    def county_codes(self) -> list[str]:
        # Shaanxi-like prefixes 61xxyy: cities 01–10, counties 21–40 within each.
        return [f"61{1 + i // 20:02d}{21 + i % 20:02d}000000" for i in range(self.counties)]

    def villages(self) -> list[tuple[str, str, str]]:
        """(county, town, village) codes."""
        rows = []
        for county in self.county_codes():
            for t in range(TOWNS_PER_COUNTY):
                town = f"{county[:6]}{100 + t:03d}000"
                for v in range(VILLAGES_PER_TOWN):
                    rows.append((county, town, f"{town[:9]}{200 + v:03d}"))
        return rows


class _Ids:
    """Unique valid ID numbers: region × birth date × sequence, walked in order (no set needed)."""

    def __init__(self) -> None:
        self.day = dt.date(1950, 1, 1)
        self.sequence = 0

    def next(self, region: str, sex: str) -> str:
        if (self.sequence % 2 == 1) != (sex == "男"):
            self.sequence += 1
        if self.sequence > 998:
            self.sequence = 0 if sex == "女" else 1
            self.day += dt.timedelta(days=1)
        number = idnumber.make(region, self.day, self.sequence)
        self.sequence += 1
        return number


def households_and_members(
    province: Province, households: int, seed: int = 1
) -> Iterator[tuple[list[str], list[list[str]]]]:
    rng = random.Random(seed)
    villages = province.villages()
    ids = _Ids()
    for index in range(households):
        _county, _town, village = villages[index % len(villages)]
        code = f"H{index + 1:08d}"
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 3))
        status = "已脱贫" if rng.random() < 0.66 else "未脱贫"
        registered = rng.choice((2014, 2015, 2016, 2017))
        members = []
        for m in range(size):
            sex = "男" if (m == 0 and rng.random() < 0.86) or (m > 0 and rng.random() < 0.5) else "女"
            number = ids.next(village[:6], sex)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            relation = "户主" if m == 0 else rng.choice(("配偶", "之子", "之女"))
            members.append([code, name, number, relation, sex, "健康", "普通劳动力", "县内务工", "6"])
        secure = "是" if status == "已脱贫" else rng.choice(("是", "否"))
        household = [
            code, village, members[0][1], members[0][2], str(size), "国家标准", "一般贫困户",
            rng.choice(CAUSES), "", status, str(registered), "2018" if status == "已脱贫" else "",
            f"139{index:08d}",
            secure, "是", "是", secure, f"{rng.uniform(1500, 9000):.2f}",
            f"{106 + rng.random():.6f}", f"{33 + rng.random():.6f}",
        ]  # fmt: skip
        yield household, members


def write_ledgers(directory: Path, province: Province, households: int) -> tuple[Path, Path, int]:
    """Writes households.csv and members.csv; returns their paths and the member count."""
    directory.mkdir(parents=True, exist_ok=True)
    household_path, member_path = directory / "households.csv", directory / "members.csv"
    members_written = 0
    with (
        household_path.open("w", newline="", encoding="utf-8") as hf,
        member_path.open("w", newline="", encoding="utf-8") as mf,
    ):
        household_writer, member_writer = csv.writer(hf), csv.writer(mf)
        household_writer.writerow(HOUSEHOLD_HEADER)
        member_writer.writerow(MEMBER_HEADER)
        for household, members in households_and_members(province, households):
            household_writer.writerow(household)
            member_writer.writerows(members)
            members_written += len(members)
    return household_path, member_path, members_written

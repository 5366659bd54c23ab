"""The demo county's integrated agricultural funds (统筹整合涉农资金) for 2019: 149 million yuan from
four levels, allocated in full to 320 projects in the villages (industry and infrastructure), with
about 85% spent by the demo's reference date.
"""

from __future__ import annotations

import random
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import fetch_by_key
from fupin.demo.county import COUNTY_CODE
from fupin.industry.models import FundLevel, FundProject, FundSource, ProjectKind
from fupin.industry.money import split_fen
from fupin.industry.services.funds import fund_allocations_upsert, fund_projects_upsert, fund_sources_upsert
from fupin.ledgers.base import ImportContext

YEAR = 2019
SOURCES = (
    ("ZJ2019001", "中央财政专项扶贫资金", FundLevel.CENTRAL, 72_000_000),
    ("ZJ2019002", "省级财政专项扶贫资金", FundLevel.PROVINCE, 38_000_000),
    ("ZJ2019003", "市级财政扶贫资金", FundLevel.CITY, 9_000_000),
    ("ZJ2019004", "县级整合涉农资金", FundLevel.COUNTY, 30_000_000),
)
PROJECTS = 320
WORKS = ("产业路硬化", "安全饮水巩固提升", "产业园区配套", "农田水利", "村组道路", "特色产业基地", "仓储冷链")


def demo_funds(seed: int, context: ImportContext) -> int:
    rng = random.Random(seed * 23 + 11)
    county = Area.objects.get(code=COUNTY_CODE)
    fund_sources_upsert(
        actor=context.actor,
        rows=[
            {
                "code": code,
                "county": county,
                "year": YEAR,
                "name": name,
                "level": level,
                "amount_fen": yuan * 100,
            }
            for code, name, level, yuan in SOURCES
        ],
    )
    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code"))
    projects: list[dict[str, Any]] = []
    for number in range(1, PROJECTS + 1):
        village = rng.choice(villages)
        work = rng.choice(WORKS)
        kind = (
            ProjectKind.INDUSTRY
            if "产业" in work or "基地" in work or "冷链" in work
            else ProjectKind.INFRASTRUCTURE
        )
        projects.append(
            {
                "code": f"XM{YEAR}{number:04d}",
                "year": YEAR,
                "name": f"{village.name}{work}",
                "kind": kind,
                "area": village,
            }
        )
    fund_projects_upsert(actor=context.actor, rows=projects)
    stored = fetch_by_key(FundProject, "code", [p["code"] for p in projects])
    sources = fetch_by_key(FundSource, "code", [s[0] for s in SOURCES])
    allocations: list[dict[str, Any]] = []
    for code, _, _, yuan in SOURCES:
        # Each source funds a quarter of the projects, in random sizes that add up to it exactly.
        funded = sorted(rng.sample(sorted(stored), PROJECTS // 4 + rng.randrange(20)))
        parts = split_fen(yuan * 100, [(p, rng.randint(1, 10)) for p in funded])
        for project_code, fen in parts.items():
            spent = fen if rng.random() < 0.7 else fen * rng.randint(30, 95) // 100
            allocations.append(
                {
                    "source": sources[code],
                    "project": stored[project_code],
                    "amount_fen": fen,
                    "spent_fen": spent,
                }
            )
    fund_allocations_upsert(actor=context.actor, rows=allocations)
    return len(stored)

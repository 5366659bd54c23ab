"""The demo county's new business entities (新型经营主体) and their benefit links (利益联结), in the
seed's proportions: 256 co-operatives, firms and family farms set up in 2019, linked to 3,754
registered poor households (about 15 each) by contract purchase, land transfer or shares, each
household with its 2019 income from the link.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import fetch_by_composite_key, fetch_by_key
from fupin.demo.industries import INDUSTRIES
from fupin.industry.models import BenefitLink, BusinessEntity, EntityKind, FeaturedIndustry, LinkType
from fupin.industry.services.entities import entities_upsert, link_incomes_upsert, links_upsert
from fupin.ledgers.base import ImportContext
from fupin.registry.models import Household, PovertyStatus

YEAR = 2019
ENTITIES = 256
HOUSEHOLDS = 3_754
KINDS = (
    (EntityKind.COOPERATIVE, "专业合作社", 6),
    (EntityKind.LEADING_FIRM, "农业发展有限公司", 1),
    (EntityKind.FAMILY_FARM, "家庭农场", 2),
)
INCOME_YUAN = {
    LinkType.PURCHASE_DIVIDEND: (300, 2500),
    LinkType.LAND_JOBS: (800, 6000),
    LinkType.SHARE_GUARANTEE: (200, 1200),
}


def demo_entities(seed: int, context: ImportContext) -> int:
    rng = random.Random(seed * 19 + 7)
    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code"))
    industries = fetch_by_key(FeaturedIndustry, "code", [row[0] for row in INDUSTRIES[:5]])
    rows: list[dict[str, Any]] = []
    for number in range(1, ENTITIES + 1):
        kind, suffix, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
        village = rng.choice(villages)
        industry = industries[rng.choice(sorted(industries))]
        rows.append(
            {
                "code": f"93610727MA6Y{number:06d}",
                "name": f"略阳县{village.name}{industry.name}{suffix}",
                "kind": kind,
                "area": village,
                "industry": industry,
                "established_on": dt.date(YEAR, 1, 5) + dt.timedelta(days=rng.randrange(240)),
            }
        )
    entities_upsert(actor=context.actor, rows=rows)
    entities = list(BusinessEntity.objects.filter(code__in=[r["code"] for r in rows]).order_by("code"))
    households = list(
        Household.objects.filter(
            poverty_status__in=(PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED)
        )
        .only("pk", "code", "area_code")
        .order_by("code")
    )
    chosen = sorted(rng.sample(households, min(HOUSEHOLDS, len(households))), key=lambda h: h.code)
    links: list[dict[str, Any]] = []
    for index, household in enumerate(chosen):
        # Every entity gets households; the rest go to entities at random.
        entity = entities[index] if index < len(entities) else rng.choice(entities)
        signed = entity.established_on + dt.timedelta(days=rng.randrange(10, 90))
        links.append(
            {
                "entity": entity,
                "household": household,
                "link_type": rng.choice(list(LinkType)),
                "signed_on": signed,
                "ends_on": dt.date(signed.year + 3, 12, 31),
            }
        )
    links_upsert(actor=context.actor, rows=links)
    stored = fetch_by_composite_key(
        BenefitLink, ("entity", "household"), [(r["entity"].pk, r["household"].pk) for r in links]
    )
    incomes = [
        {
            "link": stored[(r["entity"].pk, r["household"].pk)],
            "year": YEAR,
            "income_fen": rng.randint(*INCOME_YUAN[r["link_type"]]) * 100,
        }
        for r in links
    ]
    link_incomes_upsert(actor=context.actor, rows=incomes)
    return len(entities)

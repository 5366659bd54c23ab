"""The `industry` section of the figures document (docs/figures.md), with the linkage figures of
business entities and benefit links, per area and grouped for every area of a county."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from fupin.areas.spread import containing_of, counts_by_area, sets_by_area
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.industry.figures.common import (
    _applied_q,
    _counted_by_area,
    _entities,
    _fen,
    _household_industries,
    _link_incomes,
    _links,
    _new_q,
    _subsidies,
)
from fupin.industry.models import FeaturedIndustry, ScaleUnit
from fupin.registry.figures import CountyStatuses, StatusesAsOf


def industry_section(area_code: str, year: int, as_of: dt.date, statuses: StatusesAsOf) -> dict[str, Any]:
    """The `industry` section: the county's featured industries, and of the households counted by
    the registry section on as_of, those with an industry and with a medium/long-term one in the
    year of `month`; by industry, households and scale; the year's subsidies accepted and paid by
    as_of."""
    prefix = areacode.prefix_of(area_code)
    counted = set(statuses.ids())
    records = _household_industries(prefix, year)
    with_any: set[int] = set()
    with_mlt: set[int] = set()
    for household_id, mlt in records.values_list("household_id", "industry__medium_long_term").iterator(
        chunk_size=5000
    ):
        if household_id in counted:
            with_any.add(household_id)
            if mlt:
                with_mlt.add(household_id)
    industries = _featured_industries(area_code)
    by_industry = {
        name: {
            "households": n,
            "scale": str(scale.quantize(Decimal("0.01"))),
            "unit": choice_label(ScaleUnit, unit),
        }
        for name, unit, n, scale in records.values_list("industry__name", "industry__scale_unit")
        .annotate(n=Count("household_id", distinct=True), scale=Sum("scale"))
        .values_list("industry__name", "industry__scale_unit", "n", "scale")
        .order_by("industry__order", "industry__code")
    }
    subsidies = _subsidies(prefix, year)
    accepted = subsidies.filter(_accepted_q(as_of))
    paid = accepted.filter(_paid_q(as_of))
    money = accepted.aggregate(accepted=Sum("amount_fen"), paid=Sum("amount_fen", filter=_paid_q(as_of)))
    return {
        "featured_industries": industries.count(),
        "households_in_industries": len(with_any),
        "households_with_mlt_industry": len(with_mlt),
        "households_without_mlt_industry": len(counted) - len(with_mlt),
        "by_industry": by_industry,
        "subsidies_applied": subsidies.filter(_applied_q(as_of)).count(),
        "subsidies_accepted": accepted.count(),
        "subsidies_paid": paid.count(),
        "subsidy_accepted_fen": int(money["accepted"] or 0),
        "subsidy_paid_fen": int(money["paid"] or 0),
        **linkage_figures(area_code, year, as_of, counted),
    }


def _featured_industries(area_code: str) -> QuerySet[FeaturedIndustry]:
    return FeaturedIndustry.objects.filter(county__code=f"{area_code[:6]}000000")


def _accepted_q(as_of: dt.date) -> Q:
    return Q(accepted_on__lte=as_of, amount_fen__isnull=False)


def _paid_q(as_of: dt.date) -> Q:
    return Q(paid_on__lte=as_of)


def linkage_figures(area_code: str, year: int, as_of: dt.date, counted: set[int]) -> dict[str, int]:
    """Business entities registered in the area (new: established in the year by as_of), and the
    counted households with a benefit link active on as_of and what links paid them in the year."""
    prefix = areacode.prefix_of(area_code)
    entities = _entities(prefix, as_of)
    links = _links(prefix, as_of)
    linked = {
        h for h in links.values_list("household_id", flat=True).iterator(chunk_size=5000) if h in counted
    }
    income = _link_incomes(prefix, year).aggregate(fen=Sum("income_fen"))
    return {
        "business_entities": entities.count(),
        "new_business_entities": entities.filter(_new_q(year)).count(),
        "entities_with_links": links.values("entity_id").distinct().count(),
        "linked_households": len(linked),
        "link_income_fen": int(income["fen"] or 0),
    }


# All areas of a county in one pass: the county's rows read once, grouped by area code in SQL or
# fetched and bucketed here, by the same filters as the per-area sections above.


def industry_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """industry_section of every area of the county (`year` is the year of `month`)."""
    prefix = areacode.prefix_of(tree.county_code)
    containing = containing_of(tree)
    counted = _counted_by_area(tree, statuses)
    records = _household_industries(prefix, year)
    with_any: dict[str, set[int]] = {code: set() for code in tree.codes}
    with_mlt: dict[str, set[int]] = {code: set() for code in tree.codes}
    # industry (as the per-area query groups it) → area → households and scale
    households_in: dict[tuple[str, str, int, str], dict[str, set[int]]] = defaultdict(
        lambda: defaultdict(set)
    )
    scale_in: dict[tuple[str, str, int, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    fields = ("industry__name", "industry__scale_unit", "industry__order", "industry__code")
    for code, household_id, mlt, scale, *industry in records.values_list(
        "area_code", "household_id", "industry__medium_long_term", "scale", *fields
    ).iterator(chunk_size=5000):
        key = (industry[0], industry[1], industry[2], industry[3])
        for area in containing(code):
            if household_id in counted[area]:
                with_any[area].add(household_id)
                if mlt:
                    with_mlt[area].add(household_id)
            households_in[key][area].add(household_id)
            scale_in[key][area] += scale
    # The industries in the order the per-area query gives them.
    ordered = list(records.values_list(*fields).distinct().order_by("industry__order", "industry__code"))
    featured = _featured_industries(tree.county_code).count()
    accepted, paid = _accepted_q(as_of), _accepted_q(as_of) & _paid_q(as_of)
    subsidy_rows = list(
        _subsidies(prefix, year)
        .values_list("area_code")
        .annotate(
            applied=Count("pk", filter=_applied_q(as_of)),
            accepted=Count("pk", filter=accepted),
            paid=Count("pk", filter=paid),
            accepted_fen=Sum("amount_fen", filter=accepted),
            paid_fen=Sum("amount_fen", filter=paid),
        )
        .values_list("area_code", "applied", "accepted", "paid", "accepted_fen", "paid_fen")
        .order_by()
    )
    subsidies = [counts_by_area(tree, ((row[0], _fen(row[i])) for row in subsidy_rows)) for i in range(1, 6)]
    linkage = linkage_figures_by_area(tree, year, as_of, counted)
    result: dict[str, dict[str, Any]] = {}
    for code in tree.codes:
        by_industry: dict[str, dict[str, Any]] = {}
        for key in ordered:
            if code in households_in[key]:
                by_industry[key[0]] = {
                    "households": len(households_in[key][code]),
                    "scale": str(scale_in[key][code].quantize(Decimal("0.01"))),
                    "unit": choice_label(ScaleUnit, key[1]),
                }
        result[code] = {
            "featured_industries": featured,
            "households_in_industries": len(with_any[code]),
            "households_with_mlt_industry": len(with_mlt[code]),
            "households_without_mlt_industry": len(counted[code]) - len(with_mlt[code]),
            "by_industry": by_industry,
            "subsidies_applied": subsidies[0][code],
            "subsidies_accepted": subsidies[1][code],
            "subsidies_paid": subsidies[2][code],
            "subsidy_accepted_fen": subsidies[3][code],
            "subsidy_paid_fen": subsidies[4][code],
            **linkage[code],
        }
    return result


def linkage_figures_by_area(
    tree: CountyTree, year: int, as_of: dt.date, counted: dict[str, set[int]]
) -> dict[str, dict[str, int]]:
    """linkage_figures of every area of the county; `counted` is each area's counted households."""
    prefix = areacode.prefix_of(tree.county_code)
    entity_rows = list(
        _entities(prefix, as_of)
        .values_list("area_code")
        .annotate(n=Count("pk"), new=Count("pk", filter=_new_q(year)))
        .values_list("area_code", "n", "new")
        .order_by()
    )
    entities = counts_by_area(tree, ((code, n) for code, n, _ in entity_rows))
    new_entities = counts_by_area(tree, ((code, n) for code, _, n in entity_rows))
    links = _links(prefix, as_of)
    link_rows = list(links.values_list("area_code", "entity_id", "household_id").distinct().order_by())
    entities_linked = sets_by_area(tree, ((code, entity) for code, entity, _ in link_rows))
    linked = sets_by_area(tree, ((code, household) for code, _, household in link_rows))
    income = counts_by_area(
        tree,
        (
            (code, _fen(fen))
            for code, fen in _link_incomes(prefix, year)
            .values_list("link__area_code")
            .annotate(fen=Sum("income_fen"))
            .values_list("link__area_code", "fen")
            .order_by()
        ),
    )
    return {
        code: {
            "business_entities": entities[code],
            "new_business_entities": new_entities[code],
            "entities_with_links": len(entities_linked[code]),
            "linked_households": len(linked[code] & counted[code]),
            "link_income_fen": income[code],
        }
        for code in tree.codes
    }

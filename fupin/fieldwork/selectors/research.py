"""Reads of 调研材料, through the user's scope: the filtered list, one report, and the counts by
method and by town of a filtered list.

Who sees a report: its author; the area-wide roles every report on an area inside theirs; a unit
user the reports of its units' cadres.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.fieldwork.models import ResearchMethod, ResearchReport

NOTHING = Q(pk__in=[])
TOWN_PREFIX = areacode.PREFIX_LENGTH[areacode.TOWN]


def research_q(scope: Scope) -> Q:
    if scope.is_everything:
        return Q()
    if scope.is_public:
        return NOTHING
    q = NOTHING if scope.cadre_id is None else Q(author_id=scope.cadre_id)
    if scope.is_area_wide:
        q |= scope.area_q("area_code")
    if scope.role == Role.UNIT_USER and scope.unit_ids:
        q |= Q(author__unit_id__in=scope.unit_ids)
    return q


def research_list(
    scope: Scope, *, area_code: str = "", method: str = "", year: int | None = None
) -> QuerySet[ResearchReport]:
    qs = ResearchReport.objects.filter(research_q(scope))
    if area_code:
        qs = qs.filter(area_code__startswith=areacode.prefix_of(area_code))
    if method:
        qs = qs.filter(method=method)
    if year is not None:
        qs = qs.filter(researched_on__year=year)
    return qs.select_related("area", "author__unit").order_by("-researched_on", "-id")


def research_get(scope: Scope, pk: int) -> ResearchReport | None:
    return research_list(scope).filter(pk=pk).first()


@dataclass(frozen=True)
class ResearchCounts:
    total: int
    # (method, label, count) for every method, in the enumeration's order.
    by_method: list[tuple[str, str, int]]
    # (area code, name, count) per town, by code; reports on the county itself count under it.
    by_town: list[tuple[str, str, int]]


def research_counts(reports: QuerySet[ResearchReport]) -> ResearchCounts:
    """Counts of a filtered list, by method and by town: two grouped queries and one for names."""
    plain = reports.order_by()
    methods = dict(plain.values_list("method").annotate(n=Count("id")))
    towns = dict(
        plain.annotate(town=Substr("area_code", 1, TOWN_PREFIX)).values_list("town").annotate(n=Count("id"))
    )
    codes = {prefix: prefix.ljust(12, "0") for prefix in towns}
    names = dict(Area.objects.filter(code__in=codes.values()).values_list("code", "name"))
    by_town = []
    for prefix in sorted(towns):
        code = codes[prefix]
        name = names.get(code, code)
        if areacode.level_of(code) != areacode.TOWN:
            name = f"{name}（县级）"
        by_town.append((code, name, towns[prefix]))
    return ResearchCounts(
        total=sum(methods.values()),
        by_method=[(value, str(label), methods.get(value, 0)) for value, label in ResearchMethod.choices],
        by_town=by_town,
    )

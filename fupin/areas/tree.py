"""A county and every area inside it, for computing figures of all its areas in one pass.

Figures are kept per area (docs/figures.md, "Scope"): a record counts in its own area and in every
area that contains it. Builders that group a county's records once use `containing` to know which
of the county's areas a record's area code counts in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode


@dataclass(frozen=True)
class CountyTree:
    county_code: str
    # County first, then towns and villages in code order.
    areas: tuple[Area, ...]

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(area.code for area in self.areas)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.codes)

    @property
    def county(self) -> Area:
        return self.areas[0]

    def containing(self, code: str) -> tuple[str, ...]:
        """The county's areas that hold a record whose area code is `code`: itself when it is one
        of them, its town, and the county; empty when the code lies outside the county."""
        if not code.startswith(self.county_code[:6]):
            return ()
        found: list[str] = []
        current: str | None = code
        while current is not None and len(found) < 3:
            if current in self._known:
                found.append(current)
            if current == self.county_code:
                break
            current = areacode.parent_code_of(current)
        return tuple(found)

    def of_level(self, level: str) -> list[Area]:
        return [area for area in self.areas if area.level == level]


def county_tree(county: Area) -> CountyTree:
    if county.level != AreaLevel.COUNTY:
        raise ValueError(f"{county.code} is not a county")
    inside = Area.objects.filter(code__startswith=areacode.prefix_of(county.code)).exclude(pk=county.pk)
    return CountyTree(county_code=county.code, areas=(county, *inside.order_by("code")))

"""Spreading a county's records over the areas of its tree, for the grouped figure builders.

A builder reads the county's rows once, grouped by area code in SQL or fetched as they are, and a
record counts in every area of the tree that contains its area code (CountyTree.containing): the
same prefix rule as `area_code__startswith` in the per-area functions. Every area of the tree gets
an entry, also one without records.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from fupin.areas.tree import CountyTree

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def containing_of(tree: CountyTree) -> Callable[[str], tuple[str, ...]]:
    """tree.containing, remembered per code: a county's rows carry a few hundred distinct codes."""
    known: dict[str, tuple[str, ...]] = {}

    def containing(code: str) -> tuple[str, ...]:
        found = known.get(code)
        if found is None:
            found = known[code] = tree.containing(code)
        return found

    return containing


def counts_by_area(tree: CountyTree, rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(area code, count) rows summed into each area that holds them."""
    return totals_by_area(tree, rows, 0)


def totals_by_area(tree: CountyTree, rows: Iterable[tuple[str, V]], zero: V) -> dict[str, V]:
    """(area code, amount) rows summed into each area that holds them; `zero` where none."""
    containing = containing_of(tree)
    totals: dict[str, V] = dict.fromkeys(tree.codes, zero)
    for code, amount in rows:
        for area in containing(code):
            totals[area] = totals[area] + amount  # type: ignore[operator]
    return totals


def sets_by_area(tree: CountyTree, rows: Iterable[tuple[str, K]]) -> dict[str, set[K]]:
    """(area code, key) rows collected into each area's set of distinct keys."""
    containing = containing_of(tree)
    sets: dict[str, set[K]] = {code: set() for code in tree.codes}
    for code, key in rows:
        for area in containing(code):
            sets[area].add(key)
    return sets


def maps_by_area(tree: CountyTree, rows: Iterable[tuple[str, K, int]]) -> dict[str, dict[K, int]]:
    """(area code, key, count) rows summed into each area's map; keys appear in the order of the rows,
    so rows ordered by key give maps in the order a per-area query ordered by key gives."""
    containing = containing_of(tree)
    maps: dict[str, dict[K, int]] = {code: {} for code in tree.codes}
    for code, key, n in rows:
        for area in containing(code):
            maps[area][key] = maps[area].get(key, 0) + n
    return maps

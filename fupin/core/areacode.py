"""12-digit administrative area codes (GB/T 2260 county prefix + 3-digit town + 3-digit village).

An area contains itself and everything below it; "inside" is a prefix test on the code, so it
works the same in Python, in SQL (`LIKE 'prefix%'`) and on an index.
"""

from __future__ import annotations

import re

CODE_RE = re.compile(r"^\d{12}$")

PROVINCE, CITY, COUNTY, TOWN, VILLAGE = "province", "city", "county", "town", "village"
# Significant prefix length of each level's code.
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWN: 9, VILLAGE: 12}
LEVEL_ORDER = [PROVINCE, CITY, COUNTY, TOWN, VILLAGE]


def is_area_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def level_of(code: str) -> str:
    """The level a well-formed code denotes, read from where its trailing zeros start."""
    if code[9:] != "000":
        return VILLAGE
    if code[6:9] != "000":
        return TOWN
    if code[4:6] != "00":
        return COUNTY
    if code[2:4] != "00":
        return CITY
    return PROVINCE


def prefix_of(code: str) -> str:
    """The prefix shared by this area and every area inside it."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code_of(code: str) -> str | None:
    """The code of the next level up, or None for a province."""
    level = level_of(code)
    index = LEVEL_ORDER.index(level)
    if index == 0:
        return None
    keep = PREFIX_LENGTH[LEVEL_ORDER[index - 1]]
    return code[:keep].ljust(12, "0")


def is_inside(code: str, area_code: str) -> bool:
    return code.startswith(prefix_of(area_code))


def county_code_of(code: str) -> str:
    """The code of the county that `code` lies in (itself for a county)."""
    return code[:6].ljust(12, "0")

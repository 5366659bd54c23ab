"""Whether a check-in proves presence: figures.md, "Valid check-ins".

A check-in is valid when it has coordinates and an accuracy with 0 < accuracy ≤ the county's bound
(0 is what a mocked location reports), lies within the county's radius of its reference point (the
household for 入户, or its village when the household has no coordinates; the village for 驻村; the
town for 驻镇; where the reference has no coordinates the first rule alone decides), and, for 入户,
the cadre is on that date paired with the household or in a work team active in its village.

Every failed rule leaves its reason in Chinese; the reasons are shown to the cadre and reviewers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from fupin.areas.county_settings import CHECKIN_ACCURACY_MAX_M, CHECKIN_RADIUS_M
from fupin.areas.selectors import county_settings_of

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)

REASON_NO_COORDINATES = "未获取到定位坐标"
REASON_NO_ACCURACY = "缺少定位精度"
REASON_MOCKED = "定位精度为0，疑似虚拟定位"
REASON_NOT_PAIRED = "当日未与该户结对，也不在该村驻村工作队"
REFERENCE_LABELS = {"household": "农户", "village": "村", "town": "乡镇"}


@dataclass(frozen=True)
class ValidityRules:
    radius_m: int
    accuracy_max_m: int


# A single check-in from a phone or an app may be judged by rules read this many seconds ago: a
# radius changed by the county office reaches every web process within a minute, and the check-ins
# judged in between are judged again by `fupin checkins-revalidate`, which reads the rules afresh.
RULES_MAX_AGE_S = 60


def rules_for(area_code: str, *, max_age: float = 0) -> ValidityRules:
    """The county's radius and accuracy bound (county settings, defaults 2,000 m and 200 m)."""
    values = county_settings_of(area_code, (CHECKIN_RADIUS_M, CHECKIN_ACCURACY_MAX_M), max_age=max_age)
    return ValidityRules(
        radius_m=int(values[CHECKIN_RADIUS_M]), accuracy_max_m=int(values[CHECKIN_ACCURACY_MAX_M])
    )


Point = tuple[float, float]  # (longitude, latitude) in WGS-84 degrees


def great_circle_m(a: Point, b: Point) -> float:
    """Haversine distance in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def point_of(longitude: Decimal | float | None, latitude: Decimal | float | None) -> Point | None:
    if longitude is None or latitude is None:
        return None
    return (float(longitude), float(latitude))


def _length_text(metres: float) -> str:
    """3.2公里 for distances of a kilometre or more, 850米 below."""
    if metres >= 1000:
        kilometres = f"{metres / 1000:.1f}".removesuffix(".0")
        return f"{kilometres}公里"
    return f"{round(metres)}米"


def _accuracy_text(accuracy: Decimal) -> str:
    return f"{accuracy.normalize():f}"


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # "" when valid; the failed rules' reasons joined by "；"
    distance_m: int | None


def judge(
    *,
    rules: ValidityRules,
    position: Point | None,
    accuracy_m: Decimal | None,
    reference: Point | None,
    reference_kind: str,
    paired: bool | None,
) -> Verdict:
    """The verdict on one check-in. `reference_kind` is household, village or town (which point the
    distance is measured to); `paired` is None for kinds other than 入户."""
    reasons: list[str] = []
    if position is None:
        reasons.append(REASON_NO_COORDINATES)
    if accuracy_m is None:
        reasons.append(REASON_NO_ACCURACY)
    elif accuracy_m == 0:
        reasons.append(REASON_MOCKED)
    elif accuracy_m > rules.accuracy_max_m:
        reasons.append(f"定位精度{_accuracy_text(accuracy_m)}米，超过{rules.accuracy_max_m}米上限")
    distance: int | None = None
    if position is not None and reference is not None:
        metres = great_circle_m(position, reference)
        distance = round(metres)
        if metres > rules.radius_m:
            label = REFERENCE_LABELS[reference_kind]
            reasons.append(f"距离{label}{_length_text(metres)}，超出{_length_text(rules.radius_m)}范围")
    if paired is False:
        reasons.append(REASON_NOT_PAIRED)
    return Verdict(valid=not reasons, reason="；".join(reasons), distance_m=distance)

"""Where a household lived on a date, read from the registry's change log.

The registry keeps a household's current village only; every move (a changed 区划代码) leaves a
change-log row with the code before and after. The village on day D is therefore the "before" code
of the first move logged after D, or the current village when none was logged after D.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from fupin.core.models import ChangeLog
from fupin.registry.models import Household

AREA_KEY = "区划代码"
HOUSEHOLD_TYPE = Household._meta.label_lower


def village_codes_on(households: Sequence[Household], day: dt.date) -> dict[int, str]:
    """Household id → the code of the village it lived in at the end of `day`."""
    ids = [household.pk for household in households]
    # The stored village, not the caller's copy, which may predate a move.
    found: dict[int, str] = dict(Household.objects.filter(pk__in=ids).values_list("pk", "area_code"))
    if not found:
        return found
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    later = (
        ChangeLog.objects.filter(object_type=HOUSEHOLD_TYPE, object_id__in=list(found), at__gte=end_of_day)
        .exclude(before__isnull=True)
        .order_by("object_id", "at", "id")
        .values_list("object_id", "before", "after")
    )
    settled: set[int] = set()
    for object_id, before, after in later:
        if object_id in settled or not isinstance(before, dict) or not isinstance(after, dict):
            continue
        code_before, code_after = before.get(AREA_KEY), after.get(AREA_KEY)
        if code_before and code_after and code_before != code_after:
            found[object_id] = str(code_before)
            settled.add(object_id)
    return found

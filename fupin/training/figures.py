"""The `training` section of the figures document (docs/figures.md).

Trainings are counted where they were held (the training's area inside the area); exam results
are counted by the cadre (a cadre belonging to the area on as_of, figures.md), because a county
exam is sat by the cadres of every town.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fupin.core import areacode
from fupin.people.models import Cadre
from fupin.training.models import Attempt, Attendance, Exam, Training
from fupin.training.selectors.cadres import cadres_of_area


def training_section(area_code: str, start: dt.date, end: dt.date, as_of: dt.date) -> dict[str, Any]:
    prefix = areacode.prefix_of(area_code)
    year_start = start.replace(month=1, day=1)
    held = Training.objects.filter(area_code__startswith=prefix)
    in_month = Attendance.objects.filter(
        training__area_code__startswith=prefix, training__date__gte=start, training__date__lte=end
    )
    year_to_date = Attendance.objects.filter(
        training__area_code__startswith=prefix, training__date__gte=year_start, training__date__lte=end
    )
    return {
        "trainings": held.filter(date__gte=start, date__lte=end).count(),
        "person_times": in_month.count(),
        "cadres_trained": in_month.values("cadre_id").distinct().count(),
        "trainings_ytd": held.filter(date__gte=year_start, date__lte=end).count(),
        "person_times_ytd": year_to_date.count(),
        **_exam_figures(area_code, year_start, as_of),
    }


def _exam_figures(area_code: str, year_start: dt.date, as_of: dt.date) -> dict[str, int]:
    prefix = areacode.prefix_of(area_code)
    belonging = Cadre.objects.filter(cadres_of_area(area_code, as_of)).values("pk")
    scored = Attempt.objects.filter(
        cadre_id__in=belonging,
        scored_at__date__gte=year_start,
        scored_at__date__lte=as_of,
    )
    counts = scored.aggregate(
        results=Count("pk"),
        examined=Count("cadre_id", distinct=True),
        passed=Count("cadre_id", distinct=True, filter=Q(passed=True)),
    )
    exams = Exam.objects.filter(
        Q(area_code__startswith=prefix) | Q(area_code__in=_containing(area_code)),
        opens_at__date__gte=year_start,
        opens_at__date__lte=as_of,
    )
    return {
        "exams": exams.count(),
        "exam_results": counts["results"],
        "cadres_examined": counts["examined"],
        "cadres_passed": counts["passed"],
    }


def _containing(area_code: str) -> list[str]:
    codes = []
    parent = areacode.parent_code_of(area_code)
    while parent is not None:
        codes.append(parent)
        parent = areacode.parent_code_of(parent)
    return codes

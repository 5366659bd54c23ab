"""The `training` section of the figures document (docs/figures.md).

Trainings are counted where they were held (the training's area inside the area); exam results
are counted by the cadre (a cadre belonging to the area on as_of, figures.md), because a county
exam is sat by the cadres of every town.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.duty.belonging import cadres_by_area
from fupin.people.models import Cadre
from fupin.registry.figures import CountyStatuses
from fupin.training.models import Attempt, Attendance, Exam, Training
from fupin.training.selectors.cadres import cadres_of_area


def _held_in(prefix: str) -> Q:
    return Q(area_code__startswith=prefix)


def _between(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}date__gte": start, f"{prefix}date__lte": end})


def training_section(area_code: str, start: dt.date, end: dt.date, as_of: dt.date) -> dict[str, Any]:
    prefix = areacode.prefix_of(area_code)
    year_start = start.replace(month=1, day=1)
    held = Training.objects.filter(_held_in(prefix))
    attended = Attendance.objects.filter(training__area_code__startswith=prefix)
    in_month = attended.filter(_between(start, end, "training__"))
    year_to_date = attended.filter(_between(year_start, end, "training__"))
    return {
        "trainings": held.filter(_between(start, end)).count(),
        "person_times": in_month.count(),
        "cadres_trained": in_month.values("cadre_id").distinct().count(),
        "trainings_ytd": held.filter(_between(year_start, end)).count(),
        "person_times_ytd": year_to_date.count(),
        **_exam_figures(area_code, year_start, as_of),
    }


def _scored_between(year_start: dt.date, as_of: dt.date) -> Q:
    return Q(scored_at__date__gte=year_start, scored_at__date__lte=as_of)


def _opened_between(year_start: dt.date, as_of: dt.date) -> Q:
    return Q(opens_at__date__gte=year_start, opens_at__date__lte=as_of)


def _exam_figures(area_code: str, year_start: dt.date, as_of: dt.date) -> dict[str, int]:
    prefix = areacode.prefix_of(area_code)
    belonging = Cadre.objects.filter(cadres_of_area(area_code, as_of)).values("pk")
    scored = Attempt.objects.filter(_scored_between(year_start, as_of), cadre_id__in=belonging)
    counts = scored.aggregate(
        results=Count("pk"),
        examined=Count("cadre_id", distinct=True),
        passed=Count("cadre_id", distinct=True, filter=Q(passed=True)),
    )
    exams = Exam.objects.filter(
        _held_in(prefix) | Q(area_code__in=_containing(area_code)), _opened_between(year_start, as_of)
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


def training_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """training_section of every area of the county for the month: trainings and attendances
    grouped by the area code they were held in, exam results per cadre of the county, and exams per
    area code, each then summed into the areas that count it (seven queries)."""
    start = dt.date(year, month, 1)
    end = start.replace(day=calendar.monthrange(year, month)[1])
    year_start = start.replace(month=1, day=1)
    prefix = areacode.prefix_of(tree.county_code)
    trainings: dict[str, Counter[str]] = {code: Counter() for code in tree.codes}
    held = (
        Training.objects.filter(_held_in(prefix), _between(year_start, end))
        .values_list("area_code")
        .annotate(in_month=Count("pk", filter=_between(start, end)), ytd=Count("pk"))
        .order_by()
    )
    for held_code, in_month, ytd in held:
        for code in tree.containing(held_code):
            trainings[code].update(trainings=in_month, trainings_ytd=ytd)
    trained: dict[str, set[int]] = defaultdict(set)
    attendances = (
        Attendance.objects.filter(training__area_code__startswith=prefix)
        .filter(_between(year_start, end, "training__"))
        .values_list("training__area_code", "cadre_id")
        .annotate(in_month=Count("pk", filter=_between(start, end, "training__")), ytd=Count("pk"))
        .order_by()
    )
    for held_code, cadre_id, in_month, ytd in attendances:
        for code in tree.containing(held_code):
            trainings[code].update(person_times=in_month, person_times_ytd=ytd)
            if in_month:
                trained[code].add(cadre_id)
    exams = _exams_by_area(tree, year_start, as_of)
    results = _exam_results_by_area(tree, year_start, as_of)
    return {
        code: {
            "trainings": trainings[code]["trainings"],
            "person_times": trainings[code]["person_times"],
            "cadres_trained": len(trained[code]),
            "trainings_ytd": trainings[code]["trainings_ytd"],
            "person_times_ytd": trainings[code]["person_times_ytd"],
            "exams": exams[code],
            **results[code],
        }
        for code in tree.codes
    }


def _exams_by_area(tree: CountyTree, year_start: dt.date, as_of: dt.date) -> Counter[str]:
    """Exams opened in the year to as_of that each area counts: those held inside it, and those held
    in an area containing it (the county's, a city's or province's exam is every town's)."""
    above_county = _containing(tree.county_code)
    per_code: QuerySet[Exam, tuple[str, int]] = (
        Exam.objects.filter(
            _held_in(areacode.prefix_of(tree.county_code)) | Q(area_code__in=above_county),
            _opened_between(year_start, as_of),
        )
        .values_list("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    held_in = dict(per_code)
    exams: Counter[str] = Counter()
    for held, n in held_in.items():
        for code in tree.containing(held):
            exams[code] += n
    for code in tree.codes:
        exams[code] += sum(held_in.get(held, 0) for held in _containing(code))
    return exams


def _exam_results_by_area(tree: CountyTree, year_start: dt.date, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Each area's exam results: those of the county's cadres read once, summed over the cadres that
    belong to the area."""
    belonging = cadres_by_area(tree, as_of)
    county_cadres = Cadre.objects.filter(cadres_of_area(tree.county_code, as_of)).values("pk")
    attempts: Counter[int] = Counter()
    passed: set[int] = set()
    scored = Attempt.objects.filter(_scored_between(year_start, as_of), cadre_id__in=county_cadres)
    for cadre_id, has_passed in scored.values_list("cadre_id", "passed").iterator(chunk_size=10_000):
        attempts[cadre_id] += 1
        if has_passed:
            passed.add(cadre_id)
    results: dict[str, dict[str, int]] = {}
    for code in tree.codes:
        examined = [pk for pk in belonging[code] if pk in attempts]
        results[code] = {
            "exam_results": sum(attempts[pk] for pk in examined),
            "cadres_examined": len(examined),
            "cadres_passed": sum(1 for pk in examined if pk in passed),
        }
    return results

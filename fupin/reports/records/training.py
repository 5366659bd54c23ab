"""Records behind the `training` section (fupin/training/figures.py): trainings held in the area in
the month and the year to date and their sign-ins; exams of the area or an area containing it; the
answer sheets of the area's cadres scored in the year up to as_of."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.people.models import Cadre
from fupin.reports.figures import last_day_of
from fupin.reports.records import common
from fupin.reports.records.base import Column, RecordSource, col, link_to
from fupin.training.models import Attempt, Attendance, Exam, Training
from fupin.training.selectors.cadres import cadres_of_area


def _window(year: int, month: int, whole_year: bool) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 1 if whole_year else month, 1)
    return start, last_day_of(year, month)


def _trainings(whole_year: bool) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Training]:
        start, end = _window(year, month, whole_year)
        return (
            Training.objects.filter(
                area_code__startswith=areacode.prefix_of(area.code), date__gte=start, date__lte=end
            )
            .select_related("area", "organiser")
            .order_by("date", "code")
        )

    return RecordSource(
        fetch,
        (
            col("培训编号", "code"),
            col("主题", "topic"),
            col("日期", "date"),
            col("地点", "place"),
            col("区划", "area.name"),
            col("主办单位", "organiser.name"),
        ),
        link_to("training:training-detail", "code"),
    )


def _attendance_in(area: Area, year: int, month: int, whole_year: bool) -> QuerySet[Attendance]:
    start, end = _window(year, month, whole_year)
    return Attendance.objects.filter(
        training__area_code__startswith=areacode.prefix_of(area.code),
        training__date__gte=start,
        training__date__lte=end,
    )


def _person_times(whole_year: bool) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Attendance]:
        return (
            _attendance_in(area, year, month, whole_year)
            .select_related("training", "cadre", "cadre__unit")
            .order_by("training__date", "training__code", "cadre__code", "pk")
        )

    return RecordSource(
        fetch,
        (
            col("培训编号", "training.code"),
            col("主题", "training.topic"),
            col("日期", "training.date"),
            col("干部编号", "cadre.code"),
            col("姓名", "cadre.name"),
            col("单位", "cadre.unit.name"),
            col("签到方式", "get_method_display"),
        ),
        link_to("training:training-detail", "training.code"),
    )


def _cadres_trained(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Cadre]:
    attended = _attendance_in(area, year, month, whole_year=False).values("cadre_id")
    return common.cadres(Cadre.objects.filter(pk__in=attended))


def containing(area_code: str) -> list[str]:
    """The codes of the areas above `area_code` (a county's exam is each of its towns' exam)."""
    codes = []
    parent = areacode.parent_code_of(area_code)
    while parent is not None:
        codes.append(parent)
        parent = areacode.parent_code_of(parent)
    return codes


def _exams(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Exam]:
    return (
        Exam.objects.filter(
            Q(area_code__startswith=areacode.prefix_of(area.code)) | Q(area_code__in=containing(area.code)),
            opens_at__date__gte=dt.date(year, 1, 1),
            opens_at__date__lte=as_of,
        )
        .select_related("area")
        .order_by("opens_at", "code")
    )


def _scored(area: Area, year: int, as_of: dt.date) -> QuerySet[Attempt]:
    belonging = Cadre.objects.filter(cadres_of_area(area.code, as_of)).values("pk")
    return Attempt.objects.filter(
        cadre_id__in=belonging, scored_at__date__gte=dt.date(year, 1, 1), scored_at__date__lte=as_of
    )


def _exam_results(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Attempt]:
    return (
        _scored(area, year, as_of)
        .select_related("exam", "cadre", "cadre__unit")
        .order_by("scored_at", "exam__code", "cadre__code", "number")
    )


def _cadres_examined(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Cadre]:
    return common.cadres(Cadre.objects.filter(pk__in=_scored(area, year, as_of).values("cadre_id")))


def _cadres_passed(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Cadre]:
    passed = _scored(area, year, as_of).filter(passed=True).values("cadre_id")
    return common.cadres(Cadre.objects.filter(pk__in=passed))


SOURCES: dict[str, RecordSource] = {
    "training.trainings": _trainings(whole_year=False),
    "training.person_times": _person_times(whole_year=False),
    "training.cadres_trained": common.cadre_source(_cadres_trained),
    "training.trainings_ytd": _trainings(whole_year=True),
    "training.person_times_ytd": _person_times(whole_year=True),
    "training.exams": RecordSource(
        _exams,
        (
            col("考试编号", "code"),
            col("名称", "title"),
            col("区划", "area.name"),
            col("开始时间", "opens_at"),
            col("结束时间", "closes_at"),
            col("及格分", "pass_mark"),
        ),
        link_to("training:exam-detail", "code"),
    ),
    "training.exam_results": RecordSource(
        _exam_results,
        (
            col("考试编号", "exam.code"),
            col("考试", "exam.title"),
            col("干部编号", "cadre.code"),
            col("姓名", "cadre.name"),
            col("单位", "cadre.unit.name"),
            col("第几次", "number"),
            col("得分", "score"),
            Column("是否及格", lambda attempt: "及格" if attempt.passed else "不及格"),
            col("评分时间", "scored_at"),
        ),
        link_to("training:exam-detail", "exam.code"),
    ),
    "training.cadres_examined": common.cadre_source(_cadres_examined),
    "training.cadres_passed": common.cadre_source(_cadres_passed),
}

"""Records behind the `fieldwork` and `rectification` sections (fupin/fieldwork/figures.py,
fupin/rectification/figures.py): the month's check-ins, the cadres judged under each quota rule,
and the problems found, rectified, closed and overdue on as_of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q, QuerySet

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.fieldwork.models import CheckIn
from fupin.fieldwork.selectors.compliance import CadreCompliance, RuleResult, compliance, month_period
from fupin.rectification.figures import rectified_by
from fupin.rectification.models import Channel, Problem, ProblemStatus
from fupin.reports.records.base import Column, RecordSource, col, link_to

# -- fieldwork -------------------------------------------------------------------------------------


def _checkins(valid: bool) -> Callable[[Area, int, int, dt.date], QuerySet[CheckIn]]:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[CheckIn]:
        period = month_period(year, month)
        return (
            CheckIn.objects.filter(
                area_code__startswith=areacode.prefix_of(area.code),
                date__gte=period.start,
                date__lte=period.end,
                valid=valid,
            )
            .select_related("cadre", "area", "household")
            # A county's month is ~40,000 rows: read only the columns shown.
            .only(*CHECKIN_FIELDS)
            .order_by("date", "time", "code")
        )

    return fetch


CHECKIN_FIELDS = (
    "code",
    "date",
    "time",
    "kind",
    "invalid_reason",
    "cadre__code",
    "cadre__name",
    "area__name",
    "household__code",
)
CHECKIN_COLUMNS = (
    col("打卡编号", "code"),
    col("日期", "date"),
    col("时间", "time"),
    col("干部", "cadre.name"),
    col("类型", "get_kind_display"),
    col("地点", "area.name"),
    col("农户", "household.code"),
    col("无效原因", "invalid_reason"),
)


def quota_source(category_label: str, met_only: bool) -> RecordSource:
    """`fieldwork.quota.<类别>.cadres` (the cadres judged under the category's rule) or `.met` (those
    who met it): the same judgement quota_figures sums."""

    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> list[tuple[CadreCompliance, RuleResult]]:
        rows = []
        for person in compliance(area, year, month, as_of):
            for result in person.results:
                if result.rule.category_label == category_label and (result.met or not met_only):
                    rows.append((person, result))
        return rows

    return RecordSource(
        fetch,
        (
            Column("干部编号", lambda row: row[0].code),
            Column("姓名", lambda row: row[0].name),
            Column("单位", lambda row: row[0].unit_name),
            Column("要求", lambda row: row[1].rule.text),
            Column("有效打卡天数", lambda row: row[1].days),
            Column("是否达标", lambda row: "达标" if row[1].met else "未达标"),
        ),
        lambda row: link_to("fieldwork:compliance-cadre", "code")(row[0]),
    )


# -- rectification ---------------------------------------------------------------------------------


def found(area_code: str, as_of: dt.date) -> QuerySet[Problem]:
    return Problem.objects.filter(area_code__startswith=areacode.prefix_of(area_code), found_date__lte=as_of)


def _problems(narrow: Callable[[dt.date], Q]) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Problem]:
        return _ordered(found(area.code, as_of).filter(narrow(as_of)))

    return RecordSource(fetch, PROBLEM_COLUMNS, PROBLEM_LINK)


def _ordered(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    return problems.select_related("category", "area", "responsible_unit").order_by("found_date", "code")


PROBLEM_COLUMNS = (
    col("问题编号", "code"),
    col("问题描述", "description"),
    col("问题类别", "category.name"),
    col("检视渠道", "get_channel_display"),
    col("区划", "area.name"),
    col("发现日期", "found_date"),
    col("整改时限", "deadline"),
    col("状态（现在）", "get_status_display"),
    col("完成日期", "completed_date"),
    col("销号日期", "closed_date"),
    col("责任单位", "responsible_unit.name"),
)
PROBLEM_LINK = link_to("rectification:problem-detail", "code")


def category_source(name: str) -> RecordSource:
    return _problems(lambda as_of: Q(category__name=name))


def channel_source(label: str) -> RecordSource | None:
    values = [value for value, text in Channel.choices if str(text) == label]
    if not values:
        return None
    return _problems(lambda as_of: Q(channel=values[0]))


SOURCES: dict[str, RecordSource] = {
    "fieldwork.valid_checkins": RecordSource(
        _checkins(True), CHECKIN_COLUMNS, link_to("fieldwork:compliance-cadre", "cadre.code")
    ),
    "fieldwork.invalid_checkins": RecordSource(
        _checkins(False), CHECKIN_COLUMNS, link_to("fieldwork:compliance-cadre", "cadre.code")
    ),
    "rectification.found": _problems(lambda as_of: Q()),
    "rectification.rectified": _problems(rectified_by),
    "rectification.closed": _problems(lambda as_of: Q(status=ProblemStatus.CLOSED, closed_date__lte=as_of)),
    "rectification.open": _problems(lambda as_of: ~rectified_by(as_of)),
    "rectification.overdue": _problems(lambda as_of: ~rectified_by(as_of) & Q(deadline__lt=as_of)),
}

"""The indicator report of an area for a year up to a month: YTD, plan, completion and growth of each
indicator reported at the area's level or below it, with the monthly trend of this and last year.

Values are read in one query per year for the whole area (the reporting areas inside it), then
computed by fupin.indicators.computing, so the page, the Excel export, the API and the figures
document agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from fupin.areas.models import Area
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.indicators import computing as c
from fupin.indicators.models import DataSet, DataValue, Indicator, PeriodType, ReportLevel, ValueKind

LEVELS = [ReportLevel.COUNTY, ReportLevel.TOWN, ReportLevel.VILLAGE]

# indicator id → area code → year → period → value
Loaded = dict[int, dict[str, dict[int, dict[int, Decimal]]]]


@dataclass
class IndicatorReport:
    area: Area
    year: int
    month: int
    rows: list[c.Row]
    names: dict[str, str]  # reporting area code → name, for the missing list


def report_data_sets(area: Area) -> list[DataSet]:
    """Data sets reported at the area's level or below it."""
    if area.level not in LEVELS:
        return []
    allowed = LEVELS[LEVELS.index(ReportLevel(area.level)) :]
    return list(DataSet.objects.filter(level__in=allowed).prefetch_related("indicators"))


def reporting_areas(area: Area, level: str) -> dict[str, str]:
    if area.level == level:
        return {area.code: area.name}
    rows = Area.objects.filter(level=level, code__startswith=areacode.prefix_of(area.code)).order_by("code")
    return dict(rows.values_list("code", "name"))


def _load(indicators: list[Indicator], area: Area, years: list[int], kind: str) -> Loaded:
    loaded: Loaded = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    rows = DataValue.objects.filter(
        indicator__in=indicators,
        kind=kind,
        year__in=years,
        area_code__startswith=areacode.prefix_of(area.code),
    ).values_list("indicator_id", "area_code", "year", "period", "value")
    for indicator_id, code, year, period, value in rows:
        loaded[indicator_id][code][year][period] = value
    return loaded


def trend(
    period_type: str, how: str, by_area: dict[str, dict[int, Decimal]], month: int
) -> list[Decimal | None]:
    """Each due period's value aggregated across the reporting areas that have one."""
    return [
        c.aggregate(how, [values[p] for values in by_area.values() if p in values])
        for p in c.due_periods(period_type, month)
    ]


def indicator_row(
    indicator: Indicator,
    data_set: DataSet,
    areas: dict[str, str],
    area: Area,
    year: int,
    month: int,
    actual: Loaded,
    plans: Loaded,
) -> c.Row:
    values = actual.get(indicator.pk, {})
    this = {code: values.get(code, {}).get(year, {}) for code in areas}
    last = {code: values.get(code, {}).get(year - 1, {}) for code in areas}

    def figure_of(by_area: dict[str, dict[int, Decimal]]) -> c.Figure:
        return c.ytd(
            area_aggregation=indicator.area_aggregation,
            period_aggregation=indicator.period_aggregation,
            period_type=data_set.period_type,
            by_area=by_area,
            reporting_areas=list(areas),
            month=month,
        )

    figure, last_year = figure_of(this), figure_of(last)
    planned = plans.get(indicator.pk, {})
    plan = c.plan_of(
        area_aggregation=indicator.area_aggregation,
        own=planned.get(area.code, {}).get(year, {}).get(0),
        reporting_plans={
            code: p[year][0] for code, p in planned.items() if code in areas and 0 in p.get(year, {})
        },
    )
    return c.Row(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        period_aggregation=indicator.period_aggregation,
        figure=figure,
        last_year=last_year,
        plan=plan,
        completion=c.completion(figure, plan),
        growth=c.growth(figure, last_year),
        period_type=data_set.period_type,
        trend=trend(data_set.period_type, indicator.area_aggregation, this, month),
        trend_last_year=trend(data_set.period_type, indicator.area_aggregation, last, month),
    )


Member = tuple[DataSet, Indicator]


def report_members(data_sets: list[DataSet]) -> list[Member]:
    """Each indicator of the data sets once, in report order."""
    # An indicator in two data sets is reported once, with the first data set (by code, one in use
    # before a retired one) that has it.
    members: dict[int, Member] = {}
    for data_set in sorted(data_sets, key=lambda ds: (not ds.active, ds.code)):
        for indicator in data_set.indicators.all():
            members.setdefault(indicator.pk, (data_set, indicator))
    return sorted(members.values(), key=lambda member: (member[1].order, member[1].code))


def indicator_report(area: Area, year: int, month: int) -> IndicatorReport:
    ordered = report_members(report_data_sets(area))
    indicators = [indicator for _, indicator in ordered]
    actual = _load(indicators, area, [year, year - 1], ValueKind.ACTUAL)
    plans = _load(indicators, area, [year], ValueKind.PLAN)
    return report_of(
        area,
        year,
        month,
        ordered,
        actual,
        plans,
        has_values=lambda indicator: _has_values(actual, plans, indicator, year),
        areas_of_level=lambda level: reporting_areas(area, level),
    )


def report_of(
    area: Area,
    year: int,
    month: int,
    ordered: list[Member],
    actual: Loaded,
    plans: Loaded,
    *,
    has_values: Callable[[Indicator], bool],
    areas_of_level: Callable[[str], dict[str, str]],
) -> IndicatorReport:
    """The report of the area from the values loaded for it (or for an area containing it: rows read
    only the values of the area's reporting areas). `has_values` tells whether an indicator has
    values of the year inside the area; `areas_of_level` gives the reporting areas of a level."""
    # A retired indicator or data set is no longer expected: it is reported for the years it has
    # values in, and never lists missing periods.
    retired = {i.pk for ds, i in ordered if not (ds.active and i.active)}
    ordered = [(ds, i) for ds, i in ordered if i.pk not in retired or has_values(i)]
    areas_of = {level: areas_of_level(level) for level in {ds.level for ds, _ in ordered}}
    names = {code: name for areas in areas_of.values() for code, name in areas.items()}
    rows = [
        indicator_row(indicator, data_set, areas_of[data_set.level], area, year, month, actual, plans)
        for data_set, indicator in ordered
    ]
    rows = [
        replace(row, figure=replace(row.figure, missing=()), last_year=replace(row.last_year, missing=()))
        if indicator.pk in retired
        else row
        for row, (_, indicator) in zip(rows, ordered, strict=True)
    ]
    return IndicatorReport(area=area, year=year, month=month, rows=rows, names=names)


def indicator_reports_by_area(tree: CountyTree, year: int, month: int) -> dict[str, IndicatorReport]:
    """indicator_report of every area of the county, from the county's values read once: each area's
    rows read the values of its own reporting areas, aggregated by the same rules."""
    data_sets = list(DataSet.objects.filter(level__in=LEVELS).prefetch_related("indicators"))
    members_of = {
        level: report_members([ds for ds in data_sets if ds.level in LEVELS[LEVELS.index(level) :]])
        for level in LEVELS
    }
    indicators = [indicator for _, indicator in members_of[ReportLevel.COUNTY]]
    actual = _load(indicators, tree.county, [year, year - 1], ValueKind.ACTUAL)
    plans = _load(indicators, tree.county, [year], ValueKind.PLAN)
    # indicator id → the area codes with a value of the year, actual or plan
    valued: dict[int, set[str]] = defaultdict(set)
    for loaded in (actual, plans):
        for indicator_id, by_code in loaded.items():
            valued[indicator_id].update(code for code, by_year in by_code.items() if year in by_year)
    reports: dict[str, IndicatorReport] = {}
    for area in tree.areas:
        prefix = areacode.prefix_of(area.code)

        def has_values(indicator: Indicator, prefix: str = prefix) -> bool:
            return any(code.startswith(prefix) for code in valued.get(indicator.pk, ()))

        def areas_of_level(level: str, area: Area = area, prefix: str = prefix) -> dict[str, str]:
            if area.level == level:
                return {area.code: area.name}
            return {a.code: a.name for a in tree.areas if a.level == level and a.code.startswith(prefix)}

        members = members_of[ReportLevel(area.level)] if area.level in LEVELS else []
        reports[area.code] = report_of(
            area, year, month, members, actual, plans, has_values=has_values, areas_of_level=areas_of_level
        )
    return reports


def _has_values(actual: Loaded, plans: Loaded, indicator: Indicator, year: int) -> bool:
    return any(year in by_year for by_year in actual.get(indicator.pk, {}).values()) or any(
        year in by_year for by_year in plans.get(indicator.pk, {}).values()
    )


def report_area(scope: Scope, code: str) -> Area | None:
    """The area asked for, if the scope covers it; the scope's own area when none is asked."""
    code = (code or scope.root_area_code or "").strip()
    if not code:
        return None
    found = Area.objects.filter(code=code).first()
    return found if found is not None and scope.covers_code(found.code) else None


def period_choices(period_type: str) -> list[tuple[int, str]]:
    if period_type == PeriodType.MONTH:
        return [(m, f"{m}月") for m in range(1, 13)]
    if period_type == PeriodType.QUARTER:
        return [(q, f"第{q}季度") for q in range(1, 5)]
    return [(0, "全年")]

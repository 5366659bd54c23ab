"""Year-to-date, plan completion and growth: the rules of docs/figures.md (indicators), as pure
functions over the values of one year, so that the pages, the export, the API and the figures
document compute the same number.

A reporting area is an area of the data set's level (a village for a village data set). Its periods
due by month M of year Y are: the months 1..M (monthly), the quarters whose last month is ≤ M
(quarterly), the year itself when M = 12 (yearly). For one reporting area:
- flow: the sum of the values of the due periods that have one; the due periods without a value are
  *missing* and listed — never read as zero;
- stock: the value of the latest due period that has one (never a sum over periods); the due periods
  after it are listed as missing, since the figure is older than the month asked;
- average: the mean of the values of the due periods that have one; those without are missing.
An area with no value in any due period has no year-to-date figure.
For a larger area, the reporting areas inside it are aggregated per the indicator: sum or average of
the year-to-date figures of those that have one; each missing (area, period) is listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from fupin.indicators.models import AreaAggregation, PeriodAggregation, PeriodType

Values = Mapping[int, Decimal]  # period → value, for one indicator, area and year


def due_periods(period_type: str, month: int) -> list[int]:
    """The periods of a year that are due by the end of `month`."""
    if period_type == PeriodType.MONTH:
        return list(range(1, month + 1))
    if period_type == PeriodType.QUARTER:
        return [q for q in range(1, 5) if q * 3 <= month]
    return [0] if month == 12 else []


@dataclass(frozen=True)
class AreaFigure:
    """The year-to-date figure of one reporting area."""

    value: Decimal | None
    missing: tuple[int, ...]
    # For a stock, the period whose value is used.
    latest: int | None = None


def area_ytd(aggregation: str, period_type: str, values: Values, month: int) -> AreaFigure:
    due = due_periods(period_type, month)
    present = [p for p in due if p in values]
    missing = tuple(p for p in due if p not in values)
    if not present:
        return AreaFigure(None, missing)
    if aggregation == PeriodAggregation.STOCK:
        latest = present[-1]
        return AreaFigure(values[latest], tuple(p for p in due if p > latest), latest)
    total = sum((values[p] for p in present), Decimal(0))
    if aggregation == PeriodAggregation.AVERAGE:
        return AreaFigure(total / len(present), missing)
    return AreaFigure(total, missing)


@dataclass(frozen=True)
class Figure:
    """The year-to-date figure of an area: aggregated over the reporting areas inside it."""

    value: Decimal | None
    # (reporting area code, period) for every due period without a value.
    missing: tuple[tuple[str, int], ...] = ()
    areas_expected: int = 0
    areas_with_value: int = 0

    @property
    def complete(self) -> bool:
        return self.value is not None and not self.missing


def aggregate(how: str, numbers: Iterable[Decimal]) -> Decimal | None:
    numbers = list(numbers)
    if not numbers:
        return None
    total = sum(numbers, Decimal(0))
    return total / len(numbers) if how == AreaAggregation.AVERAGE else total


def ytd(
    *,
    area_aggregation: str,
    period_aggregation: str,
    period_type: str,
    by_area: Mapping[str, Values],
    reporting_areas: Iterable[str],
    month: int,
) -> Figure:
    """The figure of an area whose reporting areas are `reporting_areas`; `by_area` holds their values."""
    expected = list(reporting_areas)
    figures = {
        code: area_ytd(period_aggregation, period_type, by_area.get(code, {}), month) for code in expected
    }
    missing = tuple((code, p) for code in expected for p in figures[code].missing)
    with_value = [f.value for f in figures.values() if f.value is not None]
    return Figure(aggregate(area_aggregation, with_value), missing, len(expected), len(with_value))


def plan_of(
    *, area_aggregation: str, own: Decimal | None, reporting_plans: Mapping[str, Decimal]
) -> Decimal | None:
    """The plan of an area: the plan entered for the area itself, else the plans of the reporting
    areas inside it aggregated as the indicator aggregates across areas; None when there is none."""
    if own is not None:
        return own
    return aggregate(area_aggregation, reporting_plans.values())


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def completion(figure: Figure, plan: Decimal | None) -> Decimal | None:
    """YTD / plan; shown with the figure's missing periods, so an incomplete YTD is visible."""
    return ratio(figure.value, plan)


def growth(this_year: Figure, last_year: Figure) -> Decimal | None:
    """(YTD − YTD of the same months last year) / last year's. Only between complete figures: a
    missing period on either side would compare different months, so growth is left empty."""
    if not (this_year.complete and last_year.complete):
        return None
    change = ratio(this_year.value, last_year.value)
    return None if change is None else change - 1


@dataclass
class Row:
    """One indicator's line of the report: YTD, plan, completion and growth, with the monthly values."""

    code: str
    name: str
    unit: str
    decimals: int
    period_aggregation: str
    figure: Figure
    last_year: Figure
    plan: Decimal | None
    completion: Decimal | None
    growth: Decimal | None
    period_type: str = PeriodType.MONTH
    trend: list[Decimal | None] = field(default_factory=list)
    trend_last_year: list[Decimal | None] = field(default_factory=list)

"""The year-to-date, completion and growth rules on hand-built numbers (docs/figures.md, indicators)."""

from __future__ import annotations

from decimal import Decimal

from fupin.indicators import computing as c
from fupin.indicators.models import AreaAggregation, PeriodAggregation, PeriodType

D = Decimal
FLOW, STOCK, AVG = PeriodAggregation.FLOW, PeriodAggregation.STOCK, PeriodAggregation.AVERAGE
MONTH = PeriodType.MONTH


def ytd(
    how: str, by_area: dict[str, dict[int, Decimal]], month: int, *, across: str = AreaAggregation.SUM
) -> c.Figure:
    return c.ytd(
        area_aggregation=across,
        period_aggregation=how,
        period_type=MONTH,
        by_area=by_area,
        reporting_areas=list(by_area) or ["A"],
        month=month,
    )


def test_flow_sums_the_months_so_far() -> None:
    figure = ytd(FLOW, {"A": {1: D(10), 2: D(20), 3: D(30), 4: D(99)}}, 3)
    assert figure.value == D(60)
    assert figure.complete


def test_a_month_with_no_value_is_reported_missing_not_read_as_zero() -> None:
    figure = ytd(FLOW, {"A": {1: D(10), 3: D(30)}}, 3)
    assert figure.value == D(40)
    assert figure.missing == (("A", 2),)
    assert not figure.complete


def test_a_stock_is_the_latest_value_and_never_a_sum() -> None:
    figure = ytd(STOCK, {"A": {1: D(100), 2: D(120), 3: D(130)}}, 3)
    assert figure.value == D(130)  # not 350


def test_a_stock_not_reported_this_month_keeps_the_latest_and_says_so() -> None:
    figure = ytd(STOCK, {"A": {1: D(100), 2: D(120)}}, 4)
    assert figure.value == D(120)
    assert figure.missing == (("A", 3), ("A", 4))
    assert c.area_ytd(STOCK, MONTH, {1: D(100), 2: D(120)}, 4).latest == 2


def test_a_stock_is_summed_across_areas_but_not_across_months() -> None:
    figure = ytd(STOCK, {"A": {1: D(5), 2: D(7)}, "B": {1: D(3), 2: D(4)}}, 2)
    assert figure.value == D(11)


def test_average_over_months_and_across_areas() -> None:
    figure = ytd(AVG, {"A": {1: D(2), 2: D(4)}, "B": {1: D(6)}}, 2, across=AreaAggregation.AVERAGE)
    assert figure.value == D(4.5)  # A averages 3, B 6 — and B's February is missing
    assert figure.missing == (("B", 2),)


def test_an_area_without_any_value_is_counted_missing_in_the_aggregate() -> None:
    figure = c.ytd(
        area_aggregation=AreaAggregation.SUM,
        period_aggregation=FLOW,
        period_type=MONTH,
        by_area={"A": {1: D(1)}},
        reporting_areas=["A", "B"],
        month=1,
    )
    assert (figure.value, figure.areas_expected, figure.areas_with_value) == (D(1), 2, 1)
    assert figure.missing == (("B", 1),)


def test_quarters_are_due_when_they_have_ended() -> None:
    assert c.due_periods(PeriodType.QUARTER, 5) == [1]
    assert c.due_periods(PeriodType.QUARTER, 6) == [1, 2]
    assert c.due_periods(PeriodType.YEAR, 11) == []
    assert c.due_periods(PeriodType.YEAR, 12) == [0]


def test_completion_is_ytd_over_plan() -> None:
    figure = ytd(FLOW, {"A": {1: D(53000)}}, 1)
    assert round(c.completion(figure, D(90000)) or 0, 3) == D("0.589")
    assert c.completion(figure, None) is None
    assert c.completion(figure, D(0)) is None


def test_growth_compares_complete_years_only() -> None:
    this = ytd(FLOW, {"A": {1: D(104.7), 2: D(0)}}, 2)
    last = ytd(FLOW, {"A": {1: D(100), 2: D(0)}}, 2)
    assert round(c.growth(this, last) or 0, 3) == D("0.047")
    gap = ytd(FLOW, {"A": {1: D(100)}}, 2)
    assert c.growth(this, gap) is None
    assert c.growth(gap, last) is None


def test_plan_of_an_area_is_its_own_else_the_sum_of_its_reporting_areas() -> None:
    assert c.plan_of(area_aggregation=AreaAggregation.SUM, own=D(9), reporting_plans={"A": D(1)}) == D(9)
    assert c.plan_of(
        area_aggregation=AreaAggregation.SUM, own=None, reporting_plans={"A": D(1), "B": D(2)}
    ) == D(3)
    assert c.plan_of(area_aggregation=AreaAggregation.SUM, own=None, reporting_plans={}) is None

"""industry_, finance_ and solar_section_by_area: every area of the county from one read, equal to the
per-area section of each area, on the ledgers of the app's own figure tests spread over two towns,
three villages and the county itself (a county-level business entity, the county's fund sources)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.tests.grouped import COUNTY, assert_same_as_raw, queries_by_villages, tree
from fupin.industry.figures import (
    finance_section,
    finance_section_by_area,
    industry_section,
    industry_section_by_area,
    solar_section,
    solar_section_by_area,
)
from fupin.industry.models import SolarOwnership, SolarStation
from fupin.industry.tests.conftest import Solar, add_income
from fupin.industry.tests.test_entities import linked
from fupin.industry.tests.test_figures import _frozen_plan
from fupin.industry.tests.test_funds import funded
from fupin.industry.tests.test_industries import HOUSEHOLDS, listed
from fupin.industry.tests.test_insurance import CLAIMS, GOOD, POLICIES
from fupin.industry.tests.test_microcredit import LOANS as MICROLOANS
from fupin.industry.tests.test_microcredit import REPAYMENTS, _good
from fupin.industry.tests.test_mutual_aid import ASSOCIATIONS
from fupin.industry.tests.test_mutual_aid import LOANS as MUTUAL_AID_LOANS
from fupin.industry.tests.test_subsidies import STANDARDS, SUBSIDIES
from fupin.ledgers.tests.helpers import import_rows, messages
from fupin.registry.figures import county_statuses, statuses_as_of
from fupin.registry.models import Household, PovertyStatus

pytestmark = pytest.mark.django_db
D = dt.date
TOWN_B, VILLAGE_B1 = "610727101000", "610727101200"
__all__ = ["funded", "linked", "listed"]  # fixtures used by name below


def _imported(name: str, rows: list[list[str]]) -> None:
    outcome = import_rows(name, rows)
    assert outcome.ok, messages(outcome)


@pytest.fixture
def spread(listed: Solar, linked: Solar, funded: Solar) -> Solar:
    solar = listed
    c = solar.personas.county
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.OUT)
    _imported(
        "household-industries",
        [
            HOUSEHOLDS,
            ["H001", "CY01", "2019", "200"],
            ["H001", "CY02", "2019", "1,500"],
            ["H002", "CY06", "2019", "1"],
            ["H003", "CY02", "2019", "800.5"],
            ["H004", "CY01", "2018", "50"],
            ["H005", "CY01", "2019", "30.25"],
        ],
    )
    _imported(
        "subsidy-standards", [STANDARDS, ["CY01", "2019", "50", "500"], ["CY01", "2019", "100", "1,000"]]
    )
    _imported(
        "industry-subsidies",
        [
            SUBSIDIES,
            [
                "BZ01",
                "H001",
                "CY01",
                "2019",
                "鸡舍",
                "200",
                "2019-03-01",
                "是",
                "2019-09-20",
                "120",
                "",
                "2019-09-25",
                "2019-12-18",
            ],
            [
                "BZ02",
                "H005",
                "CY01",
                "2019",
                "鸡舍",
                "100",
                "2019-03-02",
                "是",
                "2019-12-10",
                "100",
                "",
                "",
                "",
            ],
            ["BZ04", "H004", "CY01", "2019", "鸡舍", "100", "2019-03-04", "", "", "", "", "", ""],
        ],
    )
    _imported(
        "insurance-policies",
        [
            POLICIES,
            GOOD,
            ["P2", "H005", "人保财险", "CY01", "3000", "150", "120", "2019-06-01", "2020-05-31"],
        ],
    )
    _imported(
        "insurance-claims",
        [
            CLAIMS,
            ["P1", "2019-07-12", "暴雨致鸡舍倒塌", "2019-08-01", "1,800"],
            ["P2", "2019-11-02", "禽病", "2019-12-20", "700.50"],
        ],
    )
    _imported(
        "mutual-aid-associations",
        [
            ASSOCIATIONS,
            ["HZ1", "黄家坝村互助资金协会", "610727100200", "10,000", "2016-05-01"],
            ["HZ2", "青岗坪村互助资金协会", VILLAGE_B1, "5,000", "2019-12-12"],
        ],
    )
    _imported(
        "mutual-aid-loans",
        [
            MUTUAL_AID_LOANS,
            ["L1", "HZ1", "H001", "6000", "2019-03-01", "2020-02-28", ""],
            ["L2", "HZ1", "H002", "4000", "2019-03-05", "2019-09-05", "2019-09-01"],
            ["L3", "HZ1", "H003", "3000", "2019-09-10", "2019-11-10", ""],
            ["L4", "HZ2", "H005", "2000", "2019-12-13", "2020-06-13", ""],
        ],
    )
    old = [*_good(solar, "XD02", "H002", "2017-01-05")[:5], "12", "4.35", "2017-01-05", "种植天麻"]
    _imported("microloans", [MICROLOANS, old, _good(solar), _good(solar, "XD03", "H005", "2019-12-05")])
    _imported(
        "loan-repayments",
        [
            REPAYMENTS,
            ["XD02", "2017-12-20", "0", "2175"],
            ["XD02", "2018-01-05", "20000", "0"],
            ["XD01", "2019-12-10", "10000", "500"],
        ],
    )
    # A second station in town B, and the frozen plan of village A1 (approved on 20 December).
    station = SolarStation.objects.create(
        code="GF02", name="青岗坪电站", area=c.town_b, capacity_kw=Decimal("99.5")
    )
    SolarOwnership.objects.create(station=station, village=c.village_b1, share=Decimal("1"))
    add_income(station, {3: "1234.57", 12: "99.99"})
    _frozen_plan(solar)
    return solar


AS_OF_DATES = [
    (2019, 12, D(2019, 12, 31)),
    # Before the plan's approval, the second claim, the December subsidy payment and association HZ2.
    (2019, 12, D(2019, 12, 11)),
    (2019, 9, D(2019, 9, 30)),
]


@pytest.mark.parametrize(("year", "month", "as_of"), AS_OF_DATES)
def test_every_area_is_its_own_industry_section(spread: Solar, year: int, month: int, as_of: dt.date) -> None:
    grouped = industry_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    assert_same_as_raw(grouped, lambda code: industry_section(code, year, as_of, statuses_as_of(code, as_of)))
    assert grouped[COUNTY]["by_industry"] and grouped[TOWN_B]["households_in_industries"] == 1
    assert grouped[COUNTY]["business_entities"] > grouped["610727100000"]["business_entities"]


@pytest.mark.parametrize(("year", "month", "as_of"), AS_OF_DATES)
def test_every_area_is_its_own_finance_section(spread: Solar, year: int, month: int, as_of: dt.date) -> None:
    grouped = finance_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    assert_same_as_raw(grouped, lambda code: finance_section(code, year, as_of))
    assert grouped[COUNTY]["integrated_fund_fen"] > 0 == grouped[TOWN_B]["integrated_fund_fen"]
    assert grouped[COUNTY]["loans_outstanding"] > grouped[VILLAGE_B1]["loans_outstanding"]


@pytest.mark.parametrize(("year", "month", "as_of"), AS_OF_DATES)
def test_every_area_is_its_own_solar_section(spread: Solar, year: int, month: int, as_of: dt.date) -> None:
    grouped = solar_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    assert_same_as_raw(grouped, lambda code: solar_section(code, year, month, as_of))
    assert grouped[COUNTY]["stations"] == 2 and grouped[TOWN_B]["stations"] == 1


@pytest.mark.parametrize(
    ("build", "ceiling"),
    [(industry_section_by_area, 7), (finance_section_by_area, 10), (solar_section_by_area, 7)],
    ids=["industry", "finance", "solar"],
)
def test_queries_do_not_grow_with_the_villages(
    spread: Solar, build: Any, ceiling: int, django_assert_max_num_queries: Any
) -> None:
    as_of = D(2019, 12, 31)
    statuses = county_statuses(COUNTY, as_of)
    before, after = queries_by_villages(lambda county: build(county, 2019, 12, as_of, statuses))
    assert after == before <= ceiling
    county = tree()
    assert len(county.codes) > 25
    with django_assert_max_num_queries(ceiling):
        build(county, 2019, 12, as_of, statuses)

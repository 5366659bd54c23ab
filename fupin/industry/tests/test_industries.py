"""Featured industries: the county's list (page and ledger), households' industries by year (ledger
with its rejections), coverage of poor households by medium/long-term industries, and figures."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.industry.selectors.industries import coverage, uncovered_households
from fupin.industry.services.industries import featured_industry_create, featured_industry_update
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.registry.models import Household, PovertyStatus
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db

INDUSTRIES = ["产业编码", "产业名称", "县区划代码", "规模单位", "中长期产业", "排序"]
HOUSEHOLDS = ["户编号", "产业编码", "年度", "规模"]
COUNTY = "610727000000"


@pytest.fixture
def listed(solar: Solar) -> Solar:
    outcome = import_rows(
        "featured-industries",
        [
            INDUSTRIES,
            ["CY01", "乌鸡", COUNTY, "羽（只）", "是", "1"],
            ["CY02", "食用菌", COUNTY, "袋", "是", "2"],
            ["CY06", "社区工厂务工", COUNTY, "人", "否", "6"],
        ],
    )
    assert outcome.ok, messages(outcome)
    return solar


def test_households_industries_give_coverage_and_figures(listed: Solar) -> None:
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.OUT)
    outcome = import_rows(
        "household-industries",
        [
            HOUSEHOLDS,
            ["H001", "CY01", "2019", "200"],
            ["H001", "CY02", "2019", "1,500"],
            ["H002", "CY06", "2019", "1"],  # not medium/long-term
            ["H003", "CY02", "2019", "800.5"],
            ["H004", "CY01", "2018", "50"],  # another year
        ],
        fmt="xlsx",
    )
    assert outcome.ok, messages(outcome)
    assert coverage(EVERYTHING, 2019).covered == 2 and coverage(EVERYTHING, 2019).registered == 5
    assert [h.code for h in uncovered_households(EVERYTHING, 2019)] == ["H002", "H004", "H005"]
    section = figures_document(Area.objects.get(code=COUNTY), "2019-12")["industry"]
    assert section == {
        "featured_industries": 3,
        "households_in_industries": 3,
        "households_with_mlt_industry": 2,
        "households_without_mlt_industry": 3,
        "by_industry": {
            "乌鸡": {"households": 1, "scale": "200.00", "unit": "羽（只）"},
            "食用菌": {"households": 2, "scale": "2300.50", "unit": "袋"},
            "社区工厂务工": {"households": 1, "scale": "1.00", "unit": "人"},
        },
        "subsidies_applied": 0,
        "subsidies_accepted": 0,
        "subsidies_paid": 0,
        "subsidy_accepted_fen": 0,
        "subsidy_paid_fen": 0,
        "business_entities": 0,
        "new_business_entities": 0,
        "entities_with_links": 0,
        "linked_households": 0,
        "link_income_fen": 0,
    }
    town_b = figures_document(listed.personas.county.town_b, "2019-12")["industry"]
    assert (town_b["households_in_industries"], town_b["households_without_mlt_industry"]) == (0, 1)
    exported = list(LEDGERS["household-industries"].export_rows(COUNTY_ONLY))
    assert {"household_code": "H003", "industry_code": "CY02", "year": "2019", "scale": "800.50"} in exported


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["H999", "CY01", "2019", "1"], "户编号", "户编号不存在"),
        (["H001", "CY99", "2019", "1"], "产业编码", "产业编码不存在"),
        (["H001", "CY01", "2013", "1"], "年度", "不能小于2014"),
        (["H001", "CY01", "2099", "1"], "年度", "不能晚于今年"),
        (["H001", "CY01", "2019", "0"], "规模", "不能小于"),
        (["H001", "CY01", "2019", "许多"], "规模", "应为数字"),
        (["H001", "CY01", "2019", ""], "规模", "必填项为空"),
        (["H005", "CY01", "2019", "1"], "户编号", "脱贫属性为“注销”"),
    ],
)
def test_bad_household_industry_rows_reject_the_file(
    listed: Solar, row: list[str], column: str, reason: str
) -> None:
    Household.objects.filter(code="H005").update(poverty_status=PovertyStatus.CANCELLED)
    outcome = import_rows("household-industries", [HOUSEHOLDS, ["H002", "CY01", "2019", "10"], row])
    assert (3, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert not HouseholdIndustry.objects.exists()


def test_a_household_outside_the_importers_area_and_a_repeated_key(listed: Solar) -> None:
    from fupin.core.scope import Scope

    town_a = Scope(role="office_staff", area_prefixes=("610727100",), root_area_code="610727100000")
    outcome = import_rows("household-industries", [HOUSEHOLDS, ["H005", "CY01", "2019", "1"]], scope=town_a)
    assert (2, "户编号") in error_cells(outcome) and "不在您的管辖范围内" in messages(outcome)
    repeated = import_rows(
        "household-industries", [HOUSEHOLDS, ["H001", "CY01", "2019", "1"], ["H001", "CY01", "2019", "2"]]
    )
    assert "与第2行重复" in messages(repeated) and not HouseholdIndustry.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["CY07", "乌鸡", COUNTY, "羽（只）", "是", ""], "产业名称", "该名称已是产业编码 CY01 的名称"),
        (["CY07", "中蜂", "610727100000", "箱", "是", ""], "县区划代码", "须是已有的县级区划代码"),
        (["CY07", "中蜂", COUNTY, "桶", "是", ""], "规模单位", "应为以下之一"),
        (["CY07", "中蜂", COUNTY, "箱", "也许", ""], "中长期产业", ""),
        (["CY07", "中蜂", "610728000000", "箱", "是", ""], "县区划代码", ""),
    ],
)
def test_bad_industry_rows_reject_the_file(listed: Solar, row: list[str], column: str, reason: str) -> None:
    before = FeaturedIndustry.objects.count()
    outcome = import_rows("featured-industries", [INDUSTRIES, row], scope=COUNTY_ONLY)
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert FeaturedIndustry.objects.count() == before


def test_only_the_county_office_keeps_the_list_and_a_stale_edit_is_refused(listed: Solar) -> None:
    county = listed.personas.county.county
    for persona in ("town_official", "work_team", "county_leader", "outsider"):
        with pytest.raises(PermissionDenied):
            featured_industry_create(
                actor=SYSTEM,
                scope=listed.scope(persona),
                county=county,
                code="CY03",
                name="中药材",
                scale_unit=ScaleUnit.MU,
                medium_long_term=True,
            )
    herbs = featured_industry_create(
        actor=SYSTEM,
        scope=listed.scope("office_staff"),
        county=county,
        code="CY03",
        name="中药材",
        scale_unit=ScaleUnit.MU,
        medium_long_term=True,
    )
    featured_industry_update(
        actor=SYSTEM, scope=EVERYTHING, industry=herbs, expected_version=1, name="中药材（天麻）"
    )
    with pytest.raises(ConflictError):
        featured_industry_update(
            actor=SYSTEM, scope=EVERYTHING, industry=herbs, expected_version=1, name="天麻"
        )
    assert FeaturedIndustry.objects.get(code="CY03").name == "中药材（天麻）"


def test_industry_pages_by_persona(listed: Solar) -> None:
    import_rows(
        "household-industries", [HOUSEHOLDS, ["H001", "CY01", "2019", "200"], ["H005", "CY01", "2019", "5"]]
    )
    chicken = FeaturedIndustry.objects.get(code="CY01")
    team = listed.personas.client("work_team").get(f"/industry/{chicken.pk}/?year=2019").content.decode()
    assert 'data-household="H001"' in team and 'data-household="H005"' not in team
    office = listed.personas.client("office_staff")
    assert 'data-household="H005"' in office.get(f"/industry/{chicken.pk}/?year=2019").content.decode()
    uncovered = office.get("/industry/uncovered/?year=2019").content.decode()
    assert 'data-household="H002"' in uncovered and 'data-household="H001"' not in uncovered
    assert listed.personas.client("work_team").get("/industry/new/").status_code == 403
    assert listed.personas.client("outsider").get(f"/industry/{chicken.pk}/").status_code == 404
    created = office.post(
        "/industry/new/",
        {"code": "CY04", "name": "中蜂", "scale_unit": "hive", "medium_long_term": "on", "order": "4"},
    )
    assert (
        created.status_code == 302
        and FeaturedIndustry.objects.filter(code="CY04", county__code=COUNTY).exists()
    )
    duplicate = office.post(
        "/industry/new/", {"code": "CY05", "name": "中蜂", "scale_unit": "hive", "order": "5"}
    )
    assert "本县已有产业“中蜂”" in duplicate.content.decode()

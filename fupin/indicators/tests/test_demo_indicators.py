"""The demo county's indicators and key projects give the seed's figures: 农业总产值6.25亿元、农业增加值
3.64亿元，均增长4.7%；融资贷款1.32亿元；新增市场主体836个；公益岗位1687个；10个工业重点项目完成投资5.3亿元、
占年计划的58.9% — and the approval board has November's reports waiting."""

from __future__ import annotations

from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.demo.county import COUNTY_CODE, as_csv, build_county
from fupin.demo.indicators import demo_indicators
from fupin.indicators.figures import indicators_section, projects_section
from fupin.indicators.models import Report, ReportStatus
from fupin.ledgers.base import ImportContext
from fupin.ledgers.services import ledger_import_files
from fupin.ledgers.tests.helpers import EVERYTHING

ACTOR = Actor.system("演示数据", source="demo", batch="demo-test")


@pytest.fixture
def demo(db: None) -> dict[str, Any]:
    county = build_county(2019, with_registry=False)
    files = [(name, as_csv(county.ledgers()[name]), f"{name}.csv") for name in ("areas", "units")]
    assert ledger_import_files(files=files, context=ImportContext(actor=ACTOR, scope=EVERYTHING)).ok
    made = demo_indicators(2019, ACTOR, EVERYTHING)
    area = Area.objects.get(code=COUNTY_CODE)
    return {
        "made": made,
        "indicators": indicators_section(area, 2019, 11),
        "projects": projects_section(area, 2019, 11),
    }


def test_the_seed_figures(demo: dict[str, Any]) -> None:
    figures = demo["indicators"]
    assert (figures["NY01"]["ytd"], figures["NY02"]["ytd"]) == (62500.0, 36400.0)
    assert round(figures["NY01"]["growth"], 3) == 0.047 and round(figures["NY02"]["growth"], 3) == 0.047
    assert figures["JR01"]["ytd"] == 13200.0
    assert figures["SC01"]["ytd"] == 836.0
    assert figures["CJ02"]["ytd"] == 1687.0  # a stock: November's posts, not the months summed
    projects = demo["projects"]
    assert (projects["projects"], projects["planned_investment"], projects["completed_investment"]) == (
        10,
        90000.0,
        53000.0,
    )
    assert round(projects["completion"], 3) == 0.589
    assert projects["by_industry"] == {
        "工业": {"projects": 10, "planned_investment": 90000.0, "completed_investment": 53000.0}
    }


def test_november_waits_on_the_approval_board(demo: dict[str, Any]) -> None:
    november = Report.objects.filter(year=2019, period=11, kind="actual")
    assert november.filter(status=ReportStatus.SUBMITTED).exists()
    assert november.filter(status=ReportStatus.OPEN).exists()
    assert (
        not Report.objects.filter(year=2019, period=10, kind="actual")
        .exclude(status=ReportStatus.APPROVED)
        .exists()
    )

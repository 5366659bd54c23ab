"""On a phone (390×844), a county poverty-office user walks the industry app's main pages — the
featured industries, the 以奖代补 subsidies, the solar distribution plans and one frozen plan's
publicity list — and nothing sticks out sideways; the publicity list's ID numbers and phones are
masked, and the full number is nowhere in the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.fieldwork.tests.factories import fits_the_phone, phone, sign_in
from fupin.industry.models import FeaturedIndustry, SolarUse
from fupin.industry.services.solar import (
    solar_beneficiary_set,
    solar_distribution_create,
    solar_distribution_freeze,
)
from fupin.industry.services.subsidies import subsidy_apply
from fupin.industry.tests.conftest import REFERENCE, YEAR, Solar, solar
from fupin.ledgers.tests.helpers import import_rows, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["phone", "solar"]  # the fixtures, used by name


def _industry_data(solar: Solar) -> None:
    """A featured industry with a subsidy standard and one application, and a frozen solar plan
    of village A1 with one rewarded household."""
    outcome = import_rows(
        "featured-industries",
        [
            ["产业编码", "产业名称", "县区划代码", "规模单位", "中长期产业"],
            ["CY01", "乌鸡", "610727000000", "羽（只）", "是"],
        ],
    )
    assert outcome.ok, messages(outcome)
    outcome = import_rows(
        "subsidy-standards",
        [["产业编码", "年度", "起点规模", "补助金额（元）"], ["CY01", "2019", "50", "500"]],
    )
    assert outcome.ok, messages(outcome)
    subsidy_apply(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="BZ1",
        household=solar.households["H001"],
        industry=FeaturedIndustry.objects.get(code="CY01"),
        year=YEAR,
        project="新建鸡舍",
        planned_scale=Decimal(200),
        applied_on=dt.date(2019, 3, 1),
    )
    plan = solar_distribution_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        village=solar.personas.county.village_a1,
        year=YEAR,
        reference_date=REFERENCE,
        allocations={SolarUse.REWARDS: 10000},
    )
    solar_beneficiary_set(
        actor=SYSTEM,
        scope=EVERYTHING,
        distribution=plan,
        expected_version=None,
        use=SolarUse.REWARDS,
        household=solar.households["H001"],
        weight=Decimal(1),
    )
    solar_distribution_freeze(
        actor=SYSTEM, scope=EVERYTHING, distribution=plan, expected_version=None, approved_on=REFERENCE
    )


def test_a_county_office_user_walks_the_industry_pages_on_a_phone(
    solar: Solar, live_server: Any, phone: Any
) -> None:
    _industry_data(solar)
    base = live_server.url
    sign_in(phone, base, "office_staff")

    phone.goto(f"{base}/industry/?year={YEAR}")
    phone.get_by_role("heading", name="特色产业").wait_for()
    assert phone.get_by_role("link", name="乌鸡").count() == 1
    assert fits_the_phone(phone)

    phone.goto(f"{base}/industry/subsidies/?year={YEAR}")
    phone.get_by_role("heading", name="到户产业补助").wait_for()
    assert phone.get_by_role("link", name="BZ1").count() == 1
    assert fits_the_phone(phone)

    phone.goto(f"{base}/industry/solar/distributions/?year={YEAR}")
    phone.get_by_role("heading", name="光伏收益分配方案").wait_for()
    assert phone.locator('[data-plan="610727100200"]').count() == 1
    assert fits_the_phone(phone)

    phone.goto(f"{base}/industry/solar/publicity/?year={YEAR}")
    phone.get_by_role("heading", name="光伏扶贫收益分配公示名单").wait_for()
    row = phone.locator('#publicity tr[data-household="H001"]')
    assert row.count() == 1
    full_id = solar.households["H001"].head_id_number
    masked_id = full_id[:6] + "********" + full_id[-4:]
    # On a phone the ID and phone columns fold away; what the page holds is masked all the same.
    cells = [text.strip() for text in row.locator("td").all_text_contents()]
    assert masked_id in cells and "139****5678" in cells
    assert full_id not in phone.content()
    assert fits_the_phone(phone)

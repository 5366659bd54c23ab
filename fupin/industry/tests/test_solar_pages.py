"""The solar pages as each persona sees them: the office makes and freezes a plan on the page, the
work team and the town see their area read-only, an outsider sees nothing, and the publicity list
and its Excel carry masked ID numbers and phones."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fupin.industry.models import DistributionStatus, SolarDistribution, SolarPayout, SolarUse
from fupin.industry.services.solar import solar_distribution_create
from fupin.industry.tests.conftest import EVERYTHING, REFERENCE, SYSTEM, YEAR, Solar

pytestmark = pytest.mark.django_db


def _plan(solar: Solar, village=None) -> SolarDistribution:  # type: ignore[no-untyped-def]
    return solar_distribution_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        village=village or solar.personas.county.village_a1,
        year=YEAR,
        reference_date=REFERENCE,
        allocations={SolarUse.REWARDS: 10000, SolarUse.PUBLIC_WORKS: 5000},
    )


def test_the_office_makes_names_and_freezes_a_plan_on_the_page(solar: Solar) -> None:
    client = solar.personas.client("office_staff")
    response = client.post(
        "/industry/solar/distributions/new/",
        {
            "village_code": "610727100200",
            "year": YEAR,
            "reference_date": "2019-12-31",
            "jobs": "0",
            "public_works": "1000.00",
            "rewards": "100.00",
            "notes": "四议两公开通过",
        },
    )
    plan = SolarDistribution.objects.get()
    assert response.status_code == 302 and plan.total_fen == 110000
    url = f"/industry/solar/distributions/{plan.pk}/"
    for code in ("H001", "H002", "H003"):
        plan.refresh_from_db()
        reply = client.post(
            url,
            {
                "action": "add",
                "use": SolarUse.REWARDS,
                "household_code": code,
                "weight": "1",
                "version": plan.version,
            },
        )
        assert reply.status_code == 302
    # A household of another village is refused on the form, naming it.
    plan.refresh_from_db()
    refused = client.post(
        url,
        {
            "action": "add",
            "use": SolarUse.REWARDS,
            "household_code": "H004",
            "weight": "1",
            "version": plan.version,
        },
    )
    assert "H004 在基准日期2019-12-31不住在本村" in refused.content.decode()
    # A stale version is refused and changes nothing.
    stale = client.post(url, {"action": "freeze", "approved_on": "2019-12-31", "version": plan.version - 1})
    assert "已被他人修改" in stale.content.decode()
    assert SolarDistribution.objects.get().status == DistributionStatus.DRAFT
    client.post(url, {"action": "freeze", "approved_on": "2019-12-31", "version": plan.version})
    assert sorted(SolarPayout.objects.values_list("amount_fen", flat=True)) == [3333, 3333, 3334]
    page = client.get(url).content.decode()
    assert 'data-household="H001"' in page and "已定稿" in page and "添加受益户" not in page


def test_the_amount_in_yuan_with_three_decimals_is_refused(solar: Solar) -> None:
    client = solar.personas.client("office_staff")
    response = client.post(
        "/industry/solar/distributions/new/",
        {
            "village_code": "610727100200",
            "year": YEAR,
            "reference_date": "2019-12-31",
            "jobs": "0",
            "public_works": "1.005",
            "rewards": "0",
        },
    )
    assert response.status_code == 200 and not SolarDistribution.objects.exists()


def test_each_persona_sees_and_changes_only_its_area(solar: Solar) -> None:
    a1 = _plan(solar)
    a2 = _plan(solar, village=solar.personas.county.village_a2)
    seen = {
        persona: {
            plan.area_code
            for plan in (a1, a2)
            if solar.personas.client(persona).get(f"/industry/solar/distributions/{plan.pk}/").status_code
            == 200
        }
        for persona in ("county_leader", "town_official", "work_team", "outsider")
    }
    assert seen == {
        "county_leader": {"610727100200", "610727100201"},
        "town_official": {"610727100200", "610727100201"},
        "work_team": {"610727100200"},
        "outsider": set(),
    }
    for persona in ("county_leader", "town_official", "work_team"):
        reply = solar.personas.client(persona).post(
            f"/industry/solar/distributions/{a1.pk}/",
            {
                "action": "add",
                "use": SolarUse.REWARDS,
                "household_code": "H001",
                "weight": "1",
                "version": a1.version,
            },
        )
        assert reply.status_code == 403
        assert solar.personas.client(persona).get("/industry/solar/distributions/new/").status_code == 403
    assert not a1.beneficiaries.exists()
    assert (
        solar.personas.client("outsider").get(f"/industry/solar/stations/{solar.station.pk}/").status_code
        == 404
    )
    assert (
        solar.personas.client("work_team").get(f"/industry/solar/stations/{solar.station.pk}/").status_code
        == 200
    )


def test_the_publicity_list_and_its_excel_mask_id_numbers_and_phones(solar: Solar) -> None:
    plan = _plan(solar)
    client = solar.personas.client("office_staff")
    url = f"/industry/solar/distributions/{plan.pk}/"
    client.post(
        url,
        {
            "action": "add",
            "use": SolarUse.REWARDS,
            "household_code": "H001",
            "weight": "1",
            "version": plan.version,
        },
    )
    plan.refresh_from_db()
    client.post(url, {"action": "freeze", "approved_on": "2019-12-31", "version": plan.version})
    full_id = solar.households["H001"].head_id_number
    page = client.get(f"/industry/solar/publicity/?year={YEAR}").content.decode()
    assert full_id not in page and full_id[:6] + "********" + full_id[-4:] in page and "139****5678" in page
    data = client.get(f"/industry/solar/publicity/?year={YEAR}&format=xlsx").content
    rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    village = solar.personas.county.village_a1.name
    assert rows[2][1:6] == [
        village,
        "H001",
        solar.households["H001"].head_name,
        full_id[:6] + "********" + full_id[-4:],
        "139****5678",
    ]
    assert Decimal(str(rows[2][-1])) == Decimal("100.00")
    assert all(full_id not in str(cell) for row in rows for cell in row)
    # Another county's administrator sees no row of this county's villages.
    town_b_view = (
        solar.personas.client("outsider").get(f"/industry/solar/publicity/?year={YEAR}").content.decode()
    )
    assert "H001" not in town_b_view


def test_station_list_shows_the_years_income(solar: Solar) -> None:
    page = solar.personas.client("county_leader").get(f"/industry/solar/?year={YEAR}").content.decode()
    assert 'data-station="GF01"' in page and "10000.00" in page


def test_the_api_serves_the_scoped_masked_payouts_and_plans(solar: Solar) -> None:
    plan = _plan(solar)
    client = solar.personas.client("office_staff")
    url = f"/industry/solar/distributions/{plan.pk}/"
    client.post(
        url,
        {
            "action": "add",
            "use": SolarUse.REWARDS,
            "household_code": "H001",
            "weight": "1",
            "version": plan.version,
        },
    )
    plan.refresh_from_db()
    client.post(url, {"action": "freeze", "approved_on": "2019-12-31", "version": plan.version})
    _plan(solar, village=solar.personas.county.village_a2)
    full_id = solar.households["H001"].head_id_number
    reply = client.get(f"/api/solar/payouts/?year={YEAR}")
    body = reply.content.decode()
    assert reply.status_code == 200 and '"household_code":"H001"' in body and '"amount_fen":10000' in body
    assert full_id not in body and full_id[:6] + "********" + full_id[-4:] in body
    team = solar.personas.client("work_team").get(f"/api/solar/distributions/?year={YEAR}").content.decode()
    assert "610727100200" in team and "610727100201" not in team
    assert (
        "H001"
        not in solar.personas.client("outsider").get(f"/api/solar/payouts/?year={YEAR}").content.decode()
    )
    assert solar.personas.client("public").get(f"/api/solar/payouts/?year={YEAR}").status_code == 403

"""The solar distribution to the fen: uneven shares, a household that moved mid-year, and payouts
that stay as they were frozen after later registry edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import DistributionStatus, SolarPayout, SolarUse
from fupin.industry.services.solar import (
    solar_beneficiary_set,
    solar_distribution_create,
    solar_distribution_freeze,
    solar_distribution_update,
    village_incomes,
)
from fupin.industry.tests.conftest import EVERYTHING, REFERENCE, SYSTEM, YEAR, Solar
from fupin.registry.models import Household
from fupin.registry.services.households import households_upsert

pytestmark = pytest.mark.django_db


def _plan(solar: Solar, jobs: int = 0, works: int = 0, rewards: int = 0, village=None):  # type: ignore[no-untyped-def]
    return solar_distribution_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        village=village or solar.personas.county.village_a1,
        year=YEAR,
        reference_date=REFERENCE,
        allocations={SolarUse.JOBS: jobs, SolarUse.PUBLIC_WORKS: works, SolarUse.REWARDS: rewards},
    )


def _name(solar: Solar, distribution, code: str, use: str, weight: str = "1"):  # type: ignore[no-untyped-def]
    distribution.refresh_from_db()
    return solar_beneficiary_set(
        actor=SYSTEM,
        scope=EVERYTHING,
        distribution=distribution,
        expected_version=distribution.version,
        use=use,
        household=solar.households[code],
        weight=Decimal(weight),
    )


def _freeze(distribution):  # type: ignore[no-untyped-def]
    distribution.refresh_from_db()
    return solar_distribution_freeze(
        actor=SYSTEM,
        scope=EVERYTHING,
        distribution=distribution,
        expected_version=distribution.version,
        approved_on=dt.date(2020, 1, 1) if distribution.reference_date.year == 2020 else REFERENCE,
    )


def test_station_income_is_split_among_owning_villages_to_the_fen(solar: Solar) -> None:
    county = solar.personas.county
    incomes = village_incomes(YEAR, [county.village_a1.pk, county.village_a2.pk, county.village_b1.pk])
    assert incomes == {county.village_a1.pk: 666667, county.village_a2.pk: 333333, county.village_b1.pk: 0}


def test_uneven_shares_are_paid_to_the_fen_and_sum_to_the_plan(solar: Solar) -> None:
    # 6,666.67 yuan: 3,000.00 public works, 2,000.00 wages by 1 : 1 : 1, 1,666.67 rewards by 2 : 1.
    plan = _plan(solar, jobs=200000, works=300000, rewards=166667)
    for code in ("H001", "H002", "H003"):
        _name(solar, plan, code, SolarUse.JOBS)
    _name(solar, plan, "H001", SolarUse.REWARDS, "2")
    _name(solar, plan, "H003", SolarUse.REWARDS, "1")
    frozen = _freeze(plan)
    assert frozen.status == DistributionStatus.FROZEN
    paid = {(p.use, p.household_code): p.amount_fen for p in SolarPayout.objects.filter(distribution=frozen)}
    assert paid == {
        (SolarUse.JOBS, "H001"): 66667,  # 666.666… ×3: the leftover fen goes to the smallest code
        (SolarUse.JOBS, "H002"): 66667,
        (SolarUse.JOBS, "H003"): 66666,
        (SolarUse.REWARDS, "H001"): 111111,  # 1,111.113…
        (SolarUse.REWARDS, "H003"): 55556,  # 555.556…: larger remainder gets the fen
    }
    assert sum(paid.values()) + 300000 == frozen.total_fen == 666667


def test_a_plan_may_not_exceed_the_villages_income(solar: Solar) -> None:
    with pytest.raises(ApplicationError, match=r"超过该村2019年光伏收益6,666\.67元"):
        _plan(solar, works=666668)


def test_the_snapshot_does_not_change_after_the_household_is_edited(solar: Solar) -> None:
    plan = _plan(solar, rewards=100000)
    _name(solar, plan, "H001", SolarUse.REWARDS)
    _freeze(plan)
    household = Household.objects.get(code="H001")
    original_head, original_id = household.head_name, household.head_id_number
    Household.objects.filter(pk=household.pk).update(head_name="改过的名字", phone="13800000000")
    payout = SolarPayout.objects.get(household_code="H001")
    assert (payout.head_name, payout.village_code, payout.amount_fen) == (
        original_head,
        "610727100200",
        100000,
    )
    assert payout.head_id_masked == original_id[:6] + "********" + original_id[-4:]
    assert payout.phone_masked == "139****5678"


def test_a_frozen_plan_is_not_edited_and_a_stale_version_is_refused(solar: Solar) -> None:
    plan = _plan(solar, works=100000)
    stale = plan.version
    solar_distribution_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        distribution=plan,
        expected_version=stale,
        reference_date=REFERENCE,
        allocations={SolarUse.PUBLIC_WORKS: 200000},
    )
    with pytest.raises(ConflictError):
        solar_distribution_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            distribution=plan,
            expected_version=stale,
            reference_date=REFERENCE,
            allocations={SolarUse.PUBLIC_WORKS: 300000},
        )
    _freeze(plan)
    plan.refresh_from_db()
    with pytest.raises(ApplicationError, match="已定稿"):
        _name(solar, plan, "H001", SolarUse.REWARDS)


def test_a_use_with_money_needs_households(solar: Solar) -> None:
    plan = _plan(solar, jobs=1000)
    with pytest.raises(ApplicationError, match="没有受益户"):
        _freeze(plan)
    plan.refresh_from_db()
    assert plan.status == DistributionStatus.DRAFT


def _move(code: str, village_code: str, when: dt.datetime) -> None:
    """Move a household through the registry's own import service, then date its change-log row."""
    household = Household.objects.get(code=code)
    from fupin.areas.models import Area

    village = Area.objects.get(code=village_code)
    row = {f: getattr(household, f) for f in ("code", "head_name", "head_id_number", "size")}
    row |= {
        "village": village,
        "area_code": village.code,
        "identification_standard": household.identification_standard,
        "category": household.category,
        "main_cause": household.main_cause,
        "poverty_status": household.poverty_status,
        "registered_year": household.registered_year,
    }
    households_upsert(actor=Actor.system("迁移"), rows=[row])
    ChangeLog.objects.filter(object_type="registry.household", action="update").update(
        at=when.replace(tzinfo=dt.UTC)
    )


def test_a_household_that_moved_mid_year_is_paid_where_it_lived_on_the_reference_date(solar: Solar) -> None:
    county = solar.personas.county
    # H004 lived in A2 and moved to A1 on 2019-07-01; A1's plan is referenced on 2019-06-30.
    _move("H004", county.village_a1.code, dt.datetime(2019, 7, 1, 9))
    early = solar_distribution_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        village=county.village_a1,
        year=YEAR,
        reference_date=dt.date(2019, 6, 30),
        allocations={SolarUse.REWARDS: 3000},
    )
    with pytest.raises(
        ApplicationError, match="H004 在基准日期2019-06-30不住在本村（当时所在区划 610727100201）"
    ):
        _name(solar, early, "H004", SolarUse.REWARDS)
    # A2's plan on the same date pays it; after the move it belongs to A1.
    a2 = _plan(solar, rewards=3000, village=county.village_a2)
    a2.reference_date = dt.date(2019, 6, 30)
    a2.save()
    _name(solar, a2, "H004", SolarUse.REWARDS)
    _name(solar, a2, "H004", SolarUse.REWARDS, "2")  # naming again changes the share
    _freeze(a2)
    payout = SolarPayout.objects.get(household_code="H004")
    assert (payout.village_code, payout.amount_fen) == (county.village_a2.code, 3000)
    early.reference_date = dt.date(2019, 12, 31)
    early.save()
    _name(solar, early, "H004", SolarUse.REWARDS)  # on 12-31 it lives in A1


def test_only_the_county_office_of_the_area_makes_plans(solar: Solar) -> None:
    for persona in ("town_official", "work_team", "paired_cadre", "county_leader", "outsider"):
        with pytest.raises(PermissionDenied):
            solar_distribution_create(
                actor=SYSTEM,
                scope=solar.scope(persona),
                village=solar.personas.county.village_a1,
                year=YEAR,
                reference_date=REFERENCE,
                allocations={SolarUse.PUBLIC_WORKS: 100},
            )
    plan = solar_distribution_create(
        actor=SYSTEM,
        scope=solar.scope("office_staff"),
        village=solar.personas.county.village_a1,
        year=YEAR,
        reference_date=REFERENCE,
        allocations={SolarUse.PUBLIC_WORKS: 100},
    )
    assert ChangeLog.objects.filter(object_type="industry.solardistribution", object_id=plan.pk).exists()

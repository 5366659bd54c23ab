"""The page that enters and corrects one household's industry in a year: the ledger's rules
(household in scope and registered, the county's industry, not a future year, one record a year),
the scale corrected by version, and only the county office may write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.industry.services.industries import household_industry_create, household_industry_update
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.registry.models import Household, PovertyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def chicken(solar: Solar) -> FeaturedIndustry:
    return FeaturedIndustry.objects.create(
        county=Area.objects.get(code="610727000000"),
        code="CY01",
        name="乌鸡",
        scale_unit=ScaleUnit.values[0],
        medium_long_term=True,
    )


def _errors(reply: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in reply.context["form"].errors.items()}


def test_the_office_enters_and_corrects_a_households_industry(
    solar: Solar, chicken: FeaturedIndustry
) -> None:
    office = solar.personas.client("office_staff")
    base = f"/industry/{chicken.pk}/households"
    assert "登记户产业" in office.get(f"/industry/{chicken.pk}/?year=2019").content.decode()
    reply = office.post(f"{base}/new/", {"household_code": "H001", "year": "2019", "scale": "120"})
    assert reply.status_code == 302 and reply["Location"] == f"/industry/{chicken.pk}/?year=2019"
    record = HouseholdIndustry.objects.get()
    assert (record.scale, record.area_code) == (Decimal(120), solar.households["H001"].area_code)
    assert ChangeLog.objects.filter(object_id=record.pk, action="create").exists()
    twice = _errors(office.post(f"{base}/new/", {"household_code": "H001", "year": "2019", "scale": "1"}))
    assert twice["household_code"] == ["该户2019年已登记“乌鸡”，请修改该条记录"]
    edit = f"{base}/{record.pk}/"
    assert "120" in office.get(edit).content.decode()
    moved = {"household_code": "H002", "year": "2018", "scale": "150", "version": "1"}
    assert office.post(edit, moved).status_code == 302
    record.refresh_from_db()
    assert (record.scale, record.year, record.household.code, record.version) == (
        Decimal(150),
        2019,
        "H001",
        2,
    )
    stale = office.post(edit, moved | {"scale": "9"})
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    with pytest.raises(ConflictError):
        household_industry_update(
            actor=SYSTEM, scope=EVERYTHING, record=record, expected_version=1, scale=Decimal(1)
        )


@pytest.mark.parametrize(
    ("post", "field", "reason"),
    [
        ({"household_code": "H999"}, "household_code", "户编号不存在或不在您的管辖范围内"),
        ({"household_code": "H003"}, "household_code", "该户脱贫属性为“注销”，不能登记产业"),
        ({"year": "2999"}, "year", ""),
        ({"scale": "0"}, "scale", ""),
    ],
)
def test_a_record_against_the_rules_is_refused_beside_its_field(
    solar: Solar, chicken: FeaturedIndustry, post: dict[str, str], field: str, reason: str
) -> None:
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.CANCELLED)
    data = {"household_code": "H001", "year": "2019", "scale": "10"} | post
    reply = solar.personas.client("office_staff").post(f"/industry/{chicken.pk}/households/new/", data)
    errors = _errors(reply)
    assert field in errors and reason in " ".join(errors[field]), errors
    assert not HouseholdIndustry.objects.exists()


def test_a_future_year_is_the_ledgers_rule_in_the_service(solar: Solar, chicken: FeaturedIndustry) -> None:
    with pytest.raises(ApplicationError, match="年度不能晚于今年"):
        household_industry_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            household=solar.households["H001"],
            industry=chicken,
            year=2099,
            scale=Decimal(1),
        )


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_form(
    solar: Solar, chicken: FeaturedIndustry, persona: str
) -> None:
    record = household_industry_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        household=solar.households["H001"],
        industry=chicken,
        year=2019,
        scale=Decimal(5),
    )
    client = solar.personas.client(persona)
    assert "登记户产业" not in client.get(f"/industry/{chicken.pk}/?year=2019").content.decode()
    for url in (f"/industry/{chicken.pk}/households/new/", f"/industry/{chicken.pk}/households/{record.pk}/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"household_code": "H002", "year": "2019", "scale": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        household_industry_update(
            actor=SYSTEM, scope=solar.scope(persona), record=record, expected_version=1, scale=Decimal(1)
        )
    assert HouseholdIndustry.objects.get().version == 1


def test_another_countys_office_reaches_neither_the_industry_nor_the_household(
    solar: Solar, chicken: FeaturedIndustry
) -> None:
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/{chicken.pk}/households/new/").status_code == 404
    with pytest.raises(PermissionDenied):
        household_industry_create(
            actor=SYSTEM,
            scope=solar.scope("outsider"),
            household=solar.households["H001"],
            industry=chicken,
            year=2019,
            scale=Decimal(1),
        )
    assert not HouseholdIndustry.objects.exists()

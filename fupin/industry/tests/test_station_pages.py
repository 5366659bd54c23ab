"""Pages that enter and correct solar stations (with their villages' shares) and their monthly
income: the ledgers' rules beside their fields, versions checked, and only the county office of the
stations' villages may write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.models import Area, AreaLevel
from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import SolarIncome, SolarOwnership, SolarStation
from fupin.industry.services.solar import solar_income_record, solar_station_update
from fupin.industry.tests.conftest import SYSTEM, Solar

pytestmark = pytest.mark.django_db


def _errors(reply: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in reply.context["form"].errors.items()}


def _station_post(solar: Solar, **changes: str) -> dict[str, str]:
    county = solar.personas.county
    return {
        "code": "GF02",
        "name": "二号联村电站",
        "area_code": county.village_a2.code,
        "capacity_kw": "200",
        "connected_on": "2018-06-30",
        "owners": f"{county.village_a2.code} 1\n{county.village_b1.code}，3",
    } | changes


def test_the_office_adds_a_shared_station_and_corrects_its_shares(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    county = solar.personas.county
    assert "新增电站" in office.get("/industry/solar/").content.decode()
    assert office.get("/industry/solar/stations/new/").status_code == 200
    reply = office.post("/industry/solar/stations/new/", _station_post(solar))
    station = SolarStation.objects.get(code="GF02")
    assert reply.status_code == 302 and reply["Location"] == f"/industry/solar/stations/{station.pk}/"
    shares = {o.village.code: o.share for o in station.owners.select_related("village")}
    assert shares == {county.village_a2.code: Decimal(1), county.village_b1.code: Decimal(3)}
    url = f"/industry/solar/stations/{station.pk}/edit/"
    assert f"{county.village_b1.code} 3" in office.get(url).content.decode()
    edit = _station_post(solar, code="ignored", owners=f"{county.village_a2.code} 2", version="1")
    assert office.post(url, edit).status_code == 302
    station.refresh_from_db()
    assert station.version == 2 and station.code == "GF02"
    assert list(station.owners.values_list("village__code", "share")) == [
        (county.village_a2.code, Decimal(2))
    ]
    assert ChangeLog.objects.filter(action="delete").count() == 1
    stale = office.post(url, _station_post(solar, capacity_kw="999", version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    station.refresh_from_db()
    assert station.capacity_kw == Decimal(200)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"code": "GF01"}, "code", "电站编号“GF01”已被使用"),
        ({"owners": "610727999999 1"}, "owners", "610727999999：区划代码不存在"),
        ({"owners": "610727100000 1"}, "owners", "所属村须是村级区划"),
        ({"owners": "x"}, "owners", "第1行应为“村区划代码 份额”"),
        ({"owners": "{a2} 0"}, "owners", "产权份额须大于0"),
        ({"owners": "{a2} 1\n{a2} 2"}, "owners", "重复"),
        ({"area_code": "999"}, "area_code", "区划代码不存在或不在您的管辖范围内"),
        ({"capacity_kw": "0"}, "capacity_kw", ""),
    ],
)
def test_a_station_against_the_rules_is_refused_beside_its_field(
    solar: Solar, changes: dict[str, str], field: str, reason: str
) -> None:
    a2 = solar.personas.county.village_a2.code
    if "owners" in changes:
        changes["owners"] = changes["owners"].replace("{a2}", a2)
        if changes["owners"] == "610727100000 1":
            changes["owners"] = f"{solar.personas.county.town_a.code} 1"
    reply = solar.personas.client("office_staff").post(
        "/industry/solar/stations/new/", _station_post(solar, **changes)
    )
    errors = _errors(reply)
    assert field in errors and reason in " ".join(errors[field]), errors
    assert SolarStation.objects.count() == 1


def test_monthly_income_is_entered_once_a_month_and_corrected_by_version(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    station = solar.station
    base = f"/industry/solar/stations/{station.pk}/income"
    assert "登记月收入" in office.get(f"/industry/solar/stations/{station.pk}/").content.decode()
    reply = office.post(f"{base}/new/", {"month": "2019-07", "generation_kwh": "1200.5", "income": "900.10"})
    assert reply.status_code == 302
    july = SolarIncome.objects.get(station=station, month=dt.date(2019, 7, 1))
    assert (july.income_fen, july.generation_kwh) == (90010, Decimal("1200.5"))
    twice = _errors(office.post(f"{base}/new/", {"month": "2019-07", "generation_kwh": "1", "income": "1"}))
    assert twice["month"] == ["2019-07 的收入已登记，请在该月的“修改”中更正"]
    future = _errors(office.post(f"{base}/new/", {"month": "2999-01", "generation_kwh": "1", "income": "1"}))
    assert future["month"] == ["月份不能晚于本月"]
    edit = f"{base}/{july.pk}/"
    assert "2019-07" in office.get(edit).content.decode()
    fixed = {"month": "2019-07", "generation_kwh": "1200.5", "income": "950", "version": "1"}
    assert office.post(edit, fixed).status_code == 302
    july.refresh_from_db()
    assert (july.income_fen, july.version) == (95000, 2)
    stale = office.post(edit, fixed | {"income": "1"})
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    with pytest.raises(ConflictError):
        solar_income_record(
            actor=SYSTEM,
            scope=solar.scope("office_staff"),
            station=station,
            month=dt.date(2019, 7, 1),
            generation_kwh=Decimal(1),
            income_fen=1,
            income=july,
            expected_version=1,
        )


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_station_pages(solar: Solar, persona: str) -> None:
    client = solar.personas.client(persona)
    station = solar.station
    income = station.incomes.first()
    assert income is not None
    assert "新增电站" not in client.get("/industry/solar/").content.decode()
    for url in (
        "/industry/solar/stations/new/",
        f"/industry/solar/stations/{station.pk}/edit/",
        f"/industry/solar/stations/{station.pk}/income/new/",
        f"/industry/solar/stations/{station.pk}/income/{income.pk}/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    with pytest.raises(PermissionDenied):
        solar_income_record(
            actor=SYSTEM,
            scope=solar.scope(persona),
            station=station,
            month=dt.date(2019, 8, 1),
            generation_kwh=Decimal(1),
            income_fen=1,
        )
    assert SolarStation.objects.get().version == 1 and station.incomes.count() == 2


def test_another_countys_office_cannot_reach_the_station_or_own_its_villages(solar: Solar) -> None:
    outsider = solar.personas.client("outsider")
    station = solar.station
    assert outsider.get(f"/industry/solar/stations/{station.pk}/edit/").status_code == 404
    assert outsider.post(f"/industry/solar/stations/{station.pk}/income/new/", {}).status_code == 404
    reply = outsider.post("/industry/solar/stations/new/", _station_post(solar))
    assert "area_code" in _errors(reply)
    with pytest.raises(PermissionDenied):
        solar_station_update(
            actor=SYSTEM,
            scope=solar.scope("outsider"),
            station=station,
            expected_version=1,
            name="x",
            area=station.area,
            capacity_kw=Decimal(1),
            connected_on=None,
            owners=[],
        )
    # The ledger's rule on the page: a village outside the office's county cannot own a share.
    village = Area.objects.create(
        code="610726100200", name="外县村", level=AreaLevel.VILLAGE, parent=solar.personas.county.other_county
    )
    office = solar.personas.client("office_staff")
    refused = _errors(
        office.post("/industry/solar/stations/new/", _station_post(solar, owners=f"{village.code} 1"))
    )
    assert refused["owners"] == ["610726100200：不在您的管辖范围内"]
    assert SolarOwnership.objects.count() == 2

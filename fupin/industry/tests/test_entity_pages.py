"""The page that enters and corrects a business entity: the ledger's area rule beside its field,
a correction checked against its version, and only the county office of the area may write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import BusinessEntity, EntityKind
from fupin.industry.services.entities import entity_create, entity_update
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar

pytestmark = pytest.mark.django_db


def _errors(reply: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in reply.context["form"].errors.items()}


def _post(solar: Solar, **changes: str) -> dict[str, str]:
    return {
        "code": "ZT01",
        "name": "略阳乌鸡专业合作社",
        "kind": EntityKind.COOPERATIVE,
        "area_code": solar.personas.county.village_a1.code,
        "established_on": "2016-05-01",
    } | changes


def _entity(solar: Solar) -> BusinessEntity:
    return entity_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="ZT01",
        name="合作社",
        kind=EntityKind.COOPERATIVE,
        area=solar.personas.county.village_a1,
        industry=None,
        established_on=dt.date(2016, 5, 1),
    )


def test_the_office_adds_and_corrects_an_entity(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    assert "新增主体" in office.get("/industry/entities/").content.decode()
    reply = office.post("/industry/entities/new/", _post(solar))
    entity = BusinessEntity.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/industry/entities/{entity.pk}/"
    assert entity.area_code == solar.personas.county.village_a1.code
    assert ChangeLog.objects.filter(object_id=entity.pk, action="create").exists()
    again = _errors(office.post("/industry/entities/new/", _post(solar)))
    assert again["code"] == ["主体编码“ZT01”已被使用"]
    url = f"/industry/entities/{entity.pk}/edit/"
    moved = _post(solar, code="X", area_code=solar.personas.county.village_b1.code, version="1")
    assert office.post(url, moved).status_code == 302
    entity.refresh_from_db()
    assert (entity.code, entity.area_code, entity.version) == (
        "ZT01",
        solar.personas.county.village_b1.code,
        2,
    )
    stale = office.post(url, _post(solar, name="别名", version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    assert BusinessEntity.objects.get().name == "略阳乌鸡专业合作社"
    with pytest.raises(ConflictError):
        entity_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            entity=entity,
            expected_version=1,
            name="x",
            kind=entity.kind,
            area=entity.area,
            industry=None,
            established_on=entity.established_on,
        )


def test_an_area_outside_the_county_is_refused_beside_its_field(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    other = solar.personas.county.other_county.code
    errors = _errors(office.post("/industry/entities/new/", _post(solar, area_code=other)))
    assert errors["area_code"] == ["区划代码不存在或不在您的管辖范围内"]
    assert "kind" in _errors(office.post("/industry/entities/new/", _post(solar, kind="bank")))
    assert not BusinessEntity.objects.exists()
    with pytest.raises(ApplicationError, match="不在您的管辖范围内"):
        entity_create(
            actor=SYSTEM,
            scope=solar.scope("office_staff"),
            code="ZT09",
            name="外县",
            kind=EntityKind.OTHER,
            area=solar.personas.county.other_county,
            industry=None,
            established_on=dt.date(2016, 1, 1),
        )


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_entity_form(solar: Solar, persona: str) -> None:
    entity = _entity(solar)
    client = solar.personas.client(persona)
    assert "新增主体" not in client.get("/industry/entities/").content.decode()
    for url in ("/industry/entities/new/", f"/industry/entities/{entity.pk}/edit/"):
        assert client.get(url).status_code == 403
        assert client.post(url, _post(solar, code="ZT02", version="1")).status_code == 403
    assert BusinessEntity.objects.get().version == 1


def test_another_countys_office_cannot_reach_the_entity(solar: Solar) -> None:
    entity = _entity(solar)
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/entities/{entity.pk}/edit/").status_code == 404
    assert (
        outsider.post(f"/industry/entities/{entity.pk}/edit/", _post(solar, version="1")).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        entity_update(
            actor=SYSTEM,
            scope=solar.scope("outsider"),
            entity=entity,
            expected_version=1,
            name="x",
            kind=entity.kind,
            area=entity.area,
            industry=None,
            established_on=entity.established_on,
        )

"""Pages that link a household to a business entity and record the link's income in a year: the
ledgers' rules beside their fields, corrections checked against their versions, and only the county
office of the household's area may write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import BenefitLink, BusinessEntity, EntityKind, LinkIncome, LinkType
from fupin.industry.services.entities import entity_create, link_create, link_income_record
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.registry.models import Household, PovertyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(solar: Solar) -> BusinessEntity:
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


def _link(solar: Solar, entity: BusinessEntity) -> BenefitLink:
    return link_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        entity=entity,
        household=solar.households["H001"],
        link_type=LinkType.SHARE_GUARANTEE,
        signed_on=dt.date(2017, 1, 1),
        ends_on=dt.date(2020, 12, 31),
    )


def _errors(reply: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in reply.context["form"].errors.items()}


def _post(**changes: str) -> dict[str, str]:
    return {
        "household_code": "H001",
        "link_type": LinkType.SHARE_GUARANTEE,
        "signed_on": "2017-01-01",
        "ends_on": "2020-12-31",
    } | changes


def test_the_office_links_a_household_and_corrects_the_link(solar: Solar, entity: BusinessEntity) -> None:
    office = solar.personas.client("office_staff")
    base = f"/industry/entities/{entity.pk}/links"
    assert "添加联结户" in office.get(f"/industry/entities/{entity.pk}/").content.decode()
    assert office.post(f"{base}/new/", _post()).status_code == 302
    link = BenefitLink.objects.get()
    assert link.area_code == solar.households["H001"].area_code
    assert ChangeLog.objects.filter(object_id=link.pk, action="create").exists()
    twice = _errors(office.post(f"{base}/new/", _post()))
    assert twice["household_code"] == ["户 H001 已与该主体联结，请修改原联结"]
    edit = f"{base}/{link.pk}/"
    assert office.post(edit, _post(household_code="H002", ends_on="", version="1")).status_code == 302
    link.refresh_from_db()
    assert (link.household.code, link.ends_on, link.version) == ("H001", None, 2)
    stale = office.post(edit, _post(version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"signed_on": "2015-01-01"}, "signed_on", "早于该主体的成立日期2016-05-01"),
        ({"ends_on": "2016-12-31"}, "ends_on", "协议到期日期须晚于签订日期"),
        ({"household_code": "H003"}, "household_code", "该户脱贫属性为“注销”，不能建立利益联结"),
        ({"household_code": "H999"}, "household_code", "户编号不存在或不在您的管辖范围内"),
    ],
)
def test_a_link_against_the_rules_is_refused_beside_its_field(
    solar: Solar, entity: BusinessEntity, changes: dict[str, str], field: str, reason: str
) -> None:
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.CANCELLED)
    reply = solar.personas.client("office_staff").post(
        f"/industry/entities/{entity.pk}/links/new/", _post(**changes)
    )
    assert _errors(reply)[field] == [reason]
    assert not BenefitLink.objects.exists()


def test_the_links_income_is_recorded_within_the_agreement_and_corrected_by_version(
    solar: Solar, entity: BusinessEntity
) -> None:
    office = solar.personas.client("office_staff")
    link = _link(solar, entity)
    url = f"/industry/entities/{entity.pk}/links/{link.pk}/income/"
    reply = office.post(f"{url}?year=2019", {"income": "1200"})
    assert reply.status_code == 302
    income = LinkIncome.objects.get()
    assert (income.year, income.income_fen) == (2019, 120000)
    assert "1,200.00" in office.get(f"/industry/entities/{entity.pk}/?year=2019").content.decode()
    # Posting the year again without its version is refused, with it the year is corrected.
    again = _errors(office.post(f"{url}?year=2019", {"income": "1"}))
    assert again["year"] == ["2019年收益已登记，请刷新后修改"]
    assert office.post(f"{url}?year=2019", {"income": "1300", "version": "1"}).status_code == 302
    income.refresh_from_db()
    assert (income.income_fen, income.version) == (130000, 2)
    stale = office.post(f"{url}?year=2019", {"income": "5", "version": "1"})
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    outside = _errors(office.post(f"{url}?year=2021", {"income": "5"}))
    assert outside["year"] == ["不在利益联结协议的有效期内"]
    # The agreement cannot be shortened past a year with income.
    short = _errors(
        office.post(
            f"/industry/entities/{entity.pk}/links/{link.pk}/",
            _post(ends_on="2018-12-31", version="1"),
        )
    )
    assert short["signed_on"] == ["2019年已登记收益，协议期限须包含该年"]
    with pytest.raises(ConflictError):
        link_income_record(
            actor=SYSTEM, scope=EVERYTHING, link=link, year=2019, income_fen=1, expected_version=1
        )


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_link_pages(
    solar: Solar, entity: BusinessEntity, persona: str
) -> None:
    link = _link(solar, entity)
    client = solar.personas.client(persona)
    assert "添加联结户" not in client.get(f"/industry/entities/{entity.pk}/").content.decode()
    base = f"/industry/entities/{entity.pk}/links"
    for url in (f"{base}/new/", f"{base}/{link.pk}/", f"{base}/{link.pk}/income/?year=2019"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"income": "1", **_post(household_code="H002")}).status_code == 403
    with pytest.raises(PermissionDenied):
        link_income_record(
            actor=SYSTEM,
            scope=solar.scope(persona),
            link=link,
            year=2019,
            income_fen=1,
            expected_version=None,
        )
    assert not LinkIncome.objects.exists() and BenefitLink.objects.get().version == 1


def test_another_countys_office_cannot_reach_the_links(solar: Solar, entity: BusinessEntity) -> None:
    link = _link(solar, entity)
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/entities/{entity.pk}/links/new/").status_code == 404
    assert outsider.post(f"/industry/entities/{entity.pk}/links/{link.pk}/income/", {}).status_code == 404
    with pytest.raises(PermissionDenied):
        link_create(
            actor=SYSTEM,
            scope=solar.scope("outsider"),
            entity=entity,
            household=solar.households["H002"],
            link_type=LinkType.LAND_JOBS,
            signed_on=dt.date(2018, 1, 1),
            ends_on=None,
        )
    assert BenefitLink.objects.count() == 1

"""The page that enters and corrects an industry insurance policy: the ledger's rules beside their
fields, a correction checked against its version and the claims already paid, and only the county
office of the household's area may write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import FeaturedIndustry, InsuranceClaim, InsurancePolicy, ScaleUnit
from fupin.industry.services.insurance import policy_create, policy_update
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


def _post(chicken: FeaturedIndustry, **changes: str) -> dict[str, str]:
    return {
        "code": "BD01",
        "household_code": "H001",
        "insurer": "人保财险略阳支公司",
        "industry": str(chicken.pk),
        "sum_insured": "3000",
        "premium": "90",
        "premium_subsidy": "72",
        "starts_on": "2019-03-01",
        "ends_on": "2020-02-29",
    } | changes


def _policy(solar: Solar, chicken: FeaturedIndustry) -> InsurancePolicy:
    return policy_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="BD01",
        household=solar.households["H001"],
        insurer="人保",
        industry=chicken,
        sum_insured_fen=300_000,
        premium_fen=9_000,
        premium_subsidy_fen=7_200,
        starts_on=dt.date(2019, 3, 1),
        ends_on=dt.date(2020, 2, 29),
    )


def _update(policy: InsurancePolicy, scope: Any = EVERYTHING, **changes: Any) -> InsurancePolicy:
    fields = {
        "insurer": policy.insurer,
        "industry": policy.industry,
        "sum_insured_fen": policy.sum_insured_fen,
        "premium_fen": policy.premium_fen,
        "premium_subsidy_fen": policy.premium_subsidy_fen,
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
        "expected_version": policy.version,
    } | changes
    return policy_update(actor=SYSTEM, scope=scope, policy=policy, **fields)


def test_the_office_enters_and_corrects_a_policy(solar: Solar, chicken: FeaturedIndustry) -> None:
    office = solar.personas.client("office_staff")
    assert "登记保单" in office.get("/industry/insurance/?year=2019").content.decode()
    reply = office.post("/industry/insurance/new/", _post(chicken))
    assert reply.status_code == 302 and reply["Location"] == "/industry/insurance/?year=2019"
    policy = InsurancePolicy.objects.get()
    assert (policy.premium_subsidy_fen, policy.area_code) == (7_200, solar.households["H001"].area_code)
    assert ChangeLog.objects.filter(object_id=policy.pk, action="create").exists()
    assert _errors(office.post("/industry/insurance/new/", _post(chicken)))["code"] == [
        "保单号“BD01”已被使用"
    ]
    url = f"/industry/insurance/{policy.pk}/edit/"
    assert "3000.00" in office.get(url).content.decode()
    edit = _post(chicken, household_code="H002", sum_insured="5000", version="1")
    assert office.post(url, edit).status_code == 302
    policy.refresh_from_db()
    assert (policy.household.code, policy.sum_insured_fen, policy.version) == ("H001", 500_000, 2)
    stale = office.post(url, _post(chicken, sum_insured="1", version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    InsuranceClaim.objects.create(
        policy=policy,
        occurred_on=dt.date(2019, 7, 1),
        cause="疫病",
        paid_on=dt.date(2019, 8, 1),
        paid_fen=200_000,
    )
    short = _errors(office.post(url, _post(chicken, sum_insured="1000", starts_on="2019-08-01", version="2")))
    assert short["sum_insured"] == ["已赔付2,000.00元，保险金额不能更少"]
    assert short["starts_on"] == ["2019-07-01的理赔须在保险期间内"]
    with pytest.raises(ConflictError):
        _update(policy, expected_version=1, insurer="别家")


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"sum_insured": "0"}, "sum_insured", "保险金额须大于0"),
        ({"premium": "0"}, "premium", "保费须大于0"),
        ({"premium_subsidy": "100"}, "premium_subsidy", "财政补贴不能超过保费"),
        ({"ends_on": "2019-03-01"}, "ends_on", "保险止期须晚于起期"),
        ({"household_code": "H003"}, "household_code", "该户脱贫属性为“注销”，不能参保"),
        ({"household_code": "H999"}, "household_code", "户编号不存在或不在您的管辖范围内"),
    ],
)
def test_a_policy_against_the_rules_is_refused_beside_its_field(
    solar: Solar, chicken: FeaturedIndustry, changes: dict[str, str], field: str, reason: str
) -> None:
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.CANCELLED)
    reply = solar.personas.client("office_staff").post("/industry/insurance/new/", _post(chicken, **changes))
    assert _errors(reply)[field] == [reason]
    assert not InsurancePolicy.objects.exists()


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_policy_form(
    solar: Solar, chicken: FeaturedIndustry, persona: str
) -> None:
    policy = _policy(solar, chicken)
    client = solar.personas.client(persona)
    assert "登记保单" not in client.get("/industry/insurance/?year=2019").content.decode()
    for url in ("/industry/insurance/new/", f"/industry/insurance/{policy.pk}/edit/"):
        assert client.get(url).status_code == 403
        assert client.post(url, _post(chicken, code="BD02", version="1")).status_code == 403
    with pytest.raises(PermissionDenied):
        _update(policy, solar.scope(persona), insurer="x")
    assert InsurancePolicy.objects.get().version == 1


def test_another_countys_office_cannot_reach_the_policy(solar: Solar, chicken: FeaturedIndustry) -> None:
    policy = _policy(solar, chicken)
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/insurance/{policy.pk}/edit/").status_code == 404
    assert outsider.post(f"/industry/insurance/{policy.pk}/edit/", _post(chicken)).status_code == 404
    with pytest.raises(PermissionDenied):
        _update(policy, solar.scope("outsider"), insurer="x")


def test_the_office_records_and_corrects_claims_within_the_policy(
    solar: Solar, chicken: FeaturedIndustry
) -> None:
    office = solar.personas.client("office_staff")
    policy = _policy(solar, chicken)
    new = f"/industry/insurance/{policy.pk}/claims/new/"
    assert "登记理赔" in office.get(f"/industry/insurance/{policy.pk}/edit/").content.decode()
    claim = {"occurred_on": "2019-07-01", "cause": "疫病", "paid_on": "2019-08-01", "paid": "2000"}
    reply = office.post(new, claim)
    assert reply.status_code == 302 and reply["Location"] == f"/industry/insurance/{policy.pk}/edit/"
    stored = InsuranceClaim.objects.get()
    assert stored.paid_fen == 200_000
    assert ChangeLog.objects.filter(object_id=stored.pk, action="create").exists()
    assert _errors(office.post(new, claim))["occurred_on"] == ["2019-07-01已有理赔记录，请修改该条"]
    over = _errors(
        office.post(new, claim | {"occurred_on": "2019-09-01", "paid_on": "2019-09-02", "paid": "1000.01"})
    )
    assert over["paid"] == ["累计赔付3,000.01元超过保险金额3,000.00元"]
    outside = _errors(office.post(new, claim | {"occurred_on": "2020-03-01", "paid_on": "2020-03-02"}))
    assert outside["occurred_on"] == ["不在保险期间（2019-03-01至2020-02-29）内"]
    early = _errors(office.post(new, claim | {"occurred_on": "2019-09-01", "paid_on": "2019-08-01"}))
    assert early["paid_on"] == ["赔付日期不能早于出险日期"]
    edit = f"/industry/insurance/{policy.pk}/claims/{stored.pk}/"
    assert office.post(edit, claim | {"paid": "3000", "version": "1"}).status_code == 302
    stored.refresh_from_db()
    assert (stored.paid_fen, stored.version) == (300_000, 2)
    stale = office.post(edit, claim | {"paid": "1", "version": "1"})
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    assert InsuranceClaim.objects.count() == 1


@pytest.mark.parametrize("persona", ["town_official", "work_team", "county_leader"])
def test_only_the_office_may_open_or_post_the_claim_form(
    solar: Solar, chicken: FeaturedIndustry, persona: str
) -> None:
    policy = _policy(solar, chicken)
    stored = InsuranceClaim.objects.create(
        policy=policy,
        occurred_on=dt.date(2019, 7, 1),
        cause="疫病",
        paid_on=dt.date(2019, 8, 1),
        paid_fen=100,
    )
    client = solar.personas.client(persona)
    claim = {
        "occurred_on": "2019-07-02",
        "cause": "疫病",
        "paid_on": "2019-08-01",
        "paid": "1",
        "version": "1",
    }
    for url in (
        f"/industry/insurance/{policy.pk}/claims/new/",
        f"/industry/insurance/{policy.pk}/claims/{stored.pk}/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, claim).status_code == 403
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/insurance/{policy.pk}/claims/{stored.pk}/").status_code == 404
    assert outsider.post(f"/industry/insurance/{policy.pk}/claims/new/", claim).status_code == 404
    assert InsuranceClaim.objects.get().version == 1

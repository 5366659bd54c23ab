"""The page that enters and corrects a mutual-aid association: the ledger's rules beside their
fields, a correction checked against its version and the money already out on loan, and only the
county office of the village may write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.core.exceptions import ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.industry.models import MutualAidAssociation, MutualAidLoan
from fupin.industry.services.mutual_aid import association_create, association_update
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar

pytestmark = pytest.mark.django_db


def _errors(reply: Any) -> dict[str, list[str]]:
    return {name: [str(e) for e in errs] for name, errs in reply.context["form"].errors.items()}


def _post(solar: Solar, **changes: str) -> dict[str, str]:
    return {
        "code": "HZ01",
        "name": "一村互助资金协会",
        "village_code": solar.personas.county.village_a1.code,
        "fund": "200000",
        "established_on": "2015-03-01",
    } | changes


def _association(solar: Solar) -> MutualAidAssociation:
    return association_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="HZ01",
        name="协会",
        village=solar.personas.county.village_a1,
        fund_fen=20_000_000,
        established_on=dt.date(2015, 3, 1),
    )


def test_the_office_adds_and_corrects_an_association(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    assert "新增协会" in office.get("/industry/mutual-aid/").content.decode()
    assert office.post("/industry/mutual-aid/new/", _post(solar)).status_code == 302
    association = MutualAidAssociation.objects.get()
    assert (association.fund_fen, association.area_code) == (
        20_000_000,
        solar.personas.county.village_a1.code,
    )
    assert ChangeLog.objects.filter(object_id=association.pk, action="create").exists()
    assert _errors(office.post("/industry/mutual-aid/new/", _post(solar)))["code"] == [
        "协会编码“HZ01”已被使用"
    ]
    url = f"/industry/mutual-aid/{association.pk}/edit/"
    moved = _post(solar, village_code=solar.personas.county.village_b1.code, fund="150000", version="1")
    assert office.post(url, moved).status_code == 302
    association.refresh_from_db()
    assert (association.area_code, association.fund_fen, association.version) == (
        solar.personas.county.village_a1.code,
        15_000_000,
        2,
    )
    stale = office.post(url, _post(solar, fund="1", version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    MutualAidLoan.objects.create(
        code="JK01",
        association=association,
        household=solar.households["H001"],
        area_code=solar.households["H001"].area_code,
        amount_fen=500_000,
        lent_on=dt.date(2019, 3, 1),
        due_on=dt.date(2020, 2, 1),
    )
    low = _errors(office.post(url, _post(solar, fund="4000", version="2")))
    assert low["fund"] == ["曾同时借出5,000.00元，资金总额不能更少"]
    with pytest.raises(ConflictError):
        association_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            association=association,
            expected_version=1,
            name="x",
            fund_fen=10_000_000,
            established_on=association.established_on,
        )


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"fund": "0"}, "fund", "资金总额须大于0"),
        ({"village_code": "610727100000"}, "village_code", "须是已有的村级区划代码"),
        ({"village_code": "610727999999"}, "village_code", "须是已有的村级区划代码"),
    ],
)
def test_an_association_against_the_rules_is_refused_beside_its_field(
    solar: Solar, changes: dict[str, str], field: str, reason: str
) -> None:
    reply = solar.personas.client("office_staff").post("/industry/mutual-aid/new/", _post(solar, **changes))
    assert _errors(reply)[field] == [reason]
    assert not MutualAidAssociation.objects.exists()


@pytest.mark.parametrize("persona", ["town_official", "work_team", "unit_user", "county_leader"])
def test_only_the_office_may_open_or_post_the_association_form(solar: Solar, persona: str) -> None:
    association = _association(solar)
    client = solar.personas.client(persona)
    assert "新增协会" not in client.get("/industry/mutual-aid/").content.decode()
    for url in ("/industry/mutual-aid/new/", f"/industry/mutual-aid/{association.pk}/edit/"):
        assert client.get(url).status_code == 403
        assert client.post(url, _post(solar, code="HZ02", version="1")).status_code == 403
    assert MutualAidAssociation.objects.get().version == 1


def test_another_countys_office_cannot_reach_the_association(solar: Solar) -> None:
    association = _association(solar)
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/mutual-aid/{association.pk}/edit/").status_code == 404
    reply = outsider.post("/industry/mutual-aid/new/", _post(solar, code="HZ02"))
    assert _errors(reply)["village_code"] == ["不在您的管辖范围内"]
    with pytest.raises(PermissionDenied):
        association_update(
            actor=SYSTEM,
            scope=solar.scope("outsider"),
            association=association,
            expected_version=1,
            name="x",
            fund_fen=1,
            established_on=association.established_on,
        )
    assert MutualAidAssociation.objects.count() == 1


def _loan_post(**changes: str) -> dict[str, str]:
    return {
        "code": "JK01",
        "household_code": "H001",
        "amount": "5000",
        "lent_on": "2019-03-01",
        "due_on": "2020-02-01",
        "repaid_on": "",
    } | changes


def test_the_office_lends_within_the_fund_and_records_the_repayment(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    association = association_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="HZ01",
        name="协会",
        village=solar.personas.county.village_a1,
        fund_fen=800_000,
        established_on=dt.date(2015, 3, 1),
    )
    base = f"/industry/mutual-aid/{association.pk}/loans"
    assert "登记借款" in office.get(f"/industry/mutual-aid/{association.pk}/edit/").content.decode()
    reply = office.post(f"{base}/new/", _loan_post())
    assert reply.status_code == 302 and reply["Location"] == f"/industry/mutual-aid/{association.pk}/edit/"
    loan = MutualAidLoan.objects.get()
    assert (loan.amount_fen, loan.area_code) == (500_000, solar.households["H001"].area_code)
    over = _errors(
        office.post(f"{base}/new/", _loan_post(code="JK02", household_code="H002", lent_on="2019-06-01"))
    )
    assert over["amount"] == ["2019-06-01协会在借合计10,000.00元，超过资金总额8,000.00元"]
    other_village = _errors(office.post(f"{base}/new/", _loan_post(code="JK03", household_code="H004")))
    assert other_village["household_code"] == ["不是该协会所在村的户"]
    long = _errors(office.post(f"{base}/new/", _loan_post(code="JK04", due_on="2020-03-02")))
    assert long["due_on"] == ["互助资金借款期限不超过12个月"]
    edit = f"{base}/{loan.pk}/"
    assert office.post(edit, _loan_post(repaid_on="2019-05-31", version="1")).status_code == 302
    loan.refresh_from_db()
    assert (loan.repaid_on, loan.version) == (dt.date(2019, 5, 31), 2)
    assert (
        office.post(
            f"{base}/new/", _loan_post(code="JK02", household_code="H002", lent_on="2019-06-01")
        ).status_code
        == 302
    )
    stale = office.post(edit, _loan_post(repaid_on="2019-05-31", amount="4000", version="1"))
    assert "已被他人修改" in " ".join(_errors(stale)["__all__"])
    # Undoing the repayment would put both loans out at once, over the fund.
    undo = _errors(office.post(edit, _loan_post(version="2")))
    assert "超过资金总额" in undo["amount"][0]


@pytest.mark.parametrize("persona", ["town_official", "work_team", "county_leader"])
def test_only_the_office_may_open_or_post_the_loan_form(solar: Solar, persona: str) -> None:
    association = _association(solar)
    loan = MutualAidLoan.objects.create(
        code="JK01",
        association=association,
        household=solar.households["H001"],
        area_code=solar.households["H001"].area_code,
        amount_fen=100,
        lent_on=dt.date(2019, 3, 1),
        due_on=dt.date(2020, 2, 1),
    )
    client = solar.personas.client(persona)
    base = f"/industry/mutual-aid/{association.pk}/loans"
    for url in (f"{base}/new/", f"{base}/{loan.pk}/"):
        assert client.get(url).status_code == 403
        assert client.post(url, _loan_post(code="JK02", version="1")).status_code == 403
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"{base}/{loan.pk}/").status_code == 404
    assert outsider.post(f"{base}/new/", _loan_post(code="JK02")).status_code == 404
    assert MutualAidLoan.objects.get().version == 1

from collections import Counter

import pytest
from django.core.management import call_command

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import ChangeLog
from fupin.core.roles import Role
from fupin.demo.county import build_county
from fupin.people.models import Account, Cadre, CadreCategory, Unit


def test_same_seed_same_county_other_seed_other_county() -> None:
    assert build_county(7).ledgers() == build_county(7).ledgers()
    assert build_county(7).cadres != build_county(8).cadres


def test_county_has_the_seed_shape() -> None:
    county = build_county(2019)
    levels = Counter(row["层级"] for row in county.areas)
    assert levels == {"县": 1, "乡镇": 17, "村": 152}
    poor = sum(1 for row in county.areas if row.get("贫困村") == "是")
    assert 0.5 * 152 < poor < 152
    assert len(county.units) == 229
    assert 5800 <= len(county.cadres) <= 6500
    categories = Counter(c for row in county.cadres for c in row["干部类别"].split("、"))
    assert categories["部门主要负责人"] == 156
    team = [
        row
        for row in county.cadres
        if {"第一书记", "驻村工作队长", "驻村工作队员"} & set(row["干部类别"].split("、"))
    ]
    assert len(team) == 420
    assert categories["县级领导"] > 0 and categories["镇干部"] > 0 and categories["村干部"] > 0


def test_people_are_valid_and_unique() -> None:
    cadres = build_county(2019).cadres
    ids = [row["身份证号"] for row in cadres]
    assert all(idnumber.id_number_error(number) is None for number in ids)
    assert len(set(ids)) == len(ids)
    phones = [row["手机号码"] for row in cadres]
    assert all(phone.phone_error(number) is None for number in phones)
    assert len(set(phones)) == len(phones)
    names = Counter(row["姓名"] for row in cadres)
    assert all(2 <= len(name) <= 3 for name in names)


@pytest.mark.django_db(transaction=True)
def test_demo_command_imports_through_ledgers_with_change_log_and_logins() -> None:
    call_command("demo", "--seed", "2019")
    assert Area.objects.filter(level="village").count() == 152
    assert Unit.objects.count() == 229
    assert Cadre.objects.count() == len(build_county(2019).cadres)
    assert Cadre.objects.with_category(CadreCategory.DEPARTMENT_HEAD).count() == 156
    assert ChangeLog.objects.filter(batch="demo-2019", action="create").count() >= 229 + 170 + 6000
    roles = set(Account.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    # A second run refuses; --if-empty skips quietly.
    call_command("demo", "--if-empty")
    assert Unit.objects.count() == 229


def test_registry_has_the_seed_counties_size_and_a_coverage_board_to_show() -> None:
    registry = build_county(2019).registry
    assert 12_500 <= len(registry.households) <= 14_000
    assert 40_000 <= len(registry.members) <= 47_000
    heads = {row["户编号"]: row["身份证号"] for row in registry.members if row["与户主关系"] == "户主"}
    assert all(heads[row["户编号"]] == row["户主身份证号"] for row in registry.households)
    ids = [row["身份证号"] for row in registry.members] + [
        row["身份证号"] for row in build_county(2019).cadres
    ]
    assert len(set(ids)) == len(ids)
    assert all(idnumber.sex_of(row["身份证号"]) == row["性别"] for row in registry.members)
    open_pairings = {row["户编号"] for row in registry.pairings if not row["结束日期"]}
    poor = [row["户编号"] for row in registry.households if row["脱贫属性"] in {"未脱贫", "返贫"}]
    unpaired = [code for code in poor if code not in open_pairings]
    assert 1 <= len(unpaired) <= 20
    ended_secretaries = [
        r for r in registry.work_teams if r["队内职务"].startswith("第一书记") and r["结束日期"]
    ]
    assert len(ended_secretaries) == 2
    load = Counter(row["干部编号"] for row in registry.pairings if not row["结束日期"])
    assert any(count > 5 for count in load.values())
    assert len({row["单位编码"] for row in registry.unit_villages}) < 229


@pytest.mark.django_db(transaction=True)
def test_demo_registry_imports_and_its_logins_see_their_own_part() -> None:
    from django.test import Client

    from fupin.registry.models import Household, Member
    from fupin.reports.figures import figures_document

    call_command("demo", "--seed", "2019")
    registry = build_county(2019).registry
    assert Household.objects.count() == len(registry.households)
    assert Member.objects.count() == len(registry.members)
    document = figures_document(Area.objects.get(code="610727000000"), "2019-11")
    assert document["duty"]["poor_households_unpaired"] >= 1
    assert document["duty"]["villages_with_first_secretary"] == 108
    client = Client()
    client.login(username="cadre", password="fupin2019")
    cadre = Cadre.objects.get(user__username="cadre")
    own = set(
        Household.objects.filter(pairings__cadre=cadre, pairings__end_date__isnull=True).values_list(
            "code", flat=True
        )
    )
    body = client.get("/households/").content.decode()
    assert own and all(code in body for code in own)
    assert (
        Household.objects.exclude(code__in=own)
        .filter(code__in=[c for c in body.split('"') if c.startswith("H")])
        .count()
        == 0
    )

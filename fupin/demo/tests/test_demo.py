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

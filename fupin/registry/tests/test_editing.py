"""Income line items and the per-capita figure, household and member edits with optimistic versions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.registry.models import Household, IncomeItem, Member
from fupin.registry.risk import income_per_capita
from fupin.registry.services.editing import IncomeLine, household_update, income_items_set, member_update
from fupin.registry.tests.conftest import YEAR, Registry

pytestmark = pytest.mark.django_db


def lines(**amounts: str) -> list[IncomeLine]:
    return [IncomeLine(kind, Decimal(amount)) for kind, amount in amounts.items()]


def test_income_items_set_computes_counted_net_income_per_capita(registry: Registry) -> None:
    household = registry.h1  # 2 people
    items = income_items_set(
        actor=registry.actor("work_team"),
        scope=registry.scope("work_team"),
        household=household,
        year=YEAR,
        items=lines(
            wages="9000",
            business_income="3000",
            business_expense="1000.50",
            dibao="1200",
            # Not counted toward net income: relief, medical reimbursements.
            temporary_relief="5000",
            medical_reimbursement="2000",
        ),
    )
    assert len(items) == 6
    household.refresh_from_db()
    # (9000 + 3000 − 1000.50 + 1200) / 2
    assert household.net_income_per_capita == Decimal("6099.75")
    assert income_per_capita(household, YEAR) == Decimal("6099.75")
    created = ChangeLog.objects.filter(object_type="registry.incomeitem", action="create")
    assert created.count() == 6
    assert ChangeLog.objects.filter(
        object_type="registry.household", object_id=household.pk, after__年人均纯收入="6099.75"
    ).exists()


def test_income_items_set_replaces_the_year(registry: Registry) -> None:
    household = registry.h1
    income_items_set(
        actor=SYSTEM,
        scope=EVERYTHING,
        household=household,
        year=YEAR,
        items=lines(wages="9000", dibao="1000"),
    )
    income_items_set(
        actor=SYSTEM, scope=EVERYTHING, household=household, year=YEAR, items=lines(wages="8000")
    )
    assert list(IncomeItem.objects.filter(household=household).values_list("kind", "amount")) == [
        ("wages", Decimal("8000.00"))
    ]
    household.refresh_from_db()
    assert household.net_income_per_capita == Decimal("4000.00")
    assert ChangeLog.objects.filter(object_type="registry.incomeitem", action="delete").count() == 1
    assert ChangeLog.objects.filter(object_type="registry.incomeitem", action="update").count() == 1


def test_an_earlier_year_does_not_overwrite_the_latest_figure(registry: Registry) -> None:
    household = registry.h1
    income_items_set(
        actor=SYSTEM, scope=EVERYTHING, household=household, year=YEAR, items=lines(wages="9000")
    )
    income_items_set(
        actor=SYSTEM, scope=EVERYTHING, household=household, year=YEAR - 1, items=lines(wages="3000")
    )
    household.refresh_from_db()
    assert household.net_income_per_capita == Decimal("4500.00")
    assert income_per_capita(household, YEAR - 1) == Decimal("1500.00")
    # A year before any line item has no figure: the stored one stands for the latest year only.
    assert income_per_capita(household, YEAR - 5) is None


@pytest.mark.parametrize(
    ("year", "items", "message"),
    [
        (YEAR, [IncomeLine("wages", Decimal("-1"))], "不能为负数"),
        (YEAR, [IncomeLine("lottery", Decimal("1"))], "未知的收支项目"),
        (YEAR, [IncomeLine("wages", Decimal("1")), IncomeLine("wages", Decimal("2"))], "收支项目重复"),
        (YEAR + 1, [IncomeLine("wages", Decimal("1"))], "年度应在"),
    ],
)
def test_income_items_set_refuses_bad_lines(
    registry: Registry, year: int, items: list[IncomeLine], message: str
) -> None:
    logs = ChangeLog.objects.count()
    with pytest.raises(ApplicationError, match=message):
        income_items_set(actor=SYSTEM, scope=EVERYTHING, household=registry.h1, year=year, items=items)
    assert IncomeItem.objects.count() == 0 and ChangeLog.objects.count() == logs


@pytest.mark.parametrize("persona", ["paired_cadre", "county_leader", "unit_user", "outsider"])
def test_income_refused_outside_village_work(registry: Registry, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        income_items_set(
            actor=registry.actor(persona),
            scope=registry.scope(persona),
            household=registry.h1,
            year=YEAR,
            items=lines(wages="1"),
        )
    assert IncomeItem.objects.count() == 0


def test_work_team_cannot_edit_a_household_of_another_village(registry: Registry) -> None:
    with pytest.raises(PermissionDenied):
        household_update(
            actor=registry.actor("work_team"),
            scope=registry.scope("work_team"),
            household=registry.h2,
            expected_version=registry.h2.version,
            housing_secure=True,
        )


def test_household_update_with_version_check(registry: Registry) -> None:
    household = registry.h1
    version = household.version
    updated = household_update(
        actor=registry.actor("town_official"),
        scope=registry.scope("town_official"),
        household=household,
        expected_version=version,
        housing_secure=True,
        water_secure=False,
        other_causes=["no_skills", "no_land"],
        housing_structure="brick_wood",
    )
    assert updated.version == version + 1
    assert (updated.housing_secure, updated.water_secure) == (True, False)
    assert updated.other_causes == ",no_skills,no_land,"
    log = ChangeLog.objects.get(object_type="registry.household", object_id=household.pk)
    assert log.after["住房安全有保障"] is True and log.actor_name == "town_official"
    with pytest.raises(ConflictError):
        household_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            household=household,
            expected_version=version,
            housing_secure=False,
        )
    assert Household.objects.get(pk=household.pk).housing_secure is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"poverty_status": "out"}, "不能修改这些字段"),
        ({"category": "rich"}, "请选择有效的选项"),
        ({"phone": "12345"}, "手机号码"),
        ({"other_causes": ["illness"]}, "不能与主要致贫原因相同"),
    ],
)
def test_household_update_refusals(registry: Registry, changes: dict[str, object], message: str) -> None:
    household = registry.h1
    with pytest.raises(ApplicationError, match=message):
        household_update(
            actor=SYSTEM, scope=EVERYTHING, household=household, expected_version=None, **changes
        )
    assert Household.objects.get(pk=household.pk).version == household.version
    assert not ChangeLog.objects.filter(object_type="registry.household").exists()


def test_member_update_renames_the_head_everywhere(registry: Registry) -> None:
    head = Member.objects.get(household=registry.h1, relation="head")
    member_update(
        actor=SYSTEM, scope=EVERYTHING, member=head, expected_version=head.version, name="王明", labour="lost"
    )
    head.refresh_from_db()
    registry.h1.refresh_from_db()
    assert (head.name, head.labour, head.search_key) == ("王明", "lost", "wangming wm")
    assert registry.h1.head_name == "王明" and "wangming" in registry.h1.search_key
    with pytest.raises(ApplicationError, match="务工时间"):
        member_update(actor=SYSTEM, scope=EVERYTHING, member=head, expected_version=None, months_worked=13)
    with pytest.raises(ApplicationError, match="不能修改这些字段"):
        member_update(actor=SYSTEM, scope=EVERYTHING, member=head, expected_version=None, id_number="x")
    with pytest.raises(PermissionDenied):
        member_update(
            actor=registry.actor("paired_cadre"),
            scope=registry.scope("paired_cadre"),
            member=head,
            expected_version=None,
            labour="ordinary",
        )

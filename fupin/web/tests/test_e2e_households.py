"""On a phone and on a desktop: an office user finds a household by its head's pinyin initials and
corrects a year's income, seeing the per-capita figure follow; a work-team member records a step of
an exit procedure in the field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import EVERYTHING, PASSWORD, SYSTEM, Personas
from fupin.duty.models import WorkTeamMember
from fupin.registry.models import Household, IncomeItem, ProcedureKind, ProcedureStep
from fupin.registry.services.lifecycle import procedure_start
from fupin.registry.tests.conftest import START, YEAR, make_household, secure_all

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INCOME_YEAR = YEAR - 1


@dataclass
class Village:
    # 王大明户 with last year's income; 李小红户 with an exit procedure under way.
    income_household: Household
    exit_household: Household


@pytest.fixture
def village(personas: Personas) -> Village:
    c = personas.county
    WorkTeamMember.objects.create(
        village=c.village_a1,
        cadre=personas.cadres["secretary"],
        role="first_secretary",
        sending_unit=c.agriculture,
        start_date=dt.date(2020, 1, 1),
    )
    income = make_household("H1", c.village_a1, head_name="王大明")
    IncomeItem.objects.create(
        household=income, year=INCOME_YEAR, kind="wages", amount=Decimal(8000), note="外出务工"
    )
    IncomeItem.objects.create(household=income, year=INCOME_YEAR, kind="donation", amount=Decimal(500))
    Household.objects.filter(pk=income.pk).update(net_income_per_capita=Decimal("4000.00"))
    exiting = make_household("H2", c.village_a1, head_name="李小红")
    secure_all(exiting)
    IncomeItem.objects.create(household=exiting, year=INCOME_YEAR, kind="wages", amount=Decimal(20000))
    procedure_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        household=exiting,
        kind=ProcedureKind.EXIT,
        started_on=START,
        year=INCOME_YEAR,
    )
    return Village(income, exiting)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/households/")
    assert "/login/" in page.url
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/households/$"))


def test_office_user_finds_a_household_and_corrects_its_income(
    page: Any, live_server: Any, village: Village
) -> None:
    base = live_server.url
    _login(page, base, "office_staff")
    search = page.get_by_role("searchbox", name="搜索贫困户")
    search.fill("wdm")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=wdm"))
    assert page.locator("tbody tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)") == ["H1"]
    page.get_by_role("link", name="H1").click()
    page.wait_for_url(re.compile(r"/households/H1/$"))

    year_table = page.locator(f"table[data-year='{INCOME_YEAR}']")
    assert year_table.get_by_test_id("per-capita").inner_text() == "4000.00"
    page.get_by_text("录入或修改某年收支").click()
    # The form opens on the latest year, filled in, notes included.
    wages = page.get_by_label("工资性收入", exact=True)
    assert wages.input_value() == "8000.00"
    assert page.get_by_label("工资性收入说明").input_value() == "外出务工"
    wages.fill("12000")
    page.get_by_label("低保金", exact=True).fill("1000")
    page.get_by_label("低保金说明").fill("A类低保")
    page.get_by_role("button", name="保存收支").click()
    page.get_by_text(f"已保存{INCOME_YEAR}年收支。").wait_for()

    # (12000 + 1000) / 2; the donation is kept but not counted.
    assert year_table.get_by_test_id("per-capita").inner_text() == "6500.00"
    assert page.get_by_test_id("net-income").inner_text() == "6500.00"
    items = IncomeItem.objects.filter(household=village.income_household, year=INCOME_YEAR)
    assert dict(items.values_list("kind", "note")) == {
        "wages": "外出务工",
        "dibao": "A类低保",
        "donation": "",
    }
    assert "office_staff" in page.locator("#history").inner_text()


def test_work_team_member_records_an_exit_step(page: Any, live_server: Any, village: Village) -> None:
    base = live_server.url
    _login(page, base, "work_team")
    rows = page.locator("tbody tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert sorted(rows) == ["H1", "H2"]
    page.get_by_role("link", name="H2").click()
    page.wait_for_url(re.compile(r"/households/H2/$"))
    card = page.locator("[data-procedure]")
    assert "下一环节：村民主评议" in card.inner_text()
    card.get_by_label("意见").fill("村民代表一致同意")
    card.get_by_role("button", name="录入", exact=True).click()
    page.get_by_text("已录入“村民主评议”。").wait_for()
    assert "下一环节：村两委和驻村工作队核实" in page.locator("[data-procedure]").inner_text()
    step = ProcedureStep.objects.get(procedure__household=village.exit_household)
    assert (step.kind, step.actor_name, step.note) == ("village_review", "work_team", "村民代表一致同意")
    # A work team may not edit what only the county decides: no cancellation form is offered.
    assert page.locator("form[data-action='cancel']").count() == 0

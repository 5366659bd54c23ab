"""The county office edits and retires (停用) indicators, data sets and rules on a page: a stale edit
is refused, an edit that stored values could not survive is refused saying why, and a retired one is
no longer entered, checked or expected while its stored values stay in the reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.indicators.models import DataValue, Indicator, PeriodType, ValidationRule, ValueType
from fupin.indicators.selectors.report import indicator_report
from fupin.indicators.services import definitions as d
from fupin.indicators.tests.conftest import Ind
from fupin.ledgers.tests.helpers import import_rows, messages

pytestmark = pytest.mark.django_db
A1 = "610727100200"


def edit_url(which: str, pk: int) -> str:
    return reverse("indicators:definition-edit", args=[which, pk])


def active_url(which: str, pk: int) -> str:
    return reverse("indicators:definition-active", args=[which, pk])


def indicator_edit(indicator: Indicator, **changes: str) -> dict[str, str]:
    data = {
        "name": indicator.name,
        "unit": indicator.unit,
        "value_type": indicator.value_type,
        "area_aggregation": indicator.area_aggregation,
        "period_aggregation": indicator.period_aggregation,
        "decimals": str(indicator.decimals),
        "description": "",
        "version": str(indicator.version),
    }
    return data | changes


def test_office_edits_an_indicator_with_the_change_log_and_a_stale_edit_is_refused(ind: Ind) -> None:
    client = ind.personas.client("office_staff")
    page = client.get(reverse("indicators:definitions")).content.decode()
    assert edit_url("indicator", ind.income.pk) in page
    response = client.post(
        edit_url("indicator", ind.income.pk), indicator_edit(ind.income, name="村集体收入")
    )
    assert response.status_code == 302
    ind.income.refresh_from_db()
    assert (ind.income.name, ind.income.version) == ("村集体收入", 2)
    log = ChangeLog.objects.filter(object_type="indicators.indicator", object_id=ind.income.pk)
    assert log.filter(action="update").count() == 1
    # A second page opened at version 1 is refused, never merged.
    stale = indicator_edit(ind.income, name="收入", version="1")
    body = client.post(edit_url("indicator", ind.income.pk), stale).content.decode()
    assert "已被他人修改" in body
    ind.income.refresh_from_db()
    assert ind.income.name == "村集体收入"


def test_an_edit_that_stored_values_break_is_refused_saying_why(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 3, {"CJ01": "12.5"})
    client = ind.personas.client("county_admin")
    post = indicator_edit(ind.income, value_type=ValueType.INTEGER, decimals="0")
    body = client.post(edit_url("indicator", ind.income.pk), post).content.decode()
    assert "不能这样修改“村集体经济收入”" in body
    assert "2019-03为12.5" in body and "应为整数" in body
    ind.income.refresh_from_db()
    assert ind.income.value_type == ValueType.NUMBER
    # A range the stored values leave is refused the same way; one they keep is taken.
    with pytest.raises(ApplicationError, match="不能大于10"):
        d.indicator_update(
            actor=SYSTEM, scope=EVERYTHING, indicator=ind.income, expected_version=1, maximum=Decimal(10)
        )
    d.indicator_update(
        actor=SYSTEM, scope=EVERYTHING, indicator=ind.income, expected_version=1, maximum=Decimal(100)
    )


def test_a_data_set_keeps_its_period_type_and_level_once_it_has_values(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 3, {"CJ01": 1})
    ds = ind.village_set
    common = {"actor": SYSTEM, "scope": EVERYTHING, "data_set": ds, "expected_version": ds.version}
    members = [ind.income, ind.jobs, ind.households]
    with pytest.raises(ApplicationError, match=r"已有1期填报数据.*改为季报后已存数据将无法对应"):
        d.data_set_update(**common, name=ds.name, period_type="quarter", level=ds.level, indicators=members)
    with pytest.raises(ApplicationError, match="不能改为其他层级填报"):
        d.data_set_update(
            **common, name=ds.name, period_type=ds.period_type, level="town", indicators=members
        )
    with pytest.raises(ApplicationError, match="“村集体经济收入”在“村级经济月报”中已有数据"):
        d.data_set_update(
            **common, name=ds.name, period_type=ds.period_type, level=ds.level, indicators=members[1:]
        )
    # Without values the town data set may change its period; the page shows the refusal above.
    town = d.data_set_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        data_set=ind.town_set,
        expected_version=ind.town_set.version,
        name="镇级农业季报",
        period_type=PeriodType.QUARTER,
        level=ind.town_set.level,
        indicators=[ind.output],
    )
    assert (town.period_type, town.version) == (PeriodType.QUARTER, 2)
    client = ind.personas.client("office_staff")
    post = {
        "name": ds.name,
        "period_type": "year",
        "level": ds.level,
        "indicators": [str(i.pk) for i in members],
        "version": str(ds.version),
    }
    body = client.post(edit_url("data_set", ds.pk), post).content.decode()
    assert "已有填报数据，不能修改报送周期" in body


def test_a_retired_indicator_is_no_longer_entered_but_its_values_stay_in_the_report(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 1, {"CJ01": 10, "CJ02": 1, "CJ03": 2})
    client = ind.personas.client("office_staff")
    response = client.post(active_url("indicator", ind.income.pk), {"version": "1", "active": "0"})
    assert response.status_code == 302
    ind.income.refresh_from_db()
    assert not ind.income.active
    form = ind.personas.client("work_team").get(reverse("indicators:entry", args=["CJ"])).content.decode()
    assert "v_CJ01" not in form and "v_CJ02" in form
    # A save without the retired indicator leaves its stored value alone.
    ind.enter(ind.county.village_a1, 2019, 1, {"CJ02": 1, "CJ03": 3})
    assert DataValue.objects.get(indicator=ind.income).value == Decimal(10)
    rows = {row.code: row for row in indicator_report(ind.county.village_a1, 2019, 3).rows}
    assert rows["CJ01"].figure.value == Decimal(10)
    assert rows["CJ01"].figure.missing == ()  # no longer expected
    assert "CJ01" not in {r.code for r in indicator_report(ind.county.village_a1, 2020, 3).rows}
    outcome = import_rows(
        "indicator-values", [["指标编码", "区划代码", "期间", "数值"], ["CJ01", A1, "2019-02", "5"]]
    )
    assert "指标“村集体经济收入”已停用，不再填报" in messages(outcome)
    # Reinstated, it is entered again.
    d.indicator_set_active(
        actor=SYSTEM, scope=EVERYTHING, indicator=ind.income, expected_version=2, active=True
    )
    assert Indicator.objects.get(pk=ind.income.pk).active


def test_a_retired_data_set_is_not_entered_nor_expected_and_its_values_stay(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 3, {"CJ01": 7})
    d.data_set_set_active(
        actor=SYSTEM, scope=EVERYTHING, data_set=ind.village_set, expected_version=1, active=False
    )
    ind.village_set.refresh_from_db()
    with pytest.raises(PermissionDenied, match="已停用，不再填报"):
        ind.enter(ind.county.village_a2, 2019, 3, {"CJ01": 7})
    client = ind.personas.client("town_official")
    assert "已停用，不再填报" in client.get(reverse("indicators:entry", args=["CJ"])).content.decode()
    board = client.get(reverse("indicators:approvals", args=["CJ"]) + "?year=2019&period=3").content.decode()
    assert "该报表已停用，不再要求填报" in board and "不再要求" in board and "未填报" not in board
    assert 'data-figure="expected">1<' in board
    listing = client.get(reverse("indicators:data-sets")).content.decode()
    assert reverse("indicators:entry", args=["CJ"]) not in listing
    rows = {row.code: row for row in indicator_report(ind.county.town_a, 2019, 3).rows}
    assert rows["CJ01"].figure.value == Decimal(7) and rows["CJ01"].figure.missing == ()


def test_a_retired_rule_is_no_longer_checked(ind: Ind) -> None:
    rule = ValidationRule.objects.get()
    with pytest.raises(ApplicationError, match="不应大于"):
        ind.enter(ind.county.village_a1, 2019, 3, {"CJ02": 5, "CJ03": 2})
    client = ind.personas.client("county_admin")
    client.post(active_url("rule", rule.pk), {"version": "1", "active": "0"})
    ind.enter(ind.county.village_a1, 2019, 3, {"CJ02": 5, "CJ03": 2})
    # A stale retire is refused.
    with pytest.raises(ConflictError):
        d.rule_set_active(actor=SYSTEM, scope=EVERYTHING, rule=rule, expected_version=1, active=True)
    rule.refresh_from_db()
    edit = {"left": ind.households.pk, "operator": "ge", "right": ind.jobs.pk, "version": rule.version}
    assert client.post(edit_url("rule", rule.pk), edit).status_code == 302
    rule.refresh_from_db()
    assert (rule.left_id, rule.operator, rule.version) == (ind.households.pk, "ge", 3)


@pytest.mark.parametrize("persona", ["town_official", "work_team", "county_leader"])
def test_others_cannot_edit_nor_retire(ind: Ind, persona: str) -> None:
    client = ind.personas.client(persona)
    assert client.get(edit_url("indicator", ind.income.pk)).status_code == 403
    client.post(active_url("indicator", ind.income.pk), {"version": "1", "active": "0"})
    client.post(edit_url("indicator", ind.income.pk), indicator_edit(ind.income, name="x"))
    ind.income.refresh_from_db()
    assert ind.income.active and ind.income.name == "村集体经济收入"

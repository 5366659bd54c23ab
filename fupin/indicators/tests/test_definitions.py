"""The county office defines indicators, data sets and rules on a page; others cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fupin.core.models import ChangeLog
from fupin.indicators.models import DataSet, Indicator, ValidationRule
from fupin.indicators.tests.conftest import Ind

pytestmark = pytest.mark.django_db
URL = reverse("indicators:definitions")


def indicator_post(**changes: str) -> dict[str, str]:
    data = {
        "which": "indicator",
        "indicator-code": "LY01",
        "indicator-name": "林下经济面积",
        "indicator-unit": "亩",
        "indicator-value_type": "number",
        "indicator-area_aggregation": "sum",
        "indicator-period_aggregation": "stock",
        "indicator-decimals": "1",
    }
    return data | changes


def test_office_adds_an_indicator_a_data_set_and_a_rule(ind: Ind) -> None:
    client = ind.personas.client("office_staff")
    assert client.post(URL, indicator_post()).status_code == 302
    indicator = Indicator.objects.get(code="LY01")
    assert (indicator.unit, indicator.period_aggregation, indicator.decimals) == ("亩", "stock", 1)
    response = client.post(
        URL,
        {
            "which": "data_set",
            "data_set-code": "LY",
            "data_set-name": "林业季报",
            "data_set-period_type": "quarter",
            "data_set-level": "town",
            "data_set-indicators": [str(indicator.pk), str(ind.output.pk)],
        },
    )
    assert response.status_code == 302
    data_set = DataSet.objects.get(code="LY")
    assert set(data_set.indicators.values_list("code", flat=True)) == {"LY01", "NY01"}
    rule = {"which": "rule", "rule-data_set": data_set.pk, "rule-left": indicator.pk, "rule-operator": "le"}
    assert client.post(URL, rule | {"rule-right": ind.output.pk}).status_code == 302
    assert ValidationRule.objects.filter(data_set=data_set).count() == 1
    assert ChangeLog.objects.filter(object_type="indicators.indicator", object_id=indicator.pk).exists()


def test_a_duplicate_code_and_a_rule_outside_the_data_set_are_refused(ind: Ind) -> None:
    client = ind.personas.client("county_admin")
    body = client.post(URL, indicator_post(**{"indicator-code": "CJ01"})).content.decode()
    assert "指标编码已存在" in body
    rule = {
        "which": "rule",
        "rule-data_set": ind.town_set.pk,
        "rule-left": ind.income.pk,
        "rule-operator": "le",
    }
    body = client.post(URL, rule | {"rule-right": ind.output.pk}).content.decode()
    assert "校验规则的两个指标都须属于该报表" in body
    assert ValidationRule.objects.count() == 1  # the fixture's own


@pytest.mark.parametrize("persona", ["town_official", "work_team", "county_leader", "unit_user"])
def test_others_cannot_define(ind: Ind, persona: str) -> None:
    client = ind.personas.client(persona)
    assert client.get(URL).status_code == 403
    client.post(URL, indicator_post())
    assert not Indicator.objects.filter(code="LY01").exists()

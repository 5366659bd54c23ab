"""Fixtures of the indicator tests: the persona county with a village data set (monthly: a flow, a
stock and a rule between them), a town data set and a county data set, and helpers that enter
values through the services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.conftest import EVERYTHING, SYSTEM, County, Personas
from fupin.core.scope import Scope
from fupin.indicators.models import (
    AreaAggregation,
    DataSet,
    Indicator,
    PeriodAggregation,
    PeriodType,
    Report,
    ReportLevel,
    RuleOperator,
    ValueKind,
    ValueType,
)
from fupin.indicators.services.definitions import data_set_create, indicator_create, rule_create
from fupin.indicators.services.entry import Entry, report_get, values_save
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS


@dataclass
class Ind:
    personas: Personas
    county: County
    village_set: DataSet
    town_set: DataSet
    income: Indicator  # 村集体经济收入, flow, sum
    jobs: Indicator  # 公益岗位在岗人数, stock, sum
    households: Indicator  # 脱贫劳动力人数, stock; rule: 公益岗位在岗人数 ≤ 脱贫劳动力人数
    output: Indicator  # 农业总产值 (town, flow)

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def enter(
        self,
        area: Area,
        year: int,
        period: int,
        values: dict[str, Any],
        *,
        data_set: DataSet | None = None,
        kind: str = ValueKind.ACTUAL,
        scope: Scope = EVERYTHING,
    ) -> Report:
        data_set = data_set or (self.village_set if area.level == ReportLevel.VILLAGE else self.town_set)
        report = report_get(data_set=data_set, area=area, kind=kind, year=year, period=period)
        entries = {code: Entry(None if v is None else Decimal(str(v))) for code, v in values.items()}
        return values_save(
            actor=SYSTEM,
            scope=scope,
            data_set=data_set,
            area=area,
            kind=kind,
            year=year,
            period=period,
            entries=entries,
            expected_version=report.version,
        )


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_indicator(
    code: str, name: str, unit: str, how: str, *, value_type: str = ValueType.NUMBER, **extra: Any
) -> Indicator:
    return indicator_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code=code,
        name=name,
        unit=unit,
        value_type=value_type,
        area_aggregation=extra.pop("area_aggregation", AreaAggregation.SUM),
        period_aggregation=how,
        **extra,
    )


@pytest.fixture
def ind(personas: Personas) -> Ind:
    income = make_indicator("CJ01", "村集体经济收入", "万元", PeriodAggregation.FLOW, order=1)
    jobs = make_indicator(
        "CJ02",
        "公益岗位在岗人数",
        "人",
        PeriodAggregation.STOCK,
        value_type=ValueType.INTEGER,
        decimals=0,
        order=2,
    )
    households = make_indicator(
        "CJ03",
        "脱贫劳动力人数",
        "人",
        PeriodAggregation.STOCK,
        value_type=ValueType.INTEGER,
        decimals=0,
        order=3,
    )
    output = make_indicator("NY01", "农业总产值", "万元", PeriodAggregation.FLOW, order=10)
    village_set = data_set_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="CJ",
        name="村级经济月报",
        period_type=PeriodType.MONTH,
        level=ReportLevel.VILLAGE,
        indicators=[income, jobs, households],
    )
    # Public-welfare jobs go to labourers lifted out of poverty: never more jobs than such labourers.
    rule_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        data_set=village_set,
        left=jobs,
        operator=RuleOperator.LE,
        right=households,
    )
    town_set = data_set_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="NY",
        name="镇级农业月报",
        period_type=PeriodType.MONTH,
        level=ReportLevel.TOWN,
        indicators=[output],
    )
    return Ind(
        personas=personas,
        county=personas.county,
        village_set=village_set,
        town_set=town_set,
        income=income,
        jobs=jobs,
        households=households,
        output=output,
    )

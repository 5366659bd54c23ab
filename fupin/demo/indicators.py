"""The demo county's indicators for 2019 (with 2018, so that growth works) and its ten key projects.

The seed: 农业总产值6.25亿元、农业增加值3.64亿元，均增长4.7%；落实融资贷款1.32亿元，新增各类市场主体836个；
10个工业重点项目完成投资5.3亿元、占年计划的58.9%; 公益岗位1687个. Monthly values January–November are
spread over the towns (or villages) and months by a seeded random stream and add up exactly to the
seed's totals; 2018 is 2019 divided by 1.047 cell by cell for the two agricultural values. Months up
to October are approved by the county, November is submitted (a few villages and towns have not yet
submitted), so the approval board has work on it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.indicators.models import (
    AreaAggregation,
    DataSet,
    Indicator,
    Industry,
    PeriodAggregation,
    PeriodType,
    Report,
    ReportLevel,
    ReportStatus,
    RuleOperator,
    ValueKind,
    ValueType,
)
from fupin.indicators.services.definitions import data_set_create, indicator_create, rule_create
from fupin.indicators.services.imports import ValueRow, reports_settle, values_upsert
from fupin.indicators.services.projects import (
    milestone_create,
    project_create,
    project_plan_set,
    project_progress_save,
)
from fupin.people.models import Unit

YEAR, LAST_MONTH = 2019, 11
CENT = Decimal("0.01")
GROWTH = Decimal("1.047")
# (code, name, unit, value type, across areas, across months, decimals, order)
INDICATORS = [
    ("NY01", "农业总产值", "万元", ValueType.NUMBER, AreaAggregation.SUM, PeriodAggregation.FLOW, 2, 1),
    ("NY02", "农业增加值", "万元", ValueType.NUMBER, AreaAggregation.SUM, PeriodAggregation.FLOW, 2, 2),
    ("JR01", "落实融资贷款", "万元", ValueType.NUMBER, AreaAggregation.SUM, PeriodAggregation.FLOW, 2, 3),
    ("SC01", "新增市场主体", "个", ValueType.INTEGER, AreaAggregation.SUM, PeriodAggregation.FLOW, 0, 4),
    ("SC02", "市场主体总数", "个", ValueType.INTEGER, AreaAggregation.SUM, PeriodAggregation.STOCK, 0, 5),
    ("CJ01", "村集体经济收入", "万元", ValueType.NUMBER, AreaAggregation.SUM, PeriodAggregation.FLOW, 2, 6),
    ("CJ02", "公益岗位在岗人数", "人", ValueType.INTEGER, AreaAggregation.SUM, PeriodAggregation.STOCK, 0, 7),
]
# Jan–Nov totals of 2019 (the seed's figures; 村集体经济收入 is the demo's own).
TOTALS = {"NY01": Decimal(62500), "NY02": Decimal(36400), "JR01": Decimal(13200), "SC01": Decimal(836)}
PLANS = {"NY01": Decimal(68000), "NY02": Decimal(39600), "JR01": Decimal(15000), "SC01": Decimal(900)}
MARKET_ENTITIES_2018_END = 9164
PUBLIC_WELFARE_JOBS = 1687
# Agriculture is seasonal: summer and autumn harvests weigh more.
SEASON = [0.5, 0.5, 0.7, 0.8, 1.0, 1.1, 1.2, 1.3, 1.5, 1.4, 1.0]
PROJECTS = [
    ("XM2019001", "略钢技术改造项目", "县工业和信息化局", 25000, 0.62),
    ("XM2019002", "纳米碳酸钙生产线项目", "县工业和信息化局", 15000, 0.55),
    ("XM2019003", "略阳乌鸡屠宰及深加工项目", "县农业农村局", 8000, 0.60),
    ("XM2019004", "中药材饮片加工项目", "县工业和信息化局", 7000, 0.58),
    ("XM2019005", "食用菌菌棒生产线项目", "县农业农村局", 6000, 0.66),
    ("XM2019006", "新型墙体材料生产项目", "县工业和信息化局", 6500, 0.50),
    ("XM2019007", "农产品冷链物流加工项目", "县商务局", 5500, 0.61),
    ("XM2019008", "蚕桑丝绸加工项目", "县工业和信息化局", 6000, 0.57),
    ("XM2019009", "矿产资源综合利用项目", "县工业和信息化局", 5000, 0.56),
    ("XM2019010", "社区工厂标准化厂房项目", "县发展和改革局", 6000, 0.60),
]
PROJECT_COMPLETED = Decimal(53000)
MILESTONES = [
    ("开工建设", dt.date(2019, 3, 15), dt.date(2019, 3, 20)),
    ("主体完工", dt.date(2019, 10, 31), None),
]


def split(total: Decimal, weights: list[float], quantum: Decimal = CENT) -> list[Decimal]:
    """`total` in parts proportional to `weights`, rounded to `quantum`, adding up exactly."""
    whole = sum(weights)
    parts = [(total * Decimal(w / whole)).quantize(quantum, ROUND_HALF_UP) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _definitions(actor: Actor, scope: Scope) -> dict[str, DataSet]:
    made: dict[str, Indicator] = {}
    for code, name, unit, value_type, across, how, places, order in INDICATORS:
        made[code] = indicator_create(
            actor=actor,
            scope=scope,
            code=code,
            name=name,
            unit=unit,
            value_type=value_type,
            area_aggregation=across,
            period_aggregation=how,
            decimals=places,
            order=order,
        )
    sets = {
        "NY": ("镇级农业经济月报", ReportLevel.TOWN, ["NY01", "NY02"]),
        "XJ": ("县域经济金融月报", ReportLevel.COUNTY, ["JR01", "SC01", "SC02"]),
        "CJ": ("村级集体经济月报", ReportLevel.VILLAGE, ["CJ01", "CJ02"]),
    }
    data_sets = {
        code: data_set_create(
            actor=actor,
            scope=scope,
            code=code,
            name=name,
            period_type=PeriodType.MONTH,
            level=level,
            indicators=[made[c] for c in codes],
        )
        for code, (name, level, codes) in sets.items()
    }
    # Value added is part of output value: never more.
    rule_create(
        actor=actor,
        scope=scope,
        data_set=data_sets["NY"],
        left=made["NY02"],
        operator=RuleOperator.LE,
        right=made["NY01"],
    )
    return data_sets


def _flow_rows(
    rng: random.Random,
    data_set: DataSet,
    indicator: Indicator,
    areas: list[Area],
    total: Decimal,
    quantum: Decimal,
) -> list[ValueRow]:
    sizes = [rng.uniform(0.5, 1.5) for _ in areas]
    weights = [size * season for size in sizes for season in SEASON]
    parts = split(total, weights, quantum)
    rows = []
    for index, value in enumerate(parts):
        area, month = areas[index // len(SEASON)], index % len(SEASON) + 1
        rows.append(ValueRow(data_set, indicator, area, ValueKind.ACTUAL, YEAR, month, value))
        if indicator.code in ("NY01", "NY02"):
            last = (value / GROWTH).quantize(quantum, ROUND_HALF_UP)
            rows.append(ValueRow(data_set, indicator, area, ValueKind.ACTUAL, YEAR - 1, month, last))
    return rows


def _indicator_rows(rng: random.Random, data_sets: dict[str, DataSet]) -> list[ValueRow]:
    county = Area.objects.get(level=ReportLevel.COUNTY)
    towns = list(Area.objects.filter(level=ReportLevel.TOWN).order_by("code"))
    villages = list(Area.objects.filter(level=ReportLevel.VILLAGE).order_by("code"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    ny, xj, cj = data_sets["NY"], data_sets["XJ"], data_sets["CJ"]
    rows = _flow_rows(rng, ny, indicators["NY01"], towns, TOTALS["NY01"], CENT)
    rows += _flow_rows(rng, ny, indicators["NY02"], towns, TOTALS["NY02"], CENT)
    for code in ("JR01", "SC01"):
        quantum = CENT if code == "JR01" else Decimal(1)
        parts = split(TOTALS[code], [rng.uniform(0.7, 1.3) for _ in SEASON], quantum)
        last = split(TOTALS[code] / GROWTH, [rng.uniform(0.7, 1.3) for _ in SEASON], quantum)
        for month, (value, before) in enumerate(zip(parts, last, strict=True), start=1):
            rows.append(ValueRow(xj, indicators[code], county, ValueKind.ACTUAL, YEAR, month, value))
            rows.append(ValueRow(xj, indicators[code], county, ValueKind.ACTUAL, YEAR - 1, month, before))
    entities = MARKET_ENTITIES_2018_END
    for month, row in enumerate([r for r in rows if r.indicator.code == "SC01" and r.year == YEAR], start=1):
        entities += int(row.value) - rng.randint(5, 20)  # some close every month
        rows.append(
            ValueRow(xj, indicators["SC02"], county, ValueKind.ACTUAL, YEAR, month, Decimal(entities))
        )
    rows += _village_rows(rng, cj, indicators, villages)
    for code in ("NY01", "NY02"):
        # Each town's plan follows its size, so that most towns stand near the county's completion.
        done = {
            t.pk: sum(r.value for r in rows if r.indicator.code == code and r.area == t and r.year == YEAR)
            for t in towns
        }
        weights = [float(done[t.pk]) * rng.uniform(0.95, 1.05) for t in towns]
        for town, plan in zip(towns, split(PLANS[code], weights), strict=True):
            rows.append(ValueRow(ny, indicators[code], town, ValueKind.PLAN, YEAR, 0, plan))
    for code in ("JR01", "SC01"):
        rows.append(ValueRow(xj, indicators[code], county, ValueKind.PLAN, YEAR, 0, PLANS[code]))
    return rows


def _village_rows(
    rng: random.Random, cj: DataSet, indicators: dict[str, Indicator], villages: list[Area]
) -> list[ValueRow]:
    rows = []
    jobs = split(Decimal(PUBLIC_WELFARE_JOBS), [rng.uniform(0.5, 1.5) for _ in villages], Decimal(1))
    for village, staffed in zip(villages, jobs, strict=True):
        income = Decimal(rng.randint(300, 1500)) / 100
        for month in range(1, LAST_MONTH + 1):
            value = (income * Decimal(SEASON[month - 1])).quantize(CENT)
            rows.append(ValueRow(cj, indicators["CJ01"], village, ValueKind.ACTUAL, YEAR, month, value))
            # The posts are filled over the year: a stock, reported each month, never summed.
            filled = max(0, int(staffed) - (LAST_MONTH - month) // 3)
            rows.append(
                ValueRow(cj, indicators["CJ02"], village, ValueKind.ACTUAL, YEAR, month, Decimal(filled))
            )
        rows.append(
            ValueRow(cj, indicators["CJ01"], village, ValueKind.PLAN, YEAR, 0, (income * 12).quantize(CENT))
        )
    return rows


def _settle(actor: Actor, rng: random.Random) -> None:
    """Months to October approved through the county; November submitted, with a few not yet."""
    reports = list(Report.objects.filter(kind=ValueKind.ACTUAL).select_related("data_set", "area"))
    earlier = [r for r in reports if (r.year, r.period) < (YEAR, LAST_MONTH)]
    reports_settle(
        actor=actor, reports=earlier, status=ReportStatus.APPROVED, approved_level=ReportLevel.COUNTY
    )
    november = [r for r in reports if (r.year, r.period) == (YEAR, LAST_MONTH)]
    submitted = [r for r in november if r.data_set.level == ReportLevel.COUNTY or rng.random() < 0.85]
    by_town = [r for r in submitted if r.data_set.level == ReportLevel.VILLAGE and rng.random() < 0.5]
    waiting = [r for r in submitted if r not in by_town]
    reports_settle(actor=actor, reports=waiting, status=ReportStatus.SUBMITTED)
    reports_settle(
        actor=actor, reports=by_town, status=ReportStatus.APPROVED, approved_level=ReportLevel.TOWN
    )


def _projects(actor: Actor, scope: Scope, rng: random.Random) -> None:
    county = Area.objects.get(level=ReportLevel.COUNTY)
    towns = list(Area.objects.filter(level=ReportLevel.TOWN).order_by("code"))
    units = {u.name: u for u in Unit.objects.filter(name__in={p[2] for p in PROJECTS})}
    fallback = Unit.objects.order_by("code").first()
    assert fallback is not None, "the demo county has units before projects"
    shares = [plan * share for _, _, _, plan, share in PROJECTS]
    completed = split(PROJECT_COMPLETED, shares)
    for (code, name, unit, plan, _), done in zip(PROJECTS, completed, strict=True):
        project = project_create(
            actor=actor,
            scope=scope,
            code=code,
            name=name,
            industry=Industry.INDUSTRY,  # the seed: 10个工业重点项目
            owner_unit=units.get(unit, fallback),
            area=rng.choice([county, *towns[:6]]),
            start_date=dt.date(2019, 1, 1),
            end_date=dt.date(2020, 12, 31),
            total_investment=Decimal(plan * 2),
            description=f"{name}，年内完成主体工程。",
        )
        project_plan_set(
            actor=actor, scope=scope, project=project, year=YEAR, planned_investment=Decimal(plan)
        )
        for month, amount in enumerate(split(done, [rng.uniform(0.6, 1.4) for _ in SEASON]), start=1):
            project_progress_save(
                actor=actor,
                scope=scope,
                project=project,
                year=YEAR,
                month=month,
                completed_investment=amount,
                progress=f"{month}月完成投资{amount}万元",
                expected_version=None,
            )
        for title, planned, _done in MILESTONES:
            milestone_create(actor=actor, scope=scope, project=project, name=title, planned_date=planned)


def demo_indicators(seed: int, actor: Actor, scope: Scope) -> dict[str, int]:
    """Build the indicators, their 2018–2019 values and plans, the approvals and the key projects."""
    rng = random.Random(f"indicators-{seed}")
    data_sets = _definitions(actor, scope)
    rows = _indicator_rows(rng, data_sets)
    values_upsert(actor=actor, rows=rows)
    _settle(actor, rng)
    _projects(actor, scope, rng)
    return {"values": len(rows), "projects": len(PROJECTS)}

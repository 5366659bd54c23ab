"""Indicator definitions, data sets and their rules (kept by the county office)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.indicators.models import DataSet, Indicator, PeriodAggregation, ValidationRule


def may_define(scope: Scope) -> bool:
    return scope.can_manage and (scope.is_everything or bool(scope.root_area_code))


def _checked(scope: Scope) -> None:
    if not may_define(scope):
        raise PermissionDenied("只有县扶贫办可以维护指标和报表")


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    unit: str,
    value_type: str,
    area_aggregation: str,
    period_aggregation: str = PeriodAggregation.FLOW,
    decimals: int = 2,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    description: str = "",
    order: int = 0,
) -> Indicator:
    _checked(scope)
    if Indicator.objects.filter(code=code).exists():
        raise ApplicationError(f"指标编码“{code}”已存在", field_errors={"code": "指标编码已存在"})
    indicator = Indicator(
        code=code,
        name=name,
        unit=unit,
        value_type=value_type,
        area_aggregation=area_aggregation,
        period_aggregation=period_aggregation,
        decimals=decimals,
        minimum=minimum,
        maximum=maximum,
        description=description,
        order=order,
    )
    try:
        indicator.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            "指标定义无效", field_errors={k: "；".join(v) for k, v in error.message_dict.items()}
        ) from None
    indicator.save()
    record_change(actor, indicator, action=ChangeAction.CREATE, before=None)
    return indicator


@transaction.atomic
def data_set_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    period_type: str,
    level: str,
    indicators: Sequence[Indicator],
    description: str = "",
) -> DataSet:
    _checked(scope)
    if DataSet.objects.filter(code=code).exists():
        raise ApplicationError(f"报表编码“{code}”已存在", field_errors={"code": "报表编码已存在"})
    data_set = DataSet(code=code, name=name, period_type=period_type, level=level, description=description)
    try:
        data_set.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            "报表定义无效", field_errors={k: "；".join(v) for k, v in error.message_dict.items()}
        ) from None
    data_set.save()
    data_set.indicators.set(indicators)
    record_change(actor, data_set, action=ChangeAction.CREATE, before=None)
    return data_set


@transaction.atomic
def rule_create(
    *, actor: Actor, scope: Scope, data_set: DataSet, left: Indicator, operator: str, right: Indicator
) -> ValidationRule:
    _checked(scope)
    members = set(data_set.indicators.values_list("pk", flat=True))
    if left.pk not in members or right.pk not in members:
        raise ApplicationError("校验规则的两个指标都须属于该报表")
    rule = ValidationRule.objects.create(data_set=data_set, left=left, operator=operator, right=right)
    record_change(actor, rule, action=ChangeAction.CREATE, before=None)
    return rule

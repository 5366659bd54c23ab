"""Indicator definitions, data sets and their rules (kept by the county office)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.indicators.models import (
    DataSet,
    DataValue,
    Indicator,
    PeriodAggregation,
    PeriodType,
    Report,
    ValidationRule,
    ValueKind,
)
from fupin.indicators.models.indicators import period_label
from fupin.indicators.validation import shown, value_problem

STALE = "该定义已被他人修改，请刷新后重新编辑（未保存您的修改）"


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


# --- Editing and retiring (停用) -------------------------------------------------------------------
#
# Every edit carries the version the page showed: a stale edit is refused, never merged. An edit that
# stored values could not survive is refused with the reason (a value type, decimal places or range
# that existing values break; a data set's period or level once it has reports; an indicator with
# values taken out of its data set). Retiring keeps everything stored: a retired indicator, data set
# or rule is no longer entered, expected or checked, and values already entered stay in the reports.

INDICATOR_FIELDS = (
    "name",
    "unit",
    "value_type",
    "area_aggregation",
    "period_aggregation",
    "decimals",
    "minimum",
    "maximum",
    "description",
    "order",
)


def _clean_or_refuse(instance: Indicator | DataSet, what: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            f"{what}定义无效", field_errors={k: "；".join(v) for k, v in error.message_dict.items()}
        ) from None


def stored_value_problem(indicator: Indicator) -> str | None:
    """Why a value already stored for the indicator breaks its (new) definition, naming one such
    value, or None. The same checks as entry (fupin.indicators.validation.value_problem)."""
    for value in (
        DataValue.objects.filter(indicator_id=indicator.pk).values_list("value", flat=True).distinct()
    ):
        reason = value_problem(indicator, value)
        if reason is None:
            continue
        example = (
            DataValue.objects.filter(indicator_id=indicator.pk, value=value).select_related("area").first()
        )
        assert example is not None
        where = f"{example.area.name}{period_label(example.period_type, example.year, example.period)}"
        count = DataValue.objects.filter(indicator_id=indicator.pk).count()
        return f"已存的{count}个数值中，{where}为{shown(value)}，按修改后的定义不成立（{reason}）"
    return None


@transaction.atomic
def indicator_update(
    *, actor: Actor, scope: Scope, indicator: Indicator, expected_version: int, **changes: object
) -> Indicator:
    """Change an indicator's definition (its code, which files and reports key on, stays)."""
    _checked(scope)
    unknown = set(changes) - set(INDICATOR_FIELDS)
    if unknown:
        raise ApplicationError(f"不能修改：{'、'.join(sorted(unknown))}")
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if locked.version != expected_version:
        raise ConflictError(STALE)
    before = locked.audit_snapshot()
    for name, value in changes.items():
        setattr(locked, name, value)
    _clean_or_refuse(locked, "指标")
    if locked.audit_snapshot() == before:
        return locked
    problem = stored_value_problem(locked)
    if problem:
        raise ApplicationError(
            f"不能这样修改“{locked.name}”：{problem}。请先更正这些数值，或停用本指标后新建指标"
        )
    locked.version += 1
    locked.save()
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


def _set_active(
    model: type[Indicator] | type[DataSet] | type[ValidationRule],
    pk: int,
    *,
    actor: Actor,
    expected_version: int,
    active: bool,
) -> Indicator | DataSet | ValidationRule:
    locked = model._default_manager.select_for_update().get(pk=pk)
    if locked.version != expected_version:
        raise ConflictError(STALE)
    if locked.active == active:
        return locked
    before = locked.audit_snapshot()
    locked.active = active
    locked.version += 1
    locked.save(update_fields=["active", "version", "updated_at"])
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def indicator_set_active(
    *, actor: Actor, scope: Scope, indicator: Indicator, expected_version: int, active: bool
) -> Indicator:
    """Retire (停用) or reinstate an indicator; its stored values stay."""
    _checked(scope)
    result = _set_active(
        Indicator, indicator.pk, actor=actor, expected_version=expected_version, active=active
    )
    assert isinstance(result, Indicator)
    return result


@transaction.atomic
def data_set_update(
    *,
    actor: Actor,
    scope: Scope,
    data_set: DataSet,
    expected_version: int,
    name: str,
    period_type: str,
    level: str,
    indicators: Sequence[Indicator],
    description: str = "",
) -> DataSet:
    """Change a data set (its code stays). Its period type and level are fixed once it has reports,
    and an indicator with values in it stays in it (retire the indicator instead)."""
    _checked(scope)
    locked = DataSet.objects.select_for_update().get(pk=data_set.pk)
    if locked.version != expected_version:
        raise ConflictError(STALE)
    before = locked.audit_snapshot()
    reports = Report.objects.filter(data_set=locked, kind=ValueKind.ACTUAL).count()
    if period_type != locked.period_type and reports:
        raise ApplicationError(
            f"“{locked.name}”已有{reports}期填报数据（按{locked.get_period_type_display()}存储），"
            f"改为{PeriodType(period_type).label}后已存数据将无法对应；可停用本报表后新建报表",
            field_errors={"period_type": "已有填报数据，不能修改报送周期"},
        )
    if level != locked.level and Report.objects.filter(data_set=locked).exists():
        raise ApplicationError(
            f"“{locked.name}”已有{locked.get_level_display()}级的填报数据，不能改为其他层级填报；"
            "可停用本报表后新建报表",
            field_errors={"level": "已有填报数据，不能修改填报层级"},
        )
    wanted = {i.pk for i in indicators}
    removed = [i for i in locked.indicators.all() if i.pk not in wanted]
    _check_removable(locked, removed)
    locked.name, locked.period_type, locked.level, locked.description = name, period_type, level, description
    _clean_or_refuse(locked, "报表")
    locked.indicators.set(indicators)
    if locked.audit_snapshot() == before:
        return locked
    locked.version += 1
    locked.save()
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


def _check_removable(data_set: DataSet, removed: Sequence[Indicator]) -> None:
    if not removed:
        return
    ruled = data_set.rules.filter(active=True).filter(Q(left__in=removed) | Q(right__in=removed)).first()
    if ruled is not None:
        raise ApplicationError(
            f"校验规则“{ruled}”用到要移出的指标，请先停用该规则",
            field_errors={"indicators": "要移出的指标仍在校验规则中"},
        )
    areas = Report.objects.filter(data_set=data_set).values("area_id")
    stored = DataValue.objects.filter(indicator__in=removed, area_id__in=areas).select_related("indicator")
    found = stored.first()
    if found is not None:
        raise ApplicationError(
            f"指标“{found.indicator.name}”在“{data_set.name}”中已有数据，移出后报表中将看不到这些数据；"
            "如不再填报，请停用该指标",
            field_errors={"indicators": f"“{found.indicator.name}”已有数据，不能移出"},
        )


@transaction.atomic
def data_set_set_active(
    *, actor: Actor, scope: Scope, data_set: DataSet, expected_version: int, active: bool
) -> DataSet:
    """Retire (停用) or reinstate a data set: retired, it is no longer entered nor expected on the
    approval board; its reports and values stay."""
    _checked(scope)
    result = _set_active(DataSet, data_set.pk, actor=actor, expected_version=expected_version, active=active)
    assert isinstance(result, DataSet)
    return result


@transaction.atomic
def rule_update(
    *,
    actor: Actor,
    scope: Scope,
    rule: ValidationRule,
    expected_version: int,
    left: Indicator,
    operator: str,
    right: Indicator,
) -> ValidationRule:
    """Change a rule; it binds values entered from now on (stored ones are not re-checked)."""
    _checked(scope)
    locked = ValidationRule.objects.select_for_update().select_related("data_set").get(pk=rule.pk)
    if locked.version != expected_version:
        raise ConflictError(STALE)
    members = set(locked.data_set.indicators.values_list("pk", flat=True))
    if left.pk not in members or right.pk not in members:
        raise ApplicationError("校验规则的两个指标都须属于该报表")
    if left.pk == right.pk:
        raise ApplicationError("校验规则须比较两个不同的指标")
    before = locked.audit_snapshot()
    locked.left, locked.operator, locked.right = left, operator, right
    if locked.audit_snapshot() == before:
        return locked
    locked.version += 1
    locked.save()
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def rule_set_active(
    *, actor: Actor, scope: Scope, rule: ValidationRule, expected_version: int, active: bool
) -> ValidationRule:
    _checked(scope)
    result = _set_active(
        ValidationRule, rule.pk, actor=actor, expected_version=expected_version, active=active
    )
    assert isinstance(result, ValidationRule)
    return result

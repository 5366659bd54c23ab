"""The validation rules of a data-entry form, each refusal a Chinese message naming the indicator.

Per value: an integer indicator takes whole numbers; a percent lies in 0–100 unless the indicator
sets its own range (a growth rate may be negative); no value may pass the indicator's minimum or
maximum (an unset minimum means 0: counts and amounts are never negative); a value has at most the
indicator's decimal places. Between values: each rule of the data set (A ≤ B …) is checked when both
sides are given (a retired rule is not checked). A plan is checked like a value, but the rules
between indicators bind actual values only (plans of different indicators need not respect them).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from fupin.indicators.models import DataSet, Indicator, RuleOperator, ValidationRule, ValueKind, ValueType

if TYPE_CHECKING:
    from fupin.indicators.services.entry import Entry

OPERATORS: dict[str, tuple[Callable[[Decimal, Decimal], bool], str]] = {
    RuleOperator.LE: (operator.le, "不应大于"),
    RuleOperator.LT: (operator.lt, "应小于"),
    RuleOperator.GE: (operator.ge, "不应小于"),
    RuleOperator.GT: (operator.gt, "应大于"),
    RuleOperator.EQ: (operator.eq, "应等于"),
}
HUNDRED = Decimal(100)


def field_name(indicator: Indicator) -> str:
    return f"v_{indicator.code}"


def shown(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def value_problem(indicator: Indicator, value: Decimal) -> str | None:
    """Why one value cannot be taken, or None."""
    name = indicator.name
    if indicator.value_type == ValueType.INTEGER and value != value.to_integral():
        return f"“{name}”应为整数"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > indicator.decimals:
        return f"“{name}”最多保留{indicator.decimals}位小数"
    minimum = indicator.minimum if indicator.minimum is not None else Decimal(0)
    maximum = indicator.maximum
    if maximum is None and indicator.value_type == ValueType.PERCENT:
        maximum = HUNDRED
    if value < minimum:
        return f"“{name}”不能小于{shown(minimum)}" if minimum else f"“{name}”不能为负数"
    if maximum is not None and value > maximum:
        return f"“{name}”不能大于{shown(maximum)}"
    return None


def entry_problems(
    data_set: DataSet, indicators: Sequence[Indicator], entries: Mapping[str, Entry], *, kind: str
) -> dict[str, str]:
    """Form field → Chinese reason, for every value and rule that fails; empty when all pass."""
    problems: dict[str, str] = {}
    given: dict[int, Decimal] = {}
    for indicator in indicators:
        entry = entries.get(indicator.code)
        if entry is None or entry.value is None:
            continue
        reason = value_problem(indicator, entry.value)
        if reason:
            problems[field_name(indicator)] = reason
        else:
            given[indicator.pk] = entry.value
    if kind != ValueKind.ACTUAL:
        return problems
    for rule, reason in rule_problems(data_set, given):
        problems.setdefault(field_name(rule.left), reason)
    return problems


def rule_problems(
    data_set: DataSet, given: Mapping[int, Decimal], *, stored: Collection[int] = ()
) -> list[tuple[ValidationRule, str]]:
    """Each active rule of the data set that the values (indicator id → value) break, with the
    reason naming both indicators; a value whose indicator is in `stored` is marked as already
    stored (the ledger checks a file's values against those of the form already entered)."""
    broken = []
    for rule in data_set.rules.filter(active=True).select_related("left", "right"):
        left, right = given.get(rule.left_id), given.get(rule.right_id)
        if left is None or right is None:
            continue
        holds, words = OPERATORS[rule.operator]
        if not holds(left, right):
            mark_left = "，已存" if rule.left_id in stored else ""
            mark_right = "，已存" if rule.right_id in stored else ""
            broken.append(
                (
                    rule,
                    f"“{rule.left.name}”（{shown(left)}{mark_left}）{words}"
                    f"“{rule.right.name}”（{shown(right)}{mark_right}）",
                )
            )
    return broken

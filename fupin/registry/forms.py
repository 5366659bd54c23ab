"""Forms of the household file; each one posts to one service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fupin.core.web import StyledForm
from fupin.registry.models import HardshipKind, IncomeItem, IncomeKind, MonitoringType, StepKind
from fupin.registry.services.editing import IncomeLine

DATE = forms.DateInput(attrs={"type": "date"})


class StepForm(StyledForm):
    procedure = forms.IntegerField(widget=forms.HiddenInput)
    step_kind = forms.ChoiceField(label="环节", choices=StepKind.choices, widget=forms.HiddenInput)
    on = forms.DateField(label="办理日期", widget=DATE)
    ends_on = forms.DateField(label="公示结束日期", required=False, widget=DATE)
    passed = forms.TypedChoiceField(
        label="结果",
        choices=[("1", "通过"), ("0", "未通过")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    note = forms.CharField(label="意见", max_length=500, required=False)


class ExitStartForm(StyledForm):
    year = forms.IntegerField(label="脱贫年度", min_value=2013, max_value=2100)
    started_on = forms.DateField(label="开始日期", widget=DATE)


class WithdrawForm(StyledForm):
    procedure = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤回原因", max_length=200)


class RelapseForm(StyledForm):
    year = forms.IntegerField(label="返贫年度", min_value=2013, max_value=2100)
    on = forms.DateField(label="认定日期", widget=DATE)
    reason = forms.CharField(label="返贫原因", max_length=200)


class CancelForm(StyledForm):
    on = forms.DateField(label="注销日期", widget=DATE)
    reason = forms.CharField(label="注销原因", max_length=200)


class MonitoringOpenForm(StyledForm):
    monitoring_type = forms.ChoiceField(label="监测对象类型", choices=MonitoringType.choices)
    lead_on = forms.DateField(label="风险线索日期", widget=DATE)
    lead_source = forms.CharField(label="线索来源", max_length=50, required=False)


class ClearForm(StyledForm):
    case = forms.IntegerField(widget=forms.HiddenInput)
    started_on = forms.DateField(label="开始日期", widget=DATE)


class HardshipForm(StyledForm):
    kind = forms.ChoiceField(label="事件类型", choices=HardshipKind.choices)
    on = forms.DateField(label="发生日期", widget=DATE)
    expense = forms.DecimalField(label="刚性支出（元）", min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(label="说明", max_length=500, required=False)


class IncomeForm(StyledForm):
    """One amount field per income kind for one year; an empty field removes that line item."""

    year = forms.IntegerField(label="年度", min_value=2013, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in IncomeKind.choices:
            self.fields[f"amount_{kind}"] = forms.DecimalField(
                label=label, required=False, min_value=0, max_digits=12, decimal_places=2
            )
        # StyledForm styled only the fields that existed when it ran.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    @classmethod
    def initial_for(cls, year: int, items: list[IncomeItem]) -> dict[str, Any]:
        return {"year": year} | {f"amount_{i.kind}": i.amount for i in items}

    def lines(self) -> list[IncomeLine]:
        return [
            IncomeLine(kind, Decimal(self.cleaned_data[f"amount_{kind}"]))
            for kind in IncomeKind.values
            if self.cleaned_data.get(f"amount_{kind}") is not None
        ]

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[f"amount_{kind}"] for kind in IncomeKind.values]

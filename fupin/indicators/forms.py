"""Forms of the indicator pages: the data-entry form (one value and comment per indicator), and the
key-project forms."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from fupin.core.web import DateInput, StyledForm
from fupin.indicators.models import (
    AreaAggregation,
    DataSet,
    DataValue,
    Indicator,
    Industry,
    PeriodAggregation,
    PeriodType,
    ReportLevel,
    RuleOperator,
    ValueType,
)
from fupin.indicators.services.entry import Entry
from fupin.indicators.validation import field_name


def comment_name(indicator: Indicator) -> str:
    return f"c_{indicator.code}"


class EntryForm(StyledForm):
    """One number and one comment per indicator of the data set, and the report's version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, indicators: Sequence[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            label = f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            self.fields[field_name(indicator)] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=18,
                decimal_places=4,
                error_messages={"invalid": f"“{indicator.name}”应为数字"},
                widget=forms.TextInput(
                    attrs={"inputmode": "integer" if indicator.value_type == ValueType.INTEGER else "decimal"}
                ),
            )
            self.fields[comment_name(indicator)] = forms.CharField(
                label=f"{indicator.name}说明", required=False, max_length=500
            )

    @classmethod
    def initial_of(
        cls, indicators: Sequence[Indicator], values: Sequence[DataValue], version: int
    ) -> dict[str, Any]:
        by_indicator = {value.indicator_id: value for value in values}
        initial: dict[str, Any] = {"version": version}
        for indicator in indicators:
            value = by_indicator.get(indicator.pk)
            if value is not None:
                initial[field_name(indicator)] = shown(value.value, indicator.decimals)
                initial[comment_name(indicator)] = value.comment
        return initial

    def entries(self) -> dict[str, Entry]:
        data = self.cleaned_data
        return {
            i.code: Entry(data.get(field_name(i)), (data.get(comment_name(i)) or "").strip())
            for i in self.indicators
        }

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField]]:
        return [(i, self[field_name(i)], self[comment_name(i)]) for i in self.indicators]


def shown(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


class ProgressForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    completed_investment = forms.DecimalField(
        label="当月完成投资（万元）", max_digits=14, decimal_places=2, min_value=0
    )
    progress = forms.CharField(label="形象进度", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MilestoneForm(StyledForm):
    name = forms.CharField(label="节点名称", max_length=200)
    planned_date = forms.DateField(label="计划日期", widget=DateInput)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneDoneForm(StyledForm):
    completed_date = forms.DateField(label="完成日期", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhotoForm(StyledForm):
    photo = forms.FileField(label="节点照片")


class ProjectFilterForm(StyledForm):
    area = forms.CharField(label="区划代码", required=False)
    industry = forms.ChoiceField(label="行业", required=False, choices=[("", "全部行业"), *Industry.choices])
    unit = forms.CharField(label="责任单位编码", required=False)


class ProjectForm(StyledForm):
    code = forms.CharField(label="项目编号", max_length=30)
    name = forms.CharField(label="项目名称", max_length=200)
    industry = forms.ChoiceField(label="行业", choices=Industry.choices)
    owner_unit = forms.CharField(label="责任单位编码", max_length=40)
    area = forms.CharField(label="所在区划代码", max_length=12)
    start_date = forms.DateField(label="开工日期", widget=DateInput)
    end_date = forms.DateField(label="计划竣工日期", required=False, widget=DateInput)
    total_investment = forms.DecimalField(
        label="总投资（万元）", max_digits=14, decimal_places=2, min_value=0
    )
    description = forms.CharField(label="建设内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    planned_investment = forms.DecimalField(
        label="年度计划投资（万元）", max_digits=14, decimal_places=2, min_value=0
    )
    # The version of the plan the form showed; 0 when the year had none.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class IndicatorForm(StyledForm):
    code = forms.CharField(label="指标编码", max_length=30)
    name = forms.CharField(label="指标名称", max_length=100)
    unit = forms.CharField(label="计量单位", max_length=20, required=False)
    value_type = forms.ChoiceField(label="数值类型", choices=ValueType.choices)
    area_aggregation = forms.ChoiceField(label="区域汇总", choices=AreaAggregation.choices)
    period_aggregation = forms.ChoiceField(label="期间汇总", choices=PeriodAggregation.choices)
    decimals = forms.IntegerField(label="小数位数", min_value=0, max_value=4, initial=2)
    minimum = forms.DecimalField(label="最小值", required=False, max_digits=18, decimal_places=4)
    maximum = forms.DecimalField(label="最大值", required=False, max_digits=18, decimal_places=4)
    description = forms.CharField(label="口径说明", required=False)


class DataSetForm(StyledForm):
    code = forms.CharField(label="报表编码", max_length=30)
    name = forms.CharField(label="报表名称", max_length=100)
    period_type = forms.ChoiceField(label="报送周期", choices=PeriodType.choices)
    level = forms.ChoiceField(label="填报层级", choices=ReportLevel.choices)
    indicators = forms.ModelMultipleChoiceField(
        label="指标",
        queryset=Indicator.objects.order_by("order", "code"),
        widget=forms.CheckboxSelectMultiple,
    )


class RuleForm(StyledForm):
    data_set = forms.ModelChoiceField(label="报表", queryset=DataSet.objects.order_by("code"))
    left = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.order_by("order", "code"))
    operator = forms.ChoiceField(label="关系", choices=RuleOperator.choices)
    right = forms.ModelChoiceField(label="对比指标", queryset=Indicator.objects.order_by("order", "code"))


class IndicatorEditForm(IndicatorForm):
    """An indicator's definition as edited: its code stays (files and reports key on it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class DataSetEditForm(DataSetForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class RuleEditForm(StyledForm):
    left = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none())
    operator = forms.ChoiceField(label="关系", choices=RuleOperator.choices)
    right = forms.ModelChoiceField(label="对比指标", queryset=Indicator.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, data_set: DataSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = data_set.indicators.order_by("order", "code")
        for name in ("left", "right"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = members

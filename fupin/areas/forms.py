from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from fupin.areas.county_settings import (
    CHECKIN_ACCURACY_MAX_M,
    CHECKIN_RADIUS_M,
    DINGTALK_WEBHOOK,
    QUOTA_RULES,
    SettingDefinition,
)
from fupin.areas.models import Area
from fupin.core.web import StyledForm


class AreaForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    is_poor_village = forms.BooleanField(label="贫困村", required=False)
    longitude = forms.DecimalField(
        label="经度", max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )
    latitude = forms.DecimalField(
        label="纬度", max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_area(cls, area: Area) -> AreaForm:
        return cls(
            initial={
                "name": area.name,
                "is_poor_village": area.is_poor_village,
                "longitude": area.longitude,
                "latitude": area.latitude,
                "version": area.version,
            }
        )


# County settings (county_settings.SETTINGS) --------------------------------------------------------


class YearlyRowForm(StyledForm):
    """One "年度 / 金额" row of a yearly table; a row left blank is dropped."""

    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    amount = forms.DecimalField(label="金额（元）", required=False, max_digits=10, decimal_places=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, amount = data.get("year"), data.get("amount")
        if year is None and amount is not None and "year" not in self.errors:
            self.add_error("year", "请填写年度")
        if amount is None and year is not None and "amount" not in self.errors:
            self.add_error("amount", "请填写金额")
        if amount is not None and amount <= 0:
            self.add_error("amount", "金额应为正数")
        return data


class BaseYearlyFormSet(forms.BaseFormSet[YearlyRowForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        years = [f.cleaned_data["year"] for f in self.forms if f.cleaned_data.get("year") is not None]
        duplicates = sorted({y for y in years if years.count(y) > 1})
        if duplicates:
            raise forms.ValidationError(f"年度重复：{'、'.join(str(y) for y in duplicates)}")
        if not years:
            raise forms.ValidationError("至少填写一个年度")

    def value(self) -> dict[str, int | float]:
        """The table as the setting stores it: {"2020": 4000, ...}, years ascending."""
        rows = sorted(
            (f.cleaned_data["year"], f.cleaned_data["amount"])
            for f in self.forms
            if f.cleaned_data.get("year") is not None
        )
        return {str(year): _number(amount) for year, amount in rows}


def _number(amount: Decimal) -> int | float:
    # JSON keeps whole yuan as integers, the way the defaults are written.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


YearlyFormSet = cast(
    type[BaseYearlyFormSet], forms.formset_factory(YearlyRowForm, formset=BaseYearlyFormSet, extra=2)
)


class PositiveIntegerSettingForm(StyledForm):
    value = forms.IntegerField(label="值", min_value=1, max_value=100000)

    def value_of(self) -> int:
        return int(self.cleaned_data["value"])


# Field-work settings: the check-in radius and accuracy bound, the DingTalk robot, the quota rules.
# The areas app sits below people and fieldwork, so the Chinese names of the categories and kinds
# the rules use are spelled here (a test holds them equal to the enumerations).
QUOTA_CATEGORY_LABELS = {
    "county_leader": "县级领导",
    "dept_head": "部门主要负责人",
    "paired_cadre": "帮扶干部",
    "first_secretary": "第一书记",
    "team_leader": "驻村工作队长",
    "team_member": "驻村工作队员",
}
QUOTA_KIND_LABELS = {"town": "驻镇", "village": "驻村", "household": "入户"}
QUOTA_PERIOD_LABELS = {"week": "每周", "month": "每月"}
PERIOD_DAY_LIMITS = {"week": 7, "month": 31}


def _checked(definition: SettingDefinition, value: Any) -> Any:
    if error := definition.check(value):
        raise forms.ValidationError(error)
    return value


class MetresSettingForm(StyledForm):
    """The radius or the accuracy bound, and from which day to judge the county's check-ins again."""

    value = forms.IntegerField(label="米")
    revalidate_since = forms.DateField(
        label="按新值重新核验自该日起的本县打卡",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="留空则不重新核验已有打卡（只影响今后的打卡）。",
    )

    def __init__(self, *args: Any, definition: SettingDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition

    def clean_value(self) -> int:
        return int(_checked(self.definition, self.cleaned_data["value"]))

    def value_of(self) -> int:
        return int(self.cleaned_data["value"])


class WebhookSettingForm(StyledForm):
    value = forms.URLField(label="钉钉机器人地址", required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args: Any, definition: SettingDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition

    def clean_value(self) -> str:
        return str(_checked(self.definition, self.cleaned_data["value"] or ""))

    def value_of(self) -> str:
        return str(self.cleaned_data["value"] or "")


class QuotaRuleForm(StyledForm):
    """One rule; a row whose category is left empty is dropped."""

    category = forms.ChoiceField(
        label="干部类别", required=False, choices=[("", "（不设）"), *QUOTA_CATEGORY_LABELS.items()]
    )
    kinds = forms.MultipleChoiceField(
        label="计入的打卡类型",
        required=False,
        choices=list(QUOTA_KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(label="最少天数", required=False, min_value=1, max_value=31)
    period = forms.ChoiceField(label="周期", required=False, choices=list(QUOTA_PERIOD_LABELS.items()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("category"):
            if data.get("kinds") or data.get("days"):
                self.add_error("category", "请选择干部类别，或清空本行")
            return data
        if not data.get("kinds") and "kinds" not in self.errors:
            self.add_error("kinds", "请至少选择一种打卡类型")
        days, period = data.get("days"), data.get("period")
        if days is None and "days" not in self.errors:
            self.add_error("days", "请填写最少天数")
        elif days is not None and period in PERIOD_DAY_LIMITS and days > PERIOD_DAY_LIMITS[period]:
            self.add_error("days", f"{QUOTA_PERIOD_LABELS[period]}的天数应为1到{PERIOD_DAY_LIMITS[period]}")
        return data

    def rule(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        kinds = [k for k in QUOTA_KIND_LABELS if k in set(data["kinds"])]
        return {"category": data["category"], "kinds": kinds, "days": data["days"], "period": data["period"]}


class BaseQuotaRuleFormSet(forms.BaseFormSet[QuotaRuleForm]):
    definition: SettingDefinition

    def clean(self) -> None:
        if any(self.errors):
            return
        categories = [rule["category"] for rule in self.value()]
        duplicates = [c for c in dict.fromkeys(categories) if categories.count(c) > 1]
        if duplicates:
            names = "、".join(QUOTA_CATEGORY_LABELS[c] for c in duplicates)
            raise forms.ValidationError(f"每个干部类别只能有一条规则，重复：{names}")
        _checked(self.definition, self.value())

    def value(self) -> list[dict[str, Any]]:
        return [rule for form in self.forms if (rule := form.rule()) is not None]


QuotaRuleFormSet = cast(
    type[BaseQuotaRuleFormSet], forms.formset_factory(QuotaRuleForm, formset=BaseQuotaRuleFormSet, extra=2)
)


def quota_rule_text(rule: dict[str, Any]) -> str:
    """县级领导：每周至少3天（驻镇、驻村、入户）"""
    kinds = "、".join(QUOTA_KIND_LABELS.get(k, k) for k in rule.get("kinds", []))
    category = QUOTA_CATEGORY_LABELS.get(rule.get("category", ""), rule.get("category", ""))
    every = QUOTA_PERIOD_LABELS.get(rule.get("period", ""), "")
    return f"{category}：{every}至少{rule.get('days')}天（{kinds}）"


def masked_webhook(url: str) -> str:
    """The robot's address without its access token, for those who may read but not change it."""
    if not url:
        return "未设置"
    return f"已设置（{url.split('?', 1)[0]}?…）"


SettingEditor = (
    BaseYearlyFormSet
    | PositiveIntegerSettingForm
    | MetresSettingForm
    | WebhookSettingForm
    | BaseQuotaRuleFormSet
)
METRES_SETTINGS = (CHECKIN_RADIUS_M, CHECKIN_ACCURACY_MAX_M)


def revalidation_start(today: dt.date) -> dt.date:
    """The Monday on or before the first of this month: this month's compliance, straddling week too."""
    first = today.replace(day=1)
    return first - dt.timedelta(days=first.weekday())


def setting_editor(definition: SettingDefinition, current: Any, data: Any = None) -> SettingEditor | None:
    """The form that edits a setting: the field-work settings by name, the others by the shape of
    their default; None for shapes without one yet (they are shown read-only)."""
    name = definition.name
    if name in METRES_SETTINGS:
        initial = {"value": current, "revalidate_since": revalidation_start(timezone.localdate())}
        return MetresSettingForm(data, prefix=name, definition=definition, initial=initial)
    if name == DINGTALK_WEBHOOK:
        return WebhookSettingForm(data, prefix=name, definition=definition, initial={"value": current})
    if name == QUOTA_RULES:
        rules = QuotaRuleFormSet(data, prefix=name, initial=None if data is not None else current)
        rules.definition = definition
        return rules
    if isinstance(definition.default, dict):
        if data is not None:
            return YearlyFormSet(data, prefix=definition.name)
        rows = [{"year": int(y), "amount": a} for y, a in sorted(current.items(), key=lambda i: int(i[0]))]
        return YearlyFormSet(initial=rows, prefix=definition.name)
    if isinstance(definition.default, int) and not isinstance(definition.default, bool):
        if data is not None:
            return PositiveIntegerSettingForm(data, prefix=definition.name)
        return PositiveIntegerSettingForm(initial={"value": current}, prefix=definition.name)
    return None


def editor_value(editor: SettingEditor) -> Any:
    if isinstance(editor, BaseYearlyFormSet | BaseQuotaRuleFormSet):
        return editor.value()
    return editor.value_of()

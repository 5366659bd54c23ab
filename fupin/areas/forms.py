from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from fupin.areas.county_settings import SettingDefinition
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


SettingEditor = BaseYearlyFormSet | PositiveIntegerSettingForm


def setting_editor(definition: SettingDefinition, current: Any, data: Any = None) -> SettingEditor | None:
    """The form that edits a setting, by the shape of its default; None for shapes without one yet
    (they are shown read-only)."""
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
    if isinstance(editor, BaseYearlyFormSet):
        return editor.value()
    return editor.value_of()

"""Forms of the check-in pages: the phone's check-in (打卡) and the reviewers' filters.

The places a cadre may choose are its own: for 入户 the households it may visit that day (paired
with it, or in the village of its work team); for 驻村 the villages of its work team, of its paired
households, of its unit (单位包村) and of the towns it leads; for 驻镇 the towns it leads (领导包镇)
and the towns of those villages. Each list starts with the place the cadre most likely means.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core.web import StyledForm
from fupin.fieldwork.models import CheckInKind
from fupin.fieldwork.selectors.checkins import checkin_places
from fupin.people.models import Cadre
from fupin.registry.models import Household

PHOTO_MAX_BYTES = 8 * 1024 * 1024
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SIX_PLACES = Decimal("0.000001")
TENTH = Decimal("0.1")
# The largest accuracy the column holds; a phone that reports more is far beyond any bound anyway.
ACCURACY_CEILING = Decimal("9999999.9")


# The field naming the place of each kind, and what to say when it is missing.
PLACE_NEEDED: dict[str, tuple[str, str]] = {
    CheckInKind.HOUSEHOLD: ("household", "请选择入户的农户"),
    CheckInKind.VILLAGE: ("village", "请选择驻村的村"),
    CheckInKind.TOWN: ("town", "请选择驻镇的乡镇"),
}


class HouseholdChoice(forms.ModelChoiceField[Household]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.head_name}户（{obj.village.name}）"


class AreaChoice(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.level == AreaLevel.VILLAGE and obj.parent else ""
        return f"{obj.name}（{parent}）" if parent else obj.name


def _decimal(text: str, name: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(f"{name}应为数字") from None
    if not value.is_finite():
        raise forms.ValidationError(f"{name}应为数字")
    return value


class CheckInForm(StyledForm):
    """One check-in as the phone page sends it, after the tap, perhaps long after (offline)."""

    kind = forms.ChoiceField(label="打卡类型", choices=CheckInKind.choices, widget=forms.RadioSelect)
    household = HouseholdChoice(
        label="农户",
        empty_label="请选择农户",
        queryset=Household.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "所选农户不在您当天可入户的农户中"},
    )
    village = AreaChoice(
        label="村",
        empty_label="请选择村",
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "所选村不在您的驻村、结对或包村范围内"},
    )
    town = AreaChoice(
        label="乡镇",
        empty_label="请选择乡镇",
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "所选乡镇不在您的包镇或驻村范围内"},
    )
    notes = forms.CharField(
        label="工作内容",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：走访了解收入情况、宣讲政策"}),
    )
    photo = forms.ImageField(
        label="现场照片",
        error_messages={
            "required": "请拍摄现场照片",
            "invalid_image": "照片不是有效的图片文件",
            "empty": "照片文件是空的",
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    # Made by the phone at the tap: the key of this check-in, the phone's local date and time, and
    # the instant (ISO 8601 with its offset).
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput, error_messages={"invalid": "打卡日期格式不正确"})
    time = forms.TimeField(required=False, widget=forms.HiddenInput)
    recorded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day = self._day_of(self.data.get("date")) if self.is_bound else timezone.localdate()
        self.places = checkin_places(cadre, self.day)
        self.fields["household"].queryset = self.places.households  # type: ignore[attr-defined]
        self.fields["village"].queryset = self.places.villages  # type: ignore[attr-defined]
        self.fields["town"].queryset = self.places.towns  # type: ignore[attr-defined]
        self.fields["kind"].widget.attrs.pop("class", None)

    @staticmethod
    def _day_of(text: object) -> dt.date:
        """The day whose places the choices are checked against: the phone's date of the tap."""
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            return timezone.localdate()

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"].strip()
        if not KEY_PATTERN.match(key):
            raise forms.ValidationError("打卡标识不正确，请刷新页面后重试")
        return key

    def clean_photo(self) -> UploadedFile:
        photo: UploadedFile = self.cleaned_data["photo"]
        if photo.size is not None and photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError("照片不能超过8MB")
        return photo

    def clean_longitude(self) -> Decimal | None:
        value = _decimal(self.cleaned_data["longitude"], "经度")
        return None if value is None else value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)

    def clean_latitude(self) -> Decimal | None:
        value = _decimal(self.cleaned_data["latitude"], "纬度")
        return None if value is None else value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)

    def clean_accuracy_m(self) -> Decimal | None:
        value = _decimal(self.cleaned_data["accuracy_m"], "定位精度")
        if value is None:
            return None
        return min(value, ACCURACY_CEILING).quantize(TENTH, rounding=ROUND_HALF_UP)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = PLACE_NEEDED.get(str(data.get("kind", "")))
        if needed is not None and not data.get(needed[0]) and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        return data

    def area(self) -> Area:
        """The village or town the check-in is made in (valid forms only)."""
        data = self.cleaned_data
        if data["kind"] == CheckInKind.HOUSEHOLD:
            village: Area = data["household"].village
            return village
        chosen: Area = data["town"] if data["kind"] == CheckInKind.TOWN else data["village"]
        return chosen


class CheckInFilterForm(StyledForm):
    """The reviewers' filters: dates, town and village, kind, verdict and cadre."""

    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    town = forms.ModelChoiceField(
        label="乡镇",
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="全部乡镇",
    )
    village = forms.ModelChoiceField(
        label="村", queryset=Area.objects.none(), to_field_name="code", required=False, empty_label="全部村"
    )
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *CheckInKind.choices], required=False)
    verdict = forms.ChoiceField(
        label="结果", choices=[("", "全部"), ("valid", "有效"), ("invalid", "无效")], required=False
    )
    cadre = forms.CharField(label="干部", max_length=50, required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = areas.filter(level=AreaLevel.TOWN).order_by("code")
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        town_code = self.data.get("town") if self.is_bound else None
        villages = areas.filter(level=AreaLevel.VILLAGE, parent__code=town_code) if town_code else None
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            villages.order_by("code") if villages is not None else Area.objects.none()
        )
        if villages is None:
            self.fields["village"].empty_label = "全部村（先选乡镇）"  # type: ignore[attr-defined]
        self.fields["cadre"].widget.attrs["placeholder"] = "姓名或编号"

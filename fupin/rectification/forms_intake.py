"""Forms of problem intake: a session with its dynamic list of problems (staff), the villagers'
public form and lookup, and the configuration of apps that push problems."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms import BaseFormSet, formset_factory

from fupin.areas.models import Area, AreaLevel
from fupin.core import phone
from fupin.core.web import DateInput, StyledForm
from fupin.rectification.models import Channel, Origin, ProblemCategory
from fupin.rectification.services.intake import DESCRIPTION_MAX, NAME_MAX, PHOTO_MAX_BYTES, SESSION_CHANNELS
from fupin.rectification.services.webhook import APP_CHANNELS

# The choice a villager makes when the kind of problem is not clear to them.
UNKNOWN_CATEGORY = "__unknown__"
MAX_PROBLEMS_PER_SESSION = 50


class AreaChoice(forms.ModelChoiceField[Area]):
    """Areas indented by level, so towns and their villages read as a tree in a plain select."""

    def label_from_instance(self, obj: Any) -> str:
        indent = {AreaLevel.TOWN: "　", AreaLevel.VILLAGE: "　　"}.get(obj.level, "")
        return f"{indent}{obj.name}"


class CategoryChoice(forms.ModelChoiceField[ProblemCategory]):
    def __init__(self, *args: Any, with_county: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_county = with_county

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.county.name}·{obj.name}" if self.with_county else str(obj.name)


# -- staff: a session and its problems -----------------------------------------------------------
class IntakeSessionForm(StyledForm):
    channel = forms.ChoiceField(
        label="检视渠道", choices=[(c.value, c.label) for c in SESSION_CHANNELS], initial=Channel.SYMPOSIUM
    )
    held_on = forms.DateField(label="日期", widget=DateInput)
    area = AreaChoice(
        label="区划", queryset=Area.objects.none(), to_field_name="code", empty_label="请选择区划"
    )
    title = forms.CharField(
        label="主题", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：黄家坝村群众座谈会"})
    )
    host_code = forms.CharField(label="主持人干部编号", max_length=32, required=False)
    participants = forms.CharField(
        label="参加人员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一人，或以顿号分隔"}),
    )
    participant_count = forms.IntegerField(
        label="参加人数", required=False, min_value=0, help_text="留空则按名单人数计"
    )
    notes = forms.CharField(label="记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class ProblemDraftForm(StyledForm):
    description = forms.CharField(label="问题描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    category = CategoryChoice(label="问题类别", queryset=ProblemCategory.objects.none(), empty_label="请选择")
    area = AreaChoice(
        label="所在区划",
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="同活动区划",
    )
    household_code = forms.CharField(label="户编号", max_length=32, required=False)
    origin = forms.ChoiceField(label="问题来源", choices=Origin.choices, initial=Origin.PUBLIC)
    fix_at_once = forms.BooleanField(label="即知即改", required=False)

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[ProblemCategory],
        areas: QuerySet[Area],
        choices: dict[str, list[Any]],
        **kwargs: Any,
    ) -> None:
        """`choices` is shared by the rows of one formset: the selects are read from the database
        for the first row and reused by the others."""
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = categories  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        if not choices:
            category.with_county = len({c.county_id for c in categories}) > 1  # type: ignore[attr-defined]
            choices["category"] = list(category.choices)  # type: ignore[attr-defined]
            choices["area"] = list(self.fields["area"].choices)  # type: ignore[attr-defined]
        category.choices = choices["category"]  # type: ignore[attr-defined]
        self.fields["area"].choices = choices["area"]  # type: ignore[attr-defined]
        self.fields["household_code"].widget.attrs["placeholder"] = "可不填"


ProblemDraftFormSet: type[BaseFormSet[ProblemDraftForm]] = formset_factory(
    ProblemDraftForm,
    extra=1,
    can_delete=True,
    max_num=MAX_PROBLEMS_PER_SESSION,
    validate_max=True,
)


# -- the public form -----------------------------------------------------------------------------
class PhotoField(forms.ImageField):
    """An optional photo: refused over 5 MB before Pillow reads it, then checked to be an image."""

    def to_python(self, data: Any) -> Any:
        if isinstance(data, UploadedFile) and data.size is not None and data.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError("照片不能超过5MB", code="too_large")
        return super().to_python(data)


class PublicProblemForm(StyledForm):
    description = forms.CharField(
        label="您要反映的问题",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "请写清楚什么事、在哪里、涉及谁家"}),
        error_messages={
            "required": "请填写您要反映的问题",
            "max_length": f"问题描述不能超过{DESCRIPTION_MAX}字",
        },
    )
    category = forms.ChoiceField(label="问题类别", initial=UNKNOWN_CATEGORY)
    anonymous = forms.BooleanField(label="匿名反映（不留姓名和电话）", required=False)
    reporter_name = forms.CharField(label="您的姓名（可不填）", max_length=NAME_MAX, required=False)
    reporter_phone = forms.CharField(
        label="联系电话（可不填）",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photo = PhotoField(
        label="照片（可不传，不超过5MB）",
        required=False,
        error_messages={"invalid_image": "上传的文件不是照片", "empty": "照片文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    # A honeypot: hidden from people, filled in by robots that fill in every field.
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args: Any, categories: list[ProblemCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.name: c for c in categories}
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (UNKNOWN_CATEGORY, "不清楚"),
            *[(name, name) for name in self.categories],
        ]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_reporter_phone(self) -> str:
        number: str = self.cleaned_data["reporter_phone"].strip()
        if number and not self.data.get("anonymous"):
            reason = phone.phone_error(number)
            if reason:
                raise forms.ValidationError(reason)
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError("提交未通过校验，请刷新页面后重新填写。", code="honeypot")
        return data

    @property
    def is_robot(self) -> bool:
        return any(error.code == "honeypot" for error in self.non_field_errors().as_data())

    def chosen_category(self) -> ProblemCategory | None:
        """The chosen category; None for "不清楚" (filed under the county's fallback)."""
        return self.categories.get(self.cleaned_data["category"])


class TrackForm(StyledForm):
    number = forms.CharField(
        label="查询码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": "请输入查询码"},
    )


# -- apps ----------------------------------------------------------------------------------------
class WebhookAppForm(StyledForm):
    county = forms.ModelChoiceField(
        label="所属县", queryset=Area.objects.none(), to_field_name="code", empty_label=None
    )
    name = forms.CharField(
        label="应用名称", max_length=50, widget=forms.TextInput(attrs={"placeholder": "如：略阳党建APP"})
    )
    slug = forms.SlugField(
        label="标识",
        max_length=40,
        help_text="用于接口地址，只能用小写字母、数字和连字符，如 lueyang-dangjian",
        error_messages={"invalid": "标识只能用小写字母、数字、连字符和下划线"},
    )
    channel = forms.ChoiceField(label="检视渠道", choices=[(c.value, c.label) for c in APP_CHANNELS])

    def __init__(self, *args: Any, counties: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug != slug.lower():
            raise forms.ValidationError("标识只能用小写字母、数字、连字符和下划线")
        return slug

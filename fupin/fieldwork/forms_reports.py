"""Forms of the report pages: the monthly town-stay report, a research report upload, a diary entry."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.areas.models import Area
from fupin.core.web import StyledForm
from fupin.fieldwork.models import ResearchMethod


class DateInput(forms.DateInput):
    input_type = "date"


def _text(label: str, *, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class TownStayForm(StyledForm):
    town = forms.ChoiceField(label="包联乡镇", required=False)
    days_in_town = forms.IntegerField(label="驻镇天数", min_value=0, max_value=31)
    work_done = _text("主要工作", required=True, rows=6)
    problems_found = _text("发现的问题")
    problems_solved = _text("解决的问题")
    next_steps = _text("下月打算")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, towns: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.towns = {town.code: town for town in towns}
        town_field = self.fields["town"]
        assert isinstance(town_field, forms.ChoiceField)
        town_field.choices = [(town.code, town.name) for town in towns]
        if len(towns) < 2:
            # One town (or none): the service decides, nothing to choose.
            del self.fields["town"]

    def chosen_town(self) -> Area | None:
        return self.towns.get(self.cleaned_data.get("town") or "")


class ResearchReportForm(StyledForm):
    title = forms.CharField(label="标题", max_length=200)
    topic = forms.CharField(label="调研主题", max_length=200)
    area_code = forms.CharField(label="调研区划代码", max_length=12, help_text="县、乡镇或村的12位区划代码")
    method = forms.ChoiceField(label="调研方式", choices=ResearchMethod.choices)
    researched_on = forms.DateField(label="调研日期", widget=DateInput)
    summary = _text("内容摘要", rows=3)
    document = forms.FileField(label="材料文件", help_text="Word（.docx、.doc）或PDF，不超过20MB")
    author_code = forms.CharField(
        label="撰写人干部编号",
        max_length=32,
        required=False,
        help_text="留空为本人；扶贫办可代本区域干部上传",
    )

    def __init__(self, *args: Any, may_choose_author: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.attrs["accept"] = ".docx,.doc,.pdf"
        if not may_choose_author:
            del self.fields["author_code"]


class DiaryForm(StyledForm):
    day = forms.DateField(label="日期", widget=DateInput)
    content = _text("工作内容", required=True, rows=6)
    problems = _text("发现问题", rows=3)
    plans = _text("下步打算", rows=3)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

"""Forms of the leave pages: request, decide, report back (销假), withdraw."""

from __future__ import annotations

from django import forms

from fupin.core.web import StyledForm


class DateInput(forms.DateInput):
    input_type = "date"


class LeaveRequestForm(StyledForm):
    start_date = forms.DateField(label="开始日期", widget=DateInput)
    end_date = forms.DateField(label="结束日期", widget=DateInput)
    reason = forms.CharField(label="请假事由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class LeaveDecisionForm(StyledForm):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"), ("reject", "驳回")])
    note = forms.CharField(label="审批意见", max_length=300, required=False, help_text="驳回时必填")
    version = forms.IntegerField(widget=forms.HiddenInput)


class LeaveReturnForm(StyledForm):
    returned_on = forms.DateField(label="销假日期", widget=DateInput, help_text="回到岗位的第一天")
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

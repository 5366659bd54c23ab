"""Forms of the duty pages: add a pairing or a work-team member, end either."""

from __future__ import annotations

from django import forms

from fupin.core.web import DateInput, StyledForm
from fupin.duty.models import TeamRole


class PairingForm(StyledForm):
    cadre_code = forms.CharField(label="干部编号", max_length=32)
    household_code = forms.CharField(label="户编号", max_length=32)
    start_date = forms.DateField(label="开始日期", widget=DateInput)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DateInput, help_text="留空表示仍在帮扶"
    )


class WorkTeamMemberForm(StyledForm):
    village_code = forms.CharField(label="村区划代码", max_length=12)
    cadre_code = forms.CharField(label="干部编号", max_length=32)
    role = forms.ChoiceField(label="队内职务", choices=TeamRole.choices)
    sending_unit_code = forms.CharField(
        label="派出单位编码", max_length=32, required=False, help_text="留空则为该干部所在单位"
    )
    start_date = forms.DateField(label="开始日期", widget=DateInput)
    end_date = forms.DateField(
        label="结束日期", required=False, widget=DateInput, help_text="留空表示仍在驻村"
    )


class EndForm(StyledForm):
    end_date = forms.DateField(label="结束日期", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

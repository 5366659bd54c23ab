"""Forms of the employment pages; the services check every rule, the forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.core.web import DateInput, StyledForm
from fupin.employment.models import EmploymentStatus, Funding, PostType, Reach, Region, WorkType

BLANK = [("", "—")]


class LaborerForm(StyledForm):
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    skills = forms.MultipleChoiceField(
        label="技能", required=False, choices=WorkType.choices, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label="就业状态", choices=EmploymentStatus.choices)
    wish_reach = forms.ChoiceField(label="意愿地点", choices=Reach.choices)
    wish_work_type = forms.ChoiceField(
        label="意愿工种", required=False, choices=BLANK + list(WorkType.choices)
    )
    available_from = forms.DateField(label="可到岗日期", required=False, widget=DateInput())
    note = forms.CharField(label="备注", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PostingForm(StyledForm):
    code = forms.CharField(label="岗位编号", max_length=32)
    employer = forms.CharField(label="用工单位", max_length=100)
    title = forms.CharField(label="岗位名称", max_length=100)
    work_type = forms.ChoiceField(label="工种", choices=WorkType.choices)
    skill_required = forms.BooleanField(label="须具备该技能", required=False)
    region = forms.ChoiceField(label="工作地域", choices=Region.choices)
    area_code = forms.CharField(
        label="区划代码", max_length=12, help_text="县内岗位填所在村、镇或县；县外岗位填本县"
    )
    place = forms.CharField(label="工作地点", required=False, max_length=100)
    monthly_wage = forms.DecimalField(label="月工资（元）", min_value=0, max_digits=9, decimal_places=2)
    positions = forms.IntegerField(label="招聘人数", min_value=1)
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="截止日期", required=False, widget=DateInput())
    min_age = forms.IntegerField(label="最低年龄", required=False, min_value=16, max_value=70)
    max_age = forms.IntegerField(label="最高年龄", required=False, min_value=16, max_value=70)
    requirements = forms.CharField(label="其他要求", required=False, max_length=300)


class PostingEditForm(PostingForm):
    """The posting's fields but its code (the key the ledger and the API know it by)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class PlacementEndForm(StyledForm):
    end_date = forms.DateField(label="离岗日期", widget=DateInput())
    end_reason = forms.CharField(label="离岗原因", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementWithdrawForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementForm(StyledForm):
    laborer = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label="上岗日期", widget=DateInput())


class TransferForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2013, max_value=2035)
    region = forms.ChoiceField(label="务工地域", choices=Region.choices)
    place = forms.CharField(label="务工地点", required=False, max_length=100)
    employer = forms.CharField(label="用工单位", required=False, max_length=100)
    months = forms.IntegerField(label="务工月数", min_value=1, max_value=12)
    income = forms.DecimalField(label="务工收入（元）", min_value=0, max_digits=10, decimal_places=2)


class ProgrammeForm(StyledForm):
    """A programme record's form: its code is fixed once it exists, and an edit carries the version
    it was read at. Area fields hold codes and the holder an ID number; the view looks them up
    within the user's area and the services check the rest."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class TrainingForm(ProgrammeForm):
    code = forms.CharField(label="培训编号", max_length=32)
    title = forms.CharField(label="培训名称", max_length=100, required=False)
    work_type = forms.ChoiceField(label="培训工种", choices=WorkType.choices)
    organizer = forms.CharField(label="承办单位", required=False, max_length=100)
    area = forms.CharField(label="举办地区划代码", max_length=12, help_text="县、镇或村的区划代码")
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="结束日期", widget=DateInput())
    hours = forms.IntegerField(label="学时", required=False, min_value=1, max_value=2000)


class WelfarePostForm(ProgrammeForm):
    code = forms.CharField(label="岗位编号", max_length=32)
    village = forms.CharField(label="所在村区划代码", max_length=12)
    post_type = forms.ChoiceField(label="岗位类型", choices=PostType.choices)
    holder = forms.CharField(
        label="在岗人员身份证号", required=False, max_length=18, help_text="岗位空缺时不填"
    )
    monthly_wage = forms.DecimalField(label="月工资（元）", min_value=0, max_digits=8, decimal_places=2)
    funding = forms.ChoiceField(label="资金来源", choices=Funding.choices)
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="结束日期", required=False, widget=DateInput())


class FactoryForm(ProgrammeForm):
    code = forms.CharField(label="工厂编号", max_length=32)
    name = forms.CharField(label="工厂名称", max_length=100, required=False)
    area = forms.CharField(label="所在区划代码", max_length=12)
    industry = forms.CharField(label="主营产品", required=False, max_length=100)
    opened = forms.DateField(label="投产日期", required=False, widget=DateInput())


class TraineeForm(StyledForm):
    laborer = forms.CharField(label="学员身份证号", max_length=18)
    certified = forms.BooleanField(label="取得证书", required=False)


class FactoryWorkerForm(StyledForm):
    laborer = forms.CharField(label="务工人员身份证号", max_length=18)
    start_date = forms.DateField(label="入职日期", widget=DateInput())
    end_date = forms.DateField(label="离职日期", required=False, widget=DateInput())
    monthly_wage = forms.DecimalField(
        label="月工资（元）", required=False, min_value=0, max_digits=8, decimal_places=2
    )

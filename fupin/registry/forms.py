"""Forms of the household file; each one posts to one service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fupin.core.web import StyledForm
from fupin.registry.models import (
    HardshipKind,
    Health,
    Household,
    HouseholdCategory,
    HousingStructure,
    IdentificationStandard,
    IncomeItem,
    IncomeKind,
    Labour,
    Member,
    MigrantWork,
    MonitoringType,
    PovertyCause,
    Relation,
    RelocationMode,
    Sex,
    StepKind,
)
from fupin.registry.services.editing import IncomeLine, NewMember

# An <input type="date"> takes ISO dates only; the zh-hans format (2024/05/01) would leave it empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    """One amount and note per income kind for one year; an empty amount removes that line item."""

    year = forms.IntegerField(label="年度", min_value=2013, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in IncomeKind.choices:
            self.fields[f"amount_{kind}"] = forms.DecimalField(
                label=label, required=False, min_value=0, max_digits=12, decimal_places=2
            )
            self.fields[f"note_{kind}"] = forms.CharField(
                label=f"{label}说明", required=False, max_length=200
            )
            self.fields[f"note_{kind}"].widget.attrs.update(
                placeholder="说明（可选）", **{"aria-label": f"{label}说明"}
            )
        # StyledForm styled only the fields that existed when it ran.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    @classmethod
    def initial_for(cls, year: int, items: list[IncomeItem]) -> dict[str, Any]:
        return (
            {"year": year}
            | {f"amount_{i.kind}": i.amount for i in items}
            | {f"note_{i.kind}": i.note for i in items}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind, label in IncomeKind.choices:
            if data.get(f"note_{kind}") and data.get(f"amount_{kind}") is None:
                self.add_error(f"amount_{kind}", f"填写了{label}的说明，请同时填写金额")
        return data

    def lines(self) -> list[IncomeLine]:
        return [
            IncomeLine(
                kind,
                Decimal(self.cleaned_data[f"amount_{kind}"]),
                self.cleaned_data.get(f"note_{kind}", "").strip(),
            )
            for kind in IncomeKind.values
            if self.cleaned_data.get(f"amount_{kind}") is not None
        ]

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[f"amount_{kind}"] for kind in IncomeKind.values]

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(amount, note) per kind, for the template."""
        return [(self[f"amount_{kind}"], self[f"note_{kind}"]) for kind in IncomeKind.values]


class TriState(forms.NullBooleanSelect):
    """是 / 否 / 未评定 (None), for the flags a household may not have been assessed on yet."""

    def __init__(self, labels: tuple[str, str, str] = ("未评定", "是", "否")) -> None:
        super().__init__()
        unknown, yes, no = labels
        self.choices = [("unknown", unknown), ("true", yes), ("false", no)]


def _tri_state(label: str, labels: tuple[str, str, str] = ("未评定", "是", "否")) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=TriState(labels))


def _amount(label: str, max_digits: int = 8) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=max_digits, decimal_places=2
    )


def _blank_choices(choices: list[tuple[str, Any]], blank: str = "未填") -> list[tuple[str, Any]]:
    return [("", blank), *choices]


BASIC_NEEDS = ("food_clothing_secure", "housing_secure", "water_secure", "schooling_secure", "medical_secure")


class HouseholdEditForm(StyledForm):
    """What the household file lets a recorder change: phone, 两不愁三保障 and water, conditions,
    relocation and coordinates (household_update)."""

    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    food_clothing_secure = _tri_state("不愁吃不愁穿")
    housing_secure = _tri_state("住房安全有保障")
    water_secure = _tri_state("饮水安全有保障")
    schooling_secure = _tri_state("义务教育有保障")
    medical_secure = _tri_state("基本医疗有保障")
    cultivated_land_mu = _amount("耕地面积（亩）")
    forest_land_mu = _amount("林地面积（亩）")
    housing_area_m2 = _amount("住房面积（㎡）")
    housing_structure = forms.ChoiceField(
        label="住房结构", required=False, choices=_blank_choices(HousingStructure.choices)
    )
    dilapidated_house = _tri_state("是否危房", ("未填", "是", "否"))
    tap_water = _tri_state("是否通自来水", ("未填", "是", "否"))
    electricity = _tri_state("是否通生活用电", ("未填", "是", "否"))
    sanitary_toilet = _tri_state("有无卫生厕所", ("未填", "有", "无"))
    road_distance_km = _amount("与村主干路距离（公里）", max_digits=6)
    relocated = forms.BooleanField(label="易地扶贫搬迁户", required=False)
    relocation_mode = forms.ChoiceField(
        label="安置方式", required=False, choices=_blank_choices(RelocationMode.choices)
    )
    relocation_site = forms.CharField(label="安置点", max_length=100, required=False)
    relocation_year = forms.IntegerField(label="搬迁年度", required=False, min_value=2000, max_value=2100)
    longitude = forms.DecimalField(
        label="经度", required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6
    )
    latitude = forms.DecimalField(
        label="纬度", required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, reveal_phone: bool = True, current_phone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reveal_phone = reveal_phone
        if not reveal_phone:
            # A recorder who may not read the number types a new one or leaves it as it is.
            self.fields["phone"].help_text = f"当前 {current_phone or '未填'}；留空则不修改"

    @classmethod
    def for_household(cls, household: Household, *, reveal_phone: bool) -> HouseholdEditForm:
        initial = {name: getattr(household, name) for name in cls.base_fields if name != "version"}
        initial["version"] = household.version
        if not reveal_phone:
            initial["phone"] = ""
        return cls(initial=initial, reveal_phone=reveal_phone, current_phone=household.masked_phone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("relocated") and (data.get("relocation_mode") or data.get("relocation_site")):
            self.add_error("relocated", "填写了安置方式或安置点，请勾选易地扶贫搬迁户")
        both_parsed = "longitude" in data and "latitude" in data
        if both_parsed and (data["longitude"] is None) != (data["latitude"] is None):
            self.add_error("latitude", "经度和纬度须同时填写或同时留空")
        return data

    def changes(self) -> dict[str, Any]:
        """The cleaned values as household_update's keyword arguments (without the version)."""
        changes = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        changes["phone"] = changes["phone"].strip()
        if not self.reveal_phone and not changes["phone"]:
            del changes["phone"]
        return changes

    def basic_need_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BASIC_NEEDS]

    def condition_fields(self) -> list[forms.BoundField]:
        skip = {"phone", "version", *BASIC_NEEDS}
        return [self[name] for name in self.fields if name not in skip]


class MemberEditForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", required=False, choices=_blank_choices(Sex.choices))
    ethnicity = forms.CharField(label="民族", max_length=20, required=False)
    education = forms.CharField(label="文化程度", max_length=20, required=False)
    schooling = forms.CharField(label="在校生状况", max_length=30, required=False)
    health = forms.ChoiceField(label="健康状况", required=False, choices=_blank_choices(Health.choices))
    labour = forms.ChoiceField(label="劳动技能", required=False, choices=_blank_choices(Labour.choices))
    migrant_work = forms.ChoiceField(
        label="务工状况", required=False, choices=_blank_choices(MigrantWork.choices)
    )
    months_worked = forms.IntegerField(label="务工时间（月）", required=False, min_value=0, max_value=12)
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_member(cls, member: Member) -> MemberEditForm:
        return cls(initial={name: getattr(member, name) for name in cls.base_fields})

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class RegistrationForm(StyledForm):
    """A household applying (农户申请): the household and its head; the other members are rows."""

    village = forms.ChoiceField(label="所在村")
    code = forms.CharField(label="户编号", max_length=32)
    head_name = forms.CharField(label="户主姓名", max_length=50)
    head_id_number = forms.CharField(label="户主身份证号", max_length=18)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    identification_standard = forms.ChoiceField(label="识别标准", choices=IdentificationStandard.choices)
    category = forms.ChoiceField(label="贫困户属性", choices=HouseholdCategory.choices)
    main_cause = forms.ChoiceField(label="主要致贫原因", choices=PovertyCause.choices)
    other_causes = forms.MultipleChoiceField(
        label="其他致贫原因（最多两项）",
        required=False,
        choices=PovertyCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    applied_on = forms.DateField(label="申请日期", widget=DATE)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)
        village.choices = [("", "请选择村"), *villages]

    def clean_other_causes(self) -> list[str]:
        causes: list[str] = self.cleaned_data["other_causes"]
        if len(causes) > 2:
            raise forms.ValidationError("其他致贫原因最多选两项")
        return causes


MEMBER_RELATIONS = [(value, label) for value, label in Relation.choices if value != Relation.HEAD]


class NewMemberForm(StyledForm):
    """One row of the family on the registration page. Every row shares the input names (rows are
    added by htmx without renumbering), so the rows carry no ids and label their inputs by aria."""

    prefix = "member"
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    relation = forms.ChoiceField(label="与户主关系", choices=[("", "与户主关系"), *MEMBER_RELATIONS])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"成员{field.label}"
        self.fields["name"].widget.attrs["placeholder"] = "姓名"
        self.fields["id_number"].widget.attrs["placeholder"] = "身份证号"

    @classmethod
    def rows_from(cls, data: Any) -> list[NewMemberForm]:
        """The rows posted, blank ones dropped."""
        names = ("name", "id_number", "relation")
        columns = [data.getlist(f"{cls.prefix}-{name}") for name in names]
        rows = []
        for values in zip(*columns, strict=False):
            if any(v.strip() for v in values):
                rows.append(cls({f"{cls.prefix}-{n}": v for n, v in zip(names, values, strict=True)}))
        return rows

    def new_member(self) -> NewMember:
        return NewMember(
            name=self.cleaned_data["name"].strip(),
            id_number=self.cleaned_data["id_number"].strip(),
            relation=self.cleaned_data["relation"],
        )

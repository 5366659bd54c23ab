from __future__ import annotations

from typing import Any

from django import forms

from fupin.core.roles import Role
from fupin.core.web import StyledForm
from fupin.people.models import Cadre, CadreCategory


class CadreForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    unit_code = forms.CharField(label="单位编码", max_length=32)
    title = forms.CharField(label="职务", max_length=100, required=False)
    categories = forms.MultipleChoiceField(
        label="干部类别", choices=CadreCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, reveal_phone: bool = True, current_phone: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reveal_phone = reveal_phone
        if not reveal_phone:
            # Someone who may edit the record but not read the number types a new one or leaves it.
            self.fields["phone"].help_text = f"当前 {current_phone or '未填'}；留空则不修改"

    @classmethod
    def for_cadre(cls, cadre: Cadre, *, reveal_phone: bool = True) -> CadreForm:
        return cls(
            initial=cls.initial_of(cadre, reveal_phone=reveal_phone),
            reveal_phone=reveal_phone,
            current_phone=cadre.masked_phone,
        )

    @staticmethod
    def initial_of(cadre: Cadre, *, reveal_phone: bool = True) -> dict[str, object]:
        return {
            "name": cadre.name,
            "phone": cadre.phone if reveal_phone else "",
            "unit_code": cadre.unit.code,
            "title": cadre.title,
            "categories": cadre.category_list,
            "version": cadre.version,
        }


class OwnPhoneForm(StyledForm):
    """What a cadre may change of their own record."""

    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AccountForm(StyledForm):
    username = forms.CharField(label="账号", max_length=150)
    password = forms.CharField(label="初始密码", min_length=8, widget=forms.PasswordInput(render_value=False))
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    area_code = forms.CharField(label="所属区划代码", max_length=12)
    unit_code = forms.CharField(label="所属单位编码", max_length=32, required=False)
    cadre_code = forms.CharField(
        label="对应干部编号", max_length=32, required=False, help_text="该账号属于哪位干部（可选）"
    )

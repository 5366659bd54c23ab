"""Forms of the problem pages, groups, categories and checklists.

Cadres and units are picked by typing a code or a name (a datalist offers the likely ones); the
view resolves what was typed with `resolve_cadre` / `resolve_unit` and the service judges whether
the one found may take the duty.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from fupin.core import areacode
from fupin.core.web import StyledForm
from fupin.people.models import Cadre, Unit
from fupin.rectification.models import Channel, Origin, ProblemCategory, ProblemStatus

DATE = forms.DateInput(attrs={"type": "date"})
_CODE_IN_BRACKETS = re.compile(r"[（(]\s*([^（()）]+?)\s*[)）]\s*$")


def _typed(value: str) -> str:
    """The code in "姓名（编号）" as a datalist fills it, else the text as typed."""
    value = value.strip()
    found = _CODE_IN_BRACKETS.search(value)
    return found.group(1) if found else value


def resolve_cadre(value: str, county_code: str) -> tuple[Cadre | None, str]:
    """(cadre, "") for a typed code or a name unique in the county, else (None, reason)."""
    typed = _typed(value)
    if not typed:
        return None, ""
    cadre = Cadre.objects.select_related("unit").filter(code=typed).first()
    if cadre is not None:
        return cadre, ""
    prefix = areacode.prefix_of(county_code)
    named = list(
        Cadre.objects.select_related("unit")
        .filter(name=typed)
        .filter(Q(unit__area__code__startswith=prefix) | Q(unit__parent__area__code__startswith=prefix))[:2]
    )
    if len(named) == 1:
        return named[0], ""
    if named:
        return None, f"本县有多名干部叫“{typed}”，请填写干部编号"
    return None, f"找不到干部“{typed}”"


def resolve_unit(value: str, county_code: str) -> tuple[Unit | None, str]:
    typed = _typed(value)
    if not typed:
        return None, ""
    unit = Unit.objects.filter(code=typed).first()
    if unit is not None:
        return unit, ""
    prefix = areacode.prefix_of(county_code)
    named = list(
        Unit.objects.filter(name=typed).filter(
            Q(area__code__startswith=prefix) | Q(parent__area__code__startswith=prefix)
        )[:2]
    )
    if len(named) == 1:
        return named[0], ""
    if named:
        return None, f"本县有多个单位叫“{typed}”，请填写单位编码"
    return None, f"找不到单位“{typed}”"


def cadre_label(cadre: Cadre | None) -> str:
    return f"{cadre.name}（{cadre.code}）" if cadre is not None else ""


def unit_label(unit: Unit | None) -> str:
    return f"{unit.name}（{unit.code}）" if unit is not None else ""


def _picker(label: str, datalist: str, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=80,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": datalist, "autocomplete": "off"}),
    )


def _category_choices(categories: QuerySet[ProblemCategory]) -> list[tuple[str, str]]:
    return [(str(c.pk), c.name if c.active else f"{c.name}（已停用）") for c in categories]


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ProblemFilterForm(StyledForm):
    q = forms.CharField(label="搜索", required=False)
    status = forms.ChoiceField(label="整改状态", required=False)
    category = forms.ChoiceField(label="问题类别", required=False)
    channel = forms.ChoiceField(label="检视渠道", required=False)
    origin = forms.ChoiceField(label="问题来源", required=False)
    area = forms.CharField(label="区划代码", required=False)
    unit = forms.CharField(label="责任单位编码", required=False)
    person = forms.CharField(label="责任人干部编号", required=False)
    overdue = forms.BooleanField(label="已逾期", required=False)
    fix_at_once = forms.BooleanField(label="即知即改", required=False)
    long_term = forms.BooleanField(label="长期整改", required=False)

    def __init__(self, *args: Any, categories: QuerySet[ProblemCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", "全部")]
        set_choices(self, "status", everything + [(str(v), str(label)) for v, label in ProblemStatus.choices])
        set_choices(self, "category", everything + _category_choices(categories))
        set_choices(self, "channel", everything + [(str(v), str(label)) for v, label in Channel.choices])
        set_choices(self, "origin", everything + [(str(v), str(label)) for v, label in Origin.choices])


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProblemEditForm(VersionedForm):
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label="问题类别")
    responsible_unit = _picker("责任单位", "unit-options", help_text="单位名称或编码")
    responsible_leader = _picker("责任领导", "cadre-options", help_text="姓名或干部编号")
    responsible_person = _picker("责任人", "cadre-options", help_text="姓名或干部编号")
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fix_at_once = forms.BooleanField(label="即知即改", required=False)
    long_term = forms.BooleanField(label="长期整改", required=False)

    def __init__(self, *args: Any, categories: QuerySet[ProblemCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", _category_choices(categories))


class StartForm(VersionedForm):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改时限", widget=DATE)
    responsible_person = _picker("责任人", "cadre-options", required=True, help_text="姓名或干部编号")
    responsible_leader = _picker("责任领导", "cadre-options", help_text="可不填")
    on = forms.DateField(label="开始日期", widget=DATE, initial=timezone.localdate)


class GroupStartForm(StartForm):
    """On a group the responsible person may be left out: each member keeps its own."""

    responsible_person = _picker("责任人", "cadre-options", help_text="不填则各问题保持原责任人")


class RectifyForm(VersionedForm):
    account = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    completed_date = forms.DateField(label="完成日期", widget=DATE, initial=timezone.localdate)


class CloseForm(VersionedForm):
    closed_date = forms.DateField(label="销号日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="核验意见", required=False, max_length=500)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class TaskForm(StyledForm):
    title = forms.CharField(label="任务", max_length=300)
    owner = _picker("负责人", "cadre-options", required=True, help_text="姓名或干部编号")
    deadline = forms.DateField(label="完成时限", widget=DATE)


class TaskDoneForm(VersionedForm):
    done_on = forms.DateField(label="完成日期", widget=DATE, initial=timezone.localdate)


class EvidenceForm(StyledForm):
    file = forms.FileField(
        label="整改佐证",
        help_text="照片（JPG、PNG）、PDF或Word文件，每个不超过20MB",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,.pdf,.doc,.docx,application/pdf", "capture": "environment"}
        ),
    )


class CategoryForm(StyledForm):
    name = forms.CharField(label="类别名称", max_length=50)


class CategoryRenameForm(VersionedForm):
    name = forms.CharField(label="类别名称", max_length=50)


class GroupCreateForm(StyledForm):
    title = forms.CharField(label="归纳后的问题", max_length=300)


class GroupRenameForm(VersionedForm):
    title = forms.CharField(label="归纳后的问题", max_length=300)


class ChecklistForm(StyledForm):
    title = forms.CharField(label="清单名称", max_length=200)


class QuestionForm(StyledForm):
    text = forms.CharField(label="条目（是否……？）", max_length=300)
    category = forms.ChoiceField(label="答“否”时归入的问题类别")

    def __init__(self, *args: Any, categories: QuerySet[ProblemCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", _category_choices(categories))

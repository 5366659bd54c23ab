"""Forms of the training pages: what a user types, checked and turned into service arguments."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.areas.models import Area
from fupin.core.web import DateInput, StyledForm
from fupin.people.models import Unit
from fupin.training.models import PaperKind, Question, QuestionKind, TrainingKind
from fupin.training.services.questions import OPTION_COLUMNS


class TrainingForm(StyledForm):
    topic = forms.CharField(label="培训主题", max_length=200)
    date = forms.DateField(label="培训日期", widget=DateInput())
    place = forms.CharField(label="培训地点", max_length=200)
    organiser = forms.CharField(label="主办单位编码", max_length=32)
    kind = forms.ChoiceField(label="培训形式", choices=TrainingKind.choices)
    area = forms.CharField(label="区划代码", max_length=12, help_text="县、乡镇或村的12位代码")
    notes = forms.CharField(label="培训内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_organiser(self) -> Unit:
        code = self.cleaned_data["organiser"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(f"单位编码 {code} 不存在")
        return unit

    def clean_area(self) -> Area:
        code = self.cleaned_data["area"].strip()
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(f"区划代码 {code} 不存在")
        return area


class MarkForm(StyledForm):
    cadre_codes = forms.CharField(
        label="干部编号",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一个，或用逗号、空格分隔"}),
    )

    def codes(self) -> list[str]:
        text: str = self.cleaned_data["cadre_codes"]
        for sep in "，,、;；\n\t":
            text = text.replace(sep, " ")
        return [c for c in text.split(" ") if c]


class ExamForm(StyledForm):
    code = forms.CharField(label="考试编号", max_length=40)
    title = forms.CharField(label="考试名称", max_length=200)
    area = forms.CharField(label="区划代码", max_length=12)
    opens_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="截止时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_limit_minutes = forms.IntegerField(label="答题时限（分钟）", initial=30)
    pass_mark = forms.IntegerField(label="及格分（百分制）", initial=60)
    max_attempts = forms.IntegerField(label="最多作答次数", initial=2)
    paper_kind = forms.ChoiceField(label="组卷方式", choices=PaperKind.choices)
    question_codes = forms.CharField(
        label="固定试卷的题目编号", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    draw_rule = forms.CharField(
        label="随机抽题规则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行“类别：题数”，如 精准扶贫：10"}),
    )

    def clean_area(self) -> Area:
        code = self.cleaned_data["area"].strip()
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise forms.ValidationError(f"区划代码 {code} 不存在")
        return area

    def clean_draw_rule(self) -> dict[str, int]:
        rule: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data["draw_rule"].splitlines(), start=1):
            line = line.strip().replace("：", ":")
            if not line:
                continue
            category, _, count = line.rpartition(":")
            if not category.strip() or not count.strip().isdigit():
                raise forms.ValidationError(f"第{number}行应为“类别：题数”")
            rule[category.strip()] = int(count)
        return rule

    def clean_question_codes(self) -> list[str]:
        text: str = self.cleaned_data["question_codes"]
        for sep in "，,、;；\n":
            text = text.replace(sep, " ")
        return [c for c in text.split(" ") if c]


class ExamEditForm(StyledForm):
    title = forms.CharField(label="考试名称", max_length=200)
    closes_at = forms.DateTimeField(
        label="截止时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    max_attempts = forms.IntegerField(label="最多作答次数")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].widget.format = "%Y-%m-%dT%H:%M"


class QuestionForm(StyledForm):
    """One question of the bank, as a row of the questions ledger has it (the same checks run on
    both: fupin.training.services.questions.question_problems)."""

    code = forms.CharField(label="题目编号", max_length=40)
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    category = forms.CharField(label="题目类别", max_length=50)
    text = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}))
    option_a = forms.CharField(label="选项A", required=False, help_text="判断题不填选项")
    option_b = forms.CharField(label="选项B", required=False)
    option_c = forms.CharField(label="选项C", required=False)
    option_d = forms.CharField(label="选项D", required=False)
    option_e = forms.CharField(label="选项E", required=False)
    option_f = forms.CharField(label="选项F", required=False)
    answer = forms.CharField(
        label="答案", max_length=20, help_text="选择题填字母，如 A 或 ACD；判断题填 正确 或 错误"
    )
    explanation = forms.CharField(label="解析", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None:
            judge = question.kind == QuestionKind.JUDGE
            initial = {
                "code": question.code,
                "kind": question.kind,
                "category": question.category,
                "text": question.text,
                "answer": ("正确" if question.answer == "A" else "错误") if judge else question.answer,
                "explanation": question.explanation,
                "version": question.version,
            }
            for key, option in zip(OPTION_COLUMNS, [] if judge else question.options, strict=False):
                initial[key] = option
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if question is not None:
            self.fields["code"].disabled = True

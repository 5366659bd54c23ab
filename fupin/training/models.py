"""Policy trainings (政策培训) with their attendance, and policy-knowledge exams (政策知识考试):
a question bank, exams with fixed or randomly drawn papers, attempts and their saved answers.

Person-times (人次) are attendance rows; coverage is distinct cadres over the cadres of a scope.
An attempt keeps the paper it was given (question ids in order), so a random paper is drawn once
and scored against what the cadre actually saw. Answers are stored one row per question as they
are given, so an attempt past its deadline is scored with what reached the server.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.people.models import Cadre, Unit


class TrainingKind(models.TextChoices):
    CLASSROOM = "classroom", _("集中培训")
    TOPIC = "topic", _("专题辅导")
    VIDEO = "video", _("视频培训")
    SITE = "site", _("现场教学")
    OTHER = "other", _("其他")


class Training(TimestampedModel):
    """政策培训: one session, held on one day at one place, by an organiser unit."""

    code = models.CharField(_("培训编号"), max_length=40, unique=True)
    topic = models.CharField(_("培训主题"), max_length=200)
    date = models.DateField(_("培训日期"))
    place = models.CharField(_("培训地点"), max_length=200)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="trainings"
    )
    kind = models.CharField(_("培训形式"), max_length=12, choices=TrainingKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="trainings")
    # Kept beside the area for prefix scoping without a join.
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    notes = models.TextField(_("培训内容"), blank=True)
    # The secret in the sign-in QR code: whoever holds the code was in the room.
    sign_in_token = models.CharField(_("签到口令"), max_length=32, editable=False)

    class Meta:
        verbose_name = _("政策培训")
        verbose_name_plural = _("政策培训")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["area_code", "date"], name="training_area_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def audit_snapshot(self) -> JSON:
        return {
            "培训编号": self.code,
            "培训主题": self.topic,
            "培训日期": self.date.isoformat(),
            "培训地点": self.place,
            "主办单位": self.organiser.code,
            "培训形式": choice_label(TrainingKind, self.kind),
            "区划代码": self.area_code,
            "培训内容": self.notes,
        }


class SignInMethod(models.TextChoices):
    PHONE = "phone", _("手机扫码签到")
    ORGANISER = "organiser", _("主办方登记")


class Attendance(TimestampedModel):
    """One cadre at one training: one person-time (人次)."""

    training = models.ForeignKey(
        Training, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="attendances"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="training_attendances"
    )
    method = models.CharField(_("签到方式"), max_length=10, choices=SignInMethod.choices)
    signed_at = models.DateTimeField(_("签到时间"))

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["training", "cadre"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.training.topic}"

    def audit_snapshot(self) -> JSON:
        return {
            "培训编号": self.training.code,
            "干部编号": self.cadre.code,
            "签到方式": choice_label(SignInMethod, self.method),
        }


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    JUDGE = "judge", _("判断题")


# A true/false question's two options, answered A (正确) or B (错误).
JUDGE_OPTIONS = ["正确", "错误"]
OPTION_LETTERS = "ABCDEFGH"


class Question(TimestampedModel):
    """A question of the bank. The answer is the letters of the right options, in order ("AC")."""

    code = models.CharField(_("题目编号"), max_length=40, unique=True)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    category = models.CharField(_("题目类别"), max_length=50)
    text = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.CharField(_("答案"), max_length=8)
    explanation = models.TextField(_("解析"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(OPTION_LETTERS, self.options, strict=False))

    def audit_snapshot(self) -> JSON:
        return {
            "题目编号": self.code,
            "题型": choice_label(QuestionKind, self.kind),
            "题目类别": self.category,
            "题干": self.text,
            "选项": list(self.options),
            "答案": self.answer,
            "解析": self.explanation,
            "启用": self.active,
        }


class QuestionRevision(models.Model):
    """A question's content as it stood at one of its versions, recorded when a paper first shows
    that version: an attempt keeps the revisions it was given, so editing the question later (on the
    question page or by the ledger) changes neither what the cadre answered nor how it is scored."""

    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("题目版本"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.CharField(_("答案"), max_length=8)
    explanation = models.TextField(_("解析"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("题目版本")
        verbose_name_plural = _("题目版本")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_revision_once")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    @classmethod
    def of(cls, question: Question) -> QuestionRevision:
        return cls(
            question=question,
            number=question.version,
            kind=question.kind,
            text=question.text,
            options=list(question.options),
            answer=question.answer,
            explanation=question.explanation,
        )

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(OPTION_LETTERS, self.options, strict=False))


class PaperKind(models.TextChoices):
    FIXED = "fixed", _("固定试卷")
    RANDOM = "random", _("随机抽题")


class Exam(TimestampedModel):
    """政策知识考试: a window to take it in, a time limit per attempt, a pass mark out of 100 and how
    many attempts a cadre has. Its cadres are those belonging to its area (docs/training.md)."""

    code = models.CharField(_("考试编号"), max_length=40, unique=True)
    title = models.CharField(_("考试名称"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="exams")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    time_limit_minutes = models.PositiveIntegerField(_("答题时限（分钟）"))
    pass_mark = models.PositiveIntegerField(_("及格分"))
    max_attempts = models.PositiveIntegerField(_("最多作答次数"), default=1)
    paper_kind = models.CharField(_("组卷方式"), max_length=10, choices=PaperKind.choices)
    # Random papers: {category: how many questions}; fixed papers list their questions below.
    draw_rule = models.JSONField(_("抽题规则"), default=dict, blank=True)
    questions = models.ManyToManyField(
        Question, verbose_name=_("试题"), through="ExamQuestion", related_name="exams", blank=True
    )

    class Meta:
        verbose_name = _("考试")
        verbose_name_plural = _("考试")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="exam_window"
            ),
            models.CheckConstraint(condition=models.Q(pass_mark__lte=100), name="exam_pass_mark"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> JSON:
        return {
            "考试编号": self.code,
            "考试名称": self.title,
            "区划代码": self.area_code,
            "开始时间": self.opens_at.isoformat(),
            "截止时间": self.closes_at.isoformat(),
            "答题时限": self.time_limit_minutes,
            "及格分": self.pass_mark,
            "最多作答次数": self.max_attempts,
            "组卷方式": choice_label(PaperKind, self.paper_kind),
            "抽题规则": dict(self.draw_rule),
        }


class ExamQuestion(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="paper")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["exam", "question"], name="exam_question_once")]

    def __str__(self) -> str:
        return f"{self.exam_id}#{self.position}"


class Attempt(TimestampedModel):
    """One sitting of an exam by a cadre, with the paper it was given and, once scored, its score."""

    exam = models.ForeignKey(Exam, verbose_name=_("考试"), on_delete=models.CASCADE, related_name="attempts")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="exam_attempts"
    )
    number = models.PositiveIntegerField(_("第几次"))
    started_at = models.DateTimeField(_("开始作答"))
    # started_at + the time limit, but never after the exam closes.
    deadline = models.DateTimeField(_("交卷期限"))
    question_ids = models.JSONField(_("试卷"), default=list)
    # The QuestionRevision of each question, in the same order: the paper as it was shown.
    revision_ids = models.JSONField(_("试卷题目版本"), default=list)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    # Scored past its deadline, with what was saved (the cadre never pressed 交卷).
    timed_out = models.BooleanField(_("超时自动交卷"), default=False)
    correct = models.PositiveIntegerField(_("答对题数"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("及格"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["exam", "cadre", "number"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "cadre", "number"], name="attempt_number_once")
        ]
        indexes = [models.Index(fields=["scored_at"], name="attempt_scored_idx")]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.exam.title} 第{self.number}次"

    @property
    def is_scored(self) -> bool:
        return self.scored_at is not None

    def audit_snapshot(self) -> JSON:
        return {
            "考试编号": self.exam.code,
            "干部编号": self.cadre.code,
            "第几次": self.number,
            "题数": len(self.question_ids),
            "答对题数": self.correct if self.is_scored else None,
            "得分": None if self.score is None else str(self.score),
            "及格": self.passed if self.is_scored else None,
            "超时自动交卷": self.timed_out,
        }


class Answer(models.Model):
    """The cadre's latest choice for one question of an attempt, saved as it is given."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("作答"), max_length=8, blank=True)
    # When the phone recorded it (it may reach the server later) and when the server saved it.
    answered_at = models.DateTimeField(_("作答时间"))
    saved_at = models.DateTimeField(_("保存时间"))
    is_correct = models.BooleanField(_("正确"), null=True)

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"

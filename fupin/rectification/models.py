"""Problem inspection and rectification (检视问题, 整改落实, 三单制).

A problem is found through a channel (talk, symposium, suggestion box, feedback form, an app, the
public form, inspection, assessment), gets a responsible unit, leader and person, measures and a
deadline, and moves 未整改 → 整改中 → 已整改 → 已销号 until the county's list is cleared (清零).
Every transition is kept as a ProblemEvent; the change log keeps every edit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import phone
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household


class Channel(models.TextChoices):
    TALK = "talk", _("个别谈话")
    SYMPOSIUM = "symposium", _("座谈会")
    SUGGESTION_BOX = "suggestion_box", _("意见箱")
    FEEDBACK_FORM = "feedback_form", _("征求意见表")
    PARTY_APP = "party_app", _("党建APP")
    RELEASE_APP = "release_app", _("发布APP")
    DINGTALK = "dingtalk", _("钉钉")
    PATROL = "patrol", _("巡察")
    ASSESSMENT = "assessment", _("考核")
    OTHER = "other", _("其他")


class Origin(models.TextChoices):
    SELF = "self", _("自己找")
    PUBLIC = "public", _("群众提")
    COLLECTIVE = "collective", _("集体议")
    SUPERIOR = "superior", _("上级点")


class Intake(models.TextChoices):
    """How the record reached the platform (the channel says where the problem was raised)."""

    STAFF = "staff", _("工作人员录入")
    PUBLIC_FORM = "public_form", _("群众扫码提交")
    WEBHOOK = "webhook", _("应用推送")
    LEDGER = "ledger", _("台账导入")
    CHECKLIST = "checklist", _("自查清单")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("未整改")
    IN_PROGRESS = "in_progress", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


class ProblemCategory(TimestampedModel):
    """A county's problem category (问题类别); the county configures its list."""

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("类别名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["county_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="problem_category_name")]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {"县": self.county.code, "类别名称": self.name, "排序": self.order, "启用": self.active}


class IntakeSession(TimestampedModel):
    """A talk, symposium, suggestion-box opening or batch of feedback forms that raised problems."""

    channel = models.CharField(_("检视渠道"), max_length=20, choices=Channel.choices)
    held_on = models.DateField(_("日期"))
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    title = models.CharField(_("主题"), max_length=200)
    host = models.ForeignKey(
        Cadre, verbose_name=_("主持人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participants = models.TextField(_("参加人员"), blank=True, help_text=_("每行一人，或以顿号分隔"))
    participant_count = models.PositiveIntegerField(_("参加人数"), default=0)
    notes = models.TextField(_("记录"), blank=True)

    class Meta:
        verbose_name = _("检视活动")
        verbose_name_plural = _("检视活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "检视渠道": choice_label(Channel, self.channel),
            "日期": self.held_on.isoformat(),
            "区划代码": self.area_code,
            "主题": self.title,
            "主持人": self.host.code if self.host else None,
            "参加人员": self.participants,
            "参加人数": self.participant_count,
            "记录": self.notes,
        }


class ProblemGroup(TimestampedModel):
    """梳理归纳: near-duplicate problems rectified as one; members stay linked and counted."""

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("归纳后的问题"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("归纳人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("问题归纳")
        verbose_name_plural = _("问题归纳")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> JSON:
        return {"县": self.county.code, "归纳后的问题": self.title}


class Problem(TimestampedModel):
    """One problem on the county's lists: the problem list, the responsibility list and (through its
    tasks) the task list of 三单制."""

    code = models.CharField(_("问题编号"), max_length=40, unique=True)
    channel = models.CharField(_("检视渠道"), max_length=20, choices=Channel.choices)
    origin = models.CharField(_("问题来源"), max_length=12, choices=Origin.choices)
    category = models.ForeignKey(
        ProblemCategory, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="problems"
    )
    description = models.TextField(_("问题描述"))
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="problems")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    found_date = models.DateField(_("发现日期"))
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    responsible_leader = models.ForeignKey(
        Cadre, verbose_name=_("责任领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.ForeignKey(
        Cadre,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_owned",
    )
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    status = models.CharField(
        _("整改状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    completed_date = models.DateField(_("完成日期"), null=True, blank=True)
    closed_date = models.DateField(_("销号日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    fix_at_once = models.BooleanField(_("即知即改"), default=False)
    long_term = models.BooleanField(_("长期整改"), default=False)
    intake = models.CharField(_("录入方式"), max_length=12, choices=Intake.choices, default=Intake.STAFF)
    session = models.ForeignKey(
        IntakeSession,
        verbose_name=_("检视活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    group = models.ForeignKey(
        ProblemGroup,
        verbose_name=_("问题归纳"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    # The public form: who raised it (unless anonymous) and the number they check progress with.
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("反映人电话"), max_length=20, blank=True)
    tracking_number = models.CharField(_("查询码"), max_length=20, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-found_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking_number"], condition=~Q(tracking_number=""), name="problem_tracking_number"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("found_date")),
                name="problem_deadline_after_found",
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True)
                | (Q(completed_date__isnull=False) & Q(closed_date__gte=models.F("completed_date"))),
                name="problem_closed_after_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["area_code", "found_date"], name="problem_area_found"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def masked_reporter_phone(self) -> str:
        return phone.mask(self.reporter_phone) if self.reporter_phone else ""

    def audit_snapshot(self) -> JSON:
        return {
            "问题编号": self.code,
            "检视渠道": choice_label(Channel, self.channel),
            "问题来源": choice_label(Origin, self.origin),
            "问题类别": self.category.name,
            "问题描述": self.description,
            "区划代码": self.area_code,
            "户编号": self.household.code if self.household else None,
            "发现日期": self.found_date.isoformat(),
            "责任单位编码": self.responsible_unit.code if self.responsible_unit else None,
            "责任领导干部编号": self.responsible_leader.code if self.responsible_leader else None,
            "责任人干部编号": self.responsible_person.code if self.responsible_person else None,
            "整改措施": self.measures,
            "整改时限": self.deadline.isoformat() if self.deadline else None,
            "整改状态": choice_label(ProblemStatus, self.status),
            "完成日期": self.completed_date.isoformat() if self.completed_date else None,
            "销号日期": self.closed_date.isoformat() if self.closed_date else None,
            "整改情况": self.rectification_note,
            "即知即改": self.fix_at_once,
            "长期整改": self.long_term,
            "问题归纳": self.group_id,
            "反映人": self.reporter_name,
            "反映人电话": self.masked_reporter_phone,
        }


class ProblemAction(models.TextChoices):
    CREATE = "create", _("登记")
    START = "start", _("开始整改")
    RECTIFY = "rectify", _("整改完成")
    CLOSE = "close", _("核验销号")
    REJECT = "reject", _("核验退回")
    REOPEN = "reopen", _("重新打开")


class ProblemEvent(models.Model):
    """One step of a problem's workflow: who moved it from where to where, when and why."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=10, choices=ProblemAction.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ProblemStatus.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("操作人"), max_length=150)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("整改流程记录")
        verbose_name_plural = _("整改流程记录")
        ordering = ["problem_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.problem.code} {self.get_action_display()}"


class Evidence(TimestampedModel):
    """整改佐证: a photo or file showing the rectification."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    is_image = models.BooleanField(_("照片"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")
        ordering = ["problem_id", "id"]

    def __str__(self) -> str:
        return self.original_name

    def audit_snapshot(self) -> JSON:
        return {"问题编号": self.problem.code, "文件": self.original_name, "照片": self.is_image}


class Task(TimestampedModel):
    """任务清单: one measure broken out as a task with its owner and deadline."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=300)
    owner = models.ForeignKey(
        Cadre, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="problem_tasks"
    )
    deadline = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["problem_id", "deadline", "id"]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> JSON:
        return {
            "问题编号": self.problem.code,
            "任务": self.title,
            "负责人": self.owner.code,
            "完成时限": self.deadline.isoformat(),
            "完成日期": self.done_on.isoformat() if self.done_on else None,
        }


class Checklist(TimestampedModel):
    """自查清单 (like the seed's 18个是否): questions a cadre answers yes or no."""

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("清单名称"), max_length=200)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("自查清单")
        verbose_name_plural = _("自查清单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> JSON:
        return {"县": self.county.code, "清单名称": self.title, "启用": self.active}


class ChecklistQuestion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("问题"), max_length=300)
    # The category a "no" answer is filed under.
    category = models.ForeignKey(
        ProblemCategory, verbose_name=_("问题类别"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["checklist_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "order"], name="checklist_question_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class ChecklistResponse(TimestampedModel):
    """One cadre's answers to one checklist on one day."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="responses")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="checklist_responses")
    answered_on = models.DateField(_("填写日期"))

    class Meta:
        verbose_name = _("自查答卷")
        verbose_name_plural = _("自查答卷")
        ordering = ["-answered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.checklist.title}"

    def audit_snapshot(self) -> JSON:
        return {
            "清单": self.checklist.title,
            "干部编号": self.cadre.code,
            "填写日期": self.answered_on.isoformat(),
        }


class ChecklistAnswer(models.Model):
    response = models.ForeignKey(ChecklistResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.PROTECT, related_name="+")
    yes = models.BooleanField(_("是"))
    note = models.TextField(_("说明"), blank=True)
    # A "no" becomes a problem on the cadre's own list (自己找).
    problem = models.OneToOneField(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("自查答案")
        verbose_name_plural = _("自查答案")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="checklist_answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}: {'是' if self.yes else '否'}"


class WebhookApp(TimestampedModel):
    """An app (党建APP, 发布APP, 钉钉 …) allowed to push problems, signing each body with HMAC-SHA256."""

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("应用名称"), max_length=50)
    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    channel = models.CharField(_("检视渠道"), max_length=20, choices=Channel.choices)
    secret = models.CharField(_("签名密钥"), max_length=128)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("应用接入")
        verbose_name_plural = _("应用接入")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        # The secret is never logged.
        return {"县": self.county.code, "应用名称": self.name, "标识": self.slug, "启用": self.active}


class WebhookMessage(models.Model):
    """A message an app pushed, by the app's own id, so a replay or a retry files nothing twice."""

    app = models.ForeignKey(WebhookApp, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(_("消息编号"), max_length=100)
    problem = models.ForeignKey(Problem, null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("应用消息")
        verbose_name_plural = _("应用消息")
        constraints = [models.UniqueConstraint(fields=["app", "message_id"], name="webhook_message_once")]

    def __str__(self) -> str:
        return self.message_id


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    LONG_OVERDUE = "long_overdue", _("逾期超过7天")


class Notice(TimestampedModel):
    """A deadline notice: to the responsible person 3 days before, to the responsible leader when
    overdue, to the county office when more than 7 days overdue. Once per problem, kind and deadline."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类型"), max_length=14, choices=NoticeKind.choices)
    deadline = models.DateField(_("整改时限"))
    recipient_cadre = models.ForeignKey(
        Cadre, null=True, blank=True, on_delete=models.CASCADE, related_name="problem_notices"
    )
    # The county office (no one person): shown to its managers.
    recipient_area_code = models.CharField(_("接收区划"), max_length=12, blank=True)
    message = models.CharField(_("内容"), max_length=500)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    webhook_result = models.CharField(_("钉钉推送结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("整改提醒")
        verbose_name_plural = _("整改提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "kind", "deadline"], name="notice_once_per_deadline"),
        ]

    def __str__(self) -> str:
        return self.message

    def audit_snapshot(self) -> JSON:
        return {
            "问题编号": self.problem.code,
            "类型": choice_label(NoticeKind, self.kind),
            "整改时限": self.deadline.isoformat(),
            "内容": self.message,
        }

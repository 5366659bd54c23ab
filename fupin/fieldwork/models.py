"""Field work (驻村帮扶): check-ins with proof, leave, reminders, town-stay reports, research reports
and work diaries.

A check-in's validity (figures.md, "Valid check-ins") is decided when it is written and stored with
its reason in Chinese, so that compliance for a county month counts stored flags instead of
re-measuring 200,000 distances; `checkins_revalidate` recomputes it when the county changes its
radius or accuracy bound, or when pairings arrive after the check-ins they justify.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.people.models import Cadre
from fupin.registry.models import Household


class CheckInKind(models.TextChoices):
    TOWN = "town", _("驻镇")
    VILLAGE = "village", _("驻村")
    HOUSEHOLD = "household", _("入户")


class CheckInSource(models.TextChoices):
    PHONE = "phone", _("手机页面")
    API = "api", _("接口")
    LEDGER = "ledger", _("台账导入")


class CheckIn(TimestampedModel):
    """驻村打卡: one cadre at one place on one day, with where the phone said it was."""

    code = models.CharField(_("记录编号"), max_length=64, unique=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="checkins"
    )
    date = models.DateField(_("日期"))
    time = models.TimeField(_("时间"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CheckInKind.choices)
    # A town for 驻镇, a village otherwise; its code is kept beside it for prefix scoping.
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="checkins")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.DecimalField(
        _("定位精度（米）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    notes = models.TextField(_("工作内容"), blank=True)
    photo = models.ImageField(_("现场照片"), upload_to="checkins/%Y/%m/", blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=CheckInSource.choices)
    # A client's key for "this check-in": a repeated send with the same key returns the first one.
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True, editable=False)
    # When the phone made it (it may arrive later, after the network came back).
    recorded_at = models.DateTimeField(_("打卡时间"), null=True, blank=True)
    valid = models.BooleanField(_("有效"), default=False)
    invalid_reason = models.CharField(_("无效原因"), max_length=300, blank=True)
    distance_m = models.PositiveIntegerField(_("距参照点（米）"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻村打卡")
        verbose_name_plural = _("驻村打卡")
        ordering = ["-date", "-time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="checkin_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(accuracy_m__isnull=True) | Q(accuracy_m__gte=0),
                name="checkin_accuracy_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "cadre"], name="checkin_date_cadre"),
            models.Index(fields=["cadre", "date"], name="checkin_cadre_date"),
            models.Index(fields=["area_code", "date"], name="checkin_area_date"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.date:%Y-%m-%d} {choice_label(CheckInKind, self.kind)}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "记录编号": self.code,
            "干部编号": self.cadre.code,
            "日期": self.date.isoformat(),
            "时间": self.time.strftime("%H:%M") if self.time else None,
            "类型": choice_label(CheckInKind, self.kind),
            "区划代码": self.area_code,
            "户编号": self.household.code if self.household else None,
            "经度": None if self.longitude is None else str(self.longitude),
            "纬度": None if self.latitude is None else str(self.latitude),
            "定位精度": None if self.accuracy_m is None else str(self.accuracy_m),
            "工作内容": self.notes,
            "照片": self.photo.name if self.photo else None,
            "来源": choice_label(CheckInSource, self.source),
            "有效": self.valid,
            "无效原因": self.invalid_reason,
        }


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    RETURNED = "returned", _("已销假")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApprovalLevel(models.TextChoices):
    TOWN = "town", _("乡镇审批")
    COUNTY = "county", _("县扶贫办审批")


class Leave(TimestampedModel):
    """请销假: a cadre's absence, approved by the town (work teams) or the county office (others)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="leaves")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("请假事由"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    approval_level = models.CharField(_("审批层级"), max_length=10, choices=ApprovalLevel.choices)
    # The town that approves a work-team member's leave (the village's town); empty for the county.
    approving_area_code = models.CharField(_("审批区划代码"), max_length=12, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    returned_on = models.DateField(_("销假日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("请销假")
        verbose_name_plural = _("请销假")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_dates"),
        ]
        indexes = [models.Index(fields=["cadre", "start_date"], name="leave_cadre_start")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.start_date:%Y-%m-%d}至{self.end_date:%Y-%m-%d}"

    def covers(self, day: dt.date) -> bool:
        """Leave excuses a day once approved (and still after the cadre reported back)."""
        if self.status not in (LeaveStatus.APPROVED, LeaveStatus.RETURNED):
            return False
        last = self.returned_on - dt.timedelta(days=1) if self.returned_on else self.end_date
        return self.start_date <= day <= min(last, self.end_date)

    def audit_snapshot(self) -> JSON:
        return {
            "干部编号": self.cadre.code,
            "开始日期": self.start_date.isoformat(),
            "结束日期": self.end_date.isoformat(),
            "请假事由": self.reason,
            "状态": choice_label(LeaveStatus, self.status),
            "审批层级": choice_label(ApprovalLevel, self.approval_level),
            "审批意见": self.decision_note,
            "销假日期": self.returned_on.isoformat() if self.returned_on else None,
        }


class Reminder(TimestampedModel):
    """A nudge to a cadre who fell behind the pace of a quota rule; one per cadre, rule and day."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.DateField(_("日期"))
    category = models.CharField(_("干部类别"), max_length=32)
    message = models.CharField(_("提醒内容"), max_length=500)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # The DingTalk robot's answer: "" when the county has no webhook, "ok", or the error.
    webhook_result = models.CharField(_("钉钉推送结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("考勤提醒")
        verbose_name_plural = _("考勤提醒")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "day", "category"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.day:%Y-%m-%d}"

    def audit_snapshot(self) -> JSON:
        return {
            "干部编号": self.cadre.code,
            "日期": self.day.isoformat(),
            "干部类别": self.category,
            "提醒内容": self.message,
            "钉钉推送结果": self.webhook_result,
        }


class TownStayReport(TimestampedModel):
    """每月驻镇工作汇报: a county leader's monthly report on the town they answer for."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("县级领导"), on_delete=models.PROTECT, related_name="town_stay_reports"
    )
    town = models.ForeignKey(Area, verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    days_in_town = models.PositiveSmallIntegerField(_("驻镇天数"))
    work_done = models.TextField(_("主要工作"))
    problems_found = models.TextField(_("发现的问题"), blank=True)
    problems_solved = models.TextField(_("解决的问题"), blank=True)
    next_steps = models.TextField(_("下月打算"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻镇工作汇报")
        verbose_name_plural = _("驻镇工作汇报")
        ordering = ["-month", "cadre_id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "month"], name="town_stay_report_month"),
            models.CheckConstraint(condition=Q(days_in_town__lte=31), name="town_stay_days"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.month:%Y年%m月}驻镇汇报"

    def audit_snapshot(self) -> JSON:
        return {
            "干部编号": self.cadre.code,
            "乡镇": self.town.code,
            "月份": f"{self.month:%Y-%m}",
            "驻镇天数": self.days_in_town,
            "主要工作": self.work_done,
            "发现的问题": self.problems_found,
            "解决的问题": self.problems_solved,
            "下月打算": self.next_steps,
            "已提交": self.submitted_at is not None,
        }


class ResearchMethod(models.TextChoices):
    DISSECTION = "dissection", _("解剖麻雀")
    SYMPOSIUM = "symposium", _("座谈讨论")
    FIELD_VISIT = "field_visit", _("实地走访")


class ResearchReport(TimestampedModel):
    """调研材料: a Word or PDF write-up of a field study, with topic, area and method."""

    title = models.CharField(_("标题"), max_length=200)
    topic = models.CharField(_("调研主题"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("调研区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    method = models.CharField(_("调研方式"), max_length=16, choices=ResearchMethod.choices)
    author = models.ForeignKey(
        Cadre, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="research_reports"
    )
    researched_on = models.DateField(_("调研日期"))
    summary = models.TextField(_("内容摘要"), blank=True)
    document = models.FileField(_("材料文件"), upload_to="research/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)

    class Meta:
        verbose_name = _("调研材料")
        verbose_name_plural = _("调研材料")
        ordering = ["-researched_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "标题": self.title,
            "调研主题": self.topic,
            "区划代码": self.area_code,
            "调研方式": choice_label(ResearchMethod, self.method),
            "撰写人": self.author.code,
            "调研日期": self.researched_on.isoformat(),
            "内容摘要": self.summary,
            "材料文件": self.original_name,
        }


class Diary(TimestampedModel):
    """驻村日志: a work-team member's record of one day in the village."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="diaries")
    village = models.ForeignKey(Area, verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    content = models.TextField(_("工作内容"))
    problems = models.TextField(_("发现问题"), blank=True)
    plans = models.TextField(_("下步打算"), blank=True)

    class Meta:
        verbose_name = _("驻村日志")
        verbose_name_plural = _("驻村日志")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "day"], name="diary_one_a_day")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.day:%Y-%m-%d}日志"

    def audit_snapshot(self) -> JSON:
        return {
            "干部编号": self.cadre.code,
            "村": self.village.code,
            "日期": self.day.isoformat(),
            "工作内容": self.content,
            "发现问题": self.problems,
            "下步打算": self.plans,
        }

"""Relapse-prevention monitoring (防止返贫动态监测): cases and sudden hardship events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel
from fupin.registry.models.households import Household


class MonitoringType(models.TextChoices):
    UNSTABLE_EXITED = "unstable", _("脱贫不稳定户")
    EDGE = "edge", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden", _("突发严重困难户")


class MonitoringStatus(models.TextChoices):
    IDENTIFYING = "identifying", _("识别中")
    MONITORED = "monitored", _("监测中")
    CLEARED = "cleared", _("风险已消除")
    NOT_INCLUDED = "not_included", _("未纳入")


class MonitoringCase(TimestampedModel):
    """A household under relapse-prevention monitoring (防止返贫动态监测)."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="monitoring_cases"
    )
    monitoring_type = models.CharField(_("监测对象类型"), max_length=10, choices=MonitoringType.choices)
    status = models.CharField(
        _("状态"), max_length=14, choices=MonitoringStatus.choices, default=MonitoringStatus.IDENTIFYING
    )
    # The day the first risk lead came in; identification must finish within 15 days of it.
    lead_on = models.DateField(_("风险线索日期"))
    lead_source = models.CharField(_("线索来源"), max_length=50, blank=True)
    # Risk flags computed when the case was opened (and recomputed at clearance), in Chinese.
    risk_flags = models.JSONField(_("风险标识"), default=list, blank=True)
    identified_on = models.DateField(_("纳入日期"), null=True, blank=True)
    cleared_on = models.DateField(_("风险消除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["-lead_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=["identifying", "monitored"]),
                name="monitoring_one_open_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.get_monitoring_type_display()}（{self.get_status_display()}）"

    @property
    def due_on(self) -> dt.date:
        return self.lead_on + dt.timedelta(days=15)

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "监测对象类型": self.get_monitoring_type_display(),
            "状态": self.get_status_display(),
            "风险线索日期": self.lead_on.isoformat(),
            "线索来源": self.lead_source,
            "风险标识": list(self.risk_flags),
            "纳入日期": self.identified_on.isoformat() if self.identified_on else None,
            "风险消除日期": self.cleared_on.isoformat() if self.cleared_on else None,
        }


class HardshipKind(models.TextChoices):
    ILLNESS = "illness", _("重大疾病")
    DISABILITY = "disability", _("新增残疾")
    DISASTER = "disaster", _("自然灾害")
    ACCIDENT = "accident", _("意外事故")
    JOB_LOSS = "job_loss", _("失业或务工中断")
    OTHER = "other", _("其他")


class HardshipEvent(TimestampedModel):
    """A sudden event (突发事件) that may push a household back into poverty."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="hardship_events"
    )
    kind = models.CharField(_("事件类型"), max_length=12, choices=HardshipKind.choices)
    on = models.DateField(_("发生日期"))
    # Out-of-pocket rigid spending it caused (刚性支出), yuan.
    expense = models.DecimalField(_("刚性支出（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "事件类型": self.get_kind_display(),
            "发生日期": self.on.isoformat(),
            "刚性支出": str(self.expense),
            "说明": self.note,
        }

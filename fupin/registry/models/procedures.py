"""Procedures (办理程序) run for a household, their steps, and its status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel
from fupin.registry.models.households import Household, PovertyStatus


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困户识别")
    EXIT = "exit", _("脱贫退出")
    MONITORING = "monitoring", _("监测对象识别")
    RISK_CLEARANCE = "risk_clearance", _("风险消除")


class ProcedureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Procedure(TimestampedModel):
    """One run of a procedure for a household: its steps are ProcedureStep rows, in the order
    that `fupin.registry.procedures` defines for the kind."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="procedures"
    )
    kind = models.CharField(_("程序"), max_length=16, choices=ProcedureKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProcedureStatus.choices, default=ProcedureStatus.IN_PROGRESS
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    started_on = models.DateField(_("开始日期"))
    # Monitoring identification must finish within 15 days of the first risk lead.
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    finished_on = models.DateField(_("办结日期"), null=True, blank=True)
    monitoring_case = models.ForeignKey(
        "MonitoringCase",
        verbose_name=_("监测对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="procedures",
    )

    class Meta:
        verbose_name = _("办理程序")
        verbose_name_plural = _("办理程序")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(status="in_progress"),
                name="procedure_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.get_kind_display()}（{self.get_status_display()}）"

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "程序": self.get_kind_display(),
            "状态": self.get_status_display(),
            "年度": self.year,
            "开始日期": self.started_on.isoformat(),
            "办结时限": self.due_on.isoformat() if self.due_on else None,
            "办结日期": self.finished_on.isoformat() if self.finished_on else None,
        }


class StepKind(models.TextChoices):
    APPLICATION = "application", _("农户申请")
    AUTHORISATION = "authorisation", _("承诺授权")
    HOME_CHECK = "home_check", _("入户核实")
    VILLAGE_REVIEW = "village_review", _("村民主评议")
    TEAM_VERIFICATION = "team_verification", _("村两委和驻村工作队核实")
    HOUSEHOLD_CONSENT = "household_consent", _("户认可")
    PUBLICITY = "publicity", _("村内公示")
    TOWN_REVIEW = "town_review", _("乡镇审核")
    COUNTY_APPROVAL = "county_approval", _("县级审批")


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("程序"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("环节"), max_length=20, choices=StepKind.choices)
    # The day the step happened; for publicity the first day, with `ends_on` the last.
    on = models.DateField(_("日期"))
    ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), default=True)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["procedure_id", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "kind"], name="procedure_step_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @property
    def publicity_days(self) -> int | None:
        if self.ends_on is None:
            return None
        return (self.ends_on - self.on).days + 1


class StatusChange(models.Model):
    """The household's status history (脱贫属性变化), shown on its file."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原属性"), max_length=10, choices=PovertyStatus.choices, blank=True)
    to_status = models.CharField(_("新属性"), max_length=10, choices=PovertyStatus.choices)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("依据程序"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("脱贫属性变化")
        verbose_name_plural = _("脱贫属性变化")
        ordering = ["household_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_from_status_display()} → {self.get_to_status_display()}"

"""Integrated agricultural funds (统筹整合使用财政涉农资金): the county's sources by level, the
projects they fund, and each source's allocation to a project with what has been spent of it
(支出进度). A source is never allocated beyond its amount, and an allocation never spent beyond it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.industry.money import yuan_text


class FundLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class ProjectKind(models.TextChoices):
    INDUSTRY = "industry", _("产业发展")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    OTHER = "other", _("其他")


class FundSource(TimestampedModel):
    code = models.CharField(_("资金编码"), max_length=32, unique=True)
    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("资金名称"), max_length=100)
    level = models.CharField(_("资金级次"), max_length=10, choices=FundLevel.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("整合资金来源")
        verbose_name_plural = _("整合资金来源")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_source_amount_positive")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "资金编码": self.code,
            "年度": self.year,
            "资金名称": self.name,
            "资金级次": choice_label(FundLevel, self.level),
            "金额（元）": yuan_text(self.amount_fen),
        }


class FundProject(TimestampedModel):
    code = models.CharField(_("项目编码"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类别"), max_length=16, choices=ProjectKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("实施区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    class Meta:
        verbose_name = _("整合资金项目")
        verbose_name_plural = _("整合资金项目")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "项目编码": self.code,
            "年度": self.year,
            "项目名称": self.name,
            "项目类别": choice_label(ProjectKind, self.kind),
            "实施区划": self.area_code,
        }


class FundAllocation(TimestampedModel):
    source = models.ForeignKey(
        FundSource, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(
        FundProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="allocations"
    )
    amount_fen = models.BigIntegerField(_("安排金额（分）"))
    spent_fen = models.BigIntegerField(_("已支出（分）"), default=0)

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["source", "project"]
        constraints = [
            models.UniqueConstraint(fields=["source", "project"], name="fund_allocation_unique"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, spent_fen__gte=0, spent_fen__lte=models.F("amount_fen")),
                name="fund_allocation_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}→{self.project_id}"

    def audit_snapshot(self) -> JSON:
        return {
            "资金编码": self.source.code,
            "项目编码": self.project.code,
            "安排金额（元）": yuan_text(self.amount_fen),
            "已支出（元）": yuan_text(self.spent_fen),
        }

"""Rollups of the figures document (docs/figures.md): one stored document per area, month and as-of
date, built for all areas of a county at once and rebuilt when the change log shows writes there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel


class RollupBuild(models.Model):
    """One county's figures for one month and as-of date: when they were built, from which point of
    the change log, and whether a later write has made them stale."""

    county_code = models.CharField(_("县区划代码"), max_length=12)
    month = models.CharField(_("月份"), max_length=7)
    as_of = models.DateField(_("截止日期"))
    built_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # The highest change-log id that had been read into stale marks when the build began: every
    # write up to it is in the figures.
    changes_through = models.BigIntegerField(_("变更记录位置"), default=0)
    stale = models.BooleanField(_("待更新"), default=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计汇总批次")
        verbose_name_plural = _("统计汇总批次")
        constraints = [
            models.UniqueConstraint(fields=["county_code", "month", "as_of"], name="rollup_build_unique")
        ]
        indexes = [models.Index(fields=["stale", "county_code"], name="rollup_build_stale_idx")]

    def __str__(self) -> str:
        return f"{self.county_code} {self.month} {self.as_of}"


class FigureRollup(models.Model):
    """The figures document of one area for one month and as-of date."""

    build = models.ForeignKey(RollupBuild, on_delete=models.CASCADE, related_name="rollups")
    area_code = models.CharField(_("区划代码"), max_length=12)
    month = models.CharField(_("月份"), max_length=7)
    as_of = models.DateField(_("截止日期"))
    document = models.JSONField(_("统计数据"))

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(fields=["area_code", "month", "as_of"], name="figure_rollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.month} {self.as_of}"


class RollupCursor(models.Model):
    """How far the change log has been read into stale marks (one row)."""

    name = models.CharField(max_length=32, unique=True)
    change_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("变更记录读取位置")
        verbose_name_plural = _("变更记录读取位置")

    def __str__(self) -> str:
        return f"{self.name}: {self.change_id}"


class BriefingTemplate(TimestampedModel):
    """A county's own template of the briefing (工作简报): its title pattern, issuing office and body
    (fupin.reports.briefing.template). A county without one uses the template shipped in code."""

    county_code = models.CharField(_("县区划代码"), max_length=12, unique=True)
    title = models.CharField(_("简报标题"), max_length=200)
    office = models.CharField(_("发文机关"), max_length=100)
    body = models.TextField(_("正文模板"))

    class Meta:
        verbose_name = _("工作简报模板")
        verbose_name_plural = _("工作简报模板")

    def __str__(self) -> str:
        return f"{self.county_code} {self.title}"

    def audit_snapshot(self) -> JSON:
        return {
            "县区划代码": self.county_code,
            "简报标题": self.title,
            "发文机关": self.office,
            "正文模板": self.body,
        }

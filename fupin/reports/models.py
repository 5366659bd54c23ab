"""Rollups of the figures document (docs/figures.md): one stored document per area, month and as-of
date, built for all areas of a county at once and rebuilt when the change log shows writes there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupBuild(models.Model):
    """The figures of a county (or of an area above counties) for one month and as-of date: when they
    were built, from which point of the change log, and whether a later write has made them stale."""

    # The area the build is for: a county (its figures and those of every town and village in it), or
    # an area above counties (its own figures only).
    root_code = models.CharField(_("汇总区划代码"), max_length=12)
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
            models.UniqueConstraint(fields=["root_code", "month", "as_of"], name="rollup_build_unique")
        ]
        indexes = [models.Index(fields=["stale", "root_code"], name="rollup_build_stale_idx")]

    def __str__(self) -> str:
        return f"{self.root_code} {self.month} {self.as_of}"


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

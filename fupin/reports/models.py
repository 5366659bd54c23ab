"""Rollups of the figures document (docs/figures.md): one stored document per area, month and as-of
date, built for all areas of a county at once and rebuilt when the change log shows writes there."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel


class RollupBuild(models.Model):
    """The figures of a county (or of an area above counties) for one month and as-of date: when they
    were built, from which point of the change log, and whether a later write has made them stale."""

    # The area the build is for: a county (its figures and those of every town and village in it), or
    # an area above counties (its own figures only).
    root_code = models.CharField(_("汇总区划代码"), max_length=12)
    month = models.CharField(_("月份"), max_length=7)
    as_of = models.DateField(_("截止日期"))
    built_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    stale = models.BooleanField(_("待更新"), default=True)
    # Counts the stale marks; a build that finds it changed since it began leaves the build stale,
    # because a write it may not have seen came in while it ran.
    marks = models.BigIntegerField(_("标记次数"), default=0)
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
    # The document as JSON text, not jsonb: PostgreSQL's jsonb reorders keys, and the order of a
    # document's maps (problem categories in the county's order) is part of it.
    document_json = models.TextField(_("统计数据"))

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(fields=["area_code", "month", "as_of"], name="figure_rollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.month} {self.as_of}"

    @property
    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.document_json)
        return document


class RollupCursor(models.Model):
    """How far the change log has been read into stale marks (one row).

    Change-log ids are handed out when a row is inserted, but a transaction commits later: a long
    import may commit ids below ones already read. So ids that were missing below `seen_through` are
    kept as gaps [first, last, first noticed] and read again until they appear or grow old (a rolled
    back transaction never fills its gap)."""

    name = models.CharField(max_length=32, unique=True)
    seen_through = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=list)

    class Meta:
        verbose_name = _("变更记录读取位置")
        verbose_name_plural = _("变更记录读取位置")

    def __str__(self) -> str:
        return f"{self.name}: {self.seen_through}"


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

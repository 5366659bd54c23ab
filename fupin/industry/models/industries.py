"""Featured industries (特色产业) of a county and the households that run them, with their scale.

The county keeps its list (the seed's black-bone chicken, herbs, edible fungi, bees, sericulture and
community factories), each with the unit its scale is counted in (亩, 羽, 袋, 箱 …) and whether it is
a medium- or long-term industry (中长期产业) — the kind that counts for a poor household's coverage.
A household's industry is recorded by year with its scale in that unit.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.registry.models import Household


class ScaleUnit(models.TextChoices):
    MU = "mu", _("亩")
    HEAD = "head", _("羽（只）")
    LIVESTOCK = "livestock", _("头")
    TUBE = "tube", _("袋")
    HIVE = "hive", _("箱")
    SHEET = "sheet", _("张（蚕种）")
    JOB = "job", _("人")


class FeaturedIndustry(TimestampedModel):
    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("产业编码"), max_length=32, unique=True)
    name = models.CharField(_("产业名称"), max_length=50)
    scale_unit = models.CharField(_("规模单位"), max_length=10, choices=ScaleUnit.choices)
    medium_long_term = models.BooleanField(_("中长期产业"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("特色产业")
        verbose_name_plural = _("特色产业")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="featured_industry_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "产业编码": self.code,
            "产业名称": self.name,
            "县": self.county.code,
            "规模单位": choice_label(ScaleUnit, self.scale_unit),
            "中长期产业": self.medium_long_term,
        }


class HouseholdIndustry(TimestampedModel):
    """A household in an industry in one year, with its scale in the industry's unit."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="+")
    industry = models.ForeignKey(
        FeaturedIndustry, verbose_name=_("产业"), on_delete=models.PROTECT, related_name="households"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    scale = models.DecimalField(_("规模"), max_digits=12, decimal_places=2)
    # The household's village when recorded, for area counts without a join (kept with the record).
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    class Meta:
        verbose_name = _("户发展产业")
        verbose_name_plural = _("户发展产业")
        ordering = ["-year", "household__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "industry", "year"], name="household_industry_unique"
            ),
            models.CheckConstraint(condition=Q(scale__gt=0), name="household_industry_scale_positive"),
        ]
        indexes = [models.Index(fields=["year", "area_code"], name="household_industry_area_idx")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.industry_id} {self.year}"

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "产业": self.industry.name,
            "年度": self.year,
            "规模": str(self.scale),
        }

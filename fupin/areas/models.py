"""Administrative areas: county > town > village, with 12-digit codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import areacode
from fupin.core.models import JSON, TimestampedModel, coordinate_constraints


class AreaLevel(models.TextChoices):
    PROVINCE = areacode.PROVINCE, _("省")
    CITY = areacode.CITY, _("市")
    COUNTY = areacode.COUNTY, _("县")
    TOWN = areacode.TOWN, _("乡镇")
    VILLAGE = areacode.VILLAGE, _("村")


class Area(TimestampedModel):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_poor_village = models.BooleanField(_("贫困村"), default=False)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Pinyin, its ü-as-v spelling and initials, so the picker finds 略阳 by "lueyang" or "ly".
    search_key = models.CharField(_("拼音检索"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            # "Inside an area" is `code LIKE 'prefix%'`; outside the C collation PostgreSQL needs
            # the pattern operator class to answer it from an index. Other databases ignore it.
            models.Index(fields=["code"], name="area_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [*coordinate_constraints("area")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return areacode.prefix_of(self.code)

    def audit_snapshot(self) -> JSON:
        return {
            "区划代码": self.code,
            "名称": self.name,
            "层级": self.get_level_display(),
            "上级区划代码": areacode.parent_code_of(self.code) if self.parent_id else None,
            "贫困村": self.is_poor_village,
            "经度": None if self.longitude is None else str(self.longitude),
            "纬度": None if self.latitude is None else str(self.latitude),
        }


class CountySetting(TimestampedModel):
    """One named setting of a county (poverty lines, thresholds, limits), edited by its office.

    The known names, their defaults and validation live in `fupin.areas.county_settings`.
    """

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.CASCADE, related_name="settings")
    name = models.CharField(_("设置项"), max_length=64)
    value = models.JSONField(_("值"))

    class Meta:
        verbose_name = _("县级设置")
        verbose_name_plural = _("县级设置")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="county_setting_once")]

    def __str__(self) -> str:
        return f"{self.county.name} {self.name}"

    def audit_snapshot(self) -> JSON:
        return {"县": self.county.code, "设置项": self.name, "值": self.value}

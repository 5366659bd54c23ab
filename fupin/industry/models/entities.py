"""New business entities (新型经营主体: co-operatives, leading firms, family farms) and their benefit
links (利益联结) with poor households: how the household benefits (contract purchase plus dividend,
land transfer plus jobs, share plus guaranteed dividend), the agreement's dates, and the income the
household actually received from the link each year.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.industry.models.industries import FeaturedIndustry
from fupin.industry.money import yuan_text
from fupin.registry.models import Household


class EntityKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("农民专业合作社")
    LEADING_FIRM = "leading_firm", _("龙头企业")
    FAMILY_FARM = "family_farm", _("家庭农场")
    OTHER = "other", _("其他经营主体")


class BusinessEntity(TimestampedModel):
    code = models.CharField(_("主体编码"), max_length=32, unique=True)
    name = models.CharField(_("主体名称"), max_length=100)
    kind = models.CharField(_("主体类型"), max_length=16, choices=EntityKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    industry = models.ForeignKey(
        FeaturedIndustry,
        verbose_name=_("主导产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    established_on = models.DateField(_("成立日期"))

    class Meta:
        verbose_name = _("新型经营主体")
        verbose_name_plural = _("新型经营主体")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "主体编码": self.code,
            "主体名称": self.name,
            "主体类型": choice_label(EntityKind, self.kind),
            "所在区划": self.area_code,
            "主导产业": self.industry.name if self.industry else None,
            "成立日期": self.established_on.isoformat(),
        }


class LinkType(models.TextChoices):
    PURCHASE_DIVIDEND = "purchase_dividend", _("订单收购+分红")
    LAND_JOBS = "land_jobs", _("土地流转+优先雇用")
    SHARE_GUARANTEE = "share_guarantee", _("入股+保底分红")


class BenefitLink(TimestampedModel):
    entity = models.ForeignKey(
        BusinessEntity, verbose_name=_("经营主体"), on_delete=models.CASCADE, related_name="links"
    )
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    link_type = models.CharField(_("联结方式"), max_length=20, choices=LinkType.choices)
    signed_on = models.DateField(_("协议签订日期"))
    ends_on = models.DateField(_("协议到期日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("利益联结")
        verbose_name_plural = _("利益联结")
        ordering = ["entity", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "household"], name="benefit_link_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("signed_on")),
                name="benefit_link_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}→{self.household_id}"

    def audit_snapshot(self) -> JSON:
        return {
            "主体编码": self.entity.code,
            "户编号": self.household.code,
            "联结方式": choice_label(LinkType, self.link_type),
            "协议签订日期": self.signed_on.isoformat(),
            "协议到期日期": self.ends_on.isoformat() if self.ends_on else None,
        }


class LinkIncome(TimestampedModel):
    """What a household actually received from a link in a year (dividends, rent, wages, premiums)."""

    link = models.ForeignKey(
        BenefitLink, verbose_name=_("利益联结"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    income_fen = models.BigIntegerField(_("实现收益（分）"))

    class Meta:
        verbose_name = _("联结收益")
        verbose_name_plural = _("联结收益")
        ordering = ["link", "year"]
        constraints = [
            models.UniqueConstraint(fields=["link", "year"], name="link_income_unique"),
            models.CheckConstraint(condition=Q(income_fen__gte=0), name="link_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.year}"

    def audit_snapshot(self) -> JSON:
        return {"年度": self.year, "实现收益（元）": yuan_text(self.income_fen)}

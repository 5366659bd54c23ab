"""Household industry subsidies paid the 以奖代补 way (award instead of subsidy).

The household applies, then builds at its own expense; the village and town accept (验收) what was
built, with its scale; the amount follows the county's tiered standard for the industry and year
(the highest tier whose starting scale the accepted scale reaches); the list is publicised (公示)
and only then paid. Nothing is paid before acceptance, and no cash or goods are handed out up front.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.industry.models.industries import FeaturedIndustry
from fupin.industry.money import yuan_text
from fupin.registry.models import Household

# Days a publicised list stays up before payment (公示期).
PUBLICITY_DAYS = 5


class SubsidyStandard(TimestampedModel):
    """One tier: from `min_scale` (in the industry's unit) up, `amount_fen` per household."""

    industry = models.ForeignKey(
        FeaturedIndustry, verbose_name=_("产业"), on_delete=models.CASCADE, related_name="standards"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    min_scale = models.DecimalField(_("起点规模"), max_digits=12, decimal_places=2)
    amount_fen = models.BigIntegerField(_("补助金额（分）"))

    class Meta:
        verbose_name = _("补助标准")
        verbose_name_plural = _("补助标准")
        ordering = ["industry", "year", "min_scale"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "year", "min_scale"], name="subsidy_standard_unique"),
            models.CheckConstraint(condition=Q(min_scale__gt=0), name="subsidy_standard_scale_positive"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="subsidy_standard_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.industry_id} {self.year} ≥{self.min_scale}"

    def audit_snapshot(self) -> JSON:
        return {
            "产业": self.industry.name,
            "年度": self.year,
            "起点规模": str(self.min_scale),
            "补助金额（元）": yuan_text(self.amount_fen),
        }


class SubsidyStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    ACCEPTED = "accepted", _("已验收")
    PUBLICISED = "publicised", _("公示中")
    PAID = "paid", _("已兑付")
    REJECTED = "rejected", _("验收未通过")


class HouseholdSubsidy(TimestampedModel):
    code = models.CharField(_("补助编号"), max_length=32, unique=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    industry = models.ForeignKey(
        FeaturedIndustry, verbose_name=_("产业"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    project = models.CharField(_("建设内容"), max_length=200)
    planned_scale = models.DecimalField(_("计划规模"), max_digits=12, decimal_places=2)
    applied_on = models.DateField(_("申请日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=SubsidyStatus.choices, default=SubsidyStatus.APPLIED
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    accepted_scale = models.DecimalField(
        _("验收规模"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    acceptance_notes = models.CharField(_("验收意见"), max_length=300, blank=True)
    amount_fen = models.BigIntegerField(_("补助金额（分）"), null=True, blank=True)
    publicised_on = models.DateField(_("公示日期"), null=True, blank=True)
    paid_on = models.DateField(_("兑付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("到户产业补助")
        verbose_name_plural = _("到户产业补助")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_scale__gt=0), name="subsidy_planned_scale_positive"),
            # 以奖代补: an amount exists only once something was accepted.
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True) | Q(accepted_on__isnull=False),
                name="subsidy_amount_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(publicised_on__isnull=False),
                name="subsidy_paid_after_publicity",
            ),
        ]
        indexes = [models.Index(fields=["year", "area_code"], name="subsidy_year_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.household_id}"

    def audit_snapshot(self) -> JSON:
        return {
            "补助编号": self.code,
            "户编号": self.household.code,
            "产业": self.industry.name,
            "年度": self.year,
            "建设内容": self.project,
            "计划规模": str(self.planned_scale),
            "申请日期": self.applied_on.isoformat(),
            "状态": choice_label(SubsidyStatus, self.status),
            "验收日期": self.accepted_on.isoformat() if self.accepted_on else None,
            "验收规模": None if self.accepted_scale is None else str(self.accepted_scale),
            "补助金额（元）": None if self.amount_fen is None else yuan_text(self.amount_fen),
            "公示日期": self.publicised_on.isoformat() if self.publicised_on else None,
            "兑付日期": self.paid_on.isoformat() if self.paid_on else None,
        }

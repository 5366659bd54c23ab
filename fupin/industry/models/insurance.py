"""Industry insurance (产业保险) for poor households: a policy covers a household's industry for a
period, with the sum insured, the premium and the part of it the government pays; claims (理赔)
are paid within the sum insured and the policy's period."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel
from fupin.industry.models.industries import FeaturedIndustry
from fupin.industry.money import yuan_text
from fupin.registry.models import Household


class InsurancePolicy(TimestampedModel):
    code = models.CharField(_("保单号"), max_length=40, unique=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    insurer = models.CharField(_("保险公司"), max_length=100)
    industry = models.ForeignKey(
        FeaturedIndustry, verbose_name=_("投保产业"), on_delete=models.PROTECT, related_name="+"
    )
    sum_insured_fen = models.BigIntegerField(_("保险金额（分）"))
    premium_fen = models.BigIntegerField(_("保费（分）"))
    premium_subsidy_fen = models.BigIntegerField(_("财政补贴保费（分）"))
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"))

    class Meta:
        verbose_name = _("产业保险保单")
        verbose_name_plural = _("产业保险保单")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sum_insured_fen__gt=0, premium_fen__gt=0, premium_subsidy_fen__gte=0)
                & Q(premium_subsidy_fen__lte=F("premium_fen")),
                name="insurance_policy_amounts",
            ),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="insurance_policy_period"),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_snapshot(self) -> JSON:
        return {
            "保单号": self.code,
            "户编号": self.household.code,
            "保险公司": self.insurer,
            "投保产业": self.industry.name,
            "保险金额（元）": yuan_text(self.sum_insured_fen),
            "保费（元）": yuan_text(self.premium_fen),
            "财政补贴保费（元）": yuan_text(self.premium_subsidy_fen),
            "保险起期": self.starts_on.isoformat(),
            "保险止期": self.ends_on.isoformat(),
        }


class InsuranceClaim(TimestampedModel):
    policy = models.ForeignKey(
        InsurancePolicy, verbose_name=_("保单"), on_delete=models.CASCADE, related_name="claims"
    )
    occurred_on = models.DateField(_("出险日期"))
    cause = models.CharField(_("出险原因"), max_length=100)
    paid_on = models.DateField(_("赔付日期"))
    paid_fen = models.BigIntegerField(_("赔付金额（分）"))

    class Meta:
        verbose_name = _("理赔记录")
        verbose_name_plural = _("理赔记录")
        ordering = ["policy", "occurred_on"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "occurred_on"], name="insurance_claim_unique"),
            models.CheckConstraint(condition=Q(paid_fen__gt=0), name="insurance_claim_paid_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.occurred_on}"

    def audit_snapshot(self) -> JSON:
        return {
            "保单号": self.policy.code,
            "出险日期": self.occurred_on.isoformat(),
            "出险原因": self.cause,
            "赔付日期": self.paid_on.isoformat(),
            "赔付金额（元）": yuan_text(self.paid_fen),
        }

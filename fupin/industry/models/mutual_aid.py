"""Village mutual-aid funds (贫困村互助资金): an association (协会) in a village holds a fund and lends
small sums to its member households for production, for a term of at most a year; a loan is closed
when repaid. The association never lends more at once than its fund."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel
from fupin.industry.money import yuan_text
from fupin.registry.models import Household

MUTUAL_AID_MAX_MONTHS = 12


class MutualAidAssociation(TimestampedModel):
    code = models.CharField(_("协会编码"), max_length=32, unique=True)
    name = models.CharField(_("协会名称"), max_length=100)
    village = models.ForeignKey(Area, verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    fund_fen = models.BigIntegerField(_("资金总额（分）"))
    established_on = models.DateField(_("成立日期"))

    class Meta:
        verbose_name = _("互助资金协会")
        verbose_name_plural = _("互助资金协会")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(fund_fen__gt=0), name="mutual_aid_fund_positive")]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "协会编码": self.code,
            "协会名称": self.name,
            "村": self.area_code,
            "资金总额（元）": yuan_text(self.fund_fen),
            "成立日期": self.established_on.isoformat(),
        }


class MutualAidLoan(TimestampedModel):
    code = models.CharField(_("借款编号"), max_length=32, unique=True)
    association = models.ForeignKey(
        MutualAidAssociation, verbose_name=_("协会"), on_delete=models.PROTECT, related_name="loans"
    )
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    amount_fen = models.BigIntegerField(_("借款金额（分）"))
    lent_on = models.DateField(_("借款日期"))
    due_on = models.DateField(_("约定还款日期"))
    repaid_on = models.DateField(_("还清日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("互助资金借款")
        verbose_name_plural = _("互助资金借款")
        ordering = ["-lent_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="mutual_aid_loan_positive"),
            models.CheckConstraint(condition=Q(due_on__gt=F("lent_on")), name="mutual_aid_loan_due"),
            models.CheckConstraint(
                condition=Q(repaid_on__isnull=True) | Q(repaid_on__gte=F("lent_on")),
                name="mutual_aid_loan_repaid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_snapshot(self) -> JSON:
        return {
            "借款编号": self.code,
            "协会编码": self.association.code,
            "户编号": self.household.code,
            "借款金额（元）": yuan_text(self.amount_fen),
            "借款日期": self.lent_on.isoformat(),
            "约定还款日期": self.due_on.isoformat(),
            "还清日期": self.repaid_on.isoformat() if self.repaid_on else None,
        }

"""Microcredit for poor households (扶贫小额信贷): "5万元以下、3年期以内、免担保免抵押、基准利率放贷、
财政贴息". A loan is made to a household (the borrower a member of 18–65), repaid in instalments of
principal and interest; interest paid within the term is subsidised in full by the county, interest
paid after the due date (逾期) is not.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.core.models import JSON, TimestampedModel
from fupin.industry.money import yuan_text
from fupin.registry.models import Household, Member

MAX_LOAN_FEN = 5_000_000  # 50,000 yuan
MAX_TERM_MONTHS = 36


class MicroLoan(TimestampedModel):
    code = models.CharField(_("贷款编号"), max_length=32, unique=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    borrower = models.ForeignKey(Member, verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="+")
    lender = models.CharField(_("贷款银行"), max_length=100)
    amount_fen = models.BigIntegerField(_("贷款金额（分）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    annual_rate = models.DecimalField(_("年利率（%）"), max_digits=5, decimal_places=3)
    start_date = models.DateField(_("放款日期"))
    due_date = models.DateField(_("到期日期"))
    purpose = models.CharField(_("贷款用途"), max_length=100)

    class Meta:
        verbose_name = _("扶贫小额信贷")
        verbose_name_plural = _("扶贫小额信贷")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_LOAN_FEN), name="microloan_amount_range"
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=MAX_TERM_MONTHS), name="microloan_term_range"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gt=models.F("start_date")), name="microloan_due_after_start"
            ),
        ]
        indexes = [models.Index(fields=["area_code", "start_date"], name="microloan_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {yuan_text(self.amount_fen)}"

    def audit_snapshot(self) -> JSON:
        return {
            "贷款编号": self.code,
            "户编号": self.household.code,
            "借款人": self.borrower.name,
            "贷款银行": self.lender,
            "贷款金额（元）": yuan_text(self.amount_fen),
            "期限（月）": self.term_months,
            "年利率（%）": str(self.annual_rate),
            "放款日期": self.start_date.isoformat(),
            "到期日期": self.due_date.isoformat(),
            "贷款用途": self.purpose,
        }


class LoanRepayment(TimestampedModel):
    loan = models.ForeignKey(
        MicroLoan, verbose_name=_("贷款"), on_delete=models.CASCADE, related_name="repayments"
    )
    paid_on = models.DateField(_("还款日期"))
    principal_fen = models.BigIntegerField(_("归还本金（分）"))
    interest_fen = models.BigIntegerField(_("支付利息（分）"))

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        ordering = ["loan", "paid_on"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "paid_on"], name="loan_repayment_unique"),
            models.CheckConstraint(
                condition=Q(principal_fen__gte=0, interest_fen__gte=0), name="loan_repayment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on}"

    def audit_snapshot(self) -> JSON:
        return {
            "贷款编号": self.loan.code,
            "还款日期": self.paid_on.isoformat(),
            "归还本金（元）": yuan_text(self.principal_fen),
            "支付利息（元）": yuan_text(self.interest_fen),
        }

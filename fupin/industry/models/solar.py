"""Village solar stations (光伏扶贫电站) and the distribution of their income (国开办发〔2017〕61号).

A station is owned by one or more villages in shares; its income is recorded by month. Each year a
village adopts a distribution plan that divides its income among the three uses (公益岗位工资,
小型公益事业, 奖励补助). Wages and rewards go to named households with a share each; when the plan
is frozen (定稿) the payouts are computed to the fen and each keeps a snapshot of the household as it
was (code, head, masked ID and phone, village), so that later registry edits never change a past
payout or its publicity list. Money is integer fen throughout.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.industry.money import yuan_text
from fupin.registry.models import Household


class SolarStation(TimestampedModel):
    code = models.CharField(_("电站编号"), max_length=32, unique=True)
    name = models.CharField(_("电站名称"), max_length=100)
    # The station's place: its village or town; scope follows the owning villages.
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    capacity_kw = models.DecimalField(_("装机容量（千瓦）"), max_digits=10, decimal_places=2)
    connected_on = models.DateField(_("并网日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("光伏电站")
        verbose_name_plural = _("光伏电站")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_kw__gt=0), name="solar_station_capacity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def audit_snapshot(self) -> JSON:
        return {
            "电站编号": self.code,
            "电站名称": self.name,
            "所在区划": self.area.code,
            "装机容量（千瓦）": str(self.capacity_kw),
            "并网日期": self.connected_on.isoformat() if self.connected_on else None,
        }


class SolarOwnership(TimestampedModel):
    """A village's share of a station (联村电站 are split by share)."""

    station = models.ForeignKey(
        SolarStation, verbose_name=_("电站"), on_delete=models.CASCADE, related_name="owners"
    )
    village = models.ForeignKey(Area, verbose_name=_("所属村"), on_delete=models.PROTECT, related_name="+")
    share = models.DecimalField(_("份额"), max_digits=9, decimal_places=4)

    class Meta:
        verbose_name = _("电站产权份额")
        verbose_name_plural = _("电站产权份额")
        ordering = ["station", "village__code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "village"], name="solar_ownership_unique"),
            models.CheckConstraint(condition=Q(share__gt=0), name="solar_ownership_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.village_id}"

    def audit_snapshot(self) -> JSON:
        return {"电站编号": self.station.code, "所属村": self.village.code, "份额": str(self.share)}


class SolarIncome(TimestampedModel):
    """A station's generation and income in one month (the first day of the month stands for it)."""

    station = models.ForeignKey(
        SolarStation, verbose_name=_("电站"), on_delete=models.CASCADE, related_name="incomes"
    )
    month = models.DateField(_("月份"))
    generation_kwh = models.DecimalField(_("发电量（千瓦时）"), max_digits=14, decimal_places=1)
    income_fen = models.BigIntegerField(_("发电收入（分）"))

    class Meta:
        verbose_name = _("电站月收入")
        verbose_name_plural = _("电站月收入")
        ordering = ["station", "month"]
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="solar_income_unique"),
            models.CheckConstraint(condition=Q(income_fen__gte=0), name="solar_income_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="solar_income_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m}"

    def audit_snapshot(self) -> JSON:
        return {
            "电站编号": self.station.code,
            "月份": self.month.strftime("%Y-%m"),
            "发电量（千瓦时）": str(self.generation_kwh),
            "发电收入（元）": yuan_text(self.income_fen),
        }


class SolarUse(models.TextChoices):
    JOBS = "jobs", _("公益岗位工资")
    PUBLIC_WORKS = "public_works", _("小型公益事业")
    REWARDS = "rewards", _("奖励补助")


# Uses paid to named households; 小型公益事业 is spent on projects, not paid to households.
HOUSEHOLD_USES = (SolarUse.JOBS, SolarUse.REWARDS)


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("拟定中")
    FROZEN = "frozen", _("已定稿")


class SolarDistribution(TimestampedModel):
    """A village's yearly plan for its solar income, and once frozen, its payouts."""

    village = models.ForeignKey(Area, verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    # Households are paid where they lived on this date (a household that moved mid-year is paid
    # by the village it lived in on the reference date, not by both and not by neither).
    reference_date = models.DateField(_("基准日期"))
    total_fen = models.BigIntegerField(_("分配总额（分）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DistributionStatus.choices, default=DistributionStatus.DRAFT
    )
    approved_on = models.DateField(_("乡镇审核日期"), null=True, blank=True)
    notes = models.CharField(_("说明"), max_length=500, blank=True)
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    frozen_by = models.CharField(_("定稿人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("光伏收益分配方案")
        verbose_name_plural = _("光伏收益分配方案")
        ordering = ["-year", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="solar_distribution_unique"),
            models.CheckConstraint(condition=Q(total_fen__gte=0), name="solar_distribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.village.name} 光伏收益分配"

    @property
    def frozen(self) -> bool:
        return self.status == DistributionStatus.FROZEN

    def audit_snapshot(self) -> JSON:
        return {
            "村": self.area_code,
            "年度": self.year,
            "基准日期": self.reference_date.isoformat(),
            "分配总额（元）": yuan_text(self.total_fen),
            "状态": choice_label(DistributionStatus, self.status),
            "乡镇审核日期": self.approved_on.isoformat() if self.approved_on else None,
            "说明": self.notes,
        }


class SolarAllocation(TimestampedModel):
    """The part of a plan given to one use."""

    distribution = models.ForeignKey(
        SolarDistribution, verbose_name=_("分配方案"), on_delete=models.CASCADE, related_name="allocations"
    )
    use = models.CharField(_("用途"), max_length=16, choices=SolarUse.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("收益用途")
        verbose_name_plural = _("收益用途")
        ordering = ["distribution", "use"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "use"], name="solar_allocation_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="solar_allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.use}"

    def audit_snapshot(self) -> JSON:
        return {"用途": choice_label(SolarUse, self.use), "金额（元）": yuan_text(self.amount_fen)}


class SolarBeneficiary(TimestampedModel):
    """A household named in a draft plan for wages or rewards, with its share (e.g. months worked)."""

    distribution = models.ForeignKey(
        SolarDistribution, verbose_name=_("分配方案"), on_delete=models.CASCADE, related_name="beneficiaries"
    )
    use = models.CharField(_("用途"), max_length=16, choices=SolarUse.choices)
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("份额"), max_digits=9, decimal_places=2)
    post = models.CharField(_("岗位或事由"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("受益户")
        verbose_name_plural = _("受益户")
        ordering = ["distribution", "use", "household__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "use", "household"], name="solar_beneficiary_unique"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="solar_beneficiary_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.household_id}"

    def audit_snapshot(self) -> JSON:
        return {
            "用途": choice_label(SolarUse, self.use),
            "户编号": self.household.code,
            "份额": str(self.weight),
            "岗位或事由": self.post,
        }


class SolarPayout(TimestampedModel):
    """A frozen payout: the amount and the household as it was when the plan was frozen."""

    distribution = models.ForeignKey(
        SolarDistribution, verbose_name=_("分配方案"), on_delete=models.CASCADE, related_name="payouts"
    )
    use = models.CharField(_("用途"), max_length=16, choices=SolarUse.choices)
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The snapshot: never read from the household again.
    household_code = models.CharField(_("户编号"), max_length=32)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_masked = models.CharField(_("户主身份证号（脱敏）"), max_length=18)
    phone_masked = models.CharField(_("联系电话（脱敏）"), max_length=20, blank=True)
    village_code = models.CharField(_("区划代码"), max_length=12)
    village_name = models.CharField(_("村"), max_length=100)
    weight = models.DecimalField(_("份额"), max_digits=9, decimal_places=2)
    post = models.CharField(_("岗位或事由"), max_length=100, blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("光伏收益到户")
        verbose_name_plural = _("光伏收益到户")
        ordering = ["distribution", "use", "household_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "use", "household_code"], name="solar_payout_unique"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="solar_payout_not_negative"),
        ]
        indexes = [models.Index(fields=["village_code"], name="solar_payout_village_idx")]

    def __str__(self) -> str:
        return f"{self.household_code} {yuan_text(self.amount_fen)}"

    def audit_snapshot(self) -> JSON:
        return {
            "用途": choice_label(SolarUse, self.use),
            "户编号": self.household_code,
            "户主姓名": self.head_name,
            "村": self.village_code,
            "份额": str(self.weight),
            "金额（元）": yuan_text(self.amount_fen),
        }

"""Indicator definitions, data sets, values and plans, and the approval of each report.

An indicator (指标) says what is measured, in which unit and how it aggregates: across areas (sum or
average) and across periods (a flow is summed over months, a stock is the latest value and is never
summed, an average is averaged). A data set (报表) groups indicators reported by one area level for
one period type. A value is kept per indicator × area × period; an annual plan (年度计划) is the same
kind of row with kind "plan" and the year as its period. A report is one data set × area × period:
it carries the version that concurrent entry is checked against and the approval state that locks it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.models import JSON, TimestampedModel, choice_label


class ValueType(models.TextChoices):
    NUMBER = "number", _("数值")
    INTEGER = "integer", _("整数")
    PERCENT = "percent", _("百分比")


class AreaAggregation(models.TextChoices):
    SUM = "sum", _("求和")
    AVERAGE = "average", _("平均")


class PeriodAggregation(models.TextChoices):
    FLOW = "flow", _("流量（逐月累计）")
    STOCK = "stock", _("存量（取最新值）")
    AVERAGE = "average", _("平均")


class PeriodType(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class ReportLevel(models.TextChoices):
    VILLAGE = areacode.VILLAGE, _("村")
    TOWN = areacode.TOWN, _("乡镇")
    COUNTY = areacode.COUNTY, _("县")


class ValueKind(models.TextChoices):
    ACTUAL = "actual", _("实际值")
    PLAN = "plan", _("年度计划")


class Indicator(TimestampedModel):
    """One measured quantity (指标)."""

    code = models.CharField(_("指标编码"), max_length=30, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    value_type = models.CharField(_("数值类型"), max_length=10, choices=ValueType.choices)
    area_aggregation = models.CharField(_("区域汇总"), max_length=10, choices=AreaAggregation.choices)
    period_aggregation = models.CharField(_("期间汇总"), max_length=10, choices=PeriodAggregation.choices)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    minimum = models.DecimalField(_("最小值"), max_digits=18, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("最大值"), max_digits=18, decimal_places=4, null=True, blank=True)
    description = models.TextField(_("口径说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # A retired (停用) indicator is no longer entered; its stored values stay and are still reported.
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def audit_snapshot(self) -> JSON:
        return {
            "指标编码": self.code,
            "指标名称": self.name,
            "计量单位": self.unit,
            "数值类型": choice_label(ValueType, self.value_type),
            "区域汇总": choice_label(AreaAggregation, self.area_aggregation),
            "期间汇总": choice_label(PeriodAggregation, self.period_aggregation),
            "小数位数": self.decimals,
            "最小值": None if self.minimum is None else str(self.minimum),
            "最大值": None if self.maximum is None else str(self.maximum),
            "口径说明": self.description,
            "排序": self.order,
            "启用": self.active,
        }


class DataSet(TimestampedModel):
    """A group of indicators reported together by one area level for one period type (报表)."""

    code = models.CharField(_("报表编码"), max_length=30, unique=True)
    name = models.CharField(_("报表名称"), max_length=100)
    period_type = models.CharField(_("报送周期"), max_length=10, choices=PeriodType.choices)
    level = models.CharField(_("填报层级"), max_length=10, choices=ReportLevel.choices)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("指标"), related_name="data_sets")
    description = models.TextField(_("说明"), blank=True)
    # A retired (停用) data set is no longer entered nor expected; its reports and values stay.
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "报表编码": self.code,
            "报表名称": self.name,
            "报送周期": choice_label(PeriodType, self.period_type),
            "填报层级": choice_label(ReportLevel, self.level),
            "指标": sorted(self.indicators.values_list("code", flat=True)) if self.pk else [],
            "说明": self.description,
            "启用": self.active,
        }


class RuleOperator(models.TextChoices):
    LE = "le", "≤"
    LT = "lt", "<"
    GE = "ge", "≥"
    GT = "gt", ">"
    EQ = "eq", "="


class ValidationRule(TimestampedModel):
    """A rule between two indicators of a data set on the same form (left op right)."""

    data_set = models.ForeignKey(
        DataSet, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="rules"
    )
    left = models.ForeignKey(
        Indicator, verbose_name=_("左侧指标"), on_delete=models.CASCADE, related_name="+"
    )
    operator = models.CharField(_("关系"), max_length=2, choices=RuleOperator.choices)
    right = models.ForeignKey(
        Indicator, verbose_name=_("右侧指标"), on_delete=models.CASCADE, related_name="+"
    )
    # A retired (停用) rule is no longer checked.
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["data_set_id", "id"]

    def __str__(self) -> str:
        return f"{self.left.name} {self.get_operator_display()} {self.right.name}"

    def audit_snapshot(self) -> JSON:
        return {"报表": self.data_set.code, "规则": str(self), "启用": self.active}


class DataValue(TimestampedModel):
    """One value (or annual plan) of an indicator for an area and a period.

    `period` is the month (1–12) of a monthly value, the quarter (1–4) of a quarterly one and 0 for a
    yearly value or a plan, so that one index answers "this indicator, inside this area, this year".
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12)
    kind = models.CharField(_("类型"), max_length=10, choices=ValueKind.choices, default=ValueKind.ACTUAL)
    period_type = models.CharField(_("期间类型"), max_length=10, choices=PeriodType.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.PositiveSmallIntegerField(_("期间"), default=0)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        ordering = ["indicator_id", "area_code", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "kind", "period_type", "year", "period"], name="data_value_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["indicator", "kind", "year", "area_code"],
                name="data_value_lookup_idx",
                opclasses=["", "", "", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}-{self.period} {self.indicator_id}"

    def audit_snapshot(self) -> JSON:
        return {
            "指标编码": self.indicator.code,
            "区划代码": self.area_code,
            "类型": choice_label(ValueKind, self.kind),
            "期间": period_label(self.period_type, self.year, self.period),
            "数值": str(self.value),
            "说明": self.comment,
        }

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def period_label(period_type: str, year: int, period: int) -> str:
    """The period as users write it: 2019-11, 2019Q3, 2019."""
    if period_type == PeriodType.MONTH and period:
        return f"{year:04d}-{period:02d}"
    if period_type == PeriodType.QUARTER and period:
        return f"{year:04d}Q{period}"
    return f"{year:04d}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    APPROVED = "approved", _("已审核")


class Report(TimestampedModel):
    """One data set × area × period (or × year, for the plans): its entry version and its approval.

    `approved_level` is the highest level that has approved (乡镇 then 县); approval is final when it
    is the county. Values are editable only while the report is open.
    """

    data_set = models.ForeignKey(
        DataSet, verbose_name=_("报表"), on_delete=models.PROTECT, related_name="reports"
    )
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12)
    kind = models.CharField(_("类型"), max_length=10, choices=ValueKind.choices, default=ValueKind.ACTUAL)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.PositiveSmallIntegerField(_("期间"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    approved_level = models.CharField(_("审核层级"), max_length=10, choices=ReportLevel.choices, blank=True)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报表填报")
        verbose_name_plural = _("报表填报")
        ordering = ["data_set_id", "area_code", "year", "period"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "area", "kind", "year", "period"], name="report_once")
        ]

    def __str__(self) -> str:
        return f"{self.data_set.name} {self.area.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.kind == ValueKind.PLAN:
            return f"{self.year:04d}年计划"
        return period_label(self.data_set.period_type, self.year, self.period)

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN

    def audit_snapshot(self) -> JSON:
        return {
            "报表": self.data_set.code,
            "区划代码": self.area_code,
            "期间": self.period_label,
            "状态": choice_label(ReportStatus, self.status),
            "审核层级": choice_label(ReportLevel, self.approved_level),
        }

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ReportAction(models.TextChoices):
    SAVE = "save", _("保存")
    SUBMIT = "submit", _("上报")
    APPROVE = "approve", _("审核通过")
    UNAPPROVE = "unapprove", _("撤销审核")
    RETURN = "return", _("退回修改")


class ReportEvent(models.Model):
    """Who did what to a report and when (填报与审核记录)."""

    report = models.ForeignKey(
        Report, verbose_name=_("报表填报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=10, choices=ReportAction.choices)
    level = models.CharField(_("层级"), max_length=10, choices=ReportLevel.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("填报与审核记录")
        verbose_name_plural = _("填报与审核记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.actor_name}"

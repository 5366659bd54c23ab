"""Skills trainings (技能培训), public-welfare jobs (公益岗位), community factories (社区工厂) and
transfer employment (转移就业): what the county does for its laborers, each tied to laborers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import idnumber
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.employment.models.laborers import Laborer, Region, WorkType


def _day(value: object) -> str:
    return value.isoformat() if value else ""  # type: ignore[attr-defined]


class SkillTraining(TimestampedModel):
    """One session (期) of a skills training; its trainees are the person-times (人次)."""

    code = models.CharField(_("培训编号"), max_length=32, unique=True)
    title = models.CharField(_("培训名称"), max_length=100)
    work_type = models.CharField(_("培训工种"), max_length=16, choices=WorkType.choices)
    organizer = models.CharField(_("承办单位"), max_length=100, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.PositiveSmallIntegerField(_("学时"), null=True, blank=True)

    class Meta:
        verbose_name = _("技能培训")
        verbose_name_plural = _("技能培训")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="training_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "培训编号": self.code,
            "培训名称": self.title,
            "培训工种": choice_label(WorkType, self.work_type),
            "承办单位": self.organizer,
            "区划代码": self.area_code,
            "开始日期": _day(self.start_date),
            "结束日期": _day(self.end_date),
            "学时": self.hours,
        }


class Trainee(TimestampedModel):
    training = models.ForeignKey(
        SkillTraining, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="trainees"
    )
    laborer = models.ForeignKey(Laborer, verbose_name=_("劳动力"), on_delete=models.PROTECT, related_name="+")
    certified = models.BooleanField(_("取得证书"), default=False)

    class Meta:
        verbose_name = _("参训学员")
        verbose_name_plural = _("参训学员")
        ordering = ["training_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "laborer"], name="trainee_once_per_training"),
        ]

    def __str__(self) -> str:
        return f"{self.training} {self.laborer}"

    def audit_snapshot(self) -> JSON:
        return {
            "培训编号": self.training.code,
            "身份证号": idnumber.mask(self.laborer.id_number),
            "取得证书": self.certified,
        }


class PostType(models.TextChoices):
    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("治安巡逻")
    ROADS = "roads", _("道路养护")
    WATER = "water", _("水利设施管护")
    CARE = "care", _("留守人员照料")
    FOREST = "forest", _("生态护林")
    RIVER = "river", _("河道巡查")
    OTHER = "other", _("其他")


class Funding(models.TextChoices):
    """Where a post's wage comes from; the solar stations themselves are the industry app's."""

    SOLAR = "solar", _("光伏收益")
    FISCAL = "fiscal", _("财政资金")
    OTHER = "other", _("其他")


class WelfarePost(TimestampedModel):
    """A public-welfare job (公益岗位) of a village and who holds it."""

    code = models.CharField(_("岗位编号"), max_length=32, unique=True)
    village = models.ForeignKey(Area, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    post_type = models.CharField(_("岗位类型"), max_length=12, choices=PostType.choices)
    holder = models.ForeignKey(
        Laborer,
        verbose_name=_("在岗人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="welfare_posts",
    )
    monthly_wage = models.DecimalField(_("月工资（元）"), max_digits=8, decimal_places=2)
    funding = models.CharField(_("资金来源"), max_length=8, choices=Funding.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公益岗位")
        verbose_name_plural = _("公益岗位")
        ordering = ["area_code", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_wage__gte=0), name="welfare_wage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_post_type_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.village.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "岗位编号": self.code,
            "区划代码": self.area_code,
            "岗位类型": choice_label(PostType, self.post_type),
            "在岗人员身份证号": idnumber.mask(self.holder.id_number) if self.holder else "",
            "月工资": str(self.monthly_wage),
            "资金来源": choice_label(Funding, self.funding),
            "开始日期": _day(self.start_date),
            "结束日期": _day(self.end_date),
        }


class CommunityFactory(TimestampedModel):
    code = models.CharField(_("工厂编号"), max_length=32, unique=True)
    name = models.CharField(_("工厂名称"), max_length=100)
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    industry = models.CharField(_("主营产品"), max_length=100, blank=True)
    opened = models.DateField(_("投产日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("社区工厂")
        verbose_name_plural = _("社区工厂")
        ordering = ["area_code", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "工厂编号": self.code,
            "工厂名称": self.name,
            "区划代码": self.area_code,
            "主营产品": self.industry,
            "投产日期": _day(self.opened),
        }


class FactoryWorker(TimestampedModel):
    factory = models.ForeignKey(
        CommunityFactory, verbose_name=_("社区工厂"), on_delete=models.CASCADE, related_name="workers"
    )
    laborer = models.ForeignKey(Laborer, verbose_name=_("劳动力"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("入职日期"))
    end_date = models.DateField(_("离职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(
        _("月工资（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("工厂务工人员")
        verbose_name_plural = _("工厂务工人员")
        ordering = ["factory_id", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "laborer", "start_date"], name="factory_worker_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factory} {self.laborer}"

    def audit_snapshot(self) -> JSON:
        return {
            "工厂编号": self.factory.code,
            "身份证号": idnumber.mask(self.laborer.id_number),
            "入职日期": _day(self.start_date),
            "离职日期": _day(self.end_date),
            "月工资": str(self.monthly_wage) if self.monthly_wage is not None else "",
        }


class TransferEmployment(TimestampedModel):
    """A laborer's work away from home in one year (转移就业): where, for whom, how long, earning what."""

    laborer = models.ForeignKey(
        Laborer, verbose_name=_("劳动力"), on_delete=models.PROTECT, related_name="transfers"
    )
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.CharField(_("务工地域"), max_length=16, choices=Region.choices)
    place = models.CharField(_("务工地点"), max_length=100, blank=True)
    employer = models.CharField(_("用工单位"), max_length=100, blank=True)
    months = models.PositiveSmallIntegerField(_("务工月数"))
    income = models.DecimalField(_("务工收入（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("转移就业")
        verbose_name_plural = _("转移就业")
        ordering = ["area_code", "-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["laborer", "year"], name="transfer_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=12), name="transfer_months_range"
            ),
            models.CheckConstraint(condition=models.Q(income__gte=0), name="transfer_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.laborer}"

    def audit_snapshot(self) -> JSON:
        return {
            "身份证号": idnumber.mask(self.laborer.id_number),
            "年度": self.year,
            "务工地域": choice_label(Region, self.region),
            "务工地点": self.place,
            "用工单位": self.employer,
            "务工月数": self.months,
            "务工收入": str(self.income),
        }

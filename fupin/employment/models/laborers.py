"""Laborers (劳动力) drawn from the registry's members, job postings and placements (就业信息平台)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.registry.models import Member


class WorkType(models.TextChoices):
    """Kinds of work, for skills, wishes, postings and trainings alike (the "1+19" trainings
    teach these)."""

    GENERAL = "general", _("普工")
    CONSTRUCTION = "construction", _("建筑")
    ELECTRICIAN = "electrician", _("电工")
    WELDING = "welding", _("焊工")
    COOKING = "cooking", _("厨师")
    HOUSEKEEPING = "housekeeping", _("家政")
    SEWING = "sewing", _("缝纫")
    PLANTING = "planting", _("种植")
    BREEDING = "breeding", _("养殖")
    ECOMMERCE = "ecommerce", _("电商")
    DRIVING = "driving", _("驾驶")
    REPAIR = "repair", _("机械维修")
    CARE = "care", _("护理")


class EmploymentStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("未就业")
    LOCAL = "local", _("本地就业")
    MIGRANT = "migrant", _("外出务工")
    WELFARE_JOB = "welfare_job", _("公益岗位")
    SELF_EMPLOYED = "self_employed", _("自主创业")


class Reach(models.TextChoices):
    """How far a laborer is willing to go for work, nearest first (the order matters: matching
    compares a posting's distance with it)."""

    VILLAGE = "village", _("本村")
    TOWN = "town", _("本镇")
    COUNTY = "county", _("本县")
    PROVINCE = "province", _("省内")
    ANYWHERE = "anywhere", _("不限（含省外）")


REACH_ORDER: dict[str, int] = {value: order for order, value in enumerate(Reach.values)}


class Region(models.TextChoices):
    """Where a job is, seen from the county (转移就业's three destinations)."""

    IN_COUNTY = "in_county", _("县内")
    IN_PROVINCE = "in_province", _("县外省内")
    OUT_OF_PROVINCE = "out_of_province", _("省外")


class Laborer(TimestampedModel):
    """A member with labour capacity, kept as a record of its own: skills, status and wishes are
    the employment office's, while name and village follow the member on each sync."""

    member = models.OneToOneField(
        Member, verbose_name=_("家庭成员"), on_delete=models.CASCADE, related_name="laborer"
    )
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    skills = models.JSONField(_("技能"), default=list, blank=True)
    status = models.CharField(
        _("就业状态"), max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.UNEMPLOYED
    )
    wish_reach = models.CharField(_("意愿地点"), max_length=10, choices=Reach.choices, default=Reach.COUNTY)
    wish_work_type = models.CharField(_("意愿工种"), max_length=16, choices=WorkType.choices, blank=True)
    available_from = models.DateField(_("可到岗日期"), null=True, blank=True)
    # False once the member no longer has labour capacity; kept for the trainings and jobs it had.
    active = models.BooleanField(_("有劳动能力"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("劳动力")
        verbose_name_plural = _("劳动力")
        ordering = ["area_code", "id_number"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def masked_phone(self) -> str:
        return phone.mask(self.phone) if self.phone else ""

    @property
    def skill_labels(self) -> list[str]:
        return [choice_label(WorkType, s) for s in self.skills]

    def audit_snapshot(self) -> JSON:
        return {
            "身份证号": idnumber.mask(self.id_number),
            "姓名": self.name,
            "区划代码": self.area_code,
            "联系电话": phone.mask(self.phone) if self.phone else "",
            "技能": "、".join(self.skill_labels),
            "就业状态": choice_label(EmploymentStatus, self.status),
            "意愿地点": choice_label(Reach, self.wish_reach),
            "意愿工种": choice_label(WorkType, self.wish_work_type),
            "可到岗日期": self.available_from.isoformat() if self.available_from else "",
            "有劳动能力": self.active,
            "备注": self.note,
        }


class JobPosting(TimestampedModel):
    """A job offered by an employer. `area` is where the job is when it is in the county, and the
    county that publishes it when the job is elsewhere (region 县外省内 or 省外)."""

    code = models.CharField(_("岗位编号"), max_length=32, unique=True)
    employer = models.CharField(_("用工单位"), max_length=100)
    title = models.CharField(_("岗位名称"), max_length=100)
    work_type = models.CharField(_("工种"), max_length=16, choices=WorkType.choices)
    skill_required = models.BooleanField(_("须具备该技能"), default=False)
    region = models.CharField(_("工作地域"), max_length=16, choices=Region.choices, default=Region.IN_COUNTY)
    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    place = models.CharField(_("工作地点"), max_length=100, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), max_digits=9, decimal_places=2)
    positions = models.PositiveIntegerField(_("招聘人数"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("截止日期"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), null=True, blank=True)
    requirements = models.CharField(_("其他要求"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(positions__gte=1), name="posting_positions_positive"),
            models.CheckConstraint(condition=models.Q(monthly_wage__gte=0), name="posting_wage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "岗位编号": self.code,
            "用工单位": self.employer,
            "岗位名称": self.title,
            "工种": choice_label(WorkType, self.work_type),
            "须具备该技能": self.skill_required,
            "工作地域": choice_label(Region, self.region),
            "区划代码": self.area_code,
            "工作地点": self.place,
            "月工资": str(self.monthly_wage),
            "招聘人数": self.positions,
            "开始日期": self.start_date.isoformat(),
            "截止日期": self.end_date.isoformat() if self.end_date else "",
            "最低年龄": self.min_age,
            "最高年龄": self.max_age,
            "其他要求": self.requirements,
        }


class Placement(TimestampedModel):
    """A laborer placed in a posting's job (推荐上岗)."""

    laborer = models.ForeignKey(
        Laborer, verbose_name=_("劳动力"), on_delete=models.PROTECT, related_name="placements"
    )
    posting = models.ForeignKey(
        JobPosting, verbose_name=_("招聘岗位"), on_delete=models.PROTECT, related_name="placements"
    )
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    date = models.DateField(_("上岗日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Set when the job ends or the laborer leaves it (离岗); an ended placement frees its position.
    end_date = models.DateField(_("离岗日期"), null=True, blank=True)
    end_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("上岗记录")
        verbose_name_plural = _("上岗记录")
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["laborer", "posting"], name="placement_once_per_posting"),
        ]

    def __str__(self) -> str:
        return f"{self.laborer} → {self.posting}"

    def audit_snapshot(self) -> JSON:
        return {
            "身份证号": idnumber.mask(self.laborer.id_number),
            "岗位编号": self.posting.code,
            "上岗日期": self.date.isoformat(),
            "备注": self.note,
            "离岗日期": self.end_date.isoformat() if self.end_date else "",
            "离岗原因": self.end_reason,
        }

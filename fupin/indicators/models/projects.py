"""Key projects (重点项目): the registry, annual planned investment, monthly completed investment and
progress, and milestones with photos. Amounts are in 万元."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.people.models import Unit


class Industry(models.TextChoices):
    INDUSTRY = "industry", _("工业")
    AGRICULTURE = "agriculture", _("农业")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    SERVICES = "services", _("服务业")
    SOCIAL = "social", _("社会事业")
    OTHER = "other", _("其他")


class Project(TimestampedModel):
    code = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    start_date = models.DateField(_("开工日期"))
    end_date = models.DateField(_("计划竣工日期"), null=True, blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    description = models.TextField(_("建设内容"), blank=True)

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_snapshot(self) -> JSON:
        return {
            "项目编号": self.code,
            "项目名称": self.name,
            "行业": choice_label(Industry, self.industry),
            "责任单位": self.owner_unit.code,
            "区划代码": self.area_code,
            "开工日期": self.start_date.isoformat(),
            "计划竣工日期": self.end_date.isoformat() if self.end_date else None,
            "总投资": str(self.total_investment),
            "建设内容": self.description,
        }


class ProjectPlan(TimestampedModel):
    """The investment planned for a project in one year (年度计划投资)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    planned_investment = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("年度计划投资")
        verbose_name_plural = _("年度计划投资")
        ordering = ["project_id", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_plan_once")]

    def __str__(self) -> str:
        return f"{self.project.name} {self.year}年计划"

    def audit_snapshot(self) -> JSON:
        return {
            "项目编号": self.project.code,
            "年度": self.year,
            "年度计划投资": str(self.planned_investment),
        }


class ProjectProgress(TimestampedModel):
    """The investment completed in one month (that month's amount, not a running total) and progress."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    completed_investment = models.DecimalField(_("当月完成投资（万元）"), max_digits=14, decimal_places=2)
    progress = models.TextField(_("形象进度"), blank=True)

    class Meta:
        verbose_name = _("月度进度")
        verbose_name_plural = _("月度进度")
        ordering = ["project_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_progress_once"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="project_progress_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.year}-{self.month:02d}"

    def audit_snapshot(self) -> JSON:
        return {
            "项目编号": self.project.code,
            "月份": f"{self.year:04d}-{self.month:02d}",
            "当月完成投资": str(self.completed_investment),
            "形象进度": self.progress,
        }


class Milestone(TimestampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("节点名称"), max_length=200)
    planned_date = models.DateField(_("计划日期"))
    completed_date = models.DateField(_("完成日期"), null=True, blank=True)
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project_id", "planned_date", "id"]

    def __str__(self) -> str:
        return f"{self.project.name} {self.name}"

    def audit_snapshot(self) -> JSON:
        return {
            "项目编号": self.project.code,
            "节点名称": self.name,
            "计划日期": self.planned_date.isoformat(),
            "完成日期": self.completed_date.isoformat() if self.completed_date else None,
            "说明": self.notes,
        }


class MilestonePhoto(TimestampedModel):
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("节点"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to="projects/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("节点照片")
        verbose_name_plural = _("节点照片")
        ordering = ["milestone_id", "id"]

    def __str__(self) -> str:
        return self.original_name

    def audit_snapshot(self) -> JSON:
        return {"节点": self.milestone.name, "文件名": self.original_name}

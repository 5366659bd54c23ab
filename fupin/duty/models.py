"""The chain of responsibility: leader → town, unit → village, work team → village, cadre → household.

Every assignment has a start date and an optional end date and is never deleted when it ends, so the
history of who was responsible for what stays on record. "Active on D" is figures.md's rule:
start_date ≤ D and (end_date is empty or D ≤ end_date).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core.models import JSON, TimestampedModel
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Assignments active on `day` (figures.md), optionally through a relation prefix like 'pairings__'."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class Assignment(TimestampedModel):
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def _dates(self) -> JSON:
        return {
            "开始日期": self.start_date.isoformat(),
            "结束日期": self.end_date.isoformat() if self.end_date else None,
        }


def _end_not_before_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name=name
    )


class LeaderTown(Assignment):
    """领导包镇: a county leader answers for a town, with a lead department."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("县级领导"), on_delete=models.PROTECT, related_name="towns_led"
    )
    town = models.ForeignKey(Area, verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="leaders")
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="towns_led",
    )

    class Meta:
        verbose_name = _("领导包镇")
        verbose_name_plural = _("领导包镇")
        ordering = ["town_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "town", "start_date"], name="leader_town_key"),
            _end_not_before_start("leader_town_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} 包 {self.town.name}"

    def audit_snapshot(self) -> JSON:
        return {
            "干部编号": self.cadre.code,
            "区划代码": self.town.code,
            "牵头部门单位编码": self.lead_unit.code if self.lead_unit else None,
            **self._dates(),
        }


class UnitVillage(Assignment):
    """单位包村: a helping unit answers for a village."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("帮扶单位"), on_delete=models.PROTECT, related_name="villages"
    )
    village = models.ForeignKey(
        Area, verbose_name=_("村"), on_delete=models.PROTECT, related_name="aid_units"
    )

    class Meta:
        verbose_name = _("单位包村")
        verbose_name_plural = _("单位包村")
        ordering = ["village_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "village", "start_date"], name="unit_village_key"),
            _end_not_before_start("unit_village_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} 包 {self.village.name}"

    def audit_snapshot(self) -> JSON:
        return {"单位编码": self.unit.code, "区划代码": self.village.code, **self._dates()}


class TeamRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    LEADER = "leader", _("队长")
    SECRETARY_AND_LEADER = "secretary_leader", _("第一书记兼队长")
    MEMBER = "member", _("队员")


# Roles that make a village "have a first secretary" (figures.md).
FIRST_SECRETARY_ROLES = (TeamRole.FIRST_SECRETARY, TeamRole.SECRETARY_AND_LEADER)


class WorkTeamMember(Assignment):
    """驻村工作队: one cadre's membership of a village's work team."""

    village = models.ForeignKey(
        Area, verbose_name=_("村"), on_delete=models.PROTECT, related_name="work_team"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="work_team_memberships"
    )
    role = models.CharField(_("队内职务"), max_length=16, choices=TeamRole.choices)
    sending_unit = models.ForeignKey(
        Unit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="team_members_sent"
    )

    class Meta:
        verbose_name = _("驻村工作队员")
        verbose_name_plural = _("驻村工作队")
        ordering = ["village_id", "role", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["village", "cadre", "start_date"], name="work_team_key"),
            _end_not_before_start("work_team_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name} {self.get_role_display()} {self.cadre.name}"

    @property
    def is_first_secretary(self) -> bool:
        return self.role in FIRST_SECRETARY_ROLES

    def audit_snapshot(self) -> JSON:
        return {
            "区划代码": self.village.code,
            "干部编号": self.cadre.code,
            "队内职务": self.get_role_display(),
            "派出单位编码": self.sending_unit.code,
            **self._dates(),
        }


class Pairing(Assignment):
    """结对帮扶: a cadre paired with a household (帮扶责任人)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("帮扶干部"), on_delete=models.PROTECT, related_name="pairings"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="pairings"
    )

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["household_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "household", "start_date"], name="pairing_key"),
            _end_not_before_start("pairing_dates"),
        ]
        indexes = [models.Index(fields=["household", "end_date"], name="pairing_household_idx")]

    def __str__(self) -> str:
        return f"{self.cadre.name} 帮扶 {self.household.head_name}户"

    def audit_snapshot(self) -> JSON:
        return {"干部编号": self.cadre.code, "户编号": self.household.code, **self._dates()}

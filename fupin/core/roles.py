"""Account roles and what each may do, shared by every app's views and services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    COUNTY_LEADER = "county_leader", _("县级领导")
    OFFICE_STAFF = "office_staff", _("扶贫办工作人员")
    UNIT_USER = "unit_user", _("单位用户")
    TOWN_OFFICIAL = "town_official", _("乡镇干部")
    WORK_TEAM = "work_team", _("驻村工作队员")
    PAIRED_CADRE = "paired_cadre", _("帮扶干部")
    PUBLIC = "public", _("群众")


# A platform administrator (Django superuser): every area.
SUPERUSER = "superuser"
# Roles that see and steer their whole area (the county for county roles, the town for a town).
AREA_WIDE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_LEADER, Role.OFFICE_STAFF, Role.TOWN_OFFICIAL})
# Roles that maintain the area's structure and people, and import its ledgers.
MANAGING_ROLES = frozenset({Role.COUNTY_ADMIN, Role.OFFICE_STAFF})

"""Units (单位), cadres (干部) and the accounts that give a user a role and an area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import JSON, TimestampedModel
from fupin.core.roles import Role


class UnitKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_gov", _("党政机关")
    SECTOR_DEPARTMENT = "sector_dept", _("行业部门")
    PUBLIC_INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_ent", _("国有企业")
    PRIVATE_ENTERPRISE = "private_ent", _("民营企业")
    SOCIAL_ORGANISATION = "social_org", _("社会组织")
    OTHER = "other", _("其他")


class CadreCategory(models.TextChoices):
    COUNTY_LEADER = "county_leader", _("县级领导")
    DEPARTMENT_HEAD = "dept_head", _("部门主要负责人")
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    TEAM_LEADER = "team_leader", _("驻村工作队长")
    TEAM_MEMBER = "team_member", _("驻村工作队员")
    PAIRED_CADRE = "paired_cadre", _("帮扶干部")
    TOWN_CADRE = "town_cadre", _("镇干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")


class Unit(TimestampedModel):
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    search_key = models.CharField(_("拼音检索"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> JSON:
        return {
            "单位编码": self.code,
            "单位名称": self.name,
            "单位类型": self.get_kind_display(),
            "上级单位": self.parent.code if self.parent else None,
            "所在区划代码": self.area.code if self.area else None,
        }


class CadreQuerySet(models.QuerySet["Cadre"]):
    def with_category(self, category: str) -> CadreQuerySet:
        return self.filter(categories__contains=f",{category},")


class Cadre(TimestampedModel):
    code = models.CharField(_("干部编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="cadres")
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # Category codes wrapped in commas (",dept_head,paired_cadre,") so that "holds category X" is
    # a portable `contains` filter on SQLite and PostgreSQL alike.
    categories = models.CharField(_("干部类别"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    search_key = models.CharField(_("拼音检索"), max_length=300, blank=True, editable=False)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    @property
    def category_labels(self) -> list[str]:
        return [str(CadreCategory(c).label) for c in self.category_list]

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def masked_phone(self) -> str:
        return phone.mask(self.phone) if self.phone else ""

    def audit_snapshot(self) -> JSON:
        # The change log never keeps a full ID number or phone: it is shown to everyone who may
        # read the record, most of whom may not read those.
        return {
            "干部编号": self.code,
            "姓名": self.name,
            "身份证号": idnumber.mask(self.id_number),
            "手机号码": self.masked_phone,
            "单位编码": self.unit.code,
            "职务": self.title,
            "干部类别": "、".join(self.category_labels),
        }


def categories_field(categories: list[str]) -> str:
    """The stored form of a category list, in the enumeration's order."""
    chosen = [c for c in CadreCategory.values if c in set(categories)]
    return "," + ",".join(chosen) + "," if chosen else ""


class Account(TimestampedModel):
    """A login user's role and the area (and unit) it acts for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.CASCADE, related_name="account"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("账号角色")
        verbose_name_plural = _("账号角色")

    def __str__(self) -> str:
        return f"{self.user.get_username()}：{self.get_role_display()}"

    def audit_snapshot(self) -> JSON:
        return {
            "账号": self.user.get_username(),
            "角色": self.get_role_display(),
            "区划": self.area.code if self.area else None,
            "单位": self.unit.code if self.unit else None,
        }

"""Households (户) of the registry, their statuses, causes and conditions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import JSON, TimestampedModel, coordinate_constraints
from fupin.core.snapshots import Shown, SnapshotField, snapshot_of


class PovertyStatus(models.TextChoices):
    # 新识别: the identification procedure is under way; not yet a registered poor household.
    NEW = "new", _("新识别")
    NOT_OUT = "not_out", _("未脱贫")
    OUT = "out", _("已脱贫")
    RELAPSED = "relapsed", _("返贫")
    CANCELLED = "cancelled", _("注销")
    # A household the county monitors (edge or sudden hardship) that was never registered poor.
    NON_POOR = "non_poor", _("一般农户")


# The statuses of a registered (建档立卡) household, the ledger's 脱贫属性 values.
REGISTERED_STATUSES = (
    PovertyStatus.NOT_OUT,
    PovertyStatus.OUT,
    PovertyStatus.RELAPSED,
    PovertyStatus.CANCELLED,
)
# Poor for the figures: not yet out, or fallen back.
POOR_STATUSES = (PovertyStatus.NOT_OUT, PovertyStatus.RELAPSED)


class IdentificationStandard(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")


class HouseholdCategory(models.TextChoices):
    GENERAL = "general", _("一般贫困户")
    SUBSISTENCE = "dibao", _("低保贫困户")
    EXTREME = "tekun", _("特困供养贫困户")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    NO_LAND = "no_land", _("缺土地")
    NO_WATER = "no_water", _("缺水")
    NO_SKILLS = "no_skills", _("缺技术")
    NO_LABOUR = "no_labour", _("缺劳力")
    NO_CAPITAL = "no_capital", _("缺资金")
    POOR_TRANSPORT = "transport", _("交通条件落后")
    NO_MOTIVATION = "motivation", _("自身发展动力不足")
    OTHER = "other", _("其他")


class HousingStructure(models.TextChoices):
    REINFORCED = "reinforced", _("钢混")
    BRICK_CONCRETE = "brick_concrete", _("砖混")
    BRICK_WOOD = "brick_wood", _("砖木")
    EARTH_WOOD = "earth_wood", _("土木")
    OTHER = "other", _("其他")


class RelocationMode(models.TextChoices):
    CENTRALISED = "centralised", _("集中安置")
    DISPERSED = "dispersed", _("分散安置")


class Household(TimestampedModel):
    # Unique and indexed through Meta, not unique=True / db_index=True: those add a second,
    # LIKE-prefix index on PostgreSQL that no query uses and every insert pays for.
    code = models.CharField(_("户编号"), max_length=32)
    village = models.ForeignKey(
        Area, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="households"
    )
    # The village's code, kept on the row so that "inside an area" is an indexed prefix match
    # without a join: the registry is the platform's largest table (5M rows for a province).
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18)
    size = models.PositiveSmallIntegerField(_("家庭人口数"))
    identification_standard = models.CharField(
        _("识别标准"), max_length=12, choices=IdentificationStandard.choices
    )
    category = models.CharField(_("贫困户属性"), max_length=12, choices=HouseholdCategory.choices)
    main_cause = models.CharField(_("主要致贫原因"), max_length=12, choices=PovertyCause.choices)
    # At most two causes, stored ",a,b," like cadre categories so "has cause X" is a portable filter.
    other_causes = models.CharField(_("其他致贫原因"), max_length=40, blank=True)
    poverty_status = models.CharField(_("脱贫属性"), max_length=10, choices=PovertyStatus.choices)
    registered_year = models.PositiveSmallIntegerField(_("识别年度"))
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    relapse_year = models.PositiveSmallIntegerField(_("返贫年度"), null=True, blank=True)
    cancel_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    # 两不愁三保障 and safe drinking water; None = not yet assessed.
    food_clothing_secure = models.BooleanField(_("不愁吃不愁穿"), null=True, blank=True)
    housing_secure = models.BooleanField(_("住房安全有保障"), null=True, blank=True)
    water_secure = models.BooleanField(_("饮水安全有保障"), null=True, blank=True)
    schooling_secure = models.BooleanField(_("义务教育有保障"), null=True, blank=True)
    medical_secure = models.BooleanField(_("基本医疗有保障"), null=True, blank=True)
    net_income_per_capita = models.DecimalField(
        _("年人均纯收入"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    # Production and living conditions (生产生活条件).
    cultivated_land_mu = models.DecimalField(
        _("耕地面积（亩）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    forest_land_mu = models.DecimalField(
        _("林地面积（亩）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    housing_area_m2 = models.DecimalField(
        _("住房面积（㎡）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    housing_structure = models.CharField(
        _("住房结构"), max_length=16, choices=HousingStructure.choices, blank=True
    )
    dilapidated_house = models.BooleanField(_("是否危房"), null=True, blank=True)
    tap_water = models.BooleanField(_("是否通自来水"), null=True, blank=True)
    electricity = models.BooleanField(_("是否通生活用电"), null=True, blank=True)
    sanitary_toilet = models.BooleanField(_("有无卫生厕所"), null=True, blank=True)
    road_distance_km = models.DecimalField(
        _("与村主干路距离（公里）"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    # Relocation (易地扶贫搬迁).
    relocated = models.BooleanField(_("易地扶贫搬迁户"), default=False)
    relocation_mode = models.CharField(
        _("安置方式"), max_length=12, choices=RelocationMode.choices, blank=True
    )
    relocation_site = models.CharField(_("安置点"), max_length=100, blank=True)
    relocation_year = models.PositiveSmallIntegerField(_("搬迁年度"), null=True, blank=True)

    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    search_key = models.CharField(_("拼音检索"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["head_id_number"], name="household_head_id_idx"),
            models.Index(
                fields=["area_code", "poverty_status"],
                name="household_area_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="household_code_unique"),
            models.CheckConstraint(
                condition=models.Q(size__gte=1, size__lte=20), name="household_size_range"
            ),
            *coordinate_constraints("household"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户（{self.code}）"

    @property
    def other_cause_list(self) -> list[str]:
        return [c for c in self.other_causes.split(",") if c]

    @property
    def other_cause_labels(self) -> list[str]:
        return [str(PovertyCause(c).label) for c in self.other_cause_list]

    @property
    def is_poor(self) -> bool:
        return self.poverty_status in POOR_STATUSES

    @property
    def masked_head_id_number(self) -> str:
        return idnumber.mask(self.head_id_number)

    @property
    def masked_phone(self) -> str:
        return phone.mask(self.phone) if self.phone else ""

    @property
    def basic_needs(self) -> dict[str, bool | None]:
        """两不愁三保障 and safe water, by Chinese label."""
        return {
            "不愁吃不愁穿": self.food_clothing_secure,
            "住房安全有保障": self.housing_secure,
            "饮水安全有保障": self.water_secure,
            "义务教育有保障": self.schooling_secure,
            "基本医疗有保障": self.medical_secure,
        }

    def audit_snapshot(self) -> JSON:
        return snapshot_of(self, HOUSEHOLD_SNAPSHOT)


HOUSEHOLD_SNAPSHOT = (
    SnapshotField("户编号", "code"),
    SnapshotField("区划代码", "area_code"),
    SnapshotField("户主姓名", "head_name"),
    SnapshotField("户主身份证号", "head_id_number", Shown.ID_NUMBER),
    SnapshotField("家庭人口数", "size"),
    SnapshotField("识别标准", "identification_standard", Shown.CHOICE, IdentificationStandard),
    SnapshotField("贫困户属性", "category", Shown.CHOICE, HouseholdCategory),
    SnapshotField("主要致贫原因", "main_cause", Shown.CHOICE, PovertyCause),
    SnapshotField("其他致贫原因", "other_causes", Shown.CHOICE_LIST, PovertyCause),
    SnapshotField("脱贫属性", "poverty_status", Shown.CHOICE, PovertyStatus),
    SnapshotField("识别年度", "registered_year"),
    SnapshotField("脱贫年度", "exit_year"),
    SnapshotField("返贫年度", "relapse_year"),
    SnapshotField("注销原因", "cancel_reason"),
    SnapshotField("联系电话", "phone", Shown.PHONE),
    # 两不愁三保障 and safe water, as Household.basic_needs names them.
    SnapshotField("不愁吃不愁穿", "food_clothing_secure"),
    SnapshotField("住房安全有保障", "housing_secure"),
    SnapshotField("饮水安全有保障", "water_secure"),
    SnapshotField("义务教育有保障", "schooling_secure"),
    SnapshotField("基本医疗有保障", "medical_secure"),
    SnapshotField("年人均纯收入", "net_income_per_capita", Shown.TEXT),
    SnapshotField("耕地面积（亩）", "cultivated_land_mu", Shown.TEXT),
    SnapshotField("林地面积（亩）", "forest_land_mu", Shown.TEXT),
    SnapshotField("住房面积（㎡）", "housing_area_m2", Shown.TEXT),
    SnapshotField("住房结构", "housing_structure", Shown.CHOICE, HousingStructure),
    SnapshotField("是否危房", "dilapidated_house"),
    SnapshotField("是否通自来水", "tap_water"),
    SnapshotField("是否通生活用电", "electricity"),
    SnapshotField("有无卫生厕所", "sanitary_toilet"),
    SnapshotField("与村主干路距离（公里）", "road_distance_km", Shown.TEXT),
    SnapshotField("易地扶贫搬迁户", "relocated"),
    SnapshotField("安置方式", "relocation_mode", Shown.CHOICE, RelocationMode),
    SnapshotField("安置点", "relocation_site"),
    SnapshotField("搬迁年度", "relocation_year"),
    SnapshotField("经度", "longitude", Shown.TEXT),
    SnapshotField("纬度", "latitude", Shown.TEXT),
)

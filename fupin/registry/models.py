"""The registry of poor households (建档立卡): households, members, income, procedures, monitoring.

Field names follow the glossary of reference/domain-china.md; labels are the national forms' Chinese.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.models import JSON, TimestampedModel, choice_label


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
    code = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Area, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="households"
    )
    # The village's code, kept on the row so that "inside an area" is an indexed prefix match
    # without a join: the registry is the platform's largest table (5M rows for a province).
    area_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18, db_index=True)
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
            models.Index(
                fields=["area_code", "poverty_status"],
                name="household_area_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gte=1, size__lte=20), name="household_size_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="household_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="household_latitude_range",
            ),
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
        return {
            "户编号": self.code,
            "区划代码": self.area_code,
            "户主姓名": self.head_name,
            "户主身份证号": idnumber.mask(self.head_id_number),
            "家庭人口数": self.size,
            "识别标准": choice_label(IdentificationStandard, self.identification_standard),
            "贫困户属性": choice_label(HouseholdCategory, self.category),
            "主要致贫原因": choice_label(PovertyCause, self.main_cause),
            "其他致贫原因": "、".join(choice_label(PovertyCause, c) for c in self.other_cause_list),
            "脱贫属性": choice_label(PovertyStatus, self.poverty_status),
            "识别年度": self.registered_year,
            "脱贫年度": self.exit_year,
            "返贫年度": self.relapse_year,
            "注销原因": self.cancel_reason,
            "联系电话": self.masked_phone,
            **self.basic_needs,
            "年人均纯收入": None if self.net_income_per_capita is None else str(self.net_income_per_capita),
            "耕地面积（亩）": _decimal_text(self.cultivated_land_mu),
            "林地面积（亩）": _decimal_text(self.forest_land_mu),
            "住房面积（㎡）": _decimal_text(self.housing_area_m2),
            "住房结构": choice_label(HousingStructure, self.housing_structure),
            "是否危房": self.dilapidated_house,
            "是否通自来水": self.tap_water,
            "是否通生活用电": self.electricity,
            "有无卫生厕所": self.sanitary_toilet,
            "与村主干路距离（公里）": _decimal_text(self.road_distance_km),
            "易地扶贫搬迁户": self.relocated,
            "安置方式": choice_label(RelocationMode, self.relocation_mode),
            "安置点": self.relocation_site,
            "搬迁年度": self.relocation_year,
            "经度": _decimal_text(self.longitude),
            "纬度": _decimal_text(self.latitude),
        }


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("儿媳")
    SON_IN_LAW = "son_in_law", _("女婿")
    GRANDSON = "grandson", _("孙子")
    GRANDDAUGHTER = "granddaughter", _("孙女")
    DAUGHTERS_CHILD = "daughters_child", _("外孙子女")
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class MigrantWork(models.TextChoices):
    IN_TOWN = "in_town", _("乡镇内务工")
    IN_COUNTY = "in_county", _("县内务工")
    IN_PROVINCE = "in_province", _("县外省内务工")
    OUT_OF_PROVINCE = "out_of_province", _("省外务工")
    NONE = "none", _("未务工")


class Member(TimestampedModel):
    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # One person belongs to one household: the ledger's key.
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("文化程度"), max_length=20, blank=True)
    schooling = models.CharField(_("在校生状况"), max_length=30, blank=True)
    health = models.CharField(_("健康状况"), max_length=10, choices=Health.choices, blank=True)
    labour = models.CharField(_("劳动技能"), max_length=10, choices=Labour.choices, blank=True)
    migrant_work = models.CharField(_("务工状况"), max_length=16, choices=MigrantWork.choices, blank=True)
    months_worked = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    search_key = models.CharField(_("拼音检索"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months_worked__isnull=True) | models.Q(months_worked__lte=12),
                name="member_months_worked_range",
            ),
            # Exactly one head per household; the "at least one" half is checked on import.
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head"),
                name="member_one_head_per_household",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "姓名": self.name,
            "身份证号": idnumber.mask(self.id_number),
            "与户主关系": choice_label(Relation, self.relation),
            "性别": choice_label(Sex, self.sex),
            "民族": self.ethnicity,
            "文化程度": self.education,
            "在校生状况": self.schooling,
            "健康状况": choice_label(Health, self.health),
            "劳动技能": choice_label(Labour, self.labour),
            "务工状况": choice_label(MigrantWork, self.migrant_work),
            "务工时间": self.months_worked,
        }


class IncomeKind(models.TextChoices):
    """Income line items of the 年度收支 form; the last group does not count toward exit."""

    WAGES = "wages", _("工资性收入")
    BUSINESS_INCOME = "business_income", _("生产经营性收入")
    BUSINESS_EXPENSE = "business_expense", _("生产经营性支出")
    PROPERTY = "property", _("财产性收入")
    FAMILY_PLANNING = "family_planning", _("计划生育金")
    DIBAO = "dibao", _("低保金")
    TEKUN = "tekun", _("特困供养金")
    PENSION = "pension", _("养老保险金")
    ECOLOGICAL = "ecological", _("生态补偿金")
    ASSET_DIVIDEND = "asset_dividend", _("资产收益分红")
    OTHER_TRANSFER = "other_transfer", _("其他转移性收入")
    # Not counted toward stable exit income (不计入脱贫收入).
    EDUCATION_AID = "education_aid", _("教育资助")
    MEDICAL_REIMBURSEMENT = "medical_reimbursement", _("医疗报销")
    HOUSING_SUBSIDY = "housing_subsidy", _("住房补助")
    INDUSTRY_REWARD = "industry_reward", _("产业奖补")
    MICROCREDIT = "microcredit", _("小额贷款")
    TEMPORARY_RELIEF = "temporary_relief", _("临时救助")
    INSURANCE_PAYOUT = "insurance_payout", _("保险赔付")
    DONATION = "donation", _("社会捐赠")


# How each kind enters net income (纯收入): added, subtracted, or not counted toward exit.
INCOME_SIGN: dict[str, int] = {
    IncomeKind.WAGES: 1,
    IncomeKind.BUSINESS_INCOME: 1,
    IncomeKind.BUSINESS_EXPENSE: -1,
    IncomeKind.PROPERTY: 1,
    IncomeKind.FAMILY_PLANNING: 1,
    IncomeKind.DIBAO: 1,
    IncomeKind.TEKUN: 1,
    IncomeKind.PENSION: 1,
    IncomeKind.ECOLOGICAL: 1,
    IncomeKind.ASSET_DIVIDEND: 1,
    IncomeKind.OTHER_TRANSFER: 1,
}


class IncomeItem(TimestampedModel):
    household = models.ForeignKey(
        Household, verbose_name=_("所属户"), on_delete=models.CASCADE, related_name="income_items"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("收支项目"), max_length=24, choices=IncomeKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收支明细")
        verbose_name_plural = _("收支明细")
        ordering = ["household_id", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "kind"], name="income_item_unique_kind"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="income_item_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.amount}"

    @property
    def counts_toward_exit(self) -> bool:
        return self.kind in INCOME_SIGN

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "年度": self.year,
            "收支项目": self.get_kind_display(),
            "金额": str(self.amount),
            "说明": self.note,
        }


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困户识别")
    EXIT = "exit", _("脱贫退出")
    MONITORING = "monitoring", _("监测对象识别")
    RISK_CLEARANCE = "risk_clearance", _("风险消除")


class ProcedureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("进行中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Procedure(TimestampedModel):
    """One run of a procedure for a household: its steps are ProcedureStep rows, in the order
    that `fupin.registry.procedures` defines for the kind."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="procedures"
    )
    kind = models.CharField(_("程序"), max_length=16, choices=ProcedureKind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProcedureStatus.choices, default=ProcedureStatus.IN_PROGRESS
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    started_on = models.DateField(_("开始日期"))
    # Monitoring identification must finish within 15 days of the first risk lead.
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    finished_on = models.DateField(_("办结日期"), null=True, blank=True)
    monitoring_case = models.ForeignKey(
        "MonitoringCase",
        verbose_name=_("监测对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="procedures",
    )

    class Meta:
        verbose_name = _("办理程序")
        verbose_name_plural = _("办理程序")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(status="in_progress"),
                name="procedure_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.get_kind_display()}（{self.get_status_display()}）"

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "程序": self.get_kind_display(),
            "状态": self.get_status_display(),
            "年度": self.year,
            "开始日期": self.started_on.isoformat(),
            "办结时限": self.due_on.isoformat() if self.due_on else None,
            "办结日期": self.finished_on.isoformat() if self.finished_on else None,
        }


class StepKind(models.TextChoices):
    APPLICATION = "application", _("农户申请")
    AUTHORISATION = "authorisation", _("承诺授权")
    HOME_CHECK = "home_check", _("入户核实")
    VILLAGE_REVIEW = "village_review", _("村民主评议")
    TEAM_VERIFICATION = "team_verification", _("村两委和驻村工作队核实")
    HOUSEHOLD_CONSENT = "household_consent", _("户认可")
    PUBLICITY = "publicity", _("村内公示")
    TOWN_REVIEW = "town_review", _("乡镇审核")
    COUNTY_APPROVAL = "county_approval", _("县级审批")


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("程序"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("环节"), max_length=20, choices=StepKind.choices)
    # The day the step happened; for publicity the first day, with `ends_on` the last.
    on = models.DateField(_("日期"))
    ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), default=True)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["procedure_id", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "kind"], name="procedure_step_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @property
    def publicity_days(self) -> int | None:
        if self.ends_on is None:
            return None
        return (self.ends_on - self.on).days + 1


class StatusChange(models.Model):
    """The household's status history (脱贫属性变化), shown on its file."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原属性"), max_length=10, choices=PovertyStatus.choices, blank=True)
    to_status = models.CharField(_("新属性"), max_length=10, choices=PovertyStatus.choices)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("依据程序"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("脱贫属性变化")
        verbose_name_plural = _("脱贫属性变化")
        ordering = ["household_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_from_status_display()} → {self.get_to_status_display()}"


class MonitoringType(models.TextChoices):
    UNSTABLE_EXITED = "unstable", _("脱贫不稳定户")
    EDGE = "edge", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden", _("突发严重困难户")


class MonitoringStatus(models.TextChoices):
    IDENTIFYING = "identifying", _("识别中")
    MONITORED = "monitored", _("监测中")
    CLEARED = "cleared", _("风险已消除")
    NOT_INCLUDED = "not_included", _("未纳入")


class MonitoringCase(TimestampedModel):
    """A household under relapse-prevention monitoring (防止返贫动态监测)."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="monitoring_cases"
    )
    monitoring_type = models.CharField(_("监测对象类型"), max_length=10, choices=MonitoringType.choices)
    status = models.CharField(
        _("状态"), max_length=14, choices=MonitoringStatus.choices, default=MonitoringStatus.IDENTIFYING
    )
    # The day the first risk lead came in; identification must finish within 15 days of it.
    lead_on = models.DateField(_("风险线索日期"))
    lead_source = models.CharField(_("线索来源"), max_length=50, blank=True)
    # Risk flags computed when the case was opened (and recomputed at clearance), in Chinese.
    risk_flags = models.JSONField(_("风险标识"), default=list, blank=True)
    identified_on = models.DateField(_("纳入日期"), null=True, blank=True)
    cleared_on = models.DateField(_("风险消除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["-lead_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=["identifying", "monitored"]),
                name="monitoring_one_open_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.get_monitoring_type_display()}（{self.get_status_display()}）"

    @property
    def due_on(self) -> dt.date:
        return self.lead_on + dt.timedelta(days=15)

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "监测对象类型": self.get_monitoring_type_display(),
            "状态": self.get_status_display(),
            "风险线索日期": self.lead_on.isoformat(),
            "线索来源": self.lead_source,
            "风险标识": list(self.risk_flags),
            "纳入日期": self.identified_on.isoformat() if self.identified_on else None,
            "风险消除日期": self.cleared_on.isoformat() if self.cleared_on else None,
        }


class HardshipKind(models.TextChoices):
    ILLNESS = "illness", _("重大疾病")
    DISABILITY = "disability", _("新增残疾")
    DISASTER = "disaster", _("自然灾害")
    ACCIDENT = "accident", _("意外事故")
    JOB_LOSS = "job_loss", _("失业或务工中断")
    OTHER = "other", _("其他")


class HardshipEvent(TimestampedModel):
    """A sudden event (突发事件) that may push a household back into poverty."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="hardship_events"
    )
    kind = models.CharField(_("事件类型"), max_length=12, choices=HardshipKind.choices)
    on = models.DateField(_("发生日期"))
    # Out-of-pocket rigid spending it caused (刚性支出), yuan.
    expense = models.DecimalField(_("刚性支出（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"

    def audit_snapshot(self) -> JSON:
        return {
            "户编号": self.household.code,
            "事件类型": self.get_kind_display(),
            "发生日期": self.on.isoformat(),
            "刚性支出": str(self.expense),
            "说明": self.note,
        }

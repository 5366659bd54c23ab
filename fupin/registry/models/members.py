"""Household members (家庭成员) and the yearly income line items (收支明细)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core import idnumber
from fupin.core.models import JSON, TimestampedModel, choice_label
from fupin.registry.models.households import Household


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

"""Forms of the solar pages. Amounts are typed in yuan and become fen in the view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from fupin.core.web import DateInput, StyledForm
from fupin.industry.models import HOUSEHOLD_USES, EntityKind, FeaturedIndustry, LinkType, ScaleUnit, SolarUse
from fupin.industry.money import yuan_to_fen


def yuan_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0), max_digits=14, decimal_places=2)


class DistributionForm(StyledForm):
    village_code = forms.CharField(label="村区划代码", max_length=12)
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    reference_date = forms.DateField(
        label="基准日期", widget=DateInput(), help_text="受益户按该日所住的村分配"
    )
    jobs = yuan_field("公益岗位工资（元）")
    public_works = yuan_field("小型公益事业（元）")
    rewards = yuan_field("奖励补助（元）")
    notes = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The village and year of a plan are its identity; a different one is a new plan.
            for name in ("village_code", "year"):
                self.fields[name].disabled = True

    def allocations(self) -> dict[str, int]:
        data = self.cleaned_data
        return {use: yuan_to_fen(data[use] or 0) for use in SolarUse.values}


class BeneficiaryForm(StyledForm):
    use = forms.ChoiceField(label="用途", choices=[(u.value, u.label) for u in HOUSEHOLD_USES])
    household_code = forms.CharField(label="户编号", max_length=32)
    weight = forms.DecimalField(
        label="份额",
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        initial=1,
        help_text="如工作月数；同一用途内按份额分配到分",
    )
    post = forms.CharField(label="岗位或事由", max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FreezeForm(StyledForm):
    approved_on = forms.DateField(label="乡镇审核日期", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class IndustryForm(StyledForm):
    code = forms.CharField(label="产业编码", max_length=32)
    name = forms.CharField(label="产业名称", max_length=50)
    scale_unit = forms.ChoiceField(label="规模单位", choices=ScaleUnit.choices)
    medium_long_term = forms.BooleanField(label="中长期产业", required=False)
    order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class SubsidyApplyForm(StyledForm):
    code = forms.CharField(label="补助编号", max_length=32)
    household_code = forms.CharField(label="户编号", max_length=32)
    industry = forms.ModelChoiceField(label="产业", queryset=FeaturedIndustry.objects.none())
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    project = forms.CharField(label="建设内容", max_length=200)
    planned_scale = forms.DecimalField(
        label="计划规模", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    applied_on = forms.DateField(label="申请日期", widget=DateInput())

    def __init__(self, *args: Any, industries: QuerySet[FeaturedIndustry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["industry"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = industries


class SubsidyStepForm(StyledForm):
    """One step of 以奖代补: acceptance (with its result and scale), publicity or payment."""

    day = forms.DateField(label="日期", widget=DateInput())
    passed = forms.ChoiceField(label="验收结论", choices=[("yes", "通过"), ("no", "不通过")], required=False)
    accepted_scale = forms.DecimalField(
        label="验收规模", min_value=Decimal("0.01"), max_digits=12, decimal_places=2, required=False
    )
    notes = forms.CharField(label="验收意见", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RepaymentForm(StyledForm):
    paid_on = forms.DateField(label="还款日期", widget=DateInput())
    principal = yuan_field("归还本金（元）")
    interest = yuan_field("支付利息（元）")


class LoanForm(StyledForm):
    """A microloan typed on the page: the same columns as the bank's ledger, the borrower named
    within the household (no ID number on the page)."""

    code = forms.CharField(label="贷款编号", max_length=32)
    household_code = forms.CharField(label="户编号", max_length=32)
    borrower_name = forms.CharField(
        label="借款人姓名", max_length=50, help_text="须是该户成员，放款时18至65岁"
    )
    lender = forms.CharField(label="贷款银行", max_length=100)
    amount = forms.DecimalField(
        label="贷款金额（元）",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="不超过50,000元",
    )
    term_months = forms.IntegerField(label="期限（月）", min_value=1, help_text="不超过36个月")
    annual_rate = forms.DecimalField(
        label="年利率（%）", min_value=Decimal(0), max_digits=5, decimal_places=3
    )
    start_date = forms.DateField(label="放款日期", widget=DateInput())
    purpose = forms.CharField(label="贷款用途", max_length=100, help_text="生产经营，如发展乌鸡养殖")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The code and household are the loan's identity; another is a new loan.
            for name in ("code", "household_code"):
                self.fields[name].disabled = True


class StationForm(StyledForm):
    """A solar station with its owning villages, one "村区划代码 份额" a line (联村电站 several)."""

    code = forms.CharField(label="电站编号", max_length=32)
    name = forms.CharField(label="电站名称", max_length=100)
    area_code = forms.CharField(label="所在区划代码", max_length=12, help_text="电站所在的乡镇或村")
    capacity_kw = forms.DecimalField(
        label="装机容量（千瓦）", min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    connected_on = forms.DateField(label="并网日期", widget=DateInput(), required=False)
    owners = forms.CharField(
        label="所属村及产权份额",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个村：村区划代码 份额，如 610727100200 1；联村电站按份额分配收益",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def clean_owners(self) -> list[tuple[str, Decimal]]:
        owners: list[tuple[str, Decimal]] = []
        for number, line in enumerate(str(self.cleaned_data["owners"]).splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").replace("：", " ").replace(":", " ").split()
            if not parts:
                continue
            try:
                if len(parts) != 2:
                    raise ValueError
                share = Decimal(parts[1])
                if not share.is_finite():
                    raise ValueError
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(f"第{number}行应为“村区划代码 份额”") from None
            owners.append((parts[0], share))
        if not owners:
            raise forms.ValidationError("请填写至少一个所属村及其份额")
        return owners


class IncomeForm(StyledForm):
    month = forms.DateField(
        label="月份", widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"), input_formats=["%Y-%m"]
    )
    generation_kwh = forms.DecimalField(
        label="发电量（千瓦时）", min_value=Decimal(0), max_digits=14, decimal_places=1
    )
    income = yuan_field("发电收入（元）")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HouseholdIndustryForm(StyledForm):
    household_code = forms.CharField(label="户编号", max_length=32)
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    scale = forms.DecimalField(
        label="规模",
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="按该产业的规模单位",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The household, industry and year are the record's identity.
            for name in ("household_code", "year"):
                self.fields[name].disabled = True


class EntityForm(StyledForm):
    code = forms.CharField(label="主体编码", max_length=32)
    name = forms.CharField(label="主体名称", max_length=100)
    kind = forms.ChoiceField(label="主体类型", choices=EntityKind.choices)
    area_code = forms.CharField(label="所在区划代码", max_length=12)
    industry = forms.ModelChoiceField(
        label="主导产业", queryset=FeaturedIndustry.objects.none(), required=False
    )
    established_on = forms.DateField(label="成立日期", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, industries: QuerySet[FeaturedIndustry], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["industry"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = industries
        if editing:
            self.fields["code"].disabled = True


class LinkForm(StyledForm):
    household_code = forms.CharField(label="户编号", max_length=32)
    link_type = forms.ChoiceField(label="联结方式", choices=LinkType.choices)
    signed_on = forms.DateField(label="协议签订日期", widget=DateInput())
    ends_on = forms.DateField(
        label="协议到期日期", widget=DateInput(), required=False, help_text="长期协议可不填"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The entity and household are the link's identity.
            self.fields["household_code"].disabled = True


class LinkIncomeForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    income = yuan_field("实现收益（元）")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PolicyForm(StyledForm):
    code = forms.CharField(label="保单号", max_length=40)
    household_code = forms.CharField(label="户编号", max_length=32)
    insurer = forms.CharField(label="保险公司", max_length=100)
    industry = forms.ModelChoiceField(label="投保产业", queryset=FeaturedIndustry.objects.none())
    sum_insured = yuan_field("保险金额（元）")
    premium = yuan_field("保费（元）")
    premium_subsidy = yuan_field("财政补贴保费（元）")
    starts_on = forms.DateField(label="保险起期", widget=DateInput())
    ends_on = forms.DateField(label="保险止期", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, industries: QuerySet[FeaturedIndustry], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["industry"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = industries
        if editing:
            # The policy number and household are the policy's identity.
            for name in ("code", "household_code"):
                self.fields[name].disabled = True


class ClaimForm(StyledForm):
    occurred_on = forms.DateField(label="出险日期", widget=DateInput())
    cause = forms.CharField(label="出险原因", max_length=100)
    paid_on = forms.DateField(label="赔付日期", widget=DateInput())
    paid = yuan_field("赔付金额（元）")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssociationForm(StyledForm):
    code = forms.CharField(label="协会编码", max_length=32)
    name = forms.CharField(label="协会名称", max_length=100)
    village_code = forms.CharField(label="村区划代码", max_length=12)
    fund = yuan_field("资金总额（元）")
    established_on = forms.DateField(label="成立日期", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The code and village are the association's identity.
            for name in ("code", "village_code"):
                self.fields[name].disabled = True


class MutualAidLoanForm(StyledForm):
    code = forms.CharField(label="借款编号", max_length=32)
    household_code = forms.CharField(label="户编号", max_length=32, help_text="须是协会所在村的户")
    amount = yuan_field("借款金额（元）")
    lent_on = forms.DateField(label="借款日期", widget=DateInput())
    due_on = forms.DateField(label="约定还款日期", widget=DateInput(), help_text="不超过12个月")
    repaid_on = forms.DateField(label="还清日期", widget=DateInput(), required=False, help_text="未还清不填")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("code", "household_code"):
                self.fields[name].disabled = True

"""Models of the industry app: featured industries, subsidies, microcredit, solar stations."""

from fupin.industry.models.entities import BenefitLink, BusinessEntity, EntityKind, LinkIncome, LinkType
from fupin.industry.models.finance import MAX_LOAN_FEN, MAX_TERM_MONTHS, LoanRepayment, MicroLoan
from fupin.industry.models.funds import FundAllocation, FundLevel, FundProject, FundSource, ProjectKind
from fupin.industry.models.industries import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.industry.models.insurance import InsuranceClaim, InsurancePolicy
from fupin.industry.models.mutual_aid import MUTUAL_AID_MAX_MONTHS, MutualAidAssociation, MutualAidLoan
from fupin.industry.models.solar import (
    HOUSEHOLD_USES,
    DistributionStatus,
    SolarAllocation,
    SolarBeneficiary,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
    SolarUse,
)
from fupin.industry.models.subsidies import PUBLICITY_DAYS, HouseholdSubsidy, SubsidyStandard, SubsidyStatus

__all__ = [
    "HOUSEHOLD_USES",
    "MAX_LOAN_FEN",
    "MAX_TERM_MONTHS",
    "MUTUAL_AID_MAX_MONTHS",
    "PUBLICITY_DAYS",
    "BenefitLink",
    "BusinessEntity",
    "DistributionStatus",
    "EntityKind",
    "FeaturedIndustry",
    "FundAllocation",
    "FundLevel",
    "FundProject",
    "FundSource",
    "HouseholdIndustry",
    "HouseholdSubsidy",
    "InsuranceClaim",
    "InsurancePolicy",
    "LinkIncome",
    "LinkType",
    "LoanRepayment",
    "MicroLoan",
    "MutualAidAssociation",
    "MutualAidLoan",
    "ProjectKind",
    "ScaleUnit",
    "SolarAllocation",
    "SolarBeneficiary",
    "SolarDistribution",
    "SolarIncome",
    "SolarOwnership",
    "SolarPayout",
    "SolarStation",
    "SolarUse",
    "SubsidyStandard",
    "SubsidyStatus",
]

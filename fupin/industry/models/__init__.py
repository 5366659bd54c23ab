"""Models of the industry app: featured industries, solar stations and their distributions."""

from fupin.industry.models.industries import FeaturedIndustry, HouseholdIndustry, ScaleUnit
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
    "PUBLICITY_DAYS",
    "DistributionStatus",
    "FeaturedIndustry",
    "HouseholdIndustry",
    "HouseholdSubsidy",
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

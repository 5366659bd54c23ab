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

__all__ = [
    "HOUSEHOLD_USES",
    "DistributionStatus",
    "FeaturedIndustry",
    "HouseholdIndustry",
    "ScaleUnit",
    "SolarAllocation",
    "SolarBeneficiary",
    "SolarDistribution",
    "SolarIncome",
    "SolarOwnership",
    "SolarPayout",
    "SolarStation",
    "SolarUse",
]

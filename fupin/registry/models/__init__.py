"""The registry of poor households (建档立卡): households, members, income, procedures, monitoring.

Field names follow the glossary of reference/domain-china.md; labels are the national forms' Chinese.
"""

from fupin.registry.models.households import (
    POOR_STATUSES,
    REGISTERED_STATUSES,
    Household,
    HouseholdCategory,
    HousingStructure,
    IdentificationStandard,
    PovertyCause,
    PovertyStatus,
    RelocationMode,
)
from fupin.registry.models.members import (
    INCOME_SIGN,
    Health,
    IncomeItem,
    IncomeKind,
    Labour,
    Member,
    MigrantWork,
    Relation,
    Sex,
)
from fupin.registry.models.monitoring import (
    HardshipEvent,
    HardshipKind,
    MonitoringCase,
    MonitoringStatus,
    MonitoringType,
)
from fupin.registry.models.procedures import (
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    StatusChange,
    StepKind,
)

__all__ = [
    "INCOME_SIGN",
    "POOR_STATUSES",
    "REGISTERED_STATUSES",
    "HardshipEvent",
    "HardshipKind",
    "Health",
    "Household",
    "HouseholdCategory",
    "HousingStructure",
    "IdentificationStandard",
    "IncomeItem",
    "IncomeKind",
    "Labour",
    "Member",
    "MigrantWork",
    "MonitoringCase",
    "MonitoringStatus",
    "MonitoringType",
    "PovertyCause",
    "PovertyStatus",
    "Procedure",
    "ProcedureKind",
    "ProcedureStatus",
    "ProcedureStep",
    "Relation",
    "RelocationMode",
    "Sex",
    "StatusChange",
    "StepKind",
]

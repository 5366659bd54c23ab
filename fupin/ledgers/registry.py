"""Every ledger the platform reads and writes, in dependency order. Later apps add theirs here."""

from __future__ import annotations

from fupin.ledgers.base import Ledger
from fupin.ledgers.definitions.duty import (
    LeaderTownsLedger,
    PairingsLedger,
    UnitVillagesLedger,
    WorkTeamsLedger,
)
from fupin.ledgers.definitions.employment import (
    CommunityFactoriesLedger,
    JobPostingsLedger,
    LaborersLedger,
    SkillTrainingsLedger,
    TransferEmploymentLedger,
    WelfareJobsLedger,
)
from fupin.ledgers.definitions.entities import BenefitLinksLedger, BusinessEntitiesLedger, LinkIncomesLedger
from fupin.ledgers.definitions.fieldwork import CheckInsLedger
from fupin.ledgers.definitions.finance import LoanRepaymentsLedger, MicroloansLedger
from fupin.ledgers.definitions.funds import FundAllocationsLedger, FundProjectsLedger, FundSourcesLedger
from fupin.ledgers.definitions.indicators import IndicatorValuesLedger
from fupin.ledgers.definitions.industries import FeaturedIndustriesLedger, HouseholdIndustriesLedger
from fupin.ledgers.definitions.insurance import InsuranceClaimsLedger, InsurancePoliciesLedger
from fupin.ledgers.definitions.mutual_aid import MutualAidAssociationsLedger, MutualAidLoansLedger
from fupin.ledgers.definitions.rectification import ProblemsLedger
from fupin.ledgers.definitions.registry import HouseholdsLedger, MembersLedger
from fupin.ledgers.definitions.solar import SolarIncomeLedger, SolarStationsLedger
from fupin.ledgers.definitions.structure import AreasLedger, CadresLedger, UnitsLedger
from fupin.ledgers.definitions.subsidies import IndustrySubsidiesLedger, SubsidyStandardsLedger
from fupin.ledgers.definitions.training import QuestionsLedger

LEDGERS: dict[str, Ledger] = {
    ledger.name: ledger
    for ledger in (
        AreasLedger(),
        UnitsLedger(),
        CadresLedger(),
        HouseholdsLedger(),
        MembersLedger(),
        PairingsLedger(),
        WorkTeamsLedger(),
        UnitVillagesLedger(),
        LeaderTownsLedger(),
        CheckInsLedger(),
        ProblemsLedger(),
        QuestionsLedger(),
        IndicatorValuesLedger(),
        LaborersLedger(),
        JobPostingsLedger(),
        SkillTrainingsLedger(),
        WelfareJobsLedger(),
        CommunityFactoriesLedger(),
        TransferEmploymentLedger(),
        FeaturedIndustriesLedger(),
        HouseholdIndustriesLedger(),
        SubsidyStandardsLedger(),
        IndustrySubsidiesLedger(),
        BusinessEntitiesLedger(),
        BenefitLinksLedger(),
        LinkIncomesLedger(),
        MicroloansLedger(),
        LoanRepaymentsLedger(),
        MutualAidAssociationsLedger(),
        MutualAidLoansLedger(),
        InsurancePoliciesLedger(),
        InsuranceClaimsLedger(),
        FundSourcesLedger(),
        FundProjectsLedger(),
        FundAllocationsLedger(),
        SolarStationsLedger(),
        SolarIncomeLedger(),
    )
}


def ledger_named(name: str) -> Ledger:
    try:
        return LEDGERS[name]
    except KeyError:
        raise KeyError(f"没有名为 {name} 的台账；可用：{', '.join(LEDGERS)}") from None


def dependency_order(names: list[str]) -> list[str]:
    """`names` sorted so that each ledger comes after the ledgers it depends on."""
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        for dependency in LEDGERS[name].depends_on:
            if dependency in names:
                visit(dependency)
        ordered.append(name)

    for name in [n for n in LEDGERS if n in names]:
        visit(name)
    return ordered

"""The employment ledgers (ledgers.md): laborers, job postings, skills trainings, public-welfare
jobs, community factories and transfer employment. Each row is checked by the employment services'
own rules and written through them."""

from fupin.ledgers.definitions.employment.laborers import JobPostingsLedger, LaborersLedger
from fupin.ledgers.definitions.employment.programmes import SkillTrainingsLedger, WelfareJobsLedger
from fupin.ledgers.definitions.employment.workplaces import CommunityFactoriesLedger, TransferEmploymentLedger

__all__ = [
    "CommunityFactoriesLedger",
    "JobPostingsLedger",
    "LaborersLedger",
    "SkillTrainingsLedger",
    "TransferEmploymentLedger",
    "WelfareJobsLedger",
]

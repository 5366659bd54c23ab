from fupin.employment.models.laborers import (
    REACH_ORDER,
    EmploymentStatus,
    JobPosting,
    Laborer,
    Placement,
    Reach,
    Region,
    WorkType,
)
from fupin.employment.models.programmes import (
    CommunityFactory,
    FactoryWorker,
    Funding,
    PostType,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)

__all__ = [
    "REACH_ORDER",
    "CommunityFactory",
    "EmploymentStatus",
    "FactoryWorker",
    "Funding",
    "JobPosting",
    "Laborer",
    "Placement",
    "PostType",
    "Reach",
    "Region",
    "SkillTraining",
    "Trainee",
    "TransferEmployment",
    "WelfarePost",
    "WorkType",
]

"""The figure paths a briefing template may name (docs/figures.md), and reading one from a document.

A path is dotted: `registry.poor_households`, a map entry `rectification.by_category.医疗保障`, a
nested entry `fieldwork.quota.帮扶干部.met` or `indicators.NY01.ytd`. Map entries are names the
county chooses (categories, industries, indicator codes), so they are checked by shape, not by name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# Plain figures of each section: section -> keys.
SCALARS: dict[str, frozenset[str]] = {
    "registry": frozenset(
        {
            "households",
            "people",
            "poor_households",
            "exited_households",
            "relapsed_households",
            "poor_villages",
        }
    ),
    "duty": frozenset(
        {
            "paired_cadres",
            "poor_households_paired",
            "poor_households_unpaired",
            "aid_units",
            "villages_with_first_secretary",
            "work_team_members",
        }
    ),
    "fieldwork": frozenset({"valid_checkins", "invalid_checkins"}),
    "rectification": frozenset({"found", "rectified", "closed", "open", "overdue"}),
    "training": frozenset(
        {
            "trainings",
            "person_times",
            "cadres_trained",
            "trainings_ytd",
            "person_times_ytd",
            "exams",
            "exam_results",
            "cadres_examined",
            "cadres_passed",
        }
    ),
    "projects": frozenset(
        {"projects", "planned_investment", "completed_investment", "completion", "missing_reports"}
    ),
    "employment": frozenset(
        {
            "laborers",
            "poor_laborers",
            "poor_lacking_skills",
            "poor_lacking_skills_trained",
            "training_sessions",
            "training_person_times",
            "training_person_times_to_date",
            "welfare_jobs",
            "welfare_jobs_held",
            "community_factories",
            "factory_workers",
            "factory_poor_workers",
            "transfer_employment",
            "transfer_income",
            "job_postings_open",
            "job_positions_open",
            "placements",
        }
    ),
    "industry": frozenset(
        {
            "featured_industries",
            "households_in_industries",
            "households_with_mlt_industry",
            "households_without_mlt_industry",
            "subsidies_applied",
            "subsidies_accepted",
            "subsidies_paid",
            "subsidy_accepted_fen",
            "subsidy_paid_fen",
            "business_entities",
            "new_business_entities",
            "entities_with_links",
            "linked_households",
            "link_income_fen",
        }
    ),
    "finance": frozenset(
        {
            "integrated_fund_fen",
            "integrated_projects",
            "integrated_allocated_fen",
            "integrated_spent_fen",
            "insurance_policies",
            "insured_households",
            "premium_subsidy_fen",
            "claims_paid",
            "claims_paid_fen",
            "mutual_aid_associations",
            "mutual_aid_fund_fen",
            "mutual_aid_loans_made",
            "mutual_aid_lent_fen",
            "mutual_aid_loans_out",
            "mutual_aid_out_fen",
            "mutual_aid_overdue",
            "loans_issued",
            "loan_amount_issued_fen",
            "loans_outstanding",
            "households_with_loans",
            "outstanding_fen",
            "overdue_loans",
            "overdue_fen",
            "interest_subsidy_fen",
        }
    ),
    "solar": frozenset(
        {
            "stations",
            "capacity_kw",
            "income_fen",
            "villages_distributed",
            "distributed_fen",
            "households_paid",
            "payout_fen",
        }
    ),
}

# Maps of named entries: path of the map -> the keys of each entry (None: the entry is the number).
MAPS: dict[str, frozenset[str] | None] = {
    "fieldwork.quota": frozenset({"cadres", "met"}),
    "rectification.by_category": None,
    "rectification.by_channel": None,
    "projects.by_industry": frozenset({"projects", "planned_investment", "completed_investment"}),
    "employment.welfare_jobs_by_funding": None,
    "employment.transfer_by_region": None,
    "industry.by_industry": frozenset({"households", "scale", "unit"}),
    "solar.by_use_fen": None,
}

# The indicators section is itself a map: indicator code -> these keys.
INDICATOR_KEYS = frozenset(
    {
        "name",
        "unit",
        "ytd",
        "plan",
        "completion",
        "last_year_ytd",
        "growth",
        "reporting_areas",
        "areas_with_value",
        "missing_periods",
    }
)

# Units of money figures that are not in fen.
MONEY_UNITS: dict[str, str] = {
    "projects.planned_investment": "万元",
    "projects.completed_investment": "万元",
    "employment.transfer_income": "元",
}

Kind = str  # "number", "ratio", "money:<unit>", "kw", "text", "map"


def kind_of(path: str) -> Kind | None:
    """What a path holds, or None when no document has such a figure."""
    parts = path.split(".")
    if any(not part for part in parts):
        return None
    section = parts[0]
    if section == "indicators":
        if len(parts) != 3 or parts[2] not in INDICATOR_KEYS:
            return None
        return _leaf_kind(parts[2])
    if len(parts) == 2 and parts[1] in SCALARS.get(section, ()):
        return _leaf_kind(parts[1], path)
    for map_path, entry_keys in MAPS.items():
        prefix = map_path.split(".")
        if parts[: len(prefix)] != prefix:
            continue
        rest = parts[len(prefix) :]
        if not rest:
            return "map"
        if entry_keys is None:
            return _leaf_kind(map_path.rsplit(".", 1)[1]) if len(rest) == 1 else None
        if len(rest) == 2 and rest[1] in entry_keys:
            return _leaf_kind(rest[1], f"{map_path}.{rest[1]}")
    return None


def _leaf_kind(key: str, path: str = "") -> Kind:
    if key.endswith("_fen"):
        return "money:分"
    if path in MONEY_UNITS:
        return f"money:{MONEY_UNITS[path]}"
    if key in {"completion", "growth"}:
        return "ratio"
    if key == "capacity_kw":
        return "kw"
    if key in {"name", "unit"}:
        return "text"
    return "number"


def is_known(path: str) -> bool:
    return kind_of(path) is not None


def value_at(document: dict[str, Any], path: str) -> Any:
    """The value at `path`, or None when the document has no such figure (a section not served,
    an entry not present, an empty value)."""
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def as_decimal(value: Any) -> Decimal | None:
    """A figure's number (counts are ints; scales and capacities are decimal strings)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None

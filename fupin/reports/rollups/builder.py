"""The figures documents of every area of a county, computed together.

A section with a grouped builder (`<section>_by_area` in its app) reads the county's records once
for all its areas; a section without one is computed area by area from the raw definition. Either
way each area's document equals `figures_document` for that area: `fupin figures --check` proves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.areas.tree import CountyTree, county_tree
from fupin.duty.figures import duty_by_area
from fupin.employment.figures import employment_section_by_area
from fupin.fieldwork.figures import fieldwork_by_area
from fupin.indicators.figures import indicators_section_by_area, projects_section_by_area
from fupin.industry.figures import finance_section_by_area, industry_section_by_area, solar_section_by_area
from fupin.rectification.figures import rectification_by_area
from fupin.registry.figures import CountyStatuses, causes_by_area, county_statuses, registry_by_area
from fupin.reports.figures import RAW_SECTIONS, Period, document_head, figures_document
from fupin.training.figures import training_by_area

SectionByArea = Callable[[CountyTree, int, int, dt.date, CountyStatuses], dict[str, dict[str, Any]]]

# Sections whose records are read once per county (all of them today; a new section may start
# without one and is then computed area by area).
GROUPED_SECTIONS: dict[str, SectionByArea] = {
    "registry": registry_by_area,
    "causes": causes_by_area,
    "duty": duty_by_area,
    "fieldwork": fieldwork_by_area,
    "rectification": rectification_by_area,
    "training": training_by_area,
    "indicators": indicators_section_by_area,
    "projects": projects_section_by_area,
    "employment": employment_section_by_area,
    "industry": industry_section_by_area,
    "finance": finance_section_by_area,
    "solar": solar_section_by_area,
}


def build_documents(root: Area, period: Period) -> dict[str, dict[str, Any]]:
    """The documents of `root` and, for a county, of every town and village in it, by area code."""
    if root.level != AreaLevel.COUNTY:
        return {root.code: figures_document(root, period.label, period.as_of.isoformat())}
    tree = county_tree(root)
    statuses = county_statuses(root.code, period.as_of)
    documents = {code: document_head(code, period) for code in tree.codes}
    for name, raw in RAW_SECTIONS:
        grouped = GROUPED_SECTIONS.get(name)
        if grouped is not None:
            by_area = grouped(tree, period.year, period.month, period.as_of, statuses)
        else:
            by_area = {
                area.code: raw(area, period.year, period.month, period.as_of, statuses.for_area(area.code))
                for area in tree.areas
            }
        for code in tree.codes:
            documents[code][name] = by_area[code]
    return documents

"""Reads for the briefing: the county's template (or the shipped one) and the briefing of an area."""

from __future__ import annotations

from dataclasses import dataclass

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.reports.briefing.compose import Briefing, compose
from fupin.reports.briefing.defaults import DEFAULT_TEMPLATE
from fupin.reports.briefing.template import BriefingTemplateText, parse_template
from fupin.reports.links import records_url
from fupin.reports.models import BriefingTemplate
from fupin.reports.selectors import figures_for


@dataclass(frozen=True)
class CountyTemplate:
    """The template a county's briefings use; version 0 means the county has not written its own."""

    county_code: str
    text: BriefingTemplateText
    version: int
    updated_at: str = ""
    updated_by: str = ""

    @property
    def is_default(self) -> bool:
        return self.version == 0


def county_template(county_code: str) -> CountyTemplate:
    stored = BriefingTemplate.objects.filter(county_code=county_code).first()
    if stored is None:
        return CountyTemplate(county_code=county_code, text=DEFAULT_TEMPLATE, version=0)
    return CountyTemplate(
        county_code=county_code,
        text=BriefingTemplateText(title=stored.title, office=stored.office, body=stored.body),
        version=stored.version,
        updated_at=f"{stored.updated_at:%Y-%m-%d %H:%M}",
    )


def briefing_for(area: Area, month: str, as_of: str | None = None) -> Briefing:
    """The briefing of `area` for `month`, figures from figures_for only, each linked to its records."""
    document = figures_for(area, month, as_of)
    county_code = areacode.county_code_of(area.code)
    template = parse_template(county_template(county_code).text)
    county_name = Area.objects.filter(code=county_code).values_list("name", flat=True).first()
    month_text = str(document["month"])
    return compose(
        template,
        document,
        area=area,
        county_name=county_name or area.name,
        links=lambda path: records_url(area.code, month_text, as_of or None, path),
    )

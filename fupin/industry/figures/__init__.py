"""The `industry`, `finance` and `solar` sections of the figures document (docs/figures.md), for the year of
`month`.

Solar:

Income is the stations' income of the year's months up to and including `month`, each station's
split among its owning villages by share to the fen (as the plans are), summed over the villages
in the area. Distribution figures count the area's plans of that year that were frozen (定稿) with
a township approval date on or before `as_of`; households are counted by household code, once
however many uses pay them.
"""

from fupin.industry.figures.finance import finance_section, finance_section_by_area
from fupin.industry.figures.industry import industry_section, industry_section_by_area
from fupin.industry.figures.solar import solar_section, solar_section_by_area

__all__ = [
    "finance_section",
    "finance_section_by_area",
    "industry_section",
    "industry_section_by_area",
    "solar_section",
    "solar_section_by_area",
]

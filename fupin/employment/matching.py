"""Matching laborers to job postings (人岗匹配): who may take a job, and how well they fit it.

A laborer is left out of a posting when any of these holds (the reason is kept for the page):
- availability: the laborer is employed, or can start only after the posting's end date;
- age: the laborer's age on the posting's start date is outside its age limits;
- place: the job is farther than the laborer is willing to go (本村 < 本镇 < 本县 < 省内 < 不限);
- skill: the posting requires its skill and the laborer does not have it.
The others are scored (higher is better):
- skill: 40 for having the posting's skill, 20 more when it is also the work the laborer wishes for,
  20 for the wish alone, 10 for a 普工 job that asks for no skill the laborer has;
- place: 30 in the laborer's village, 24 in the town, 18 in the county, 12 in the province,
  6 out of the province — nearer work keeps people at home and costs them less;
- availability: 20 when free by the posting's start date, 10 when free only later.
Ties are broken so that the same data always give the same order: for a posting's candidates,
a laborer of a registered poor household first (the platform's purpose), then the earlier free,
then the ID number; for a laborer's postings, the higher wage, then the posting number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from fupin.core import areacode, idnumber
from fupin.core.models import choice_label
from fupin.employment.models import REACH_ORDER, EmploymentStatus, Reach, Region, WorkType

SKILL_POINTS, WISH_POINTS, GENERAL_POINTS = 40, 20, 10
PLACE_POINTS = (30, 24, 18, 12, 6)  # by distance: village, town, county, province, out of province
FREE_BY_START, FREE_LATER = 20, 10


@dataclass(frozen=True)
class Candidate:
    """What matching reads of a laborer."""

    id_number: str
    name: str
    area_code: str
    skills: tuple[str, ...]
    status: str
    wish_reach: str
    wish_work_type: str
    available_from: dt.date | None
    poor: bool
    key: int = 0  # the laborer's database id, to find it again; never shown


@dataclass(frozen=True)
class Opening:
    """What matching reads of a job posting."""

    code: str
    title: str
    employer: str
    work_type: str
    skill_required: bool
    region: str
    area_code: str
    monthly_wage: Decimal
    start_date: dt.date
    end_date: dt.date | None
    min_age: int | None
    max_age: int | None
    key: int = 0


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    opening: Opening
    eligible: bool
    score: int
    reasons: tuple[str, ...] = field(default=())


def distance(laborer_area: str, opening: Opening) -> int:
    """How far the job is from the laborer's village, as an index into Reach's order."""
    if opening.region == Region.OUT_OF_PROVINCE:
        return REACH_ORDER[Reach.ANYWHERE]
    if opening.region == Region.IN_PROVINCE:
        return REACH_ORDER[Reach.PROVINCE]
    if areacode.county_code_of(opening.area_code) != areacode.county_code_of(laborer_area):
        return REACH_ORDER[Reach.PROVINCE]
    if opening.area_code == laborer_area:
        return REACH_ORDER[Reach.VILLAGE]
    if areacode.level_of(opening.area_code) != areacode.COUNTY and opening.area_code[:9] == laborer_area[:9]:
        return REACH_ORDER[Reach.TOWN]
    return REACH_ORDER[Reach.COUNTY]


def age_on(id_number: str, day: dt.date) -> int:
    born = idnumber.birth_date_of(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def match(candidate: Candidate, opening: Opening) -> Match:
    """The verdict on one laborer for one posting, with its reasons in Chinese."""
    refusals: list[str] = []
    reasons: list[str] = []
    score = 0
    # availability
    if candidate.status != EmploymentStatus.UNEMPLOYED:
        refusals.append(f"已就业（{choice_label(EmploymentStatus, candidate.status)}）")
    elif candidate.available_from and opening.end_date and candidate.available_from > opening.end_date:
        refusals.append("可到岗日期晚于岗位截止日期")
    elif candidate.available_from and candidate.available_from > opening.start_date:
        score += FREE_LATER
        reasons.append(f"{candidate.available_from:%Y-%m-%d}起可到岗")
    else:
        score += FREE_BY_START
        reasons.append("可按时到岗")
    # age
    age = age_on(candidate.id_number, opening.start_date)
    if opening.min_age is not None and age < opening.min_age:
        refusals.append(f"年龄{age}岁，低于{opening.min_age}岁")
    if opening.max_age is not None and age > opening.max_age:
        refusals.append(f"年龄{age}岁，超过{opening.max_age}岁")
    # place
    far = distance(candidate.area_code, opening)
    if far > REACH_ORDER.get(candidate.wish_reach, REACH_ORDER[Reach.COUNTY]):
        refusals.append(f"超出意愿地点（{choice_label(Reach, candidate.wish_reach)}）")
    else:
        score += PLACE_POINTS[far]
        reasons.append(("本村", "本镇", "本县", "省内", "省外")[far] + "岗位")
    # skill
    work = choice_label(WorkType, opening.work_type)
    has_skill = opening.work_type in candidate.skills
    wished = bool(candidate.wish_work_type) and candidate.wish_work_type == opening.work_type
    if has_skill:
        score += SKILL_POINTS
        reasons.append(f"具备{work}技能")
    elif opening.skill_required:
        refusals.append(f"不具备{work}技能")
    if wished:
        score += WISH_POINTS
        reasons.append("意愿工种相符")
    if not has_skill and not wished and opening.work_type == WorkType.GENERAL:
        score += GENERAL_POINTS
        reasons.append("普工岗位")
    if refusals:
        return Match(candidate, opening, eligible=False, score=0, reasons=tuple(refusals))
    return Match(candidate, opening, eligible=True, score=score, reasons=tuple(reasons))


def _candidate_order(m: Match) -> tuple[int, int, dt.date, str]:
    free = m.candidate.available_from or dt.date.min
    return (-m.score, 0 if m.candidate.poor else 1, free, m.candidate.id_number)


def _opening_order(m: Match) -> tuple[int, Decimal, str]:
    return (-m.score, -m.opening.monthly_wage, m.opening.code)


def ranked_candidates(opening: Opening, candidates: Iterable[Candidate]) -> list[Match]:
    """The eligible laborers for a posting, best first."""
    found = [m for m in (match(c, opening) for c in candidates) if m.eligible]
    return sorted(found, key=_candidate_order)


def best_openings(candidate: Candidate, openings: Iterable[Opening], limit: int = 3) -> list[Match]:
    """The postings a laborer may take, best first, at most `limit`."""
    found = [m for m in (match(candidate, o) for o in openings) if m.eligible]
    return sorted(found, key=_opening_order)[:limit]

"""Matching as the pages and services need it: postings open on a day, the ranked laborers of a
posting, and a village's free laborers each with their best postings (the work team's list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q

from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.employment.matching import Candidate, Match, Opening, best_openings, ranked_candidates
from fupin.employment.models import EmploymentStatus, JobPosting, Laborer
from fupin.employment.selectors.laborers import REGISTERED, laborer_list, posting_list


def candidate_of(laborer: Laborer) -> Candidate:
    return Candidate(
        id_number=laborer.id_number,
        name=laborer.name,
        area_code=laborer.area_code,
        skills=tuple(laborer.skills),
        status=laborer.status,
        wish_reach=laborer.wish_reach,
        wish_work_type=laborer.wish_work_type,
        available_from=laborer.available_from,
        poor=laborer.member.household.poverty_status in REGISTERED,
        key=laborer.pk,
    )


def opening_of(posting: JobPosting) -> Opening:
    return Opening(
        code=posting.code,
        title=posting.title,
        employer=posting.employer,
        work_type=posting.work_type,
        skill_required=posting.skill_required,
        region=posting.region,
        area_code=posting.area_code,
        monthly_wage=posting.monthly_wage,
        start_date=posting.start_date,
        end_date=posting.end_date,
        min_age=posting.min_age,
        max_age=posting.max_age,
        key=posting.pk,
    )


def open_postings(scope: Scope, day: dt.date) -> list[JobPosting]:
    """Postings of the user's county still taking people on `day`: not past their end date, with
    a position left."""
    return list(
        posting_list(scope)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .filter(positions__gt=F("placed"))
    )


def posting_candidates(scope: Scope, posting: JobPosting) -> list[Match]:
    """The laborers of the user's area who may take the posting, best first."""
    free = laborer_list(scope).filter(status=EmploymentStatus.UNEMPLOYED)
    if posting.region == "in_county":
        free = free.filter(area_code__startswith=posting.area_code[:6])
    return ranked_candidates(opening_of(posting), [candidate_of(lab) for lab in free])


@dataclass(frozen=True)
class TeamRow:
    laborer: Laborer
    matches: list[Match]


def village_worklist(scope: Scope, village_code: str, day: dt.date, limit: int = 3) -> list[TeamRow]:
    """Each free laborer of the village (within the scope) with up to `limit` best postings, those
    with a match first: the list a work team goes through, door to door."""
    laborers = list(
        laborer_list(scope).filter(
            area_code__startswith=areacode.prefix_of(village_code), status=EmploymentStatus.UNEMPLOYED
        )
    )
    openings = [opening_of(p) for p in open_postings(scope, day)]
    rows = [TeamRow(lab, best_openings(candidate_of(lab), openings, limit)) for lab in laborers]
    return sorted(rows, key=lambda r: (0 if r.matches else 1, -(r.matches[0].score if r.matches else 0)))

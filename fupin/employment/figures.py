"""The `employment` section of the figures document (spec/figures.md, docs/figures.md).

Flows (trainings ended, placements made) count in `month`; stocks (posts held, factory workers,
open postings) on `as_of`; transfer employment in the year of `as_of`. Laborers and the poverty
status of their households are taken as recorded now: laborer records keep no history. "Poor" here
is 建档立卡 — households 未脱贫, 已脱贫 or 返贫 — as the county counts 贫困劳动力.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    Funding,
    JobPosting,
    Laborer,
    Placement,
    Region,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)
from fupin.employment.selectors.laborers import poor_q


def _active_on(as_of: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": as_of}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": as_of})
    )


def _labelled(rows: QuerySet[Any], choices: Any) -> dict[str, int]:
    return {choice_label(choices, value): n for value, n in rows if n}


def _yuan(total: Decimal | None) -> int:
    return int((total or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def employment_section(area_code: str, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    prefix = areacode.prefix_of(area_code)
    inside = Q(area_code__startswith=prefix)
    laborers = Laborer.objects.filter(inside, active=True)
    poor = laborers.filter(poor_q())
    # Lacking skills as the registry records it (劳动技能 not 技能劳动力), so that a training does
    # not take a laborer out of the count whose coverage it measures.
    lacking = poor.exclude(member__labour="skilled")
    trained_ids = Trainee.objects.filter(training__end_date__lte=as_of).values("laborer_id")
    sessions = SkillTraining.objects.filter(inside)
    in_month = Q(training__end_date__year=year, training__end_date__month=month)
    trainees = Trainee.objects.filter(training__area_code__startswith=prefix)
    posts = WelfarePost.objects.filter(inside).filter(_active_on(as_of))
    factories = CommunityFactory.objects.filter(inside).filter(Q(opened__isnull=True) | Q(opened__lte=as_of))
    workers = FactoryWorker.objects.filter(factory__in=factories).filter(_active_on(as_of))
    transfers = TransferEmployment.objects.filter(inside, year=as_of.year)
    postings = JobPosting.objects.filter(inside).filter(_active_on(as_of))
    return {
        "laborers": laborers.count(),
        "poor_laborers": poor.count(),
        "poor_lacking_skills": lacking.count(),
        "poor_lacking_skills_trained": lacking.filter(pk__in=trained_ids).count(),
        "training_sessions": sessions.filter(end_date__year=year, end_date__month=month).count(),
        "training_person_times": trainees.filter(in_month).count(),
        "training_person_times_to_date": trainees.filter(training__end_date__lte=as_of).count(),
        "welfare_jobs": posts.count(),
        "welfare_jobs_held": posts.filter(holder__isnull=False).count(),
        "welfare_jobs_by_funding": _labelled(
            posts.values_list("funding").annotate(n=Count("pk")).order_by("funding"), Funding
        ),
        "community_factories": factories.count(),
        "factory_workers": workers.count(),
        "factory_poor_workers": workers.filter(poor_q("laborer__")).count(),
        "transfer_employment": transfers.count(),
        "transfer_by_region": _labelled(
            transfers.values_list("region").annotate(n=Count("pk")).order_by("region"), Region
        ),
        "transfer_income": _yuan(transfers.aggregate(total=Sum("income"))["total"]),
        "job_postings_open": postings.count(),
        "job_positions_open": postings.aggregate(total=Sum("positions"))["total"] or 0,
        "placements": Placement.objects.filter(inside, date__year=year, date__month=month).count(),
    }

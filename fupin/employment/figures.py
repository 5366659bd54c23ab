"""The `employment` section of the figures document (spec/figures.md, docs/figures.md).

Flows (trainings ended, placements made) count in `month`; stocks (posts held, factory workers,
open postings) on `as_of`; transfer employment in the year of `as_of`. Laborers and the poverty
status of their households are taken as recorded now: laborer records keep no history. "Poor" here
is 建档立卡 — households 未脱贫, 已脱贫 or 返贫 — as the county counts 贫困劳动力.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from fupin.areas.spread import counts_by_area, maps_by_area, totals_by_area
from fupin.areas.tree import CountyTree
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
from fupin.registry.figures import CountyStatuses


def _active_on(as_of: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": as_of}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": as_of})
    )


def _labelled(rows: QuerySet[Any], choices: Any) -> dict[str, int]:
    return {choice_label(choices, value): n for value, n in rows if n}


def _yuan(total: Decimal | None) -> int:
    return int((total or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class _Records:
    """The records behind the section, inside the area of `prefix`: one definition for the area's
    section and for the grouped one, which reads them for the whole county."""

    laborers: QuerySet[Laborer]
    poor: QuerySet[Laborer]
    lacking: QuerySet[Laborer]
    lacking_trained: QuerySet[Laborer]
    sessions_in_month: QuerySet[SkillTraining]
    trainees_in_month: QuerySet[Trainee]
    trainees_to_date: QuerySet[Trainee]
    posts: QuerySet[WelfarePost]
    factories: QuerySet[CommunityFactory]
    workers: QuerySet[FactoryWorker]
    transfers: QuerySet[TransferEmployment]
    postings: QuerySet[JobPosting]
    placements: QuerySet[Placement]


def _records(prefix: str, year: int, month: int, as_of: dt.date) -> _Records:
    inside = Q(area_code__startswith=prefix)
    laborers = Laborer.objects.filter(inside, active=True)
    poor = laborers.filter(poor_q())
    # Lacking skills as the registry records it (劳动技能 not 技能劳动力), so that a training does
    # not take a laborer out of the count whose coverage it measures.
    lacking = poor.exclude(member__labour="skilled")
    trained_ids = Trainee.objects.filter(training__end_date__lte=as_of).values("laborer_id")
    trainees = Trainee.objects.filter(training__area_code__startswith=prefix)
    factories = CommunityFactory.objects.filter(inside).filter(Q(opened__isnull=True) | Q(opened__lte=as_of))
    return _Records(
        laborers=laborers,
        poor=poor,
        lacking=lacking,
        lacking_trained=lacking.filter(pk__in=trained_ids),
        sessions_in_month=SkillTraining.objects.filter(inside, end_date__year=year, end_date__month=month),
        trainees_in_month=trainees.filter(training__end_date__year=year, training__end_date__month=month),
        trainees_to_date=trainees.filter(training__end_date__lte=as_of),
        posts=WelfarePost.objects.filter(inside).filter(_active_on(as_of)),
        factories=factories,
        workers=FactoryWorker.objects.filter(factory__in=factories).filter(_active_on(as_of)),
        transfers=TransferEmployment.objects.filter(inside, year=as_of.year),
        postings=JobPosting.objects.filter(inside).filter(_active_on(as_of)),
        placements=Placement.objects.filter(inside, date__year=year, date__month=month),
    )


def employment_section(area_code: str, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    r = _records(areacode.prefix_of(area_code), year, month, as_of)
    return {
        "laborers": r.laborers.count(),
        "poor_laborers": r.poor.count(),
        "poor_lacking_skills": r.lacking.count(),
        "poor_lacking_skills_trained": r.lacking_trained.count(),
        "training_sessions": r.sessions_in_month.count(),
        "training_person_times": r.trainees_in_month.count(),
        "training_person_times_to_date": r.trainees_to_date.count(),
        "welfare_jobs": r.posts.count(),
        "welfare_jobs_held": r.posts.filter(holder__isnull=False).count(),
        "welfare_jobs_by_funding": _labelled(
            r.posts.values_list("funding").annotate(n=Count("pk")).order_by("funding"), Funding
        ),
        "community_factories": r.factories.count(),
        "factory_workers": r.workers.count(),
        "factory_poor_workers": r.workers.filter(poor_q("laborer__")).count(),
        "transfer_employment": r.transfers.count(),
        "transfer_by_region": _labelled(
            r.transfers.values_list("region").annotate(n=Count("pk")).order_by("region"), Region
        ),
        "transfer_income": _yuan(r.transfers.aggregate(total=Sum("income"))["total"]),
        "job_postings_open": r.postings.count(),
        "job_positions_open": r.postings.aggregate(total=Sum("positions"))["total"] or 0,
        "placements": r.placements.count(),
    }


def _per_code(records: QuerySet[Any], field: str = "area_code") -> QuerySet[Any]:
    """(area code, count) rows of the records, grouped by area code in SQL."""
    return records.values_list(field).annotate(n=Count("pk")).values_list(field, "n").order_by()


def employment_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """employment_section of every area of the county, from the county's records read once."""
    r = _records(areacode.prefix_of(tree.county_code), year, month, as_of)

    def counts(records: QuerySet[Any], field: str = "area_code") -> dict[str, int]:
        return counts_by_area(tree, _per_code(records, field))

    laborers, poor = counts(r.laborers), counts(r.poor)
    lacking, lacking_trained = counts(r.lacking), counts(r.lacking_trained)
    sessions = counts(r.sessions_in_month)
    person_times = counts(r.trainees_in_month, "training__area_code")
    person_times_to_date = counts(r.trainees_to_date, "training__area_code")
    # Ordered by funding as the per-area query is, so that each area's map has its keys in that order.
    post_rows = list(
        r.posts.values_list("area_code", "funding")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(holder__isnull=False)))
        .values_list("area_code", "funding", "n", "held")
        .order_by("funding", "area_code")
    )
    by_funding = maps_by_area(tree, [(code, funding, n) for code, funding, n, _ in post_rows])
    held = counts_by_area(tree, [(code, n) for code, _, _, n in post_rows])
    factories = counts(r.factories)
    worker_rows = list(
        r.workers.values_list("factory__area_code")
        .annotate(n=Count("pk"), poor=Count("pk", filter=poor_q("laborer__")))
        .values_list("factory__area_code", "n", "poor")
        .order_by()
    )
    transfer_rows = list(
        r.transfers.values_list("area_code", "region")
        .annotate(n=Count("pk"), income=Sum("income"))
        .values_list("area_code", "region", "n", "income")
        .order_by("region", "area_code")
    )
    by_region = maps_by_area(tree, [(code, region, n) for code, region, n, _ in transfer_rows])
    income = totals_by_area(
        tree, [(code, amount or Decimal(0)) for code, _, _, amount in transfer_rows], Decimal(0)
    )
    posting_rows = list(
        r.postings.values_list("area_code")
        .annotate(n=Count("pk"), positions=Sum("positions"))
        .values_list("area_code", "n", "positions")
        .order_by()
    )
    postings = counts_by_area(tree, [(code, n) for code, n, _ in posting_rows])
    positions = counts_by_area(tree, [(code, n or 0) for code, _, n in posting_rows])
    placements = counts(r.placements)
    workers = counts_by_area(tree, [(code, n) for code, n, _ in worker_rows])
    poor_workers = counts_by_area(tree, [(code, n) for code, _, n in worker_rows])
    return {
        code: {
            "laborers": laborers[code],
            "poor_laborers": poor[code],
            "poor_lacking_skills": lacking[code],
            "poor_lacking_skills_trained": lacking_trained[code],
            "training_sessions": sessions[code],
            "training_person_times": person_times[code],
            "training_person_times_to_date": person_times_to_date[code],
            "welfare_jobs": sum(by_funding[code].values()),
            "welfare_jobs_held": held[code],
            "welfare_jobs_by_funding": {
                choice_label(Funding, value): n for value, n in by_funding[code].items()
            },
            "community_factories": factories[code],
            "factory_workers": workers[code],
            "factory_poor_workers": poor_workers[code],
            "transfer_employment": sum(by_region[code].values()),
            "transfer_by_region": {choice_label(Region, value): n for value, n in by_region[code].items()},
            "transfer_income": _yuan(income[code]),
            "job_postings_open": postings[code],
            "job_positions_open": positions[code],
            "placements": placements[code],
        }
        for code in tree.codes
    }

"""Reads of laborers and postings, scoped to the user's area."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.employment.models import JobPosting, Laborer
from fupin.registry.models import POOR_STATUSES, PovertyStatus

# Laborers of registered (建档立卡) households: the poor of the employment figures, exited ones
# included, as the county counts 贫困劳动力.
REGISTERED = (*POOR_STATUSES, PovertyStatus.OUT)


def poor_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}member__household__poverty_status__in": REGISTERED})


def laborer_list(scope: Scope) -> QuerySet[Laborer]:
    if scope.is_public:
        return Laborer.objects.none()
    return (
        Laborer.objects.filter(scope.area_q("area_code"), active=True)
        .select_related("member__household")
        .order_by("area_code", "member__household__code", "id_number")
    )


@dataclass(frozen=True)
class LaborerFilters:
    area_code: str = ""
    status: str = ""
    skill: str = ""
    poor_only: bool = False
    lacking_skills: bool = False
    q: str = ""


def laborer_search(scope: Scope, filters: LaborerFilters) -> QuerySet[Laborer]:
    laborers = laborer_list(scope)
    if filters.area_code:
        laborers = laborers.filter(area_code__startswith=areacode.prefix_of(filters.area_code))
    if filters.status:
        laborers = laborers.filter(status=filters.status)
    if filters.skill:
        # The list as text: containment of JSON is not available on SQLite, and a quoted value
        # cannot be part of another work type's value.
        laborers = laborers.filter(skills__icontains=f'"{filters.skill}"')
    if filters.poor_only:
        laborers = laborers.filter(poor_q())
    if filters.lacking_skills:
        laborers = laborers.filter(lacking_skills_q())
    if filters.q:
        laborers = laborers.filter(Q(name__contains=filters.q) | Q(member__household__code=filters.q))
    return laborers


def lacking_skills_q() -> Q:
    """No skill recorded, and the registry does not call the member a 技能劳动力."""
    return Q(skills=[]) & ~Q(member__labour="skilled")


def posting_list(scope: Scope) -> QuerySet[JobPosting]:
    """Postings of the user's county: every posting is open to every laborer of the county, so a
    town or a village team sees the county's postings, not only those placed in its own area."""
    if scope.is_public:
        return JobPosting.objects.none()
    if scope.area_prefixes is None:
        visible = Q()
    else:
        visible = Q(pk__in=[])
        for prefix in scope.area_prefixes:
            visible |= Q(area_code__startswith=prefix[:6])
    return (
        JobPosting.objects.filter(visible)
        .annotate(placed=Count("placements", filter=Q(placements__end_date__isnull=True)))
        .order_by("-start_date", "code")
    )

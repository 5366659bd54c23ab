"""Reads of trainings, welfare posts, factories and transfers, scoped to the user's area."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from fupin.core.scope import Scope
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)
from fupin.employment.selectors.laborers import REGISTERED, laborer_list, poor_q


def training_list(scope: Scope) -> QuerySet[SkillTraining]:
    if scope.is_public:
        return SkillTraining.objects.none()
    return SkillTraining.objects.filter(scope.area_q("area_code")).annotate(person_times=Count("trainees"))


def trainee_list(scope: Scope) -> QuerySet[Trainee]:
    """Trainees whose laborer lives in the area (a county training has trainees of every town)."""
    if scope.is_public:
        return Trainee.objects.none()
    return (
        Trainee.objects.filter(scope.area_q("laborer__area_code"))
        .select_related("training__area", "laborer")
        .order_by("training__start_date", "training__code", "laborer__id_number")
    )


def welfare_post_list(scope: Scope) -> QuerySet[WelfarePost]:
    if scope.is_public:
        return WelfarePost.objects.none()
    return WelfarePost.objects.filter(scope.area_q("area_code")).select_related("village", "holder")


def factory_list(scope: Scope) -> QuerySet[CommunityFactory]:
    if scope.is_public:
        return CommunityFactory.objects.none()
    current = Q(workers__end_date__isnull=True)
    return CommunityFactory.objects.filter(scope.area_q("area_code")).annotate(
        current_workers=Count("workers", filter=current),
        poor_workers=Count(
            "workers", filter=current & Q(workers__laborer__member__household__poverty_status__in=REGISTERED)
        ),
    )


def factory_worker_list(scope: Scope) -> QuerySet[FactoryWorker]:
    if scope.is_public:
        return FactoryWorker.objects.none()
    return (
        FactoryWorker.objects.filter(scope.area_q("factory__area_code"))
        .select_related("factory__area", "laborer")
        .order_by("factory__code", "start_date", "laborer__id_number")
    )


def transfer_list(scope: Scope) -> QuerySet[TransferEmployment]:
    if scope.is_public:
        return TransferEmployment.objects.none()
    return (
        TransferEmployment.objects.filter(scope.area_q("area_code"))
        .select_related("laborer")
        .order_by("area_code", "-year", "laborer__id_number")
    )


def training_coverage(scope: Scope) -> tuple[int, int]:
    """(poor laborers lacking skills as the registry records them, those of them ever trained):
    the county's "缺技术贫困劳动力培训全覆盖", counted as figures.md's employment section does."""
    lacking = laborer_list(scope).filter(poor_q()).exclude(member__labour="skilled")
    trained = lacking.filter(pk__in=Trainee.objects.values("laborer_id"))
    return lacking.count(), trained.count()

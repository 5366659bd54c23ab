"""Background work of field work: re-judging check-ins after the county's rules change, and the
daily reminders. Each task is idempotent: run twice, it changes nothing the second time."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.fieldwork.services.checkins import checkins_revalidate
from fupin.fieldwork.services.reminders import reminders_send

REVALIDATE_TASK = "fupin.fieldwork.revalidate_checkins"
REMIND_TASK = "fupin.fieldwork.send_reminders"


def revalidation_q(area_code: str, since: dt.date, until: dt.date | None = None) -> Q:
    """Check-ins made inside the area (a county, or any area) dated `since` or later (to `until`)."""
    q = Q(area_code__startswith=areacode.prefix_of(area_code), date__gte=since)
    return q & Q(date__lte=until) if until else q


@shared_task(name=REVALIDATE_TASK)
def revalidate_checkins(
    county_code: str, since: str, until: str | None = None, user_id: int | None = None
) -> int:
    """Judge the county's check-ins since `since` (ISO date) again under its current radius and
    accuracy bound; returns how many changed their verdict. `county_code` may be any area code."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor.of(user, source="task") if user else Actor.system("按县级设置重新核验打卡", source="task")
    return checkins_revalidate(
        actor=actor,
        checkins=revalidation_q(
            county_code, dt.date.fromisoformat(since), dt.date.fromisoformat(until) if until else None
        ),
    )


@shared_task(name=REMIND_TASK)
def send_reminders(day: str | None = None) -> int:
    """The daily reminders for `day` (ISO date; today by default); returns how many were created."""
    chosen = dt.date.fromisoformat(day) if day else timezone.localdate()
    return reminders_send(actor=Actor.system("考勤提醒", source="task"), day=chosen).created

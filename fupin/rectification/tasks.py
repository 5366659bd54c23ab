"""Background work of rectification: the daily deadline notices. Idempotent: a second run of the
same day makes nothing new."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from fupin.core.audit import Actor
from fupin.rectification.services.notices import problems_escalate

ESCALATE_TASK = "fupin.rectification.escalate_problems"


@shared_task(name=ESCALATE_TASK)
def escalate_problems(day: str | None = None) -> int:
    """The deadline notices of `day` (ISO date; today by default); returns how many were made."""
    chosen = dt.date.fromisoformat(day) if day else timezone.localdate()
    return problems_escalate(actor=Actor.system("整改提醒", source="task"), day=chosen).total

"""Background work of training: scoring exam attempts left open past their deadline. Idempotent:
an attempt is scored once, so a second run finds nothing to do."""

from __future__ import annotations

from celery import shared_task

from fupin.core.audit import Actor
from fupin.training.services.exams import attempts_close_expired

CLOSE_EXPIRED_TASK = "fupin.training.close_expired_attempts"


@shared_task(name=CLOSE_EXPIRED_TASK)
def close_expired_attempts() -> int:
    """Score every attempt whose time ran out with the answers it saved; returns how many."""
    return attempts_close_expired(actor=Actor.system("考试自动交卷", source="task"))

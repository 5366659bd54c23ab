"""Celery application. In the embedded default tasks run eagerly; production points at Redis."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")

app = Celery("fupin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Run by `celery -A fupin beat` (times in CELERY_TIMEZONE, the county's).
app.conf.beat_schedule = {
    # In the evening, when the day's check-ins are in: who fell behind today, so they can plan tomorrow.
    "fieldwork-daily-reminders": {
        "task": "fupin.fieldwork.send_reminders",
        "schedule": crontab(hour=20, minute=0),
    },
    # In the morning, before the working day: deadlines three days away, and those just passed.
    "rectification-daily-escalation": {
        "task": "fupin.rectification.escalate_problems",
        "schedule": crontab(hour=7, minute=30),
    },
    # A cadre who closed the exam page without handing in still gets a score soon after the time runs out.
    # Writes reach the figures: the change log since the last run marks rollups stale, and they are
    # built again (docs/scaling.md, "Rollups").
    "reports-refresh-rollups": {
        "task": "fupin.reports.refresh_rollups",
        "schedule": 15.0,
    },
    "training-close-expired-attempts": {
        "task": "fupin.training.close_expired_attempts",
        "schedule": crontab(minute="*/5"),
    },
}

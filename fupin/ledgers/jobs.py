"""Web imports: validate an uploaded file, then import it on confirmation, reporting progress.

Progress is kept in the cache, not the database: the import runs inside one transaction, whose
writes no other connection can see until it commits.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from fupin.core.audit import Actor
from fupin.ledgers.base import ImportContext, LedgerError
from fupin.ledgers.models import ImportJob, ImportStatus
from fupin.ledgers.services import ImportOutcome, ledger_import
from fupin.people.scope import scope_for

MAX_LISTED_ERRORS = 2000


def progress_key(job_id: int) -> str:
    return f"fupin:import-job:{job_id}:progress"


def job_progress(job: ImportJob) -> dict[str, Any]:
    if not job.running:
        return {"phase": job.get_status_display(), "done": 1, "total": 1, "percent": 100}
    return cache.get(progress_key(job.pk)) or {"phase": "排队中", "done": 0, "total": 0, "percent": 0}


def _set_progress(job_id: int, phase: str, done: int, total: int) -> None:
    percent = int(100 * done / total) if total else 0
    cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total, "percent": percent}, 3600)


def _error_dict(error: LedgerError) -> dict[str, Any]:
    return {
        "ledger": error.ledger,
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "message": error.message,
    }


def _report_of(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "errors": [_error_dict(e) for e in outcome.errors[:MAX_LISTED_ERRORS]],
        "error_count": len(outcome.errors),
        "warnings": [_error_dict(w) for w in outcome.warnings],
        "rows": sum(r.rows for r in outcome.reports),
        "created": sum(r.result.created for r in outcome.reports),
        "updated": sum(r.result.updated for r in outcome.reports),
        "unchanged": sum(r.result.unchanged for r in outcome.reports),
    }


def run_job(job_id: int, *, confirm: bool) -> None:
    """Validate (confirm=False) or import (confirm=True) the job's file."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    phase = "导入" if confirm else "校验"
    context = ImportContext(
        actor=Actor.of(job.user, source="web-import", batch=f"web-{job.pk}-{uuid.uuid4().hex[:8]}"),
        scope=scope_for(job.user),
        default_area_code=scope_for(job.user).root_area_code,
    )
    try:
        outcome = ledger_import(
            ledger_name=job.ledger,
            data=bytes(job.content),
            filename=job.filename,
            context=context,
            dry_run=not confirm,
            progress=lambda done, total: _set_progress(job_id, phase, done, total),
        )
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        raise
    status = ImportStatus.VALID
    if not outcome.ok:
        status = ImportStatus.REJECTED
    elif confirm:
        status = ImportStatus.DONE
    # The file is kept only while it waits for confirmation; the report stays.
    content = job.content if status == ImportStatus.VALID else b""
    ImportJob.objects.filter(pk=job_id).update(
        status=status, report=_report_of(outcome), finished_at=timezone.now(), content=content
    )
    cache.delete(progress_key(job_id))


def start_job(*, job: ImportJob, confirm: bool) -> None:
    """Queue the job's work after the request's transaction commits."""
    from fupin.ledgers.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk, confirm))


def job_create(*, user: Any, ledger: str, filename: str, content: bytes) -> ImportJob:
    job = ImportJob.objects.create(user=user, ledger=ledger, filename=filename, content=content)
    start_job(job=job, confirm=False)
    return job


def job_confirm(*, job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    _set_progress(job.pk, "排队中", 0, 0)
    start_job(job=job, confirm=True)

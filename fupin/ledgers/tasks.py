from celery import shared_task

from fupin.ledgers.jobs import run_job


@shared_task(name="fupin.ledgers.run_import_job")
def run_import_job(job_id: int, confirm: bool) -> None:
    run_job(job_id, confirm=confirm)

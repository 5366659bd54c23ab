"""The production path of a web import: the task goes through Redis to a real Celery worker
process, which validates and imports against the same database while the page polls progress."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from fupin.celery import app as celery_app
from fupin.conftest import Personas, make_id
from fupin.ledgers.models import ImportJob, ImportStatus
from fupin.people.models import Cadre

REDIS_URL = os.environ.get("FUPIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def start_worker(personas: Personas) -> Iterator[Callable[[], None]]:
    """Routes tasks through Redis to a private queue; calling the result starts a worker on it."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: .ci/run starts it; start it before the tests")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "FUPIN_CELERY_BROKER_URL": REDIS_URL,
        "FUPIN_REDIS_URL": REDIS_URL,
    }
    command = [sys.executable, "-m", "celery", "-A", "fupin", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    processes: list[subprocess.Popen[bytes]] = []
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
    _reset_connections()
    try:
        with override_settings(
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
            }
        ):
            yield lambda: processes.append(subprocess.Popen(command, env=env))
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _reset_connections() -> None:
    """Drop producer pools cached for an earlier broker setting, so tasks go where conf now says."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


def _wait_for(job: ImportJob, statuses: set[str], seconds: float = 60) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.3)
    pytest.fail(f"job stayed {job.status} for {seconds}s")


def test_worker_validates_then_imports(start_worker: Callable[[], None], personas: Personas) -> None:
    client = personas.client("office_staff")
    rows = "\n".join(f"W{i},工人{i},{make_id(200 + i)},U2,帮扶干部" for i in range(40))
    content = ("干部编号,姓名,身份证号,单位编码,干部类别\n" + rows + "\n").encode()
    client.post(reverse("ledgers:upload"), {"ledger": "cadres", "file": SimpleUploadedFile("c.csv", content)})
    job = ImportJob.objects.get()
    # The web process did not do the work itself: the job waits in Redis for a worker.
    assert job.status == ImportStatus.VALIDATING
    start_worker()
    job = _wait_for(job, {ImportStatus.VALID, ImportStatus.REJECTED, ImportStatus.FAILED})
    assert job.status == ImportStatus.VALID, job.report
    assert not Cadre.objects.filter(code__startswith="W").exists()

    client.post(reverse("ledgers:job-confirm", args=[job.pk]))
    progress = client.get(reverse("ledgers:job-progress", args=[job.pk])).content.decode()
    assert "导入" in progress or "排队中" in progress or "100%" in progress
    job = _wait_for(job, {ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED})
    assert job.status == ImportStatus.DONE
    assert Cadre.objects.filter(code__startswith="W").count() == 40

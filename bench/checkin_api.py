"""Benchmark: the check-in API (`POST /api/checkins/`) under load, against the framework's floor.

    python bench/checkin_api.py [--cadres 500] [--clients 50] [--seconds 20] [--workers 4] [--rate 300]

Runs on PostgreSQL: a scratch database `fupin_bench_checkin` on 127.0.0.1:5432 (dropped and
recreated; or FUPIN_BENCH_CHECKIN_DATABASE_URL). It imports a small county through the ledgers
(towns, villages, households with coordinates, cadres, pairings), opens a login with an API token
for every cadre, and serves the platform with gunicorn as docs/deploy/fupin-web.service does (sync
workers, connections kept for 60 s). Then, in one run:

1. fupin, saturated: CLIENTS threads, each with its own keep-alive connection, POST household
   check-ins as fast as answers come back for SECONDS, each with a fresh Idempotency-Key, except
   about REPEAT of the sends, which repeat one of the thread's earlier keys (a phone retrying);
2. fupin, paced: the same clients together offer RATE requests a second (each thread on its own
   schedule), which is the latency a county sees at that load;
3. the floor: the same gunicorn serving a one-view Django project (this module is its settings and
   URLconf) whose view parses the same body and INSERTs one row through Django's connection.

It prints accepted/s, p50/p99 latency of each phase and the ratio fupin / floor, and asserts that
the database holds exactly one check-in per distinct accepted key and that every repeated key was
answered 200 with the first check-in's code. Targets (issue 4): ≥ 300 accepted/s, p99 ≤ 200 ms.

On a shared machine the wall-clock rates depend on the neighbours, so it also prints the CPU time
the gunicorn workers and the PostgreSQL backends spent per answered request (read from /proc), and
what that would allow on idle cores. (The sync workers of the deployment answer with
`Connection: close`, so each request opens a new connection; `--worker-class gthread` keeps them.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fupin_bench_checkin"
COUNTY = "610727000000"
TOWNS, VILLAGES_PER_TOWN, HOUSEHOLDS_PER_VILLAGE, HOUSEHOLDS_PER_CADRE = 5, 10, 20, 2
FLOOR_TABLE = "bench_floor"
API = "/api/checkins/"


# -- the floor: this module doubles as a settings module and URLconf ------------------------------
# gunicorn serves it with DJANGO_SETTINGS_MODULE=bench.checkin_api and `bench.checkin_api:floor_app()`.
SECRET_KEY = "bench-floor-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.checkin_api"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("FUPIN_BENCH_FLOOR_DB", "fupin_bench_checkin"),
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "USER": "postgres",
        "CONN_MAX_AGE": 60,
    }
}


def floor_view(request: Any) -> Any:
    from django.db import connection
    from django.http import JsonResponse

    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (idempotency_key, body) VALUES (%s, %s) RETURNING id",
            [request.headers.get("Idempotency-Key", ""), json.dumps(body)],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"code": f"F{row_id}"}, status=201)


def floor_app() -> Any:
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _urlpatterns() -> list[Any]:
    from django.urls import path

    return [path("floor/", floor_view)]


def __getattr__(name: str) -> Any:
    # The URLconf's patterns are built when Django asks for them, so that importing this module as
    # the benchmark script does not need Django set up.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# -- the county ----------------------------------------------------------------------------------------
def _prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["fupin", "migrate", "-v", "0"], check=True, env=os.environ)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, idempotency_key varchar(64) NOT NULL, "
            "body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )


def _area(code: str, name: str, level: str, parent: str, lon: float, lat: float) -> dict[str, str]:
    return {
        "区划代码": code,
        "名称": name,
        "层级": level,
        "上级区划代码": parent,
        "经度": f"{lon:.6f}",
        "纬度": f"{lat:.6f}",
    }


def _household(
    code: str, village: str, head: str, sequence: int, point: tuple[float, float]
) -> dict[str, str]:
    return {
        "户编号": code,
        "区划代码": village,
        "户主姓名": f"户主{sequence}",
        "户主身份证号": head,
        "家庭人口数": "3",
        "识别标准": "国家标准",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "脱贫属性": "未脱贫",
        "识别年度": "2016",
        "经度": f"{point[0]:.6f}",
        "纬度": f"{point[1]:.6f}",
    }


def _csv(rows: list[dict[str, str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@dataclass(frozen=True)
class Cadre:
    code: str
    token: str
    # (village code, household code, longitude, latitude)
    households: tuple[tuple[str, str, float, float], ...]


def build_county(cadres: int) -> list[Cadre]:
    """A county with towns, villages, households and cadres paired with them, imported through the
    ledgers; a login with a token for every cadre."""
    from fupin.core import idnumber
    from fupin.core.audit import Actor
    from fupin.core.scope import Scope
    from fupin.ledgers.base import ImportContext
    from fupin.ledgers.services import ledger_import_files
    from fupin.people.scope import SUPERUSER

    rng = random.Random(4)
    areas = [_area(COUNTY, "略阳县", "县", "", 106.156, 33.33)]
    households: list[dict[str, str]] = []
    for t in range(TOWNS):
        town = f"610727{100 + t:03d}000"
        tlon, tlat = 106.0 + t * 0.08, 33.2 + t * 0.05
        areas.append(_area(town, f"镇{t}", "乡镇", COUNTY, tlon, tlat))
        for v in range(VILLAGES_PER_TOWN):
            village = f"{town[:9]}{200 + v:03d}"
            vlon, vlat = tlon + rng.uniform(-0.04, 0.04), tlat + rng.uniform(-0.03, 0.03)
            areas.append(_area(village, f"村{t}-{v}", "村", town, vlon, vlat))
            for h in range(HOUSEHOLDS_PER_VILLAGE):
                sequence = len(households)
                head = idnumber.make("610727", dt.date(1960, 1, 1) + dt.timedelta(days=sequence), 1)
                point = (vlon + rng.uniform(-0.01, 0.01), vlat + rng.uniform(-0.01, 0.01))
                households.append(_household(f"H{village[6:]}{h:03d}", village, head, sequence, point))
    units = [{"单位编码": "U1", "单位名称": "县农业农村局", "单位类型": "行业部门", "所在区划代码": COUNTY}]
    cadre_rows, pairings = [], []
    for n in range(cadres):
        code = f"G{n:05d}"
        number = idnumber.make("610727", dt.date(1980, 1, 1) + dt.timedelta(days=n), 3)
        cadre_rows.append(
            {
                "干部编号": code,
                "姓名": f"干部{n}",
                "身份证号": number,
                "单位编码": "U1",
                "干部类别": "帮扶干部",
            }
        )
        for household in rng.sample(households, HOUSEHOLDS_PER_CADRE):
            pairings.append({"干部编号": code, "户编号": household["户编号"], "开始日期": "2019-01-01"})
    ledgers = {
        "areas": areas,
        "units": units,
        "cadres": cadre_rows,
        "households": households,
        "pairings": pairings,
    }
    context = ImportContext(
        actor=Actor.system("基准测试", source="bench"), scope=Scope(role=SUPERUSER, area_prefixes=None)
    )
    outcome = ledger_import_files(
        files=[(name, _csv(rows), f"{name}.csv") for name, rows in ledgers.items()], context=context
    )
    if not outcome.ok:
        raise SystemExit("\n".join(str(e) for e in outcome.errors[:10]))
    return _logins(households, pairings)


def _logins(households: list[dict[str, str]], pairings: list[dict[str, str]]) -> list[Cadre]:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from fupin.areas.models import Area
    from fupin.core.roles import Role
    from fupin.people.models import Account
    from fupin.people.models import Cadre as CadreRecord

    # Logins of the bench only: made directly, with unusable passwords (the API uses the tokens).
    county = Area.objects.get(code=COUNTY)
    records = list(CadreRecord.objects.order_by("code"))
    users = User.objects.bulk_create(
        [User(username=f"u{c.code}", password="!", is_active=True) for c in records], batch_size=1000
    )
    Account.objects.bulk_create([Account(user=u, role=Role.PAIRED_CADRE, area=county) for u in users])
    for record, user in zip(records, users, strict=True):
        record.user = user
    CadreRecord.objects.bulk_update(records, ["user"], batch_size=1000)
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    by_code = {h["户编号"]: h for h in households}
    paired: dict[str, list[tuple[str, str, float, float]]] = {}
    for p in pairings:
        h = by_code[p["户编号"]]
        paired.setdefault(p["干部编号"], []).append(
            (h["区划代码"], h["户编号"], float(h["经度"]), float(h["纬度"]))
        )
    return [Cadre(r.code, t.key, tuple(paired[r.code])) for r, t in zip(records, tokens, strict=True)]


# -- serving -------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    app: str, settings: str, workers: int, worker_class: str
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": settings,
        "FUPIN_CONN_MAX_AGE": "60",
        "FUPIN_DEBUG": "0",
        "FUPIN_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "FUPIN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FUPIN_LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).with_name("gunicorn")), app, "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", worker_class, "--chdir", str(ROOT)]
    command += ["--backlog", "2048", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(1.0)  # let every worker boot
                return process, port
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn did not start: {app}")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


# -- the clients ---------------------------------------------------------------------------------------
@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # key → code, from 201 answers
    repeats: list[tuple[str, str]] = field(default_factory=list)  # (key, code) from 200 answers
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.created |= other.created
        self.repeats += other.repeats
        self.errors += other.errors


def _body(cadre: Cadre, rng: random.Random, day: dt.date) -> dict[str, Any]:
    village, household, lon, lat = rng.choice(cadre.households)
    return {
        "kind": "入户",
        "area_code": village,
        "household_code": household,
        "date": day.isoformat(),
        "time": f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
        "longitude": round(lon + rng.uniform(-0.001, 0.001), 6),
        "latitude": round(lat + rng.uniform(-0.001, 0.001), 6),
        "accuracy_m": round(rng.uniform(5, 60), 1),
        "notes": "走访了解收入情况",
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(),
    }


def client(
    port: int,
    path: str,
    cadres: list[Cadre],
    seconds: float,
    repeat: float,
    interval: float,
    seed: int,
    tally: Tally,
) -> None:
    """One app: a keep-alive connection, new check-ins with fresh keys and some resends."""
    rng = random.Random(seed)
    day = dt.date.today() - dt.timedelta(days=1)
    sent: list[tuple[str, Cadre, bytes]] = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    next_send = started + rng.uniform(0, interval)
    while (now := time.perf_counter()) - started < seconds:
        if interval:
            if now < next_send:
                time.sleep(next_send - now)
            next_send += interval
        if sent and rng.random() < repeat:
            key, cadre, payload = rng.choice(sent)
        else:
            cadre = rng.choice(cadres)
            key, payload = uuid.uuid4().hex, json.dumps(_body(cadre, rng, day)).encode()
        headers = {
            "Authorization": f"Token {cadre.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        begin = time.perf_counter()
        try:
            connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.errors.append(f"{type(error).__name__}: {error}")
            connection.close()
            continue
        tally.latencies.append(time.perf_counter() - begin)
        if response.status == 201:
            tally.created[key] = json.loads(answer)["code"]
            sent.append((key, cadre, payload))
        elif response.status == 200:
            tally.repeats.append((key, json.loads(answer)["code"]))
        else:
            tally.errors.append(f"{response.status} {answer[:200]!r}")
    connection.close()


# -- what the work cost --------------------------------------------------------------------------
# The machine may be shared (other builds and tests): wall-clock rates then say little. The CPU time
# that the gunicorn workers and the database backends spend per answered request does not depend on
# the neighbours much, and bounds what idle cores would serve.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@dataclass
class CpuMeter:
    """CPU seconds of the server's workers and of the database's backends serving this database."""

    server_pid: int

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        from django.db import connection

        with connection.cursor() as cursor:
            others = "datname = current_database() AND pid <> pg_backend_pid()"
            cursor.execute(f"SELECT pid FROM pg_stat_activity WHERE {others}")
            backends = [pid for (pid,) in cursor.fetchall()]
        return {p: _cpu_of(p) for p in _children(self.server_pid)}, {p: _cpu_of(p) for p in backends}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float
    tally: Tally
    # CPU seconds: the server's workers, the database backends, this process (the clients).
    cpu: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load: float = 0.0

    def cpu_line(self, cores: int) -> str:
        app, database, clients = (1000 * seconds / max(self.answered, 1) for seconds in self.cpu)
        return (
            f"{self.name:<26}: CPU per request {app:5.2f} ms app + {database:5.2f} ms database "
            f"(clients {clients:4.2f} ms) → {cores} idle cores ≈ {cores * 1000 / (app + database):,.0f} req/s"
        )

    @property
    def answered(self) -> int:
        return len(self.tally.created) + len(self.tally.repeats)

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.tally.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    def line(self) -> str:
        mean = statistics.fmean(self.tally.latencies) * 1000 if self.tally.latencies else float("nan")
        return (
            f"{self.name:<26}: {self.rate:7.0f} accepted/s  (load {self.load:4.1f}; "
            f"{len(self.tally.created):,} new, {len(self.tally.repeats):,} repeated, "
            f"{len(self.tally.errors)} errors)  "
            f"p50 {self.percentile(0.5):6.1f} ms  p99 {self.percentile(0.99):6.1f} ms  mean {mean:6.1f} ms"
        )


def run_phase(
    name: str,
    port: int,
    path: str,
    cadres: list[Cadre],
    clients: int,
    seconds: float,
    repeat: float,
    rate: float,
    meter: CpuMeter | None = None,
) -> Phase:
    load = os.getloadavg()[0]
    server_before, database_before = meter.sample() if meter else ({}, {})
    clients_before = time.process_time()
    tallies = [Tally() for _ in range(clients)]
    interval = clients / rate if rate else 0.0
    threads = [
        threading.Thread(
            target=client,
            args=(port, path, cadres, seconds, repeat, interval, 1000 + i, tallies[i]),
            daemon=True,
        )
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    clients_cpu = time.process_time() - clients_before
    server_after, database_after = meter.sample() if meter else ({}, {})
    total = Tally()
    for tally in tallies:
        total.add(tally)
    cpu = (_spent(server_before, server_after), _spent(database_before, database_after), clients_cpu)
    return Phase(name, elapsed, total, cpu, load)


def check_fupin(phases: list[Phase]) -> None:
    """One row per distinct accepted key, and every repeat answered with the first code."""
    from fupin.fieldwork.models import CheckIn

    created = {key: code for phase in phases for key, code in phase.tally.created.items()}
    stored = dict(CheckIn.objects.values_list("idempotency_key", "code"))
    assert stored == created, f"database holds {len(stored):,} check-ins, {len(created):,} were accepted"
    wrong = [(k, c) for phase in phases for k, c in phase.tally.repeats if created.get(k) != c]
    assert not wrong, f"{len(wrong)} repeated keys were answered with another check-in: {wrong[:3]}"
    print(f"database: {len(stored):,} check-ins = distinct accepted keys; repeats got the first code")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cadres", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument(
        "--repeat", type=float, default=0.05, help="share of sends that repeat an earlier key"
    )
    parser.add_argument(
        "--rate", type=float, default=300, help="offered requests/s of the paced phase (0: skip)"
    )
    args = parser.parse_args()

    url = os.environ.get("FUPIN_BENCH_CHECKIN_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ["FUPIN_BENCH_FLOOR_DB"] = url.rsplit("/", 1)[1]
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    _prepare_database(url)
    import django

    django.setup()
    started = time.perf_counter()
    cadres = build_county(args.cadres)
    print(
        f"county: {len(cadres)} cadres with tokens, {HOUSEHOLDS_PER_CADRE} households each "
        f"({time.perf_counter() - started:.1f} s); {os.cpu_count()} CPUs, {args.workers} "
        f"{args.worker_class} workers, {args.clients} clients, {args.seconds:.0f} s a phase"
    )

    phases = []
    server, port = start_gunicorn("fupin.wsgi:application", "fupin.settings", args.workers, args.worker_class)
    meter = CpuMeter(server.pid)
    try:
        load = (cadres, args.clients)
        warm = run_phase("warm-up", port, "/api/checkins/", *load, 2, args.repeat, 0)
        saturated = run_phase("fupin, saturated", port, API, *load, args.seconds, args.repeat, 0, meter)
        phases.append(saturated)
        if args.rate:
            name = f"fupin, paced at {args.rate:.0f}/s"
            phases.append(run_phase(name, port, API, *load, args.seconds, args.repeat, args.rate, meter))
    finally:
        stop(server)
    check_fupin([warm, *phases])

    floor_server, floor_port = start_gunicorn(
        "bench.checkin_api:floor_app()", "bench.checkin_api", args.workers, args.worker_class
    )
    try:
        run_phase("floor warm-up", floor_port, "/floor/", *load, 2, 0, 0)
        floor = run_phase(
            "floor, saturated", floor_port, "/floor/", *load, args.seconds, 0, 0, CpuMeter(floor_server.pid)
        )
    finally:
        stop(floor_server)

    cores = os.cpu_count() or 1
    for phase in [*phases, floor]:
        print(phase.line())
    for phase in (saturated, floor):
        print(phase.cpu_line(cores))
    per_request = [sum(p.cpu[:2]) / max(p.answered, 1) for p in (saturated, floor)]
    print(
        f"ratio fupin / floor = {saturated.rate / floor.rate:.2f} (wall clock), "
        f"{per_request[1] / per_request[0]:.2f} (CPU per request)"
    )
    paced = phases[-1]
    print(
        f"accepted/s {saturated.rate:,.0f} (goal ≥ 300); p99 {paced.name.split(', ')[1]} "
        f"{paced.percentile(0.99):.0f} ms (goal ≤ 200)"
    )
    errors = [e for p in [*phases, floor] for e in p.tally.errors]
    if errors:
        print(f"{len(errors)} errors, e.g. {errors[:3]}")


if __name__ == "__main__":
    main()

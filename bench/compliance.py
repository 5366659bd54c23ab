"""Benchmark: quota compliance for one county month, against the raw fetch of the rows it reads.

    python bench/compliance.py [--cadres 7000] [--checkins 200000] [--month 2019-11] [--repeat 5]

Runs on PostgreSQL (a scratch database `fupin_bench_compliance` on 127.0.0.1:5432, dropped and
recreated, or FUPIN_BENCH_COMPLIANCE_DATABASE_URL). It generates one county as DESIGN.md sizes it:
17 towns, 170 villages, 229 units, 7,000 cadres (30 county leaders and 160 department heads, both
also paired cadres, the rest paired cadres), 20,000 households with their pairings, work teams and
leaders' towns, and 200,000 check-ins over the month and its straddling ISO weeks (about 1 in 12
invalid), inserted with COPY. Then, in the same run, it times:

1. `compliance(county, year, month, as_of)` — the judged cadres and their rules' verdicts;
2. `quota_figures(...)` — the figures document's quota section (compliance plus counting);
3. `board_of(...)` — the compliance board's data (compliance, units, towns, the three groupings);
4. the limit: `SELECT cadre_id, date, kind FROM fieldwork_checkin WHERE valid AND date BETWEEN …`
   fetched with a plain cursor, the rows compliance cannot do without.

Each is the best of `--repeat` runs. It prints the ratios to the limit. Target (issue 4): compliance
and quota_figures ≤ 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fupin_bench_compliance"
COUNTY = "610727000000"
TOWNS, VILLAGES_PER_TOWN, UNITS = 17, 10, 229
LEADERS, HEADS = 30, 160
HOUSEHOLDS = 20_000
NULL = r"\N"  # COPY's text format for NULL


def _prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["fupin", "migrate", "-v", "0"], check=True, env=os.environ)


def _areas() -> tuple[Any, list[Any], list[Any]]:
    from fupin.areas.models import Area

    county = Area.objects.create(code=COUNTY, name="略阳县", level="county")
    towns = Area.objects.bulk_create(
        [
            Area(
                code=f"610727{100 + t:03d}000",
                name=f"镇{t}",
                level="town",
                parent=county,
                longitude=106.1 + t / 100,
                latitude=33.3,
            )
            for t in range(TOWNS)
        ]
    )
    villages = Area.objects.bulk_create(
        [
            Area(
                code=f"{town.code[:9]}{200 + v:03d}",
                name=f"{town.name}村{v}",
                level="village",
                parent=town,
                is_poor_village=v % 2 == 0,
                longitude=106.1 + t / 100 + v / 1000,
                latitude=33.31,
            )
            for t, town in enumerate(towns)
            for v in range(VILLAGES_PER_TOWN)
        ]
    )
    return county, towns, villages


def _people(county: Any, cadres: int) -> tuple[list[Any], list[Any]]:
    from fupin.people.models import Cadre, Unit

    units = Unit.objects.bulk_create(
        [Unit(code=f"U{u:03d}", name=f"单位{u}", kind="sector_dept", area=county) for u in range(UNITS)]
    )
    people = []
    for number in range(cadres):
        if number < LEADERS:
            categories = ",county_leader,paired_cadre,"
        elif number < LEADERS + HEADS:
            categories = ",dept_head,paired_cadre,"
        else:
            categories = ",paired_cadre,"
        people.append(
            Cadre(
                code=f"G{number:05d}",
                name=f"干部{number}",
                id_number=f"610727198001{number:06d}",
                phone=f"139{number:08d}",
                unit=units[number % UNITS],
                categories=categories,
            )
        )
    return units, Cadre.objects.bulk_create(people, batch_size=5000)


def _assignments(
    rng: random.Random, towns: list[Any], villages: list[Any], cadres: list[Any], start: dt.date
) -> dict[int, list[Any]]:
    """Households, pairings (each paired cadre 2–4 households), work teams and leaders' towns; returns
    each cadre's paired households."""
    from fupin.duty.models import LeaderTown, Pairing, WorkTeamMember
    from fupin.registry.models import Household

    households = Household.objects.bulk_create(
        [
            Household(
                code=f"H{h:06d}", village=(village := villages[h % len(villages)]), area_code=village.code,
                head_name=f"户主{h}", head_id_number=f"61072719700101{h:04d}"[:18], size=3,
                identification_standard="national", category="general", main_cause="illness",
                poverty_status="not_out", registered_year=2016,
            )
            for h in range(HOUSEHOLDS)
        ],
        batch_size=5000,
    )  # fmt: skip
    paired: dict[int, list[Any]] = {}
    pairings = []
    for index, cadre in enumerate(cadres):
        count = 2 + index % 3
        chosen = [households[(index * 3 + k) % len(households)] for k in range(count)]
        paired[cadre.pk] = chosen
        pairings += [Pairing(cadre=cadre, household=h, start_date=start) for h in chosen]
    Pairing.objects.bulk_create(pairings, batch_size=5000)
    team = [
        WorkTeamMember(village=village, cadre=cadres[LEADERS + HEADS + v * 3 + k], role="member",
                       sending_unit_id=cadres[LEADERS + HEADS + v * 3 + k].unit_id, start_date=start)
        for v, village in enumerate(villages)
        for k in range(3)
    ]  # fmt: skip
    WorkTeamMember.objects.bulk_create(team)
    LeaderTown.objects.bulk_create(
        [LeaderTown(cadre=cadres[i], town=towns[i % len(towns)], start_date=start) for i in range(LEADERS)]
    )
    return paired


def _checkins(rng: random.Random, cadres: list[Any], paired: dict[int, list[Any]], towns: list[Any],
              villages: list[Any], window: Any, total: int) -> int:  # fmt: skip
    """COPY `total` check-ins spread over the window's days, kinds by category, ~1 in 12 invalid."""
    from django.db import connection

    days = [window.start + dt.timedelta(days=i) for i in range(window.length)]
    columns = (
        "code, cadre_id, date, kind, area_id, area_code, household_id, longitude, latitude, accuracy_m, "
        "notes, photo, source, idempotency_key, valid, invalid_reason, created_at, updated_at, version"
    )
    out = io.StringIO()
    now = "2026-01-01 00:00:00+00"
    per_cadre, extra = divmod(total, len(cadres))
    written = 0
    for index, cadre in enumerate(cadres):
        for _ in range(per_cadre + (1 if index < extra else 0)):
            day = rng.choice(days)
            if index < LEADERS:
                kind = rng.choice(("town", "village", "household"))
            elif index < LEADERS + HEADS:
                kind = rng.choice(("village", "household"))
            else:
                kind = "household"
            household = rng.choice(paired[cadre.pk]) if kind == "household" else None
            if kind == "town":
                area = rng.choice(towns)
            else:
                area = household.village if household else rng.choice(villages)
            valid = rng.random() > 1 / 12
            reason = "" if valid else "定位精度为0，疑似虚拟定位"
            household_id = str(household.pk) if household else NULL
            out.write(
                f"CK{written:012d}\t{cadre.pk}\t{day.isoformat()}\t{kind}\t{area.pk}\t{area.code}\t"
                f"{household_id}\t106.150000\t33.300000\t15.0\t\t\tledger\t\t"
                f"{'t' if valid else 'f'}\t{reason}\t{now}\t{now}\t1\n"
            )
            written += 1
    out.seek(0)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY fieldwork_checkin ({columns}) FROM STDIN") as copy:
            while chunk := out.read(1 << 20):
                copy.write(chunk)
        cursor.execute("ANALYZE")
    raw.commit()
    return written


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def raw_fetch(start: dt.date, end: dt.date) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cadre_id, date, kind FROM fieldwork_checkin WHERE valid AND date BETWEEN %s AND %s",
            [start, end],
        )
        return len(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cadres", type=int, default=7000)
    parser.add_argument("--checkins", type=int, default=200_000)
    parser.add_argument("--month", default="2019-11")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    year, month = (int(part) for part in args.month.split("-"))

    os.environ["DATABASE_URL"] = os.environ.get("FUPIN_BENCH_COMPLIANCE_DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    _prepare_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db.models import Q

    from fupin.core.scope import Scope
    from fupin.fieldwork.selectors.compliance import (
        compliance,
        month_period,
        quota_figures,
        quota_rules,
        span,
    )
    from fupin.fieldwork.views.compliance import BoardQuery, board_of
    from fupin.people.scope import SUPERUSER

    rng = random.Random(args.seed)
    started = time.perf_counter()
    county, towns, villages = _areas()
    _, cadres = _people(county, args.cadres)
    paired = _assignments(rng, towns, villages, cadres, dt.date(year - 1, 1, 1))
    window = span(quota_rules(COUNTY), year, month)
    written = _checkins(rng, cadres, paired, towns, villages, window, args.checkins)
    print(
        f"generated {len(cadres):,} cadres, {HOUSEHOLDS:,} households and {written:,} check-ins "
        f"({window.start} to {window.end}) in {time.perf_counter() - started:.1f} s"
    )

    as_of = month_period(year, month).end
    seconds_c, people = best_of(args.repeat, lambda: compliance(county, year, month, as_of))
    seconds_q, figures = best_of(args.repeat, lambda: quota_figures(county, year, month, as_of))
    query = BoardQuery(Scope(role=SUPERUSER, area_prefixes=None), county, year, month, Q())
    seconds_b, _ = best_of(args.repeat, lambda: board_of(query))
    seconds_raw, rows = best_of(args.repeat, lambda: raw_fetch(window.start, window.end))

    print(f"judged cadres {len(people):,}; quota {figures}")
    print(f"compliance()          : {seconds_c:6.3f} s   (target ≤ 2 s)")
    print(f"quota_figures()       : {seconds_q:6.3f} s   (target ≤ 2 s)")
    print(f"board_of() (the page) : {seconds_b:6.3f} s")
    print(f"raw fetch (limit)     : {seconds_raw:6.3f} s   ({rows:,} valid rows)")
    print(f"ratio compliance / raw fetch    = {seconds_c / seconds_raw:.2f}")
    print(f"ratio quota_figures / raw fetch = {seconds_q / seconds_raw:.2f}")
    print(f"ratio board_of / raw fetch      = {seconds_b / seconds_raw:.2f}")


if __name__ == "__main__":
    main()

"""Issue 8's statistics benchmark: the figures document of one county served warm from the rollups,
against the same document computed by GROUP BY over the raw rows, in the same run.

    python bench/figures_rollups.py [--month 2019-11] [--reads 300] [--raw-repeats 5] [--database-url URL]

On the province database that bench/province_data.py generates (fupin_province: 5,000,000
households, 16,000,000 members, 20,000,000 check-ins, 1,000,000 problems by default), it

1. migrates it (the rollup tables are new), and builds the rollups of the first county for the
   month: every town's and village's document with it. This is what a write costs before it shows
   (issue 8: within 60 s), so its time is printed against that;
2. checks the county's stored document against the raw one (they must be equal);
3. times `documents_for(county, month)` as production serves it (no build, one indexed row read
   and the JSON parse) `--reads` times, and the whole API request (/api/figures/, token auth, JSON
   out) through Django's test client, and prints p50/p95 against the 100 ms target;
4. times `figures_document` over the raw rows (bench/figures_raw.py's baseline) `--raw-repeats`
   times, and prints the ratio raw p95 / rollup p95 (goal: at least 20).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures_raw import DEFAULT_URL, percentile  # noqa: E402

TARGET_P95_S = 0.100
VISIBLE_WITHIN_S = 60.0
RATIO_GOAL = 20.0


def timed(work: Callable[[], object], runs: int) -> list[float]:
    work()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def line(name: str, samples: list[float]) -> tuple[float, float]:
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    print(f"{name:<44}{len(samples):>6}{p50 * 1000:>12,.2f}{p95 * 1000:>12,.2f}")
    return p50, p95


def run(month: str, reads: int, raw_repeats: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from fupin.areas.models import Area
    from fupin.core.roles import Role
    from fupin.people.models import Account
    from fupin.reports.figures import figures_document, period_of
    from fupin.reports.rollups.check import differences_between
    from fupin.reports.rollups.store import rebuild
    from fupin.reports.selectors import documents_for

    call_command("migrate", verbosity=0)
    county = Area.objects.filter(level="county").order_by("code").first()
    if county is None:
        raise SystemExit("no county: run bench/province_data.py first")
    period = period_of(month)
    areas = Area.objects.filter(code__startswith=county.code[:6]).count()
    print(
        f"province: {Area.objects.filter(level='county').count()} counties; "
        f"county {county.code}, {areas} areas"
    )

    started = time.perf_counter()
    build = rebuild(county, period)
    build_s = time.perf_counter() - started
    print(
        f"build of the county's rollups (all {areas} areas, {month}): {build_s:.1f} s "
        f"= {build_s / VISIBLE_WITHIN_S:.0%} of the 60 s within which a write must show"
    )
    stored = documents_for([county], period, build_now=False)[county.code]

    raw_samples = timed(lambda: figures_document(county, month), raw_repeats)
    raw = figures_document(county, month)
    differences = list(differences_between(stored, raw))
    print(f"stored document against the raw one: {len(differences)} differences")
    for path, mine, theirs in differences[:10]:
        print(f"  {path}: rollup {mine!r}, raw {theirs!r}")

    user, _ = User.objects.get_or_create(username="bench-county-admin")
    Account.objects.update_or_create(user=user, defaults={"role": Role.COUNTY_ADMIN, "area": county})
    client = Client()
    client.force_login(user)

    def api() -> None:
        response = client.get("/api/figures/", {"area": county.code, "month": month})
        assert response.status_code == 200, response.status_code

    print(f"{'':<44}{'runs':>6}{'p50 ms':>12}{'p95 ms':>12}")
    _, served_p95 = line(
        "rollup: documents_for (the read)",
        timed(lambda: documents_for([county], period, build_now=False), reads),
    )
    _, api_p95 = line("rollup: GET /api/figures/ (whole request)", timed(api, reads))
    _, raw_p95 = line("raw rows: figures_document", raw_samples)
    print(
        f"API p95 / 100 ms target = {api_p95 / TARGET_P95_S:.2f} "
        f"({'met' if api_p95 <= TARGET_P95_S else 'NOT met'})"
    )
    print(
        f"raw p95 / rollup read p95 = {raw_p95 / served_p95:,.0f}x; "
        f"raw p95 / API p95 = {raw_p95 / api_p95:,.0f}x "
        f"(goal at least {RATIO_GOAL:.0f}x)"
    )
    print(f"build recorded: {build.seconds} s, stale after build: {build.stale}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--month", default="2019-11")
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--raw-repeats", type=int, default=5)
    parser.add_argument(
        "--database-url", default=os.environ.get("FUPIN_BENCH_PROVINCE_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    # Production's path: documents are read, never built, inside a request.
    os.environ.setdefault("FUPIN_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    run(args.month, args.reads, args.raw_repeats)


if __name__ == "__main__":
    main()

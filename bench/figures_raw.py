"""Baseline: the figures document computed from the raw rows, as fupin computes it today.

    python bench/figures_raw.py [--month 2019-11] [--repeats 10] [--province-repeats 3] [--database-url URL]
    python bench/province_data.py --baseline --months 2019-11   (the same)

On the database that bench/province_data.py generated (fupin_province, or
FUPIN_BENCH_PROVINCE_DATABASE_URL), times `figures_document` (fupin/reports/figures.py) unchanged
for one county, one town and the province, warm (one untimed run first), and prints p50 and p95 per
level. This is the "same figures computed by GROUP BY over the raw rows" that the rollup benchmark
of issue 8 compares against. It also prints the county's figures document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fupin_province"


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (with few samples p95 is the slowest run, as it should be)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def time_figures(code: str, month: str, repeats: int) -> tuple[list[float], dict[str, object]]:
    from fupin.areas.models import Area
    from fupin.reports.figures import figures_document

    area = Area.objects.get(code=code)
    document = figures_document(area, month)  # warm: caches, plans, the pages in memory
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        figures_document(area, month)
        samples.append(time.perf_counter() - started)
    return samples, document


def time_sections(code: str, month: str, repeats: int) -> dict[str, float]:
    """The median seconds of each section of the document, as figures_document calls them."""
    import datetime as dt

    from fupin.areas.models import Area
    from fupin.duty.figures import duty_section
    from fupin.fieldwork.figures import fieldwork_section
    from fupin.rectification.figures import rectification_section
    from fupin.registry.figures import registry_section, statuses_as_of
    from fupin.reports.figures import last_day_of, parse_month
    from fupin.training.figures import training_section

    area = Area.objects.get(code=code)
    year, number = parse_month(month)
    first, as_of = dt.date(year, number, 1), last_day_of(year, number)
    statuses = statuses_as_of(code, as_of)
    sections: dict[str, Callable[[], object]] = {
        "statuses_as_of": lambda: statuses_as_of(code, as_of),
        "registry (given statuses)": lambda: registry_section(code, as_of, statuses),
        "duty (given statuses)": lambda: duty_section(code, as_of, statuses),
        "fieldwork (counts + quota)": lambda: fieldwork_section(area, year, number, as_of),
        "rectification": lambda: rectification_section(code, as_of),
        "training": lambda: training_section(code, first, as_of, as_of),
    }
    medians = {}
    for name, section in sections.items():
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            section()
            samples.append(time.perf_counter() - started)
        medians[name] = statistics.median(samples)
    return medians


def run(
    month: str = "2019-11",
    repeats: int = 10,
    province_repeats: int = 3,
    timeout_s: int = 300,
    work_mem: str = "",
    levels: tuple[str, ...] = ("county", "town", "province"),
) -> None:
    import django

    django.setup()
    from django.db import OperationalError, connection

    from fupin.areas.models import Area

    with connection.cursor() as cursor:
        # A statement that would run for hours (the province's quota query at the default
        # work_mem) is reported as such instead of stalling the run.
        cursor.execute(f"SET statement_timeout = {int(timeout_s * 1000)}")
        if work_mem:
            cursor.execute("SELECT set_config('work_mem', %s, false)", [work_mem])
        cursor.execute("SHOW work_mem")
        row = cursor.fetchone()
    memory = row[0] if row else "?"

    county = Area.objects.filter(level="county").order_by("code").first()
    if county is None:
        raise SystemExit("no county: run bench/province_data.py first")
    town = Area.objects.filter(level="town", parent=county).order_by("code").first()
    province = Area.objects.filter(level="province").order_by("code").first()
    assert town is not None and province is not None
    print(f"figures_document over the raw rows, month {month}, warm, work_mem {memory}")
    print(f"{'level':<10}{'area':<14}{'runs':>6}{'p50 ms':>12}{'p95 ms':>12}")
    county_document: dict[str, object] = {}
    for level, area, runs in (
        ("county", county, repeats),
        ("town", town, repeats),
        ("province", province, province_repeats),
    ):
        if level not in levels:
            continue
        try:
            samples, document = time_figures(area.code, month, runs)
        except OperationalError as error:  # statement_timeout: QueryCanceled
            reason = str(error).splitlines()[0]
            print(f"{level:<10}{area.code:<14}  a statement ran over {timeout_s} s: {reason}")
            continue
        if level == "county":
            county_document = document
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        print(f"{level:<10}{area.code:<14}{runs:>6}{p50 * 1000:>12,.0f}{p95 * 1000:>12,.0f}")
        if level == "county":
            # Issue 8's target for the county from rollups: p95 at most 100 ms.
            print(f"{'':<10}county p95 / the issue's 100 ms target = {p95 / 0.1:,.1f}")
    if "county" not in levels:
        return
    print("where the county's time goes (median of 3, ms):")
    for name, seconds in time_sections(county.code, month, 3).items():
        print(f"  {name:<28}{seconds * 1000:>10,.0f}")
    print(f"figures document of county {county.code}:")
    print(json.dumps(county_document, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--month", default="2019-11")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--province-repeats", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=300, help="seconds a single statement may run")
    parser.add_argument("--levels", default="county,town,province", help="comma-separated")
    parser.add_argument("--work-mem", default="", help="PostgreSQL work_mem for the session, e.g. 64MB")
    parser.add_argument(
        "--database-url", default=os.environ.get("FUPIN_BENCH_PROVINCE_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    run(
        args.month,
        args.repeats,
        args.province_repeats,
        args.timeout,
        args.work_mem,
        tuple(args.levels.split(",")),
    )


if __name__ == "__main__":
    main()

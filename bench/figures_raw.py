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


def run(month: str = "2019-11", repeats: int = 10, province_repeats: int = 3) -> None:
    import django

    django.setup()
    from fupin.areas.models import Area

    county = Area.objects.filter(level="county").order_by("code").first()
    if county is None:
        raise SystemExit("no county: run bench/province_data.py first")
    town = Area.objects.filter(level="town", parent=county).order_by("code").first()
    province = Area.objects.filter(level="province").order_by("code").first()
    assert town is not None and province is not None
    print(f"figures_document over the raw rows, month {month}, warm")
    print(f"{'level':<10}{'area':<14}{'runs':>6}{'p50 ms':>12}{'p95 ms':>12}")
    county_document: dict[str, object] = {}
    for level, area, runs in (
        ("county", county, repeats),
        ("town", town, repeats),
        ("province", province, province_repeats),
    ):
        samples, document = time_figures(area.code, month, runs)
        if level == "county":
            county_document = document
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        print(f"{level:<10}{area.code:<14}{runs:>6}{p50 * 1000:>12,.0f}{p95 * 1000:>12,.0f}")
    print(f"figures document of county {county.code}:")
    print(json.dumps(county_document, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--month", default="2019-11")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--province-repeats", type=int, default=3)
    parser.add_argument(
        "--database-url", default=os.environ.get("FUPIN_BENCH_PROVINCE_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    run(args.month, args.repeats, args.province_repeats)


if __name__ == "__main__":
    main()

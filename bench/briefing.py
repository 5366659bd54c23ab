"""Benchmark: the county briefing rendered to Word, against the 5 s limit of issue 8.

    python bench/briefing.py [--area 610727000000] [--month 2019-11] [--repeat 5] [--pdf]

Runs on the database of DATABASE_URL (default: the SQLite demo county in var/ that `fupin demo`
writes: ~12,800 households, ~4,600 paired cadres, ~41,000 check-ins a month). It times, each the
median of `--repeat` warm runs (one untimed run first):

1. the whole request: `briefing_for` (the figures document through reports.selectors.figures_for,
   the county's template, the sentences) and `to_docx`, what `fupin briefing --format docx` does;
2. the rendering alone: compose + Word file from a figures document already computed, the part the
   rollups cannot speed up;
3. the figures document alone (figures_for), to show where the time of (1) goes;
4. with --pdf and LibreOffice installed: the PDF (Word file converted by soffice, one cold process).

It prints each time and its ratio to the 5 s limit. Not part of the test suite's pass/fail.
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

LIMIT_SECONDS = 5.0


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    work()  # warm: caches, query plans, pages in memory
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report(name: str, seconds: float) -> None:
    verdict = "within" if seconds <= LIMIT_SECONDS else "OVER"
    print(f"{name:<50} {seconds:7.3f} s   {seconds / LIMIT_SECONDS:6.1%} of the 5 s limit ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--area", default="610727000000")
    parser.add_argument("--month", default="2019-11")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time the PDF (needs LibreOffice)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()

    from fupin.areas.models import Area
    from fupin.core import areacode
    from fupin.reports.briefing.compose import compose
    from fupin.reports.briefing.selectors import briefing_for, county_template
    from fupin.reports.briefing.template import parse_template
    from fupin.reports.briefing.writers import soffice_path, to_docx, to_pdf
    from fupin.reports.selectors import figures_for

    area = Area.objects.filter(code=args.area).first()
    if area is None:
        sys.exit(f"区划 {args.area} 不存在：先运行 `python -m fupin migrate && python -m fupin demo`")
    briefing = briefing_for(area, args.month)
    figures = len(briefing.figures())
    size = len(to_docx(briefing))
    sections = len(briefing.sections)
    print(f"{area.name} {args.month}: {sections} sections, {figures} figures, Word file {size:,} bytes")

    report(
        "briefing_for + to_docx (the whole request)",
        median_seconds(lambda: to_docx(briefing_for(area, args.month)), args.repeat),
    )
    report(
        "figures_for alone (read from the rollups)",
        median_seconds(lambda: figures_for(area, args.month), args.repeat),
    )
    document = figures_for(area, args.month)
    template = parse_template(county_template(areacode.county_code_of(area.code)).text)

    def render() -> bytes:
        written = compose(template, document, area=area, county_name=area.name, links=lambda path: None)
        return to_docx(written)

    report("compose + to_docx (rendering alone)", median_seconds(render, args.repeat))
    if args.pdf:
        if soffice_path() is None:
            print("PDF: LibreOffice (soffice) not installed, skipped")
        else:
            # The limit is the Word file's; the PDF's time is set against it for scale only.
            pdf_seconds = median_seconds(lambda: to_pdf(briefing), max(1, args.repeat // 2))
            report("to_pdf (LibreOffice; for scale only)", pdf_seconds)


if __name__ == "__main__":
    main()

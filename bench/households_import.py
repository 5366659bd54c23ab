"""Benchmark: importing a province-scale households ledger, against raw COPY and django-import-export.

    python bench/households_import.py [--households 1000000] [--peer-sample 20000] [--keep]

Runs on PostgreSQL (a scratch database `fupin_bench` on 127.0.0.1:5432, dropped and recreated, or
FUPIN_BENCH_DATABASE_URL). In one run it measures, on the same generated file and the same table:

1. fupin: `fupin import households FILE` in a child process — full validation, change log, one
   transaction — its rows/s and the child's peak resident memory;
2. the limit: PostgreSQL's `COPY registry_registry_household FROM STDIN` of the same rows, already
   converted to the table's columns (conversion not timed);
3. the peer: django-import-export importing a sample into the same model.

It prints both ratios. Targets (issue 3): ≥ 30,000 rows/s, ≤ 1 GB peak, ≥ 0.5 × COPY, ≥ 25 × the peer.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fupin_bench"
# Text columns whose empty CSV cell is an empty string, not NULL.
TEXT_COLUMNS = (
    "other_causes",
    "phone",
    "cancel_reason",
    "relocation_mode",
    "relocation_site",
    "housing_structure",
    "search_key",
)


def _prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(["fupin", "migrate", "-v", "0"], check=True, env=os.environ)


def _create_areas(counties: int) -> None:
    from bench.province_ledgers import Province
    from fupin.areas.models import Area

    province = Province(counties)
    seen: dict[str, Area] = {}
    rows = []
    for county, town, village in province.villages():
        for code, level, parent in (
            (county, "county", None),
            (town, "town", county),
            (village, "village", town),
        ):
            if code not in seen:
                seen[code] = Area(code=code, name=code, level=level, is_poor_village=level == "village")
                rows.append((seen[code], parent))
    Area.objects.bulk_create([area for area, _ in rows], batch_size=5000)
    by_code = {a.code: a for a in Area.objects.all()}
    for area, parent in rows:
        area.pk = by_code[area.code].pk
        area.parent = by_code[parent] if parent else None
    Area.objects.bulk_update([area for area, parent in rows if parent], ["parent"], batch_size=5000)


def _truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_member, registry_household, core_changelog RESTART IDENTITY CASCADE"
        )


def _household_count() -> int:
    from fupin.registry.models import Household

    return Household.objects.count()


def measure_fupin(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `fupin import households`, run as a child process."""
    started = time.perf_counter()
    result = subprocess.run(["fupin", "import", "households", str(path)], env=os.environ, capture_output=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode()[-3000:])
        raise SystemExit("fupin import failed")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def _table_rows(path: Path) -> tuple[list[str], io.StringIO]:
    """The ledger converted to the household table's own columns, as COPY text (not timed)."""
    from fupin.areas.models import Area
    from fupin.registry import models as m

    labels = {
        "identification_standard": {str(c.label): c.value for c in m.IdentificationStandard},
        "category": {str(c.label): c.value for c in m.HouseholdCategory},
        "main_cause": {str(c.label): c.value for c in m.PovertyCause},
        "poverty_status": {str(c.label): c.value for c in m.PovertyStatus},
    }
    villages = dict(Area.objects.filter(level="village").values_list("code", "pk"))
    columns = [
        "code", "village_id", "area_code", "head_name", "head_id_number", "size", "identification_standard",
        "category", "main_cause", "other_causes", "poverty_status", "registered_year", "exit_year", "phone",
        "housing_secure", "water_secure", "schooling_secure", "medical_secure", "net_income_per_capita",
        "longitude", "latitude", "relocated", "cancel_reason", "relocation_mode", "relocation_site",
        "housing_structure", "search_key", "created_at", "updated_at", "version",
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    now = "2026-01-01 00:00:00+00"
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for r in reader:
            yes = {"是": "t", "否": "f", "": ""}
            writer.writerow([
                r[0], villages[r[1]], r[1], r[2], r[3], r[4], labels["identification_standard"][r[5]],
                labels["category"][r[6]], labels["main_cause"][r[7]], "", labels["poverty_status"][r[9]],
                r[10], r[11], r[12], yes[r[13]], yes[r[14]], yes[r[15]], yes[r[16]], r[17], r[18], r[19],
                "f", "", "", "", "", "", now, now, 1,
            ])  # fmt: skip
    out.seek(0)
    return columns, out


def measure_copy(path: Path) -> tuple[float, int]:
    from django.db import connection

    columns, data = _table_rows(path)
    rows = data.getvalue().count("\n")
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor:
        text_columns = ", ".join(TEXT_COLUMNS)
        sql = (
            f"COPY registry_household ({', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '', FORCE_NOT_NULL ({text_columns}))"
        )
        with cursor.copy(sql) as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)
    raw.commit()
    return time.perf_counter() - started, rows


def measure_peer(path: Path, sample: int) -> tuple[float, int]:
    """django-import-export importing the first `sample` rows into the same model."""
    import tablib
    from import_export import fields, resources, widgets

    from fupin.areas.models import Area
    from fupin.registry import models as m

    def choice(enum: type) -> widgets.Widget:
        mapping = {str(c.label): c.value for c in enum}

        class ChoiceWidget(widgets.CharWidget):
            def clean(self, value: object, row: object = None, **kwargs: object) -> str:
                return mapping[str(value)]

        return ChoiceWidget()

    class HouseholdResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="户编号")
        village = fields.Field(
            attribute="village", column_name="区划代码", widget=widgets.ForeignKeyWidget(Area, field="code")
        )
        area_code = fields.Field(attribute="area_code", column_name="区划代码")
        head_name = fields.Field(attribute="head_name", column_name="户主姓名")
        head_id_number = fields.Field(attribute="head_id_number", column_name="户主身份证号")
        size = fields.Field(attribute="size", column_name="家庭人口数", widget=widgets.IntegerWidget())
        identification_standard = fields.Field(
            attribute="identification_standard",
            column_name="识别标准",
            widget=choice(m.IdentificationStandard),
        )
        category = fields.Field(
            attribute="category", column_name="贫困户属性", widget=choice(m.HouseholdCategory)
        )
        main_cause = fields.Field(
            attribute="main_cause", column_name="主要致贫原因", widget=choice(m.PovertyCause)
        )
        poverty_status = fields.Field(
            attribute="poverty_status", column_name="脱贫属性", widget=choice(m.PovertyStatus)
        )
        registered_year = fields.Field(
            attribute="registered_year", column_name="识别年度", widget=widgets.IntegerWidget()
        )
        exit_year = fields.Field(
            attribute="exit_year", column_name="脱贫年度", widget=widgets.IntegerWidget()
        )
        phone = fields.Field(attribute="phone", column_name="联系电话")
        net_income_per_capita = fields.Field(
            attribute="net_income_per_capita", column_name="年人均纯收入", widget=widgets.DecimalWidget()
        )

        class Meta:
            model = m.Household
            import_id_fields = ("code",)
            fields = (
                "code", "village", "area_code", "head_name", "head_id_number", "size",
                "identification_standard", "category", "main_cause", "poverty_status", "registered_year",
                "exit_year", "phone", "net_income_per_capita",
            )  # fmt: skip
            use_bulk = False

    with path.open(encoding="utf-8") as f:
        lines = [next(f) for _ in range(sample + 1)]
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    started = time.perf_counter()
    result = HouseholdResource().import_data(dataset, dry_run=False, use_transactions=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export reported errors")
    return seconds, len(dataset)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--peer-sample", type=int, default=20_000)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the generated files under var/bench/")
    parser.add_argument("--skip-fupin", action="store_true", help="measure only the limit and the peer")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = os.environ.get("FUPIN_BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    _prepare_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from bench.province_ledgers import Province, write_ledgers

    directory = ROOT / "var" / "bench"
    started = time.perf_counter()
    households_path, _, members = write_ledgers(directory, Province(args.counties), args.households)
    elapsed = time.perf_counter() - started
    print(f"generated {args.households:,} households and {members:,} members in {elapsed:.1f} s")
    _create_areas(args.counties)

    fupin_rate, peak_mb = float("nan"), float("nan")
    if not args.skip_fupin:
        seconds, peak_mb = measure_fupin(households_path)
        assert _household_count() == args.households
        fupin_rate = args.households / seconds
        print(
            f"fupin import households : {seconds:8.1f} s  {fupin_rate:10,.0f} rows/s  peak {peak_mb:,.0f} MB"
        )

    _truncate()
    seconds, rows = measure_copy(households_path)
    copy_rate = rows / seconds
    print(f"PostgreSQL COPY (limit)  : {seconds:8.1f} s  {copy_rate:10,.0f} rows/s")

    _truncate()
    seconds, rows = measure_peer(households_path, args.peer_sample)
    peer_rate = rows / seconds
    print(f"django-import-export     : {seconds:8.1f} s  {peer_rate:10,.0f} rows/s  ({rows:,}-row sample)")

    print(f"ratio fupin / COPY                 = {fupin_rate / copy_rate:.2f}   (goal ≥ 0.5)")
    print(f"ratio fupin / django-import-export = {fupin_rate / peer_rate:.1f}   (goal ≥ 25)")
    print(f"rows/s {fupin_rate:,.0f} (goal ≥ 30,000); peak memory {peak_mb:,.0f} MB (goal ≤ 1,024)")
    if not args.keep:
        for path in directory.glob("*.csv"):
            path.unlink()


if __name__ == "__main__":
    main()

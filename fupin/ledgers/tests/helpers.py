"""Small helpers for the ledger tests: writing CSV/XLSX files, importing them, counting records."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.ledgers.base import ImportContext
from fupin.ledgers.services import ImportOutcome, ledger_import
from fupin.people.models import Cadre, Unit
from fupin.people.scope import SUPERUSER

Rows = Sequence[Sequence[Any]]

AREAS_HEADER = ["区划代码", "名称", "层级", "上级区划代码", "贫困村", "经度", "纬度"]
UNITS_HEADER = ["单位编码", "单位名称", "单位类型", "上级单位编码", "所在区划代码"]
CADRES_HEADER = ["干部编号", "姓名", "身份证号", "手机号码", "单位编码", "职务", "干部类别"]

EVERYTHING = Scope(role=SUPERUSER, area_prefixes=None)
COUNTY_ONLY = Scope(role="office_staff", area_prefixes=("610727",), root_area_code="610727000000")


def context(scope: Scope = EVERYTHING) -> ImportContext:
    return ImportContext(actor=Actor.system("测试导入", source="test"), scope=scope)


# -- building files ---------------------------------------------------------------------------
def csv_bytes(rows: Rows, encoding: str = "utf-8") -> bytes:
    """Rows as CSV text, encoded as given ('utf-8', 'utf-8-sig' for a BOM, 'gb18030')."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Rows, *, extra_sheets: dict[str, Rows] | None = None) -> bytes:
    """A workbook whose first sheet holds `rows`; cells keep their Python type (date, float, bool)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for title, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(title)
        for row in sheet_rows:
            other.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def write_xlsx(path: Path, rows: Rows) -> Path:
    path.write_bytes(xlsx_bytes(rows))
    return path


def sheet_rows(source: Path | bytes, sheet: int | str = 0) -> list[list[Any]]:
    """The values of one sheet of a workbook, row by row."""
    data = source.read_bytes() if isinstance(source, Path) else source
    workbook = load_workbook(io.BytesIO(data))
    worksheet = workbook.worksheets[sheet] if isinstance(sheet, int) else workbook[sheet]
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


# -- importing --------------------------------------------------------------------------------
def import_rows(
    ledger: str,
    rows: Rows,
    *,
    fmt: str = "csv",
    scope: Scope = EVERYTHING,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import `rows` (header first) through the service, as a CSV or an XLSX file."""
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    return ledger_import(
        ledger_name=ledger,
        data=data,
        filename=f"{ledger}.{fmt}",
        context=context(scope),
        dry_run=dry_run,
    )


def import_file(ledger: str, data: bytes, filename: str, *, scope: Scope = EVERYTHING) -> ImportOutcome:
    return ledger_import(ledger_name=ledger, data=data, filename=filename, context=context(scope))


def run_command(*args: str) -> tuple[str, str, CommandError | None]:
    """Run a `fupin` management command; (stdout, stderr, the CommandError raised or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


# -- inspecting -------------------------------------------------------------------------------
def counts() -> dict[str, int]:
    return {
        "areas": Area.objects.count(),
        "units": Unit.objects.count(),
        "cadres": Cadre.objects.count(),
        "changes": ChangeLog.objects.count(),
    }


def error_cells(outcome: ImportOutcome) -> set[tuple[int, str]]:
    """(row, column) of every error."""
    return {(e.row, e.column) for e in outcome.errors}


def messages(outcome: ImportOutcome) -> str:
    return "\n".join(str(e) for e in outcome.errors)


def totals(outcome: ImportOutcome) -> tuple[int, int, int]:
    """(created, updated, unchanged) over every ledger of the outcome."""
    return (
        sum(r.result.created for r in outcome.reports),
        sum(r.result.updated for r in outcome.reports),
        sum(r.result.unchanged for r in outcome.reports),
    )

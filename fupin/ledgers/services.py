"""Importing ledgers: one file, or a folder of them in dependency order, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fupin.ledgers.base import ImportContext, LedgerError, Progress, Report
from fupin.ledgers.reading import UnreadableFile, read_table, stream_table
from fupin.ledgers.registry import LEDGERS, dependency_order, ledger_named


class _RollBack(Exception):
    """Raised inside the transaction to undo everything a rejected or dry run wrote."""


@dataclass
class ImportOutcome:
    reports: list[Report] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(report.ok for report in self.reports)

    @property
    def errors(self) -> list[LedgerError]:
        return [error for report in self.reports for error in report.errors]

    @property
    def warnings(self) -> list[LedgerError]:
        return [warning for report in self.reports for warning in report.warnings]

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def _import_one(
    ledger_name: str, data: bytes, filename: str, context: ImportContext, progress: Progress | None
) -> Report:
    ledger = ledger_named(ledger_name)
    if (fast := ledger.import_fast(data, filename, context, progress)) is not None:
        return fast
    try:
        if ledger.streaming:
            return ledger.import_streaming(stream_table(data, filename), context, progress)
        table = read_table(data, filename)
    except UnreadableFile as error:
        return Report(ledger=ledger.title, errors=[LedgerError(ledger.title, 0, "", filename, str(error))])
    report, rows = ledger.validate(table, context, progress)
    if report.ok:
        report.result = ledger.write(rows, context)
        report.written = True
    return report


def ledger_import(
    *,
    ledger_name: str,
    data: bytes,
    filename: str,
    context: ImportContext,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    return ledger_import_files(
        files=[(ledger_name, data, filename)], context=context, dry_run=dry_run, progress=progress
    )


def ledger_import_files(
    *,
    files: list[tuple[str, bytes, str]],
    context: ImportContext,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import (ledger, content, filename) triples in dependency order inside one transaction.

    A later ledger sees what an earlier one wrote, so references between them resolve; any error
    in any file, or a dry run, rolls the whole transaction back.
    """
    outcome = ImportOutcome(dry_run=dry_run)
    by_name = {name: (data, filename) for name, data, filename in files}
    try:
        with transaction.atomic():
            for name in dependency_order(list(by_name)):
                data, filename = by_name[name]
                report = _import_one(name, data, filename, context, progress)
                outcome.reports.append(report)
                if not report.ok:
                    break
            if not outcome.ok or dry_run:
                raise _RollBack
    except _RollBack:
        for report in outcome.reports:
            report.written = False
    return outcome


def ledger_files_in(directory: Path) -> list[tuple[str, bytes, str]]:
    """Every `<ledger>.xlsx` or `<ledger>.csv` in `directory`."""
    files = []
    for name in LEDGERS:
        for suffix in (".xlsx", ".csv"):
            path = directory / f"{name}{suffix}"
            if path.exists():
                files.append((name, path.read_bytes(), path.name))
                break
    return files

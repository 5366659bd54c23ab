"""Shared pieces of the ledger management commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper

from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.ledgers.base import ImportContext
from fupin.ledgers.exports import error_report_xlsx
from fupin.ledgers.services import ImportOutcome
from fupin.people.scope import SUPERUSER


def cli_context(batch: str) -> ImportContext:
    """The command line is the operator's: every area, written as a named process in the change log."""
    return ImportContext(
        actor=Actor.system("命令行导入", source="cli", batch=batch),
        scope=Scope(role=SUPERUSER, area_prefixes=None),
    )


def print_outcome(
    outcome: ImportOutcome, out: OutputWrapper, err: OutputWrapper, errors_path: str | None
) -> None:
    for warning in outcome.warnings:
        err.write(f"警告 {warning}")
    for error in outcome.errors:
        err.write(f"错误 {error}")
    if errors_path and (outcome.errors or outcome.warnings):
        Path(errors_path).write_bytes(error_report_xlsx(outcome.errors, outcome.warnings))
        err.write(f"错误报告已写入 {errors_path}")
    for report in outcome.reports:
        r = report.result
        out.write(
            f"{report.ledger}：{report.rows} 行，新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}"
        )
    if not outcome.ok:
        raise CommandError(f"导入被拒绝：共 {len(outcome.errors)} 个错误，未写入任何数据。", returncode=1)
    if outcome.dry_run:
        out.write("校验通过（--dry-run：未写入任何数据）。")
    else:
        out.write("导入完成。")

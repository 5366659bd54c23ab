"""Shared pieces of the ledger management commands."""

from __future__ import annotations

import time
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


class ProgressBar:
    """A one-line progress bar on the operator's terminal, redrawn at most every half second."""

    def __init__(self, stream: OutputWrapper, *, interval: float = 0.5) -> None:
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        share = done / total if total else 0.0
        filled = int(share * 30)
        rate = done / max(now - self.started, 1e-9)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%}  {done:,}/{total:,} 行  {rate:,.0f} 行/秒",
            ending="",
        )
        self.stream.flush()

    def close(self) -> None:
        if self.last:
            self.stream.write("")
            self.stream.flush()


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

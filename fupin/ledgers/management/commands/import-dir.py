"""fupin import-dir DIR [--dry-run] [--errors OUT.xlsx]"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.checks import IMPORT_CHECKS
from fupin.ledgers.cli import ProgressBar, cli_context, print_outcome
from fupin.ledgers.services import ledger_files_in, ledger_import_files


class Command(BaseCommand):
    help = "导入目录中的全部台账文件（<台账名>.xlsx 或 .csv），按依赖顺序在一个事务中完成。"
    requires_system_checks = IMPORT_CHECKS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把错误报告写成Excel")
        parser.add_argument("--progress", action="store_true", help="显示进度条（在终端上运行时默认显示）")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        files = ledger_files_in(directory) if directory.is_dir() else []
        if not files:
            raise CommandError(f"目录 {directory} 中没有台账文件（如 areas.xlsx、units.csv、cadres.xlsx）")
        bar = ProgressBar(self.stderr) if options["progress"] or self.stderr.isatty() else None
        outcome = ledger_import_files(
            files=files,
            context=cli_context(batch=f"cli-{uuid.uuid4().hex[:12]}"),
            dry_run=options["dry_run"],
            progress=bar,
        )
        if bar:
            bar.close()
        print_outcome(outcome, self.stdout, self.stderr, options["errors"])

"""fupin import LEDGER FILE [--dry-run] [--errors OUT.xlsx]"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.checks import IMPORT_CHECKS
from fupin.ledgers.cli import ProgressBar, cli_context, print_outcome
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.services import ledger_import


class Command(BaseCommand):
    help = "导入一个台账文件（.xlsx 或 .csv）。有任何错误则不写入任何数据并以状态1退出。"
    requires_system_checks = IMPORT_CHECKS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", choices=list(LEDGERS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把错误报告写成Excel")
        parser.add_argument("--progress", action="store_true", help="显示进度条（在终端上运行时默认显示）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        bar = ProgressBar(self.stderr) if options["progress"] or self.stderr.isatty() else None
        outcome = ledger_import(
            ledger_name=options["ledger"],
            data=path.read_bytes(),
            filename=path.name,
            context=cli_context(batch=f"cli-{uuid.uuid4().hex[:12]}"),
            dry_run=options["dry_run"],
            progress=bar,
        )
        if bar:
            bar.close()
        print_outcome(outcome, self.stdout, self.stderr, options["errors"])

"""fupin ledger template|export LEDGER OUT"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fupin.core.scope import Scope
from fupin.ledgers.exports import ledger_export_csv, ledger_export_xlsx, ledger_template
from fupin.ledgers.registry import LEDGERS, ledger_named
from fupin.people.scope import SUPERUSER


class Command(BaseCommand):
    help = "写出台账模板（template）或导出台账（export），按文件后缀写 .xlsx 或 .csv。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["template", "export"])
        parser.add_argument("ledger", choices=list(LEDGERS))
        parser.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        ledger = ledger_named(options["ledger"])
        out = Path(options["out"])
        everything = Scope(role=SUPERUSER, area_prefixes=None)
        if options["action"] == "template":
            data = ledger_template(ledger)
        elif out.suffix.lower() == ".csv":
            data = ledger_export_csv(ledger, everything)
        else:
            data = ledger_export_xlsx(ledger, everything)
        out.write_bytes(data)
        self.stdout.write(f"已写出 {out}")

"""fupin briefing --area CODE --month YYYY-MM [--as-of DATE] --format docx|pdf|html|md [--output PATH]"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.people.scope import SUPERUSER
from fupin.reports.briefing.selectors import briefing_for
from fupin.reports.briefing.writers import FORMATS, write
from fupin.reports.figures import figures_area

USAGE = (
    "用法：fupin briefing --area 区划代码 --month YYYY-MM [--as-of YYYY-MM-DD] "
    "--format docx|pdf|html|md [--output 文件]"
)
ARGPARSE_MESSAGES = [
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 缺少取值"),
]


def chinese(message: str) -> str:
    """argparse's English message of a bad command line, said in Chinese."""
    for pattern, text in ARGPARSE_MESSAGES:
        match = pattern.search(message)
        if match:
            return text.format(*match.groups())
    return message


class Command(BaseCommand):
    help = "按县里的简报模板，用统计数据（docs/figures.md）写出某区划某月的工作简报。"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def refuse(message: str) -> NoReturn:
            text = f"参数错误：{chinese(message)}。{USAGE}"
            if parser.called_from_command_line:
                sys.stderr.write(text + "\n")
                sys.exit(2)
            raise CommandError(text)

        parser.error = refuse  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="12位区划代码")
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--as-of", dest="as_of", help="存量截止日期 YYYY-MM-DD，默认当月最后一天")
        parser.add_argument("--format", dest="form", help="docx、pdf、html 或 md")
        parser.add_argument("--output", help="输出文件；md、html 不给时输出到屏幕")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [name for name in ("area", "month", "form") if not options.get(name)]
        if missing:
            names = "、".join("--format" if n == "form" else f"--{n}" for n in missing)
            raise CommandError(f"缺少参数 {names}。{USAGE}")
        form = options["form"]
        if form not in FORMATS:
            raise CommandError(f"格式“{form}”无效，应为 docx、pdf、html 或 md")
        everything = Scope(role=SUPERUSER, area_prefixes=None)
        try:
            area = figures_area(everything, options["area"])
            briefing = briefing_for(area, options["month"], options["as_of"])
            content = write(briefing, form)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        output = options.get("output")
        if not output and form in {"md", "html"}:
            self.stdout.write(content.decode())
            return
        path = Path(output or f"{area.code}-{briefing.month}.{form}")
        path.write_bytes(content)
        self.stdout.write(str(path))

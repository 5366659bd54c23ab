"""fupin demo [--seed N] [--if-empty] [--logins]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.demo.accounts import DEMO_PASSWORD, create_demo_accounts, demo_logins
from fupin.demo.county import COUNTY_CODE, as_csv, build_county
from fupin.demo.employment import demo_employment
from fupin.demo.entities import demo_entities
from fupin.demo.fieldwork import demo_checkins, demo_month
from fupin.demo.finance import demo_insurance, demo_loans, demo_mutual_aid
from fupin.demo.funds import demo_funds
from fupin.demo.indicators import demo_indicators
from fupin.demo.industries import demo_industries, demo_subsidies
from fupin.demo.rectification import demo_problems_import
from fupin.demo.reports import build_demo_rollups
from fupin.demo.solar import demo_solar
from fupin.demo.training import demo_exam, demo_questions_import, demo_trainings
from fupin.fieldwork.models import CheckIn
from fupin.ledgers.base import ImportContext
from fupin.ledgers.services import ledger_import_files
from fupin.people.scope import SUPERUSER


class Command(BaseCommand):
    help = "生成演示县（确定性的合成数据：17个镇、152个村、229个单位、约6000名干部）和演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2019, help="随机种子，同一种子生成同样的数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有区划时什么也不做")
        parser.add_argument("--logins", action="store_true", help="只打印演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self._print_logins()
            return
        if Area.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库中已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有数据：演示数据只能生成到空数据库中。")
        started = time.monotonic()
        county = build_county(options["seed"])
        context = ImportContext(
            actor=Actor.system("演示数据", source="demo", batch=f"demo-{options['seed']}"),
            scope=Scope(role=SUPERUSER, area_prefixes=None),
        )
        with transaction.atomic():
            files = [(name, as_csv(rows), f"{name}.csv") for name, rows in county.ledgers().items()]
            files.append(("checkins", as_csv(demo_checkins(county, options["seed"])), "checkins.csv"))
            outcome = ledger_import_files(files=files, context=context)
            if not outcome.ok:
                raise CommandError("演示数据未通过校验：\n" + "\n".join(str(e) for e in outcome.errors[:20]))
            create_demo_accounts(COUNTY_CODE)
            outcome.reports.extend(demo_problems_import(county, options["seed"], context))
            outcome.reports.append(demo_questions_import(context))
            person_times = demo_trainings(options["seed"], context.actor)
            attempts, passed = demo_exam(options["seed"], context.actor)
            indicators = demo_indicators(options["seed"], context.actor, context.scope)
            employment = demo_employment(options["seed"], context.actor)
            industry_records = demo_industries(options["seed"], context)
            subsidies = demo_subsidies(options["seed"], context)
            loans = demo_loans(options["seed"], context)
            policies = demo_insurance(options["seed"], context)
            mutual_aid_loans = demo_mutual_aid(options["seed"], context)
            entities = demo_entities(options["seed"], context)
            projects = demo_funds(options["seed"], context)
            solar_plans = demo_solar(options["seed"], context)
        rollups_started = time.monotonic()
        built = build_demo_rollups(county_area=Area.objects.get(code=COUNTY_CODE))
        for report in outcome.reports:
            self.stdout.write(f"{report.ledger}：{report.result.created} 条")
        self.stdout.write(
            "就业帮扶：劳动力 {laborers} 人，转移就业 {transfers} 人，公益岗位 {welfare_posts} 个，"
            "技能培训 {trainee_person_times} 人次，上岗 {placements} 人".format(**employment)
        )
        self.stdout.write(
            f"户发展产业：{industry_records} 条；到户产业补助：{subsidies} 户次；小额信贷：{loans} 笔；"
            f"产业保险：{policies} 单；互助资金借款：{mutual_aid_loans} 笔；"
            f"新型经营主体：{entities} 个；整合资金项目：{projects} 个"
        )
        self.stdout.write(f"光伏收益分配方案：{solar_plans} 个村（已定稿）")
        first, _ = demo_month()
        invalid = CheckIn.objects.filter(valid=False).count()
        self.stdout.write(
            f"驻村打卡（{first:%Y年%m月}）：{CheckIn.objects.count()} 条，其中无效 {invalid} 条"
        )
        self.stdout.write(f"政策培训：{person_times} 人次；政策知识考试：{attempts} 份答卷，{passed} 人及格")
        self.stdout.write(f"指标数据：{indicators['values']} 条；重点项目：{indicators['projects']} 个")
        self.stdout.write(
            f"统计汇总：{built} 个月（{time.monotonic() - rollups_started:.1f} 秒），驾驶舱打开即用"
        )
        self.stdout.write(
            f"演示县已生成（种子 {options['seed']}，用时 {time.monotonic() - started:.1f} 秒）。"
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<14} {login.role_label:<12} {login.where}")

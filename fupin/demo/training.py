"""The demo county's trainings and exam of 2019: "截止目前，开展各级各类政策培训2600余人次、分级分批对
7500余名干部进行了脱贫攻坚政策知识考试".

- The question bank: 100 policy questions (两不愁三保障, 精准扶贫, 小额信贷 …), imported through the
  questions ledger like every other demo ledger.
- Trainings from January to early December 2019: a county session most months (the county's
  departments, first secretaries and work teams, at the party school or by video), and town
  sessions for each town's own cadres and its villages' work teams; about 2,600 person-times by the
  end of November.
- One county exam (11–30 November, 20 questions drawn per cadre from ten categories, 30 minutes,
  pass mark 60, two attempts): every cadre of the county sits it once, and those who fail sit it
  again, about 7,500 results in all; each attempt has its drawn paper and its answers, scored as the
  platform scores them.

Rows are written in bulk with a change-log row for each training, attendance and attempt.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, change_entry, record_changes
from fupin.core.models import ChangeAction, ChangeLog
from fupin.demo.county import COUNTY_CODE, as_csv
from fupin.demo.questions import question_rows
from fupin.duty.models import WorkTeamMember
from fupin.ledgers.base import ImportContext, Report
from fupin.ledgers.services import ledger_import_files
from fupin.people.models import Cadre, Unit
from fupin.training.models import (
    JUDGE_OPTIONS,
    Answer,
    Attempt,
    Attendance,
    Exam,
    PaperKind,
    Question,
    QuestionKind,
    SignInMethod,
    Training,
    TrainingKind,
)
from fupin.training.services.exams import category_pools, draw_paper, score_of
from fupin.training.services.questions import paper_revisions
from fupin.training.services.trainings import new_sign_in_token

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAM_CODE = "KS2019-01"
EXAM_OPENS = dt.datetime(2019, 11, 11, 8, 0, tzinfo=SHANGHAI)
EXAM_CLOSES = dt.datetime(2019, 11, 30, 18, 0, tzinfo=SHANGHAI)
DRAW_RULE = {
    "两不愁三保障": 3, "精准扶贫": 3, "小额信贷": 2, "产业扶贫": 2, "易地搬迁": 2,
    "健康扶贫": 2, "教育扶贫": 1, "兜底保障": 1, "驻村帮扶": 2, "脱贫退出": 2,
}  # fmt: skip
PASS_MARK = 60
COUNTY_TOPICS = (
    "学习贯彻习近平总书记关于扶贫工作的重要论述",
    "精准识别精准退出政策解读",
    "“两不愁三保障”标准及核查方法",
    "扶贫小额信贷政策与风险防控",
    "产业扶贫与利益联结机制",
    "易地扶贫搬迁后续扶持",
    "健康扶贫与医疗保障政策",
    "教育扶贫资助政策",
    "驻村帮扶工作规范与扶贫手册填写",
    "“不忘初心、牢记使命”主题教育与脱贫攻坚",
    "脱贫攻坚问题整改与销号清零",
    "脱贫攻坚成效考核迎检培训",
)
TOWN_TOPICS = (
    "扶贫政策进村入户宣讲",
    "贫困户信息采集与动态管理",
    "产业补助申报与到户核查",
    "帮扶手册与“一户一策”填写",
    "问题排查与整改业务培训",
)
PLACES = ("县委党校", "县政府第一会议室", "县扶贫开发局会议室")


@dataclass(frozen=True)
class DemoCadre:
    pk: int
    code: str
    categories: str
    unit_area: str


def demo_questions_import(context: ImportContext) -> Report:
    outcome = ledger_import_files(
        files=[("questions", as_csv(question_rows()), "questions.csv")], context=context
    )
    if not outcome.ok:
        raise CommandError("演示题库未通过校验：\n" + "\n".join(str(e) for e in outcome.errors[:20]))
    return outcome.reports[0]


def _cadres() -> list[DemoCadre]:
    rows = Cadre.objects.order_by("code").values_list("pk", "code", "categories", "unit__area__code")
    return [DemoCadre(pk, code, categories, area or COUNTY_CODE) for pk, code, categories, area in rows]


def _county_pool(cadres: list[DemoCadre]) -> list[DemoCadre]:
    wanted = (",dept_head,", ",first_secretary,", ",team_leader,", ",team_member,", ",county_leader,")
    return [
        c
        for c in cadres
        if any(w in c.categories for w in wanted)
        or (c.unit_area == COUNTY_CODE and ",paired_cadre," in c.categories)
    ]


def _town_pools(cadres: list[DemoCadre], towns: list[Area]) -> dict[str, list[int]]:
    teams: dict[str, set[int]] = defaultdict(set)
    for cadre_id, village in WorkTeamMember.objects.filter(end_date__isnull=True).values_list(
        "cadre_id", "village__code"
    ):
        teams[areacode.prefix_of(areacode.parent_code_of(village) or village)].add(cadre_id)
    pools: dict[str, list[int]] = {}
    for town in towns:
        prefix = areacode.prefix_of(town.code)
        own = [c.pk for c in cadres if c.unit_area.startswith(prefix)]
        pools[town.code] = sorted(set(own) | teams[prefix])
    return pools


Session = tuple[str, dt.date, str, str, list[int]]


def _sessions(
    rng: random.Random, county_pool: list[int], towns: list[Area], town_pools: dict[str, list[int]]
) -> list[Session]:
    """(topic, date, kind, area code, attendees) for every session of the year."""
    sessions: list[Session] = []
    for month in range(1, 12):
        if month == 2:
            continue  # the Spring Festival
        size = rng.randint(135, 195)
        kind = TrainingKind.VIDEO if month in (4, 8) else TrainingKind.CLASSROOM
        day = dt.date(2019, month, rng.randint(8, 24))
        sessions.append((COUNTY_TOPICS[month - 1], day, kind, COUNTY_CODE, rng.sample(county_pool, size)))
    sessions.append(
        (
            COUNTY_TOPICS[11],
            dt.date(2019, 12, 4),
            TrainingKind.CLASSROOM,
            COUNTY_CODE,
            rng.sample(county_pool, 160),
        )
    )
    for town in towns:
        pool = town_pools[town.code]
        for month in sorted(rng.sample([3, 5, 6, 7, 9, 10, 11], 3)):
            size = min(len(pool), rng.randint(12, 26))
            topic = rng.choice(TOWN_TOPICS)
            sessions.append(
                (
                    topic,
                    dt.date(2019, month, rng.randint(3, 27)),
                    TrainingKind.TOPIC,
                    town.code,
                    rng.sample(pool, size),
                )
            )
    return sessions


def demo_trainings(seed: int, actor: Actor) -> int:
    rng = random.Random(f"{seed}/trainings")
    cadres = _cadres()
    towns = list(
        Area.objects.filter(level="town", code__startswith=areacode.prefix_of(COUNTY_CODE)).order_by("code")
    )
    office = Unit.objects.filter(name="县扶贫开发局").first() or Unit.objects.order_by("code").first()
    governments = {
        u.area.code: u for u in Unit.objects.filter(area__level="town").select_related("area") if u.area
    }
    areas = {a.code: a for a in [*towns, Area.objects.get(code=COUNTY_CODE)]}
    assert office is not None
    sessions = _sessions(rng, [c.pk for c in _county_pool(cadres)], towns, _town_pools(cadres, towns))
    trainings = [
        Training(
            code=f"PX{day:%Y%m%d}{n:03d}",
            topic=topic,
            date=day,
            kind=kind,
            area=areas[code],
            area_code=code,
            place=rng.choice(PLACES) if code == COUNTY_CODE else f"{areas[code].name}会议室",
            organiser=office if code == COUNTY_CODE else governments.get(code, office),
            sign_in_token=new_sign_in_token(),
        )
        for n, (topic, day, kind, code, _) in enumerate(sessions, start=1)
    ]
    Training.objects.bulk_create(trainings)
    attendances = [
        Attendance(
            training=training,
            cadre_id=cadre_id,
            method=SignInMethod.PHONE if rng.random() < 0.8 else SignInMethod.ORGANISER,
            signed_at=dt.datetime.combine(training.date, dt.time(8, rng.randint(20, 59)), tzinfo=SHANGHAI),
        )
        for training, (*_, attendees) in zip(trainings, sessions, strict=True)
        for cadre_id in attendees
    ]
    # The cadres themselves (not just ids) name each change-log row without a query per row.
    people = Cadre.objects.only("code", "name").in_bulk({a.cadre_id for a in attendances})
    for attendance in attendances:
        attendance.cadre = people[attendance.cadre_id]
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    codes = {c.pk: c.code for c in cadres}
    log = [
        change_entry(actor, t, action=ChangeAction.CREATE, before=None, after=t.audit_snapshot())
        for t in trainings
    ]
    log += [
        change_entry(actor, a, action=ChangeAction.CREATE, before=None,
                     after={"培训编号": a.training.code, "干部编号": codes[a.cadre_id], "签到方式": a.method})
        for a in attendances
    ]  # fmt: skip
    record_changes(log)
    return len(attendances)


def _choose(rng: random.Random, kind: str, right: str, n_options: int, correct: bool) -> str:
    if correct:
        return right
    letters = "ABCDEFGH"[:n_options]
    if kind == QuestionKind.MULTIPLE and len(right) > 1 and rng.random() < 0.6:
        return "".join(sorted(rng.sample(right, len(right) - 1)))  # one right option missed
    return rng.choice([letter for letter in letters if letter != right] or ["A"])


def demo_exam(seed: int, actor: Actor) -> tuple[int, int]:
    """The county exam and its attempts; returns (attempts, cadres who passed)."""
    rng = random.Random(f"{seed}/exam")
    county = Area.objects.get(code=COUNTY_CODE)
    exam = Exam.objects.create(
        code=EXAM_CODE, title="略阳县2019年脱贫攻坚政策知识考试", area=county, area_code=county.code,
        opens_at=EXAM_OPENS, closes_at=EXAM_CLOSES, time_limit_minutes=30, pass_mark=PASS_MARK,
        max_attempts=2, paper_kind=PaperKind.RANDOM, draw_rule=DRAW_RULE,
    )  # fmt: skip
    record_changes(
        [change_entry(actor, exam, action=ChangeAction.CREATE, before=None, after=exam.audit_snapshot())]
    )
    pools = category_pools(list(DRAW_RULE))
    questions = {q.pk: q for q in Question.objects.all()}
    revisions = dict(zip(list(questions), paper_revisions(list(questions)), strict=True))
    cadres = list(Cadre.objects.only("code", "name").order_by("code"))
    attempts: list[Attempt] = []
    answers: list[list[tuple[int, str, bool]]] = []
    window = int((EXAM_CLOSES - EXAM_OPENS).total_seconds() // 60) - 6 * 24 * 60
    for cadre in cadres:
        ability = min(0.98, rng.betavariate(4.7, 2.0))
        started = EXAM_OPENS + dt.timedelta(minutes=rng.randrange(window))
        for number in (1, 2):
            paper = draw_paper(exam, cadre.code, number, pools)
            marks = []
            for pk in paper:
                q = questions[pk]
                correct = rng.random() < ability
                marks.append(
                    (
                        pk,
                        _choose(rng, q.kind, q.answer, len(q.options) or len(JUDGE_OPTIONS), correct),
                        correct,
                    )
                )
            right = sum(1 for *_, c in marks if c)
            score = score_of(right, len(paper))
            took = dt.timedelta(minutes=rng.randint(7, 28), seconds=rng.randint(0, 59))
            attempts.append(
                Attempt(
                    exam=exam,
                    cadre=cadre,
                    number=number,
                    started_at=started,
                    deadline=min(started + dt.timedelta(minutes=30), EXAM_CLOSES),
                    question_ids=paper,
                    revision_ids=[revisions[pk] for pk in paper],
                    scored_at=started + took,
                    correct=right,
                    score=score,
                    passed=score >= PASS_MARK,
                )
            )
            answers.append(marks)
            if score >= PASS_MARK:
                break
            # A second sitting a few days later, after studying the questions missed.
            ability = min(0.98, ability + 0.1)
            started += dt.timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 300))
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    rows = [
        Answer(
            attempt=attempt,
            question_id=pk,
            choice=choice,
            # One answer every 40 seconds, saved as it was given.
            answered_at=attempt.started_at + dt.timedelta(seconds=40 * (i + 1)),
            saved_at=attempt.started_at + dt.timedelta(seconds=40 * (i + 1)),
            is_correct=correct,
        )
        for attempt, marks in zip(attempts, answers, strict=True)
        for i, (pk, choice, correct) in enumerate(marks)
    ]
    Answer.objects.bulk_create(rows, batch_size=5000)
    log = [
        change_entry(actor, a, action=ChangeAction.CREATE, before=None,
                     after={"考试编号": EXAM_CODE, "干部编号": a.cadre.code, "第几次": a.number,
                            "得分": str(a.score), "及格": a.passed})
        for a in attempts
    ]  # fmt: skip
    ChangeLog.objects.bulk_create(log, batch_size=2000)
    return len(attempts), sum(1 for a in attempts if a.passed)

"""Exams: their papers, attempts, answers saved as they are given, and scoring.

The server is the clock. An attempt's deadline is its start plus the time limit, never after the
exam closes; an answer that arrives after the deadline and a short grace (for the network) is
refused, and an attempt past it is scored with the answers that were saved. A random paper is
drawn from the bank by category counts with a generator seeded by the exam, the cadre and the
attempt's number, and stored on the attempt, so it is drawn once and scored against what was shown.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.training.models import (
    Answer,
    Attempt,
    Exam,
    ExamQuestion,
    PaperKind,
    Question,
    QuestionRevision,
)
from fupin.training.selectors.cadres import cadres_of_area, may_run_exams_in
from fupin.training.services.questions import normalise_choice, paper_revisions

# How long after its deadline an answer or a submission is still taken: what was sent in the last
# seconds may be on its way.
GRACE = dt.timedelta(seconds=30)


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ApplicationError("；".join(problems.values()), field_errors=problems)


def draw_rule_problems(rule: dict[str, int]) -> dict[str, str]:
    if not rule:
        return {"draw_rule": "随机抽题须至少指定一个类别的题数"}
    available = {
        category: Question.objects.filter(active=True, category=category).count() for category in rule
    }
    short = [f"{c}（需{n}题，题库仅有{available[c]}题）" for c, n in rule.items() if n > available[c]]
    if any(n <= 0 for n in rule.values()):
        return {"draw_rule": "每个类别的题数须大于0"}
    return {"draw_rule": "题库题目不足：" + "、".join(short)} if short else {}


def exam_problems(
    *,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    time_limit_minutes: int,
    pass_mark: int,
    max_attempts: int,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "请填写考试名称"
    if closes_at <= opens_at:
        problems["closes_at"] = "截止时间须晚于开始时间"
    if not 1 <= time_limit_minutes <= 600:
        problems["time_limit_minutes"] = "答题时限须在1至600分钟之间"
    if not 0 < pass_mark <= 100:
        problems["pass_mark"] = "及格分须在1至100之间"
    if not 1 <= max_attempts <= 10:
        problems["max_attempts"] = "作答次数须在1至10次之间"
    return problems


@transaction.atomic
def exam_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    title: str,
    area: Area,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    time_limit_minutes: int,
    pass_mark: int,
    max_attempts: int,
    paper_kind: str,
    question_codes: list[str] | None = None,
    draw_rule: dict[str, int] | None = None,
) -> Exam:
    if not may_run_exams_in(scope, area.code):
        raise PermissionDenied("您无权在该区划组织考试")
    problems = exam_problems(
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        time_limit_minutes=time_limit_minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
    )
    if Exam.objects.filter(code=code).exists():
        problems["code"] = "考试编号已存在"
    questions: list[Question] = []
    if paper_kind == PaperKind.FIXED:
        codes = list(dict.fromkeys(c.strip() for c in question_codes or [] if c.strip()))
        found = {q.code: q for q in Question.objects.filter(code__in=codes, active=True)}
        missing = [c for c in codes if c not in found]
        if not codes:
            problems["question_codes"] = "固定试卷须选择试题"
        elif missing:
            problems["question_codes"] = f"题目编号不存在或已停用：{'、'.join(missing[:20])}"
        questions = [found[c] for c in codes if c in found]
    elif paper_kind == PaperKind.RANDOM:
        problems |= draw_rule_problems(draw_rule or {})
    else:
        problems["paper_kind"] = "组卷方式无效"
    _refuse(problems)
    exam = Exam(
        code=code,
        title=title.strip(),
        area=area,
        area_code=area.code,
        opens_at=opens_at,
        closes_at=closes_at,
        time_limit_minutes=time_limit_minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        paper_kind=paper_kind,
        draw_rule=dict(draw_rule or {}) if paper_kind == PaperKind.RANDOM else {},
    )
    exam.full_clean()
    exam.save()
    ExamQuestion.objects.bulk_create(
        ExamQuestion(exam=exam, question=q, position=i) for i, q in enumerate(questions, start=1)
    )
    record_change(actor, exam, action=ChangeAction.CREATE, before=None)
    return exam


@transaction.atomic
def exam_update(
    *,
    actor: Actor,
    scope: Scope,
    exam: Exam,
    version: int,
    title: str,
    closes_at: dt.datetime,
    max_attempts: int,
) -> Exam:
    """What may change once cadres sit the exam: its name, a later close and more attempts. The
    paper, the time limit and the pass mark stay, so every result is judged alike."""
    if not may_run_exams_in(scope, exam.area_code):
        raise PermissionDenied("您无权修改该考试")
    problems = exam_problems(
        title=title,
        opens_at=exam.opens_at,
        closes_at=closes_at,
        time_limit_minutes=exam.time_limit_minutes,
        pass_mark=exam.pass_mark,
        max_attempts=max_attempts,
    )
    if max_attempts < exam.max_attempts and exam.attempts.filter(number__gt=max_attempts).exists():
        problems["max_attempts"] = "已有干部作答超过该次数，不能减少"
    _refuse(problems)
    changes: dict[str, Any] = {"title": title.strip(), "closes_at": closes_at, "max_attempts": max_attempts}
    return update_fields_checked(exam, actor=actor, expected_version=version, changes=changes)


def draw_paper(
    exam: Exam, cadre_code: str, number: int, pools: dict[str, list[int]] | None = None
) -> list[int]:
    """The paper of one attempt: the fixed questions, or a draw seeded by exam, cadre and attempt
    from each category's active questions in code order (`pools`, when a caller drawing many
    papers has loaded them once)."""
    if exam.paper_kind == PaperKind.FIXED:
        return list(exam.paper.order_by("position").values_list("question_id", flat=True))
    pools = pools if pools is not None else category_pools(list(exam.draw_rule))
    rng = random.Random(f"{exam.code}/{cadre_code}/{number}")
    chosen: list[int] = []
    for category in sorted(exam.draw_rule):
        pool = pools.get(category, [])
        chosen += rng.sample(pool, min(int(exam.draw_rule[category]), len(pool)))
    return chosen


def category_pools(categories: list[str]) -> dict[str, list[int]]:
    pools: dict[str, list[int]] = {category: [] for category in categories}
    active = Question.objects.filter(active=True, category__in=categories).order_by("code")
    for pk, category in active.values_list("pk", "category"):
        pools[category].append(pk)
    return pools


def may_sit(exam: Exam, cadre: Cadre, day: dt.date) -> bool:
    return Cadre.objects.filter(cadres_of_area(exam.area_code, day), pk=cadre.pk).exists()


def deadline_of(exam: Exam, started: dt.datetime) -> dt.datetime:
    return min(started + dt.timedelta(minutes=exam.time_limit_minutes), exam.closes_at)


@transaction.atomic
def attempt_start(*, actor: Actor, exam: Exam, cadre: Cadre, now: dt.datetime | None = None) -> Attempt:
    """The cadre's attempt in progress, or a new one if the exam is open and attempts remain."""
    now = now or timezone.now()
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # one start at a time per cadre
    attempts = list(Attempt.objects.filter(exam=exam, cadre=cadre).order_by("number"))
    for attempt in attempts:
        if not attempt.is_scored:
            if now <= attempt.deadline + GRACE:
                return attempt
            attempt_score(actor=actor, attempt=attempt, timed_out=True, now=now)
    if now < exam.opens_at:
        raise ApplicationError(f"考试尚未开始，开始时间：{timezone.localtime(exam.opens_at):%Y-%m-%d %H:%M}")
    if now >= exam.closes_at:
        raise ApplicationError("考试已截止")
    if not may_sit(exam, cadre, timezone.localdate(now)):
        raise PermissionDenied("您不在本次考试的范围内")
    if any(a.passed for a in attempts):
        raise ApplicationError("您已通过本次考试，无需再考")
    if len(attempts) >= exam.max_attempts:
        raise ApplicationError(f"本次考试最多作答{exam.max_attempts}次，您的次数已用完")
    number = len(attempts) + 1
    paper = draw_paper(exam, cadre.code, number)
    attempt = Attempt.objects.create(
        exam=exam,
        cadre=cadre,
        number=number,
        started_at=now,
        deadline=deadline_of(exam, now),
        question_ids=paper,
        revision_ids=paper_revisions(paper),
        user=actor.user,
    )
    record_change(actor, attempt, action=ChangeAction.CREATE, before=None)
    return attempt


def _choice_problem(question: QuestionRevision, choice: str) -> str | None:
    allowed = "ABCDEFGH"[: len(question.options)]
    if any(letter not in allowed for letter in choice):
        return "选项无效"
    if question.kind != "multiple" and len(choice) > 1:
        return "该题只能选一个答案"
    return None


@transaction.atomic
def answer_save(
    *,
    attempt: Attempt,
    cadre: Cadre,
    question_id: int,
    choice: str,
    answered_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Answer:
    """Save one answer as it is given. A resend of an older answer (a phone's queue after the
    network came back) does not overwrite a newer one."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.cadre_id != cadre.pk:
        raise PermissionDenied("这不是您的答卷")
    if attempt.is_scored:
        raise ApplicationError("已交卷，不能再修改答案")
    if now > attempt.deadline + GRACE:
        raise ApplicationError("已超过答题时限，答案未保存")
    if question_id not in attempt.question_ids:
        raise ApplicationError("该题不在您的试卷中")
    # Checked against the question as the paper showed it, not as it may have been edited since.
    shown = QuestionRevision.objects.get(pk=attempt.revision_ids[attempt.question_ids.index(question_id)])
    question = Question.objects.get(pk=question_id)
    choice = normalise_choice(choice)
    problem = _choice_problem(shown, choice)
    if problem:
        raise ApplicationError(problem)
    answered_at = min(answered_at or now, now)
    stored = Answer.objects.filter(attempt=attempt, question=question).first()
    if stored is None:
        return Answer.objects.create(
            attempt=attempt, question=question, choice=choice, answered_at=answered_at, saved_at=now
        )
    if answered_at >= stored.answered_at:
        stored.choice, stored.answered_at, stored.saved_at = choice, answered_at, now
        stored.save(update_fields=["choice", "answered_at", "saved_at"])
    return stored


def score_of(correct: int, total: int) -> Decimal:
    if total == 0:
        return Decimal("0.0")
    return (Decimal(100 * correct) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def attempt_score(*, actor: Actor, attempt: Attempt, timed_out: bool, now: dt.datetime) -> Attempt:
    """Mark every saved answer and score the attempt: a question counts when its choice equals the
    answer exactly (a multiple choice with one option missing or extra scores nothing), the answer
    of the question as the paper showed it."""
    before = attempt.audit_snapshot()
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    right = dict(
        QuestionRevision.objects.filter(pk__in=attempt.revision_ids).values_list("question_id", "answer")
    )
    for question_id, answer in answers.items():
        answer.is_correct = answer.choice == right.get(question_id)
    Answer.objects.bulk_update(answers.values(), ["is_correct"])
    attempt.correct = sum(1 for a in answers.values() if a.is_correct)
    attempt.score = score_of(attempt.correct, len(attempt.question_ids))
    attempt.passed = attempt.score >= attempt.exam.pass_mark
    attempt.timed_out = timed_out
    attempt.scored_at = now
    attempt.version += 1
    attempt.save()
    record_change(actor, attempt, action=ChangeAction.UPDATE, before=before)
    return attempt


@transaction.atomic
def attempt_submit(
    *, actor: Actor, attempt: Attempt, cadre: Cadre, now: dt.datetime | None = None
) -> Attempt:
    """交卷. Past the deadline (and the grace) it is scored as timed out, with what was saved."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("exam", "cadre").get(pk=attempt.pk)
    if attempt.cadre_id != cadre.pk:
        raise PermissionDenied("这不是您的答卷")
    if attempt.is_scored:
        return attempt
    return attempt_score(actor=actor, attempt=attempt, timed_out=now > attempt.deadline + GRACE, now=now)


@transaction.atomic
def attempts_close_expired(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Score every attempt left open past its deadline; run before results are read and by
    `fupin exams-close`."""
    now = now or timezone.now()
    expired = Attempt.objects.select_related("exam", "cadre").filter(
        scored_at__isnull=True, deadline__lt=now - GRACE
    )
    count = 0
    for attempt in expired.select_for_update(of=("self",)):
        attempt_score(actor=actor, attempt=attempt, timed_out=True, now=now)
        count += 1
    return count

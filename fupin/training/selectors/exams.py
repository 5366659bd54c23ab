"""Reads of the question bank, exams, attempts and results, through the user's scope.

Exams are seen by the area's roles whose area overlaps the exam's; a cadre sees the exams it may
sit and its own attempts. Results count the scope's cadres who belong to the exam's area.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fupin.core import areacode
from fupin.core.roles import SUPERUSER
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.people.selectors import cadre_list
from fupin.training.models import Attempt, Exam, ExamQuestion, Question, QuestionRevision
from fupin.training.selectors.cadres import cadres_of_area


def question_list(*, category: str = "", kind: str = "", search: str = "") -> QuerySet[Question]:
    qs = Question.objects.all()
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(Q(text__contains=search) | Q(code__startswith=search))
    return qs.order_by("category", "code")


def question_usage(question_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Question id → (exams whose fixed paper has it, attempts whose paper has it). An attempt's
    paper is a list, so attempts are counted by reading their papers (one query)."""
    papers = dict(
        ExamQuestion.objects.filter(question_id__in=question_ids)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    wanted = set(question_ids)
    attempts: dict[int, int] = dict.fromkeys(question_ids, 0)
    for paper in Attempt.objects.values_list("question_ids", flat=True).iterator(chunk_size=2000):
        for pk in wanted.intersection(paper):
            attempts[pk] += 1
    return {pk: (papers.get(pk, 0), attempts[pk]) for pk in question_ids}


def question_categories() -> list[str]:
    return list(Question.objects.values_list("category", flat=True).distinct().order_by("category"))


def exam_q(scope: Scope) -> Q:
    """An exam of the county is every town's too: an area-wide role sees exams whose area contains
    its own or lies inside it; others see the exams of the area their account is in."""
    if scope.role == SUPERUSER:
        return Q()
    root = scope.root_area_code
    if not root or scope.is_public:
        return Q(pk__in=[])
    containing = [root]
    while (parent := areacode.parent_code_of(containing[-1])) is not None:
        containing.append(parent)
    return scope.area_q("area_code") | Q(area_code__in=containing)


def exam_list(scope: Scope) -> QuerySet[Exam]:
    return Exam.objects.filter(exam_q(scope)).select_related("area").order_by("-opens_at", "-id")


def exam_get(scope: Scope, code: str) -> Exam | None:
    return exam_list(scope).filter(code=code).first()


def attempts_of(cadre: Cadre, exam: Exam) -> list[Attempt]:
    return list(Attempt.objects.filter(cadre=cadre, exam=exam).order_by("number"))


@dataclass(frozen=True)
class ResultRow:
    label: str
    cadres: int
    examined: int
    passed: int
    attempts: int

    @property
    def coverage(self) -> float:
        return round(100 * self.examined / self.cadres, 1) if self.cadres else 0.0

    @property
    def pass_rate(self) -> float:
        return round(100 * self.passed / self.examined, 1) if self.examined else 0.0


@dataclass(frozen=True)
class CadreResult:
    code: str
    name: str
    unit: str
    attempts: int
    best: Decimal | None
    passed: bool


@dataclass(frozen=True)
class Results:
    total: ResultRow
    by_unit: list[ResultRow]
    cadres: list[CadreResult]


def exam_cadres(scope: Scope, exam: Exam) -> QuerySet[Cadre]:
    """The scope's cadres who belong to the exam's area today: those the exam is for."""
    return cadre_list(scope).filter(cadres_of_area(exam.area_code, timezone.localdate()))


def exam_results(scope: Scope, exam: Exam) -> Results:
    """Per unit: cadres, cadres examined (a scored attempt), passed, attempts; per cadre its best.
    Coverage = examined / cadres; pass rate = passed / examined."""
    cadres = list(exam_cadres(scope, exam).values_list("pk", "code", "name", "unit__name").order_by("code"))
    scored: dict[int, list[tuple[Decimal, bool]]] = defaultdict(list)
    ids = {pk for pk, *_ in cadres}
    rows = Attempt.objects.filter(exam=exam, scored_at__isnull=False).values_list(
        "cadre_id", "score", "passed"
    )
    for cadre_id, score, passed in rows.iterator(chunk_size=5000):
        if cadre_id in ids and score is not None:
            scored[cadre_id].append((score, passed))
    per_cadre = [
        CadreResult(
            code=code,
            name=name,
            unit=unit,
            attempts=len(scored[pk]),
            best=max((s for s, _ in scored[pk]), default=None),
            passed=any(p for _, p in scored[pk]),
        )
        for pk, code, name, unit in cadres
    ]
    units: dict[str, list[CadreResult]] = defaultdict(list)
    for result in per_cadre:
        units[result.unit].append(result)

    def row(label: str, members: list[CadreResult]) -> ResultRow:
        return ResultRow(
            label,
            len(members),
            sum(1 for m in members if m.attempts),
            sum(1 for m in members if m.passed),
            sum(m.attempts for m in members),
        )

    return Results(
        total=row("合计", per_cadre),
        by_unit=[row(name, members) for name, members in sorted(units.items())],
        cadres=per_cadre,
    )


def open_exams_for(cadre: Cadre) -> list[Exam]:
    """Exams open now whose area the cadre belongs to."""
    now = timezone.now()
    today = timezone.localdate()
    exams = Exam.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")
    return [
        e for e in exams if Cadre.objects.filter(cadres_of_area(e.area_code, today), pk=cadre.pk).exists()
    ]


def attempt_paper(attempt: Attempt) -> list[QuestionRevision]:
    """The questions of an attempt as its paper showed them, in order."""
    revisions = QuestionRevision.objects.filter(pk__in=attempt.revision_ids).select_related("question")
    by_pk = {r.pk: r for r in revisions}
    return [by_pk[pk] for pk in attempt.revision_ids]

"""The demo county's problems: deterministic by seed, in the seed's proportions (about 500 found,
60% rectified or closed by the reference date, the rest with measures), across every channel,
category and state, imported through the problems ledger with a workflow history that agrees
with the dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from fupin.core.audit import Actor
from fupin.demo.county import DemoCounty, as_csv, build_county
from fupin.demo.rectification import REFERENCE_DATE, build_problems, demo_problems_import
from fupin.ledgers.base import ImportContext
from fupin.ledgers.services import ledger_import_files
from fupin.ledgers.tests.helpers import EVERYTHING, messages
from fupin.rectification.figures import rectification_section
from fupin.rectification.models import Channel, Problem, ProblemAction, ProblemEvent, ProblemStatus
from fupin.rectification.services.notices import notices_due
from fupin.rectification.services.problems import DEFAULT_CATEGORIES

S = ProblemStatus
COUNTY = "610727000000"


@pytest.fixture(scope="module")
def demo_county() -> DemoCounty:
    return build_county(2019)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def test_same_seed_same_problems_other_seed_other_problems(demo_county: DemoCounty) -> None:
    first = build_problems(demo_county, 2019)
    assert first == build_problems(demo_county, 2019)
    assert first.rows != build_problems(demo_county, 7).rows


def test_the_problems_have_the_seeds_shape(demo_county: DemoCounty) -> None:
    problems = build_problems(demo_county, 2019)
    rows = problems.rows
    assert 480 <= len(rows) <= 560
    assert len({r["问题编号"] for r in rows}) == len(rows)
    statuses = Counter(r["整改状态"] for r in rows)
    assert set(statuses) == {"未整改", "整改中", "已整改", "已销号"}
    done = statuses["已整改"] + statuses["已销号"]
    assert 0.55 <= done / len(rows) <= 0.65  # "检视问题500余条，已整改300余条"
    assert statuses["已销号"] > statuses["已整改"]
    assert all(r["整改措施"] and r["整改时限"] for r in rows if r["整改状态"] != "未整改")
    assert {r["检视渠道"] for r in rows} == {str(label) for label in Channel.labels}
    assert {r["问题来源"] for r in rows} == {"自己找", "群众提", "集体议", "上级点"}
    assert {r["问题类别"] for r in rows} == set(DEFAULT_CATEGORIES)
    levels = Counter(
        ("county" if r["区划代码"] == COUNTY else "town" if r["区划代码"].endswith("000") else "village")
        for r in rows
    )
    assert levels["village"] > levels["town"] > levels["county"] > 0
    assert sum(1 for r in rows if r["户编号"]) > 50
    late = [r for r in rows if r["整改状态"] == "整改中" and _date(r["整改时限"]) < REFERENCE_DATE]  # type: ignore[operator]
    assert 10 <= len(late) <= 60
    assert any((REFERENCE_DATE - _date(r["整改时限"])).days > 7 for r in late)  # type: ignore[operator]
    assert any(_date(r["整改时限"]) == REFERENCE_DATE + dt.timedelta(days=3) for r in rows)
    assert 30 <= len(problems.fix_at_once) <= 90 and 3 <= len(problems.long_term) <= 20
    for r in rows:
        found, deadline = _date(r["发现日期"]), _date(r["整改时限"])
        completed, closed = _date(r["完成日期"]), _date(r["销号日期"])
        assert found is not None and found < REFERENCE_DATE
        assert deadline is None or deadline >= found
        assert completed is None or found <= completed < REFERENCE_DATE
        assert closed is None or (completed is not None and completed <= closed < REFERENCE_DATE)
        assert (completed is not None) == (r["整改状态"] in {"已整改", "已销号"})
        assert (closed is not None) == (r["整改状态"] == "已销号")


@pytest.mark.django_db
def test_imported_through_the_ledger_with_history_consistent_with_the_dates(demo_county: DemoCounty) -> None:
    problems = build_problems(demo_county, 2019)
    households = {r["户编号"] for r in problems.rows if r["户编号"]}
    cadres = {r[k] for r in problems.rows for k in ("责任领导干部编号", "责任人干部编号") if r[k]}
    context = ImportContext(
        actor=Actor.system("演示数据", source="demo", batch="demo-test"), scope=EVERYTHING
    )
    files = [
        ("areas", demo_county.areas),
        ("units", demo_county.units),
        ("cadres", [c for c in demo_county.cadres if c["干部编号"] in cadres]),
        ("households", [h for h in demo_county.registry.households if h["户编号"] in households]),
    ]
    outcome = ledger_import_files(files=[(n, as_csv(rows), f"{n}.csv") for n, rows in files], context=context)
    assert outcome.ok, messages(outcome)
    reports = demo_problems_import(demo_county, 2019, context)
    assert [r.result.created for r in reports] == [len(problems.rows)]

    section = rectification_section(COUNTY, REFERENCE_DATE)
    statuses = Counter(r["整改状态"] for r in problems.rows)
    assert section["found"] == len(problems.rows)
    assert section["rectified"] == statuses["已整改"] + statuses["已销号"]
    assert section["closed"] == statuses["已销号"]
    assert 10 <= section["overdue"] <= 60
    assert len(section["by_channel"]) == 10 and len(section["by_category"]) == len(DEFAULT_CATEGORIES)
    assert Problem.objects.filter(fix_at_once=True).count() == len(problems.fix_at_once)
    assert Problem.objects.filter(long_term=True).count() == len(problems.long_term)
    assert not Problem.objects.filter(fix_at_once=True, status__in=[S.OPEN, S.IN_PROGRESS]).exists()

    steps: dict[int, list[ProblemEvent]] = {}
    for event in ProblemEvent.objects.order_by("problem_id", "id"):
        steps.setdefault(event.problem_id, []).append(event)
    expected = {
        S.OPEN: [ProblemAction.CREATE],
        S.IN_PROGRESS: [ProblemAction.CREATE, ProblemAction.START],
        S.RECTIFIED: [ProblemAction.CREATE, ProblemAction.START, ProblemAction.RECTIFY],
        S.CLOSED: [ProblemAction.CREATE, ProblemAction.START, ProblemAction.RECTIFY, ProblemAction.CLOSE],
    }
    for problem in Problem.objects.all():
        events = steps[problem.pk]
        assert [e.action for e in events] == expected[S(problem.status)]
        days = [e.on for e in events]
        assert days == sorted(days) and days[0] == problem.found_date
        by_action = {e.action: e.on for e in events}
        assert by_action.get(ProblemAction.RECTIFY) == problem.completed_date
        assert by_action.get(ProblemAction.CLOSE) == problem.closed_date

    # The county has notices to show on its reference date.
    kinds = Counter(d.kind for d in notices_due(day=REFERENCE_DATE))
    assert kinds["due_soon"] >= 1 and kinds["overdue"] >= 10 and kinds["long_overdue"] >= 1

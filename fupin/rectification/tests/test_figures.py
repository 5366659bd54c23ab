"""The `rectification` figures against a hand-built problem set, around as_of."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.rectification.models import Channel, Problem
from fupin.rectification.services.workflow import problem_close, problem_rectify, problem_start
from fupin.rectification.tests.conftest import Rect
from fupin.reports.figures import figures_document

D = dt.date


def _through(
    rect: Rect,
    problem: Problem,
    *,
    deadline: dt.date,
    completed: dt.date | None = None,
    closed: dt.date | None = None,
) -> Problem:
    problem = problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=problem,
        expected_version=problem.version,
        measures="措施",
        deadline=deadline,
        on=problem.found_date,
        responsible_person=rect.cadre("G3"),
    )
    if completed:
        rect.evidence(problem)
        problem = problem_rectify(
            actor=SYSTEM,
            scope=EVERYTHING,
            problem=problem,
            expected_version=problem.version,
            account="已整改",
            completed_date=completed,
        )
    if closed:
        problem = problem_close(
            actor=SYSTEM,
            scope=EVERYTHING,
            problem=problem,
            expected_version=problem.version,
            closed_date=closed,
        )
    return problem


def _problems(rect: Rect) -> None:
    f: Any = rect.file
    a1, b1 = rect.county.village_a1, rect.county.village_b1
    # P1 closed well before as_of.
    _through(
        rect,
        f("P1", found=D(2019, 9, 2)),
        deadline=D(2019, 9, 30),
        completed=D(2019, 9, 20),
        closed=D(2019, 9, 25),
    )
    # P2 completed before as_of, closed after it: rectified, not closed.
    _through(
        rect,
        f("P2", found=D(2019, 10, 1), category="医疗保障"),
        deadline=D(2019, 10, 31),
        completed=D(2019, 10, 30),
        closed=D(2019, 11, 2),
    )
    # P3 completed after as_of: open on as_of, and overdue (deadline Oct 15 < Oct 31).
    _through(
        rect,
        f("P3", found=D(2019, 10, 3), channel=Channel.SUGGESTION_BOX),
        deadline=D(2019, 10, 15),
        completed=D(2019, 11, 5),
    )
    # P4 in progress, deadline on as_of: open, not overdue (deadline is not before as_of).
    _through(rect, f("P4", found=D(2019, 10, 4), area=b1, category="信访矛盾纠纷"), deadline=D(2019, 10, 31))
    # P5 not started, no deadline: open, not overdue.
    f("P5", found=D(2019, 10, 5), channel=Channel.PARTY_APP, area=a1)
    # P6 found after as_of: not counted at all.
    f("P6", found=D(2019, 11, 1), category="教育保障")


def test_county_figures_match_the_hand_count(rect: Rect) -> None:
    _problems(rect)
    section = figures_document(rect.county.county, "2019-10")["rectification"]
    assert section == {
        "found": 5,
        "rectified": 2,  # P1, P2
        "closed": 1,  # P1
        "open": 3,  # P3, P4, P5
        "overdue": 1,  # P3
        "by_category": {"住房安全": 3, "信访矛盾纠纷": 1, "医疗保障": 1},
        "by_channel": {"个别谈话": 3, "意见箱": 1, "党建APP": 1},
    }


def test_as_of_moves_every_count(rect: Rect) -> None:
    _problems(rect)
    later = figures_document(rect.county.county, "2019-11", "2019-11-05")["rectification"]
    # P6 now found; P2 closed on Nov 2; P3 completed on Nov 5 (≤ as_of); P4 overdue since Oct 31.
    assert (later["found"], later["rectified"], later["closed"], later["open"], later["overdue"]) == (
        6,
        3,
        2,
        3,
        1,
    )
    assert later["by_category"]["教育保障"] == 1


def test_a_town_counts_only_its_villages(rect: Rect) -> None:
    _problems(rect)
    town_b = figures_document(rect.county.town_b, "2019-10")["rectification"]
    assert (town_b["found"], town_b["open"], town_b["by_category"]) == (1, 1, {"信访矛盾纠纷": 1})

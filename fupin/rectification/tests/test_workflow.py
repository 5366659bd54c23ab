"""The workflow 未整改 → 整改中 → 已整改 → 已销号: every refusal, every transition recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.rectification.models import ProblemAction, ProblemCategory, ProblemStatus
from fupin.rectification.services.problems import DEFAULT_CATEGORIES, categories_ensure_default
from fupin.rectification.services.workflow import (
    problem_close,
    problem_rectify,
    problem_reject,
    problem_reopen,
    problem_start,
)
from fupin.rectification.tests.conftest import Rect

D = dt.date
S = ProblemStatus


def _start(rect: Rect, problem, **extra):  # type: ignore[no-untyped-def]
    return problem_start(
        actor=SYSTEM,
        scope=extra.pop("scope", EVERYTHING),
        problem=problem,
        expected_version=extra.pop("expected_version", problem.version),
        measures=extra.pop("measures", "协调住建部门发放补助"),
        deadline=extra.pop("deadline", D(2019, 11, 30)),
        on=D(2019, 10, 9),
        responsible_person=extra.pop("responsible_person", rect.cadre("G3")),
        **extra,
    )


def _rectify(problem, scope=EVERYTHING, **extra):  # type: ignore[no-untyped-def]
    return problem_rectify(
        actor=SYSTEM,
        scope=scope,
        problem=problem,
        expected_version=problem.version,
        account=extra.pop("account", "补助已发放到户"),
        completed_date=extra.pop("completed_date", D(2019, 10, 20)),
    )


def test_the_county_gets_the_seed_categories_once(rect: Rect) -> None:
    assert list(rect.categories) == list(DEFAULT_CATEGORIES)
    categories_ensure_default(actor=SYSTEM, county=rect.county.county)
    assert ProblemCategory.objects.count() == 12


def test_the_whole_way_to_closed_is_recorded(rect: Rect) -> None:
    problem = rect.file()
    problem = _start(rect, problem)
    rect.evidence(problem)
    problem = _rectify(problem)
    verifier = rect.scope("office_staff")
    problem = problem_close(
        actor=Actor.of(rect.personas.users["office_staff"]),
        scope=verifier,
        problem=problem,
        expected_version=problem.version,
        closed_date=D(2019, 10, 25),
    )
    assert (problem.status, problem.completed_date, problem.closed_date) == (
        S.CLOSED,
        D(2019, 10, 20),
        D(2019, 10, 25),
    )
    steps = list(problem.events.values_list("action", "from_status", "to_status", "on"))
    assert steps == [
        (ProblemAction.CREATE, "", S.OPEN, D(2019, 10, 8)),
        (ProblemAction.START, S.OPEN, S.IN_PROGRESS, D(2019, 10, 9)),
        (ProblemAction.RECTIFY, S.IN_PROGRESS, S.RECTIFIED, D(2019, 10, 20)),
        (ProblemAction.CLOSE, S.RECTIFIED, S.CLOSED, D(2019, 10, 25)),
    ]
    assert problem.events.last().by_name == "office_staff"  # type: ignore[union-attr]
    assert ChangeLog.objects.filter(object_type="rectification.problem", object_id=problem.pk).count() == 4


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ({"measures": ""}, "measures", "开始整改前须填写整改措施"),
        ({"responsible_person": None}, "responsible_person", "开始整改前须明确责任人"),
        ({"deadline": D(2019, 10, 1)}, "deadline", "整改时限不能早于发现日期"),
    ],
)
def test_starting_needs_measures_a_deadline_and_a_person(
    rect: Rect, missing: dict, field: str, message: str
) -> None:  # type: ignore[type-arg]
    problem = rect.file()
    with pytest.raises(ApplicationError) as refused:
        _start(rect, problem, **missing)
    assert refused.value.field_errors[field] == message
    problem.refresh_from_db()
    assert problem.status == S.OPEN and problem.version == 1


def test_starting_without_any_deadline_is_refused(rect: Rect) -> None:
    problem = rect.file()
    with pytest.raises(ApplicationError, match="开始整改前须确定整改时限"):
        problem_start(
            actor=SYSTEM,
            scope=EVERYTHING,
            problem=problem,
            expected_version=1,
            measures="措施",
            responsible_person=rect.cadre("G3"),
        )


def test_rectifying_needs_an_account_and_evidence(rect: Rect) -> None:
    problem = _start(rect, rect.file())
    with pytest.raises(ApplicationError) as refused:
        _rectify(problem, account=" ")
    assert set(refused.value.field_errors) == {"account", "evidence"}
    rect.evidence(problem)
    with pytest.raises(ApplicationError, match="完成日期不能早于发现日期"):
        _rectify(problem, completed_date=D(2019, 10, 1))
    assert _rectify(problem).status == S.RECTIFIED


def test_only_fix_at_once_problems_skip_straight_to_rectified(rect: Rect) -> None:
    ordinary = rect.file()
    rect.evidence(ordinary)
    with pytest.raises(ApplicationError, match="只有“即知即改”的问题可直接整改完成"):
        _rectify(ordinary)
    at_once = rect.file("村道路灯不亮", fix_at_once=True)
    rect.evidence(at_once)
    assert _rectify(at_once).status == S.RECTIFIED


def test_illegal_transitions_are_refused_with_the_current_status(rect: Rect) -> None:
    problem = rect.file()
    with pytest.raises(ApplicationError, match="当前为“未整改”，不能核验销号"):
        problem_close(
            actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=1, closed_date=D(2019, 10, 9)
        )
    started = _start(rect, problem)
    with pytest.raises(ApplicationError, match="当前为“整改中”，不能开始整改"):
        _start(rect, started)
    with pytest.raises(ApplicationError, match="当前为“整改中”，不能重新打开"):
        problem_reopen(
            actor=SYSTEM, scope=EVERYTHING, problem=started, expected_version=started.version, reason="x"
        )


def test_the_responsible_person_cannot_close_their_own_problem(rect: Rect) -> None:
    problem = _start(rect, rect.file(), responsible_person=rect.cadre("G3"))
    rect.evidence(problem)
    problem = _rectify(problem)
    with pytest.raises(PermissionDenied, match="责任人不能核验销号"):
        problem_close(
            actor=SYSTEM,
            scope=rect.scope("paired_cadre"),  # the G3 cadre's login
            problem=problem,
            expected_version=problem.version,
            closed_date=D(2019, 10, 25),
        )
    problem.refresh_from_db()
    assert problem.status == S.RECTIFIED


def test_a_rejection_needs_a_reason_and_sends_the_problem_back(rect: Rect) -> None:
    problem = _start(rect, rect.file())
    rect.evidence(problem)
    problem = _rectify(problem)
    with pytest.raises(ApplicationError, match="请填写退回原因"):
        problem_reject(
            actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=problem.version, reason=""
        )
    problem = problem_reject(
        actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=problem.version, reason="照片不清晰"
    )
    assert (problem.status, problem.completed_date) == (S.IN_PROGRESS, None)
    assert problem.events.last().note == "照片不清晰"  # type: ignore[union-attr]


def test_reopening_a_closed_problem_is_for_managers_only(rect: Rect) -> None:
    problem = _start(rect, rect.file())
    rect.evidence(problem)
    problem = _rectify(problem)
    problem = problem_close(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=problem,
        expected_version=problem.version,
        closed_date=D(2019, 10, 25),
    )
    with pytest.raises(PermissionDenied):
        problem_reopen(
            actor=SYSTEM,
            scope=rect.scope("unit_user"),
            problem=problem,
            expected_version=problem.version,
            reason="反弹",
        )
    reopened = problem_reopen(
        actor=SYSTEM,
        scope=rect.scope("county_admin"),
        problem=problem,
        expected_version=problem.version,
        reason="反弹",
    )
    assert (reopened.status, reopened.completed_date, reopened.closed_date) == (S.IN_PROGRESS, None, None)


def test_a_second_editor_gets_a_conflict_not_an_overwrite(rect: Rect) -> None:
    problem = rect.file()
    _start(rect, problem, expected_version=1)
    with pytest.raises(ConflictError):
        _start(rect, problem, expected_version=1, measures="另一套措施")
    problem.refresh_from_db()
    assert problem.measures == "协调住建部门发放补助" and problem.version == 2


def test_who_may_work_on_and_verify_a_problem(rect: Rect) -> None:
    in_town_a = rect.file()
    in_town_b = rect.file("搬迁户旧宅未拆除", category="易地搬迁宅基地腾退", area=rect.county.village_b1)
    # The town official of town A steers town A's problems, not town B's; the outsider neither.
    _start(rect, in_town_a, scope=rect.scope("town_official"))
    for persona in ("town_official", "outsider", "public", "paired_cadre"):
        with pytest.raises(PermissionDenied):
            _start(rect, in_town_b, scope=rect.scope(persona))
    # The responsible unit's user may work on its problems.
    assert _start(rect, in_town_b, scope=rect.scope("unit_user")).status == S.IN_PROGRESS


def test_a_villagers_photo_is_not_evidence_of_rectification(rect: Rect) -> None:
    from django.core.files.base import ContentFile

    from fupin.rectification.models import Evidence

    problem = _start(rect, rect.file())
    report_photo = Evidence(problem=problem, original_name="问题照片.jpg", is_image=True, uploaded_by=None)
    report_photo.file.save("report.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=False)
    report_photo.save()
    with pytest.raises(ApplicationError, match="请上传整改佐证照片或文件"):
        _rectify(problem)

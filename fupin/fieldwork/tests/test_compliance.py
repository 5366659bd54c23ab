"""The compliance board's figures and the list of cadres who fall short, against a hand-built October
2019, counted by hand.

October 2019's judged ISO weeks are Sep 30–Oct 6, Oct 7–13, 14–20, 21–27 and Oct 28–Nov 3. With the
default rules (县级领导 3 days a week of any kind, 部门主要负责人 4 days a week 驻村 or 入户, 帮扶干部 8
days in the month 入户) the county's judged cadres are:

- G1 县级领导 + 帮扶干部, leads town B: 2, 2, 3, 3, 3 days (Sep 30 counts for week 1, Nov 1–2 for
  week 5; a mocked check-in on Oct 9 does not count), so short by 1 + 1; no household visits, short
  by 8; approved leave Oct 2–4.
- G2 部门主要负责人 + 帮扶干部, no assignment: 4 village days every week (two check-ins on Oct 14
  count once, a day in week 3 is added), meets; no household visits, short by 8.
- G3 帮扶干部, paired with H1 and H2 (town A): 8 household days in October (two visits on Oct 8 count
  once; Nov 1 and an invalid Oct 25 do not count): meets.
- G4 帮扶干部, paired with H3 (town A) and H4 (town B): 8 visits on 7 October days (Sep 30 is not in
  the month): short by 1.
- G5 帮扶干部, no assignment, no check-ins: short by 8.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fupin.conftest import EVERYTHING
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import LeaderTown
from fupin.fieldwork.models import ApprovalLevel, CheckInKind, Leave, LeaveStatus
from fupin.fieldwork.selectors.compliance import (
    MONTH,
    WEEK,
    QuotaRule,
    cadre_towns,
    calendar_span,
    compliance_cadres_q,
    pace_expected,
    pace_on,
    period_of,
    quota_figures,
    valid_day_masks,
)
from fupin.fieldwork.selectors.compliance_board import (
    NO_TOWN,
    BoardQuery,
    Filters,
    board_of,
    shortfall_rows,
    shortfall_seeds,
)
from fupin.fieldwork.tests.conftest import H1_POINT, TOWN_A, VILLAGE_A1, VILLAGE_A2, Field

D = dt.date
HOUSEHOLD, VILLAGE, TOWN = CheckInKind.HOUSEHOLD, CheckInKind.VILLAGE, CheckInKind.TOWN
TOWN_A_CODE, TOWN_B_CODE = "610727100000", "610727101000"


def build_october(field: Field) -> Field:
    c = field.county
    LeaderTown.objects.create(cadre=field.cadre("G1"), town=c.town_b, start_date=D(2019, 1, 1))
    field.pair("G4", "H3", D(2019, 1, 1))
    field.pair("G4", "H4", D(2019, 1, 1))
    # G1: 县级领导 3 days a week.
    for day in [D(2019, 9, 30), D(2019, 10, 1), D(2019, 10, 7), D(2019, 10, 8)]:
        field.checkin("G1", TOWN, c.town_a, day, at=TOWN_A)
    field.checkin("G1", TOWN, c.town_a, D(2019, 10, 9), at=TOWN_A, accuracy="0")  # mocked
    for day in [D(2019, 10, 14), D(2019, 10, 15), D(2019, 10, 16), D(2019, 10, 21), D(2019, 10, 22)]:
        field.checkin("G1", TOWN, c.town_a, day, at=TOWN_A)
    for day in [D(2019, 10, 23), D(2019, 10, 28), D(2019, 11, 1), D(2019, 11, 2)]:
        field.checkin("G1", VILLAGE, c.village_a1, day, at=VILLAGE_A1)
    Leave.objects.create(
        cadre=field.cadre("G1"),
        start_date=D(2019, 10, 2),
        end_date=D(2019, 10, 4),
        reason="参加培训",
        status=LeaveStatus.APPROVED,
        approval_level=ApprovalLevel.COUNTY,
    )
    # G2: 部门主要负责人 4 days a week in villages.
    for monday in [D(2019, 9, 30), D(2019, 10, 7), D(2019, 10, 14), D(2019, 10, 21), D(2019, 10, 28)]:
        for offset in range(4):
            field.checkin("G2", VILLAGE, c.village_a1, monday + dt.timedelta(days=offset), at=VILLAGE_A1)
    field.checkin("G2", VILLAGE, c.village_a1, D(2019, 10, 14), at=VILLAGE_A1)  # the same day again
    # G3: 8 household days in October.
    for day in [3, 5, 8, 10, 15, 17, 22, 24]:
        field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, day), household="H1", at=H1_POINT)
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, 8), household="H1", at=H1_POINT)
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, 25), household="H1", at=H1_POINT, accuracy="0")
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 11, 1), household="H1", at=H1_POINT)
    # G4: 8 visits on 7 October days, and one on Sep 30.
    for day in [D(2019, 9, 30), *(D(2019, 10, d) for d in (1, 2, 3, 4, 7, 8, 9, 9))]:
        field.checkin("G4", HOUSEHOLD, c.village_a2, day, household="H3", at=VILLAGE_A2)
    return field


@pytest.fixture
def october(field: Field) -> Field:
    return build_october(field)


def board_for(field: Field, scope: Scope = EVERYTHING, area: Any = None, cadres: Any = None) -> Any:
    query = BoardQuery(
        scope,
        area or field.county.county,
        2019,
        10,
        compliance_cadres_q(scope) if cadres is None else cadres,
    )
    return board_of(query)


def tallies(group: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {key: (t.cadres, t.met) for key, t in group.items()}


def test_summary_per_category_judges_a_cadre_under_each_of_its_categories(october: Field) -> None:
    board = board_for(october)
    assert tallies(board.by_category) == {
        "county_leader": (1, 0),
        "dept_head": (1, 1),
        "paired_cadre": (5, 1),
    }
    assert board.by_category["paired_cadre"].rate == "20.0%"
    # The same numbers as the figures document's quota section.
    figures = quota_figures(october.county.county, 2019, 10, D(2019, 10, 31))
    assert figures == {
        "县级领导": {"cadres": 1, "met": 0},
        "部门主要负责人": {"cadres": 1, "met": 1},
        "帮扶干部": {"cadres": 5, "met": 1},
    }


def test_by_unit_a_cadre_meets_when_it_meets_all_its_rules(october: Field) -> None:
    board = board_for(october)
    assert tallies(board.by_unit) == {"U1": (2, 0), "U2": (1, 1), "U3": (1, 0), "U4": (1, 0)}
    assert board.by_unit["U1"].label == "县扶贫开发局"


def test_by_town_a_cadre_counts_in_each_town_of_its_assignments(october: Field) -> None:
    board = board_for(october)
    assert tallies(board.by_town) == {TOWN_A_CODE: (2, 1), TOWN_B_CODE: (2, 0), NO_TOWN: (2, 0)}
    assert board.by_town[TOWN_A_CODE].label == "兴州街道"
    assert board.multi_town_cadres == 1  # G4
    assert list(board.by_town)[-1] == NO_TOWN


def test_cadre_towns_keeps_only_towns_inside_the_area(october: Field) -> None:
    towns = cadre_towns(october.county.town_a, D(2019, 10, 31))
    # G7 serves in village A1's work team (and holds no category with a rule: the board skips it).
    assert towns == {october.cadre(code).pk: {TOWN_A_CODE} for code in ("G3", "G4", "G7")}


def test_shortfall_rows_by_hand(october: Field) -> None:
    board = board_for(october)
    rows = {
        (r.cells[0], r.cells[4]): r.cells for r in shortfall_rows(board, shortfall_seeds(board, Filters()))
    }
    assert sorted(rows) == [
        ("G1", "县级领导"),
        ("G1", "帮扶干部"),
        ("G2", "帮扶干部"),
        ("G4", "帮扶干部"),
        ("G5", "帮扶干部"),
    ]
    leader = rows[("G1", "县级领导")]
    assert leader[:6] == (
        "G1",
        "赵县长",
        "县扶贫开发局",
        "接官亭镇",
        "县级领导",
        "每周至少3天（驻镇、驻村、入户）",
    )
    assert leader[6] == (
        "09-30至10-06：2天；10-07至10-13：2天；10-14至10-20：3天；10-21至10-27：3天；10-28至11-03：3天"
    )
    assert leader[7:] == (2, 3, "10-02至10-04", "未达标")
    assert rows[("G1", "帮扶干部")][6:] == ("10-01至10-31：0天", 8, 3, "10-02至10-04", "未达标")
    assert rows[("G4", "帮扶干部")][3] == "兴州街道、接官亭镇"
    assert rows[("G4", "帮扶干部")][6:9] == ("10-01至10-31：7天", 1, 0)
    assert rows[("G5", "帮扶干部")][3] == "无在岗驻点乡镇"


def test_filters_by_unit_town_category_and_all(october: Field) -> None:
    board = board_for(october)

    def codes(**kwargs: str) -> list[tuple[str, str]]:
        seeds = shortfall_seeds(board, Filters(**kwargs))
        return [(person.code, result.rule.category) for person, result in seeds]

    assert codes(unit="U1") == [("G1", "county_leader"), ("G1", "paired_cadre"), ("G2", "paired_cadre")]
    assert codes(town=TOWN_A_CODE) == [("G4", "paired_cadre")]
    assert codes(town=NO_TOWN) == [("G2", "paired_cadre"), ("G5", "paired_cadre")]
    assert codes(category="county_leader") == [("G1", "county_leader")]
    assert codes(town=TOWN_A_CODE, show="all") == [("G3", "paired_cadre"), ("G4", "paired_cadre")]
    assert len(codes(show="all")) == 7


def test_a_unit_user_and_a_town_official_see_their_part(october: Field) -> None:
    unit_scope = Scope(
        role=Role.UNIT_USER,
        area_prefixes=("610727",),
        unit_ids=frozenset({october.county.agriculture.pk, october.county.agriculture_station.pk}),
    )
    board = board_for(october, unit_scope)
    assert [p.code for p in board.people] == ["G3", "G4"]
    town_scope = Scope(role=Role.TOWN_OFFICIAL, area_prefixes=("610727100",))
    board = board_for(october, town_scope, area=october.county.town_a)
    assert [p.code for p in board.people] == ["G3", "G4"]
    assert tallies(board.by_town) == {TOWN_A_CODE: (2, 1)}
    assert compliance_cadres_q(Scope(role=Role.PAIRED_CADRE, area_prefixes=("610727",))) is None


def test_an_unfinished_month_marks_short_periods_in_progress(october: Field, monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: D(2019, 10, 20))
    board = board_for(october)
    rows = {
        (r.cells[0], r.cells[4]): r.cells[-1]
        for r in shortfall_rows(board, shortfall_seeds(board, Filters()))
    }
    assert rows[("G1", "县级领导")] == "未达标"  # weeks 1 and 2 are over
    assert rows[("G4", "帮扶干部")] == "进行中"  # October is not
    assert not board.month_over


def test_a_changed_rule_changes_the_board(october: Field) -> None:
    from fupin.areas.models import CountySetting

    CountySetting.objects.create(
        county=october.county.county,
        name="quota_rules",
        value=[{"category": "paired_cadre", "kinds": ["household"], "days": 7, "period": "month"}],
    )
    board = board_for(october)
    assert tallies(board.by_category) == {"paired_cadre": (5, 2)}  # G4's 7 days now suffice


def test_pace_floor_of_n_k_over_l() -> None:
    weekly = QuotaRule("dept_head", frozenset({"village", "household"}), 4, WEEK)
    monthly = QuotaRule("paired_cadre", frozenset({"household"}), 8, MONTH)
    week = period_of(weekly, D(2019, 11, 7))
    assert (week.start, week.end) == (D(2019, 11, 4), D(2019, 11, 10))
    assert [pace_expected(weekly, week, week.start + dt.timedelta(days=k)) for k in range(7)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        4,
    ]
    november = period_of(monthly, D(2019, 11, 7))
    assert (november.start, november.end) == (D(2019, 11, 1), D(2019, 11, 30))
    assert [pace_expected(monthly, november, D(2019, 11, d)) for d in (3, 4, 7, 8, 30)] == [0, 1, 1, 2, 8]


def test_pace_counts_valid_days_so_far_once_each(october: Field) -> None:
    rule = QuotaRule("paired_cadre", frozenset({"household"}), 8, MONTH)
    cadre = october.cadre("G4").pk
    masks = valid_day_masks({cadre}, calendar_span(2019, 10, []))[cadre]
    pace = pace_on(rule, masks, D(2019, 10, 9))
    assert (pace.days, pace.expected, pace.behind) == (7, 2, False)
    later = pace_on(rule, masks, D(2019, 10, 31))
    assert (later.days, later.expected, later.behind) == (7, 8, True)


def test_the_revalidation_command_and_task(field: Field, capsys: Any) -> None:
    from django.core.management import call_command

    from fupin.areas.models import CountySetting
    from fupin.fieldwork.tasks import revalidate_checkins
    from fupin.fieldwork.tests.conftest import north_of

    c = field.county
    far = [
        field.checkin("G3", HOUSEHOLD, c.village_a1, day, household="H1", at=north_of(H1_POINT, 2500))
        for day in (D(2019, 9, 29), D(2019, 9, 30), D(2019, 11, 3), D(2019, 11, 4))
    ]
    assert not any(checkin.valid for checkin in far)
    CountySetting.objects.create(county=c.county, name="checkin_radius_m", value=3000)
    call_command("checkins-revalidate", "--area", "610727000000", "--month", "2019-10")
    assert "2019-09-30至2019-11-03的打卡已重新核验，2条结论改变" in capsys.readouterr().out
    for checkin in far:
        checkin.refresh_from_db()
    assert [checkin.valid for checkin in far] == [False, True, True, False]  # October and its weeks
    assert revalidate_checkins.delay("610727000000", "2019-09-01").get() == 2
    assert revalidate_checkins.delay("610727000000", "2019-09-01").get() == 0  # idempotent

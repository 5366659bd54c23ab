"""Matching laborers to postings on hand-built cases: each criterion excludes or scores as
matching.py says, ties fall in a fixed order, and the same input always gives the same list."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from fupin.core import idnumber
from fupin.employment.matching import (
    FREE_BY_START,
    FREE_LATER,
    GENERAL_POINTS,
    PLACE_POINTS,
    SKILL_POINTS,
    WISH_POINTS,
    Candidate,
    Opening,
    age_on,
    best_openings,
    distance,
    match,
    ranked_candidates,
)

D = dt.date
VILLAGE, OTHER_VILLAGE_SAME_TOWN = "610727100200", "610727100201"
TOWN, OTHER_TOWN_VILLAGE, COUNTY = "610727100000", "610727101200", "610727000000"
START = D(2019, 11, 1)
BORN = D(1985, 6, 1)


def person(n: int, born: dt.date = BORN, **fields: object) -> Candidate:
    base = Candidate(
        id_number=idnumber.make("610727", born, n),
        name=f"劳动力{n}",
        area_code=VILLAGE,
        skills=(),
        status="unemployed",
        wish_reach="county",
        wish_work_type="",
        available_from=None,
        poor=False,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def job(code: str = "J1", **fields: object) -> Opening:
    base = Opening(
        code=code,
        title="岗位",
        employer="某公司",
        work_type="construction",
        skill_required=False,
        region="in_county",
        area_code=VILLAGE,
        monthly_wage=Decimal("3000"),
        start_date=START,
        end_date=D(2019, 12, 31),
        min_age=None,
        max_age=None,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


# -- skill --------------------------------------------------------------------------------------
def test_having_the_skill_scores_and_a_required_skill_excludes_those_without() -> None:
    skilled = match(person(1, skills=("construction",)), job(skill_required=True))
    assert skilled.eligible and skilled.score == SKILL_POINTS + PLACE_POINTS[0] + FREE_BY_START
    assert "具备建筑技能" in skilled.reasons
    unskilled = match(person(2), job(skill_required=True))
    assert not unskilled.eligible and unskilled.reasons == ("不具备建筑技能",)
    # Not required: the unskilled laborer is eligible, with no skill points.
    assert match(person(2), job()).score == PLACE_POINTS[0] + FREE_BY_START


def test_wish_adds_to_the_skill_and_a_general_job_scores_for_the_unskilled() -> None:
    both = match(person(1, skills=("sewing",), wish_work_type="sewing"), job(work_type="sewing"))
    assert both.score == SKILL_POINTS + WISH_POINTS + PLACE_POINTS[0] + FREE_BY_START
    wish_only = match(person(2, wish_work_type="sewing"), job(work_type="sewing"))
    assert wish_only.score == WISH_POINTS + PLACE_POINTS[0] + FREE_BY_START
    general = match(person(3), job(work_type="general"))
    assert general.score == GENERAL_POINTS + PLACE_POINTS[0] + FREE_BY_START
    assert "普工岗位" in general.reasons


# -- place --------------------------------------------------------------------------------------
def test_distance_from_the_village_outwards() -> None:
    assert distance(VILLAGE, job(area_code=VILLAGE)) == 0
    assert distance(VILLAGE, job(area_code=OTHER_VILLAGE_SAME_TOWN)) == 1
    assert distance(VILLAGE, job(area_code=TOWN)) == 1
    assert distance(VILLAGE, job(area_code=OTHER_TOWN_VILLAGE)) == 2
    assert distance(VILLAGE, job(area_code=COUNTY)) == 2
    assert distance(VILLAGE, job(area_code="610726100200")) == 3  # another county's village
    assert distance(VILLAGE, job(region="in_province", area_code=COUNTY)) == 3
    assert distance(VILLAGE, job(region="out_of_province", area_code=COUNTY)) == 4


def test_a_job_beyond_the_wished_reach_is_excluded_and_nearer_scores_more() -> None:
    stay_home = person(1, wish_reach="village")
    assert match(stay_home, job(area_code=VILLAGE)).eligible
    refused = match(stay_home, job(area_code=OTHER_VILLAGE_SAME_TOWN))
    assert not refused.eligible and refused.reasons == ("超出意愿地点（本村）",)
    goes_anywhere = person(2, wish_reach="anywhere")
    scores = [
        match(goes_anywhere, job(area_code=code, region=region)).score
        for code, region in (
            (VILLAGE, "in_county"),
            (TOWN, "in_county"),
            (COUNTY, "in_county"),
            (COUNTY, "in_province"),
            (COUNTY, "out_of_province"),
        )
    ]
    assert scores == [p + FREE_BY_START for p in PLACE_POINTS]
    assert not match(
        person(3, wish_reach="province"), job(region="out_of_province", area_code=COUNTY)
    ).eligible


# -- availability --------------------------------------------------------------------------------
def test_an_employed_laborer_is_excluded() -> None:
    verdict = match(person(1, status="migrant"), job())
    assert not verdict.eligible and verdict.reasons == ("已就业（外出务工）",)


def test_wish_date_before_start_after_start_and_after_the_end() -> None:
    on_time = match(person(1, available_from=START), job())
    later = match(person(2, available_from=D(2019, 11, 20)), job())
    too_late = match(person(3, available_from=D(2020, 1, 1)), job())
    open_ended = match(person(4, available_from=D(2020, 1, 1)), job(end_date=None))
    assert on_time.score - later.score == FREE_BY_START - FREE_LATER
    assert "2019-11-20起可到岗" in later.reasons
    assert not too_late.eligible and too_late.reasons == ("可到岗日期晚于岗位截止日期",)
    assert open_ended.eligible and open_ended.score == later.score


# -- age -----------------------------------------------------------------------------------------
def test_age_is_taken_on_the_start_date_and_limits_are_inclusive() -> None:
    # Born 1959-11-01: 60 on the start date itself; born 1959-11-02: still 59.
    sixty = person(1, born=D(1959, 11, 1))
    fifty_nine = person(2, born=D(1959, 11, 2))
    assert age_on(sixty.id_number, START) == 60 and age_on(fifty_nine.id_number, START) == 59
    limited = job(min_age=18, max_age=59)
    assert match(fifty_nine, limited).eligible
    assert match(sixty, limited).reasons == ("年龄60岁，超过59岁",)
    young = person(3, born=D(2002, 11, 2))
    assert match(young, limited).reasons == ("年龄16岁，低于18岁",)
    assert match(young, job(max_age=59)).eligible  # no minimum given


def test_every_reason_of_an_excluded_laborer_is_given() -> None:
    verdict = match(
        person(1, born=D(1950, 1, 1), status="local", wish_reach="village"),
        job(area_code=COUNTY, max_age=55, skill_required=True),
    )
    assert not verdict.eligible and verdict.score == 0
    assert len(verdict.reasons) == 4


# -- ranking and ties ------------------------------------------------------------------------------
def test_candidates_rank_by_score_then_poor_then_earliest_free_then_id_number() -> None:
    opening = job(work_type="construction")
    best = person(1, skills=("construction",))
    poor_tie = person(2, poor=True)
    rich_tie_early = person(3, available_from=D(2019, 10, 1))
    rich_tie_none = person(4)  # free now sorts before any date
    rich_tie_later_id = person(5)
    excluded = person(6, status="local")
    pool = [excluded, rich_tie_later_id, rich_tie_early, poor_tie, rich_tie_none, best]
    ranked = ranked_candidates(opening, pool)
    assert [m.candidate.name for m in ranked] == ["劳动力1", "劳动力2", "劳动力4", "劳动力5", "劳动力3"]
    # The same input in any order gives the same list.
    assert [m.candidate for m in ranked_candidates(opening, reversed(pool))] == [m.candidate for m in ranked]


def test_a_laborers_best_postings_tie_break_on_wage_then_code_and_stop_at_the_limit() -> None:
    laborer = person(1, skills=("sewing",), wish_reach="anywhere")
    openings = [
        job("J9", work_type="sewing", monthly_wage=Decimal("2800")),
        job("J3", work_type="sewing", monthly_wage=Decimal("3200")),
        job("J2", work_type="sewing", monthly_wage=Decimal("3200")),
        job("J1", work_type="welding", skill_required=True),  # excluded
        job(
            "J5", work_type="sewing", region="out_of_province", area_code=COUNTY, monthly_wage=Decimal("6000")
        ),
    ]
    best = best_openings(laborer, openings, limit=3)
    assert [m.opening.code for m in best] == ["J2", "J3", "J9"]
    assert [m.opening.code for m in best_openings(laborer, openings, limit=10)] == ["J2", "J3", "J9", "J5"]

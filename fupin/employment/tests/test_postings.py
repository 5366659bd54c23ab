"""Postings, the ranked laborers of a posting, the work team's list and recording a placement,
on the persona county's households."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.employment.models import Placement
from fupin.employment.selectors.laborers import posting_list
from fupin.employment.selectors.matching import open_postings, posting_candidates, village_worklist
from fupin.employment.services.laborers import laborer_update
from fupin.employment.services.postings import placement_record, posting_create, posting_update
from fupin.employment.tests.conftest import Emp

D = dt.date
DAY = D(2019, 11, 5)


def test_a_posting_with_bad_values_names_each_field_and_writes_nothing(emp: Emp) -> None:
    with pytest.raises(ApplicationError) as error:
        emp.posting(
            employer=" ",
            positions=0,
            monthly_wage=Decimal("-1"),
            end_date=D(2019, 10, 1),
            min_age=40,
            max_age=30,
        )
    assert set(error.value.field_errors) == {"employer", "positions", "monthly_wage", "end_date", "max_age"}
    with pytest.raises(ApplicationError, match="县外岗位的区划应填发布岗位的县"):
        emp.posting(region="out_of_province")
    assert not posting_list(EVERYTHING).exists()


def test_postings_of_the_county_are_seen_by_every_area_of_it_but_written_within_the_area(emp: Emp) -> None:
    c = emp.personas.county
    emp.posting("J1", area=c.village_b1)
    assert [p.code for p in posting_list(emp.scope("work_team"))] == ["J1"]
    assert not posting_list(emp.scope("outsider")).exists()
    with pytest.raises(PermissionDenied):
        posting_create(
            actor=SYSTEM,
            scope=emp.scope("town_official"),
            code="J2",
            employer="某厂",
            title="普工",
            work_type="general",
            region="in_county",
            area=c.village_b1,
            monthly_wage=Decimal("2000"),
            positions=1,
            start_date=DAY,
        )
    posting = posting_list(EVERYTHING).get()
    with pytest.raises(PermissionDenied):
        posting_update(
            actor=SYSTEM,
            scope=emp.scope("work_team"),
            posting=posting,
            expected_version=posting.version,
            changes={"positions": 5},
        )


def test_the_ranked_laborers_of_a_posting(emp: Emp) -> None:
    posting = emp.posting("J1", work_type="sewing")
    skilled = emp.head(emp.h3)  # village A2, exited household
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=skilled, expected_version=None, changes={"skills": ["sewing"]}
    )
    migrant = emp.head(emp.h1)
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=migrant, expected_version=None, changes={"status": "migrant"}
    )
    ranked = posting_candidates(EVERYTHING, posting)
    names = [m.candidate.name for m in ranked]
    assert names[0] == skilled.name
    assert migrant.name not in names
    # Same village and score: the poor household's spouse before the non-registered household's.
    assert names[1:3] == ["配偶H11", "刘一般"]
    # The work team sees only its village's laborers.
    assert {m.candidate.area_code for m in posting_candidates(emp.scope("work_team"), posting)} == {
        emp.personas.county.village_a1.code
    }


def test_the_work_teams_list_puts_laborers_with_matches_first(emp: Emp) -> None:
    emp.posting("J1", work_type="welding", skill_required=True)
    emp.posting("J2", work_type="general", area=emp.personas.county.village_b1, monthly_wage=Decimal("2600"))
    village = emp.personas.county.village_a1.code
    rows = village_worklist(emp.scope("work_team"), village, DAY)
    assert len(rows) == 4
    assert all(row.matches and row.matches[0].opening.code == "J2" for row in rows)
    head = emp.head(emp.h1)
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=head, expected_version=None, changes={"skills": ["welding"]}
    )
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=emp.head(emp.h2),
        expected_version=None,
        changes={"wish_reach": "village"},
    )
    rows = village_worklist(emp.scope("work_team"), village, DAY)
    assert rows[0].laborer == head and [m.opening.code for m in rows[0].matches] == ["J1", "J2"]
    assert rows[-1].laborer.name == "刘一般" and rows[-1].matches == []


def test_recording_a_placement(emp: Emp) -> None:
    posting = emp.posting("J1", positions=1, region="out_of_province", area=emp.personas.county.county)
    head = emp.head(emp.h1)
    with pytest.raises(ApplicationError, match="超出意愿地点"):
        placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=head, posting=posting, date=DAY)
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=head,
        expected_version=None,
        changes={"wish_reach": "anywhere"},
    )
    with pytest.raises(ApplicationError, match="上岗日期须在岗位的招聘期内"):
        placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=head, posting=posting, date=D(2019, 10, 1))
    with pytest.raises(PermissionDenied):
        placement_record(
            actor=SYSTEM, scope=emp.scope("county_leader"), laborer=head, posting=posting, date=DAY
        )
    placement = placement_record(
        actor=SYSTEM, scope=emp.scope("work_team"), laborer=head, posting=posting, date=DAY
    )
    head.refresh_from_db()
    assert head.status == "migrant" and placement.area_code == head.area_code
    assert ChangeLog.objects.filter(object_type="employment.placement").count() == 1
    # The posting is full now, and no longer open.
    other = emp.head(emp.h3)
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=other,
        expected_version=None,
        changes={"wish_reach": "anywhere"},
    )
    with pytest.raises(ApplicationError, match="该岗位已招满"):
        placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=other, posting=posting, date=DAY)
    assert open_postings(EVERYTHING, DAY) == []
    assert Placement.objects.count() == 1

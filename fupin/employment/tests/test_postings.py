"""Postings, the ranked laborers of a posting, the work team's list and recording a placement,
on the persona county's households."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.employment.models import Laborer, Placement
from fupin.employment.selectors.laborers import posting_list
from fupin.employment.selectors.matching import open_postings, posting_candidates, village_worklist
from fupin.employment.services.laborers import laborer_update
from fupin.employment.services.postings import (
    placement_end,
    placement_record,
    placement_withdraw,
    positions_left,
    posting_create,
    posting_update,
)
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


def _placed(emp: Emp, positions: int = 1) -> tuple[Placement, Laborer]:
    posting = emp.posting("J1", positions=positions)
    head = emp.head(emp.h1)
    placement = placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=head, posting=posting, date=DAY)
    return placement, Laborer.objects.get(pk=head.pk)


def test_a_posting_cannot_shrink_below_its_current_placements(emp: Emp) -> None:
    placement, _ = _placed(emp, positions=2)
    posting = placement.posting
    spouse = Laborer.objects.get(name="配偶H11")
    placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=spouse, posting=posting, date=DAY)
    with pytest.raises(ApplicationError, match="已有2人在岗") as error:
        posting_update(
            actor=SYSTEM, scope=EVERYTHING, posting=posting, expected_version=None, changes={"positions": 1}
        )
    assert "positions" in error.value.field_errors
    updated = posting_update(
        actor=SYSTEM,
        scope=emp.scope("town_official"),
        posting=posting,
        expected_version=posting.version,
        changes={"positions": 3, "title": "钢筋工"},
    )
    assert updated.positions == 3 and updated.version == posting.version + 1
    with pytest.raises(ConflictError):
        posting_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            posting=posting,
            expected_version=posting.version,
            changes={"positions": 4},
        )


def test_ending_a_placement_frees_its_place_and_the_laborer(emp: Emp) -> None:
    placement, head = _placed(emp)
    assert head.status == "local" and open_postings(EVERYTHING, DAY) == []
    with pytest.raises(ApplicationError) as error:
        placement_end(
            actor=SYSTEM,
            scope=EVERYTHING,
            placement=placement,
            expected_version=placement.version,
            end_date=D(2019, 11, 1),
            reason=" ",
        )
    assert error.value.field_errors == {
        "end_date": "离岗日期不能早于上岗日期",
        "end_reason": "请填写离岗原因",
    }
    with pytest.raises(PermissionDenied):
        placement_end(
            actor=SYSTEM,
            scope=emp.scope("county_leader"),
            placement=placement,
            expected_version=placement.version,
            end_date=D(2019, 12, 1),
            reason="工程结束",
        )
    with pytest.raises(ConflictError):
        placement_end(
            actor=SYSTEM,
            scope=EVERYTHING,
            placement=placement,
            expected_version=placement.version + 1,
            end_date=D(2019, 12, 1),
            reason="工程结束",
        )
    assert Laborer.objects.get(pk=head.pk).status == "local"
    ended = placement_end(
        actor=SYSTEM,
        scope=emp.scope("work_team"),
        placement=placement,
        expected_version=placement.version,
        end_date=D(2019, 12, 1),
        reason="工程结束",
    )
    assert ended.end_date == D(2019, 12, 1) and ended.end_reason == "工程结束"
    assert Laborer.objects.get(pk=head.pk).status == "unemployed"
    # The position is free again: the posting is open, and another laborer may take it.
    assert [p.code for p in open_postings(EVERYTHING, DAY)] == ["J1"]
    assert positions_left(placement.posting) == 1
    with pytest.raises(ApplicationError, match="已于2019-12-01离岗"):
        placement_end(
            actor=SYSTEM,
            scope=EVERYTHING,
            placement=ended,
            expected_version=None,
            end_date=D(2019, 12, 2),
            reason="再次",
        )


def test_the_status_after_leaving_follows_other_records(emp: Emp) -> None:
    placement, head = _placed(emp)
    other = emp.posting("J2", region="out_of_province", area=emp.personas.county.county)
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=head,
        expected_version=None,
        changes={"wish_reach": "anywhere"},
    )
    # Placed in J2 too (the status was set by hand to 未就业 in between), then J2's placement withdrawn.
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=head, expected_version=None, changes={"status": "unemployed"}
    )
    second = placement_record(actor=SYSTEM, scope=EVERYTHING, laborer=head, posting=other, date=DAY)
    assert Laborer.objects.get(pk=head.pk).status == "migrant"
    placement_withdraw(actor=SYSTEM, scope=EVERYTHING, placement=second, expected_version=second.version)
    assert Laborer.objects.get(pk=head.pk).status == "local"  # still placed in J1
    # A status no placement gives (自主创业) stays when the last placement ends.
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=head,
        expected_version=None,
        changes={"status": "self_employed"},
    )
    placement_end(
        actor=SYSTEM,
        scope=EVERYTHING,
        placement=placement,
        expected_version=None,
        end_date=DAY,
        reason="辞职",
    )
    assert Laborer.objects.get(pk=head.pk).status == "self_employed"


def test_withdrawing_a_placement_recorded_by_mistake(emp: Emp) -> None:
    placement, head = _placed(emp)
    with pytest.raises(PermissionDenied):
        placement_withdraw(
            actor=SYSTEM, scope=emp.scope("outsider"), placement=placement, expected_version=placement.version
        )
    with pytest.raises(ConflictError):
        placement_withdraw(
            actor=SYSTEM, scope=EVERYTHING, placement=placement, expected_version=placement.version + 1
        )
    placement_withdraw(
        actor=SYSTEM, scope=emp.scope("work_team"), placement=placement, expected_version=placement.version
    )
    assert not Placement.objects.exists()
    assert Laborer.objects.get(pk=head.pk).status == "unemployed"
    assert positions_left(placement.posting) == 1
    log = ChangeLog.objects.filter(object_type="employment.placement").order_by("id")
    assert [entry.action for entry in log] == ["create", "delete"]

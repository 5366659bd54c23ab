"""The assignment services: every rule, every refusal (with nothing changed), the change log and
optimistic versions."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.duty.models import LeaderTown, Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.duty.services.assignments import (
    leader_town_create,
    leader_town_end,
    pairing_create,
    pairing_end,
    pairing_update,
    periods_overlap,
    unit_village_create,
    unit_village_end,
    work_team_member_create,
    work_team_member_end,
    work_team_member_update,
)
from fupin.duty.tests.conftest import D, Duty


def log_count() -> int:
    return ChangeLog.objects.count()


def refused(error: type[Exception], match: str = "") -> pytest.RaisesContext[Exception]:
    return pytest.raises(error, match=match or None)


# -- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((D(2019, 1, 1), D(2019, 6, 30)), (D(2019, 7, 1), None), False),
        ((D(2019, 1, 1), D(2019, 6, 30)), (D(2019, 6, 30), None), True),
        ((D(2019, 1, 1), None), (D(2020, 1, 1), D(2020, 2, 1)), True),
        ((D(2019, 3, 1), D(2019, 3, 1)), (D(2019, 1, 1), D(2019, 3, 1)), True),
        ((D(2019, 3, 2), D(2019, 4, 1)), (D(2019, 1, 1), D(2019, 3, 1)), False),
    ],
)
def test_periods_overlap_share_a_day(
    a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None], overlap: bool
) -> None:
    first = Pairing(start_date=a[0], end_date=a[1])
    second = Pairing(start_date=b[0], end_date=b[1])
    assert periods_overlap(first, second) is overlap
    assert periods_overlap(second, first) is overlap


# -- pairings ------------------------------------------------------------------------------------
def test_a_manager_pairs_a_cadre_with_a_household_and_it_is_logged(duty: Duty) -> None:
    before = log_count()
    pairing = pairing_create(
        actor=SYSTEM,
        scope=duty.scope("office_staff"),
        cadre=duty.cadre("G3"),
        household=duty.households["H1"],
        start_date=D(2019, 3, 1),
    )
    stored = Pairing.objects.get(pk=pairing.pk)
    assert (stored.cadre.code, stored.household.code, stored.start_date, stored.end_date) == (
        "G3",
        "H1",
        D(2019, 3, 1),
        None,
    )
    entry = ChangeLog.objects.get(object_type="duty.pairing", object_id=pairing.pk)
    assert entry.action == "create"
    assert entry.after == {"干部编号": "G3", "户编号": "H1", "开始日期": "2019-03-01"}
    assert log_count() == before + 1


def test_end_before_start_is_refused(duty: Duty) -> None:
    with refused(ApplicationError, "结束日期不能早于开始日期"):
        pairing_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=duty.cadre("G3"),
            household=duty.households["H1"],
            start_date=D(2019, 3, 1),
            end_date=D(2019, 2, 28),
        )
    assert Pairing.objects.count() == 0


def test_overlapping_pairings_of_the_same_cadre_and_household_are_refused(duty: Duty) -> None:
    duty.pair("G3", "H1", D(2019, 1, 1), D(2019, 6, 30))
    logged = log_count()
    with refused(ApplicationError, "结对时段与另一结对重叠.*2019-01-01至2019-06-30"):
        pairing_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=duty.cadre("G3"),
            household=duty.households["H1"],
            start_date=D(2019, 6, 30),
        )
    assert Pairing.objects.count() == 1
    assert log_count() == logged
    # The next day is free; another cadre may pair with the household at the same time.
    pairing_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        cadre=duty.cadre("G3"),
        household=duty.households["H1"],
        start_date=D(2019, 7, 1),
    )
    pairing_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        cadre=duty.cadre("G4"),
        household=duty.households["H1"],
        start_date=D(2019, 3, 1),
    )
    assert Pairing.objects.count() == 3


def test_an_open_ended_pairing_blocks_every_later_start(duty: Duty) -> None:
    duty.pair("G3", "H1", D(2019, 1, 1))
    with refused(ApplicationError, "重叠"):
        pairing_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=duty.cadre("G3"),
            household=duty.households["H1"],
            start_date=D(2025, 1, 1),
        )
    # ...and an earlier period that ends before it is fine.
    pairing_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        cadre=duty.cadre("G3"),
        household=duty.households["H1"],
        start_date=D(2018, 1, 1),
        end_date=D(2018, 12, 31),
    )
    assert Pairing.objects.count() == 2


def test_a_cancelled_household_gets_no_new_pairing_but_its_old_one_can_end(duty: Duty) -> None:
    old = duty.pair("G3", "H5", D(2019, 1, 1))
    with refused(ApplicationError, "H5 已注销"):
        pairing_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=duty.cadre("G4"),
            household=duty.households["H5"],
            start_date=D(2020, 1, 1),
        )
    assert Pairing.objects.count() == 1
    ended = pairing_end(
        actor=SYSTEM, scope=EVERYTHING, pairing=old, end_date=D(2020, 1, 1), expected_version=1
    )
    assert Pairing.objects.get(pk=old.pk).end_date == D(2020, 1, 1)
    assert ended.version == 2


@pytest.mark.parametrize(
    ("persona", "household", "allowed"),
    [
        ("county_admin", "H4", True),
        ("office_staff", "H1", True),
        ("town_official", "H1", True),  # its own town
        ("town_official", "H4", False),  # the other town
        ("county_leader", "H1", False),
        ("unit_user", "H1", False),
        ("work_team", "H1", False),
        ("paired_cadre", "H1", False),
        ("outsider", "H1", False),
    ],
)
def test_who_may_pair(duty: Duty, persona: str, household: str, allowed: bool) -> None:
    logged = log_count()
    call = dict(
        actor=SYSTEM,
        scope=duty.scope(persona),
        cadre=duty.cadre("G3"),
        household=duty.households[household],
        start_date=D(2019, 1, 1),
    )
    if allowed:
        pairing_create(**call)  # type: ignore[arg-type]
        assert Pairing.objects.count() == 1
    else:
        with refused(PermissionDenied, "您无权在该区划安排结对帮扶"):
            pairing_create(**call)  # type: ignore[arg-type]
        assert Pairing.objects.count() == 0
        assert log_count() == logged


def test_ending_sets_the_end_date_once_and_checks_the_version(duty: Duty) -> None:
    pairing = duty.pair("G3", "H1", D(2019, 1, 1))
    with refused(ConflictError, "已被他人修改"):
        pairing_end(
            actor=SYSTEM, scope=EVERYTHING, pairing=pairing, end_date=D(2019, 12, 31), expected_version=7
        )
    assert Pairing.objects.get(pk=pairing.pk).end_date is None
    pairing_end(actor=SYSTEM, scope=EVERYTHING, pairing=pairing, end_date=D(2019, 12, 31), expected_version=1)
    stored = Pairing.objects.get(pk=pairing.pk)
    assert (stored.end_date, stored.version) == (D(2019, 12, 31), 2)
    entry = ChangeLog.objects.filter(object_type="duty.pairing", object_id=pairing.pk, action="update").get()
    assert (entry.before["结束日期"], entry.after["结束日期"]) == (None, "2019-12-31")
    with refused(ApplicationError, "已于2019-12-31结束"):
        pairing_end(
            actor=SYSTEM, scope=EVERYTHING, pairing=stored, end_date=D(2020, 1, 1), expected_version=2
        )
    with refused(ApplicationError, "结束日期不能早于开始日期"):
        pairing_update(
            actor=SYSTEM, scope=EVERYTHING, pairing=stored, expected_version=2, end_date=D(2018, 1, 1)
        )
    assert Pairing.objects.get(pk=pairing.pk).end_date == D(2019, 12, 31)


def test_an_edit_may_not_stretch_into_another_period(duty: Duty) -> None:
    first = duty.pair("G3", "H1", D(2019, 1, 1), D(2019, 6, 30))
    duty.pair("G3", "H1", D(2019, 9, 1))
    with refused(ApplicationError, "重叠"):
        pairing_update(
            actor=SYSTEM, scope=EVERYTHING, pairing=first, expected_version=1, end_date=D(2019, 9, 1)
        )
    # Its own stored period is not a conflict: moving the end within the gap is fine.
    pairing_update(actor=SYSTEM, scope=EVERYTHING, pairing=first, expected_version=1, end_date=D(2019, 8, 31))
    assert Pairing.objects.get(pk=first.pk).end_date == D(2019, 8, 31)


def test_an_edit_of_the_parties_is_refused(duty: Duty) -> None:
    pairing = duty.pair("G3", "H1", D(2019, 1, 1))
    with refused(ApplicationError, "不能修改这些字段：household"):
        pairing_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            pairing=pairing,
            expected_version=1,
            household=duty.households["H2"],
        )


def test_a_town_official_cannot_end_a_pairing_in_another_town(duty: Duty) -> None:
    pairing = duty.pair("G3", "H4", D(2019, 1, 1))
    with refused(PermissionDenied):
        pairing_end(
            actor=SYSTEM,
            scope=duty.scope("town_official"),
            pairing=pairing,
            end_date=D(2019, 2, 1),
            expected_version=1,
        )
    assert Pairing.objects.get(pk=pairing.pk).end_date is None


# -- work teams ----------------------------------------------------------------------------------
def _member(duty: Duty, cadre: str, village: str, role: str, start: dt.date, **kw: object) -> WorkTeamMember:
    village_area = getattr(duty.county, village)
    return work_team_member_create(
        actor=SYSTEM,
        scope=kw.pop("scope", EVERYTHING),  # type: ignore[arg-type]
        village=village_area,
        cadre=duty.cadre(cadre),
        role=role,
        sending_unit=duty.cadre(cadre).unit,
        start_date=start,
        **kw,  # type: ignore[arg-type]
    )


def test_a_village_has_one_first_secretary_a_day(duty: Duty) -> None:
    _member(duty, "G7", "village_a1", TeamRole.FIRST_SECRETARY, D(2019, 1, 1), end_date=D(2019, 12, 31))
    for role in (TeamRole.FIRST_SECRETARY, TeamRole.SECRETARY_AND_LEADER):
        with refused(ApplicationError, "该村同期已有第一书记郑书记（G7）"):
            _member(duty, "G3", "village_a1", role, D(2019, 12, 31))
    assert WorkTeamMember.objects.count() == 1
    # Members and team leaders may join; a new secretary may start the next day.
    _member(duty, "G3", "village_a1", TeamRole.MEMBER, D(2019, 6, 1))
    _member(duty, "G4", "village_a1", TeamRole.LEADER, D(2019, 6, 1))
    _member(duty, "G5", "village_a1", TeamRole.SECRETARY_AND_LEADER, D(2020, 1, 1))
    assert WorkTeamMember.objects.count() == 4


def test_a_member_cannot_be_promoted_over_the_sitting_secretary(duty: Duty) -> None:
    _member(duty, "G7", "village_a1", TeamRole.FIRST_SECRETARY, D(2019, 1, 1))
    member = _member(duty, "G3", "village_a1", TeamRole.MEMBER, D(2019, 1, 1))
    with refused(ApplicationError, "该村同期已有第一书记"):
        work_team_member_update(
            actor=SYSTEM, scope=EVERYTHING, member=member, expected_version=1, role=TeamRole.FIRST_SECRETARY
        )
    assert WorkTeamMember.objects.get(pk=member.pk).role == TeamRole.MEMBER


def test_a_cadre_serves_in_one_village_a_day(duty: Duty) -> None:
    _member(duty, "G3", "village_a1", TeamRole.MEMBER, D(2019, 1, 1), end_date=D(2019, 6, 30))
    with refused(ApplicationError, "同期已在黄家坝村（610727100200）驻村"):
        _member(duty, "G3", "village_b1", TeamRole.MEMBER, D(2019, 6, 30))
    with refused(ApplicationError, "在该村的驻村时段与另一记录重叠"):
        _member(duty, "G3", "village_a1", TeamRole.LEADER, D(2019, 3, 1))
    assert WorkTeamMember.objects.count() == 1
    _member(duty, "G3", "village_b1", TeamRole.MEMBER, D(2019, 7, 1))
    assert WorkTeamMember.objects.count() == 2


def test_a_work_team_is_for_a_village(duty: Duty) -> None:
    with refused(ApplicationError, "兴州街道（610727100000）不是村"):
        _member(duty, "G3", "town_a", TeamRole.MEMBER, D(2019, 1, 1))
    with refused(ApplicationError, "队内职务应为"):
        _member(duty, "G3", "village_a1", "boss", D(2019, 1, 1))
    assert WorkTeamMember.objects.count() == 0


def test_a_town_official_staffs_only_its_own_villages(duty: Duty) -> None:
    scope = duty.scope("town_official")
    _member(duty, "G3", "village_a2", TeamRole.MEMBER, D(2019, 1, 1), scope=scope)
    with refused(PermissionDenied, "驻村工作队"):
        _member(duty, "G4", "village_b1", TeamRole.MEMBER, D(2019, 1, 1), scope=scope)
    assert list(WorkTeamMember.objects.values_list("cadre__code", flat=True)) == ["G3"]


def test_ending_a_work_team_membership(duty: Duty) -> None:
    member = _member(duty, "G7", "village_a1", TeamRole.FIRST_SECRETARY, D(2019, 1, 1))
    with refused(ConflictError):
        work_team_member_end(
            actor=SYSTEM, scope=EVERYTHING, member=member, end_date=D(2019, 5, 1), expected_version=3
        )
    work_team_member_end(
        actor=SYSTEM, scope=EVERYTHING, member=member, end_date=D(2019, 5, 1), expected_version=1
    )
    assert WorkTeamMember.objects.get(pk=member.pk).end_date == D(2019, 5, 1)
    # The village is free for a new first secretary from the next day.
    _member(duty, "G3", "village_a1", TeamRole.FIRST_SECRETARY, D(2019, 5, 2))


# -- units' villages -----------------------------------------------------------------------------
def test_unit_village_rules(duty: Duty) -> None:
    c = duty.county
    uv = unit_village_create(
        actor=SYSTEM,
        scope=duty.scope("county_admin"),
        unit=c.agriculture,
        village=c.village_a1,
        start_date=D(2019, 1, 1),
    )
    with refused(ApplicationError, "该单位包该村的时段与另一记录重叠"):
        unit_village_create(
            actor=SYSTEM, scope=EVERYTHING, unit=c.agriculture, village=c.village_a1, start_date=D(2020, 1, 1)
        )
    with refused(ApplicationError, "不是村"):
        unit_village_create(
            actor=SYSTEM, scope=EVERYTHING, unit=c.agriculture, village=c.town_b, start_date=D(2020, 1, 1)
        )
    # Deciding which unit helps a village is the county's: a town official may not.
    with refused(PermissionDenied, "单位包村"):
        unit_village_create(
            actor=SYSTEM,
            scope=duty.scope("town_official"),
            unit=c.town_a_gov,
            village=c.village_a2,
            start_date=D(2019, 1, 1),
        )
    assert UnitVillage.objects.count() == 1
    # Two units may help the same village.
    unit_village_create(
        actor=SYSTEM, scope=EVERYTHING, unit=c.office_unit, village=c.village_a1, start_date=D(2019, 1, 1)
    )
    unit_village_end(
        actor=SYSTEM, scope=EVERYTHING, assignment=uv, end_date=D(2019, 12, 31), expected_version=1
    )
    assert UnitVillage.objects.get(pk=uv.pk).end_date == D(2019, 12, 31)


# -- leaders' towns ------------------------------------------------------------------------------
def test_leader_town_rules(duty: Duty) -> None:
    c = duty.county
    with refused(ApplicationError, "孙科员（G3）不是县级领导"):
        leader_town_create(
            actor=SYSTEM, scope=EVERYTHING, cadre=duty.cadre("G3"), town=c.town_a, start_date=D(2019, 1, 1)
        )
    with refused(ApplicationError, "黄家坝村（610727100200）不是乡镇"):
        leader_town_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=duty.cadre("G1"),
            town=c.village_a1,
            start_date=D(2019, 1, 1),
        )
    with refused(PermissionDenied, "领导包镇"):
        leader_town_create(
            actor=SYSTEM,
            scope=duty.scope("town_official"),
            cadre=duty.cadre("G1"),
            town=c.town_a,
            start_date=D(2019, 1, 1),
        )
    assert LeaderTown.objects.count() == 0
    led = leader_town_create(
        actor=SYSTEM,
        scope=duty.scope("county_admin"),
        cadre=duty.cadre("G1"),
        town=c.town_a,
        lead_unit=c.agriculture,
        start_date=D(2019, 1, 1),
    )
    assert ChangeLog.objects.get(object_type="duty.leadertown", object_id=led.pk).after == {
        "干部编号": "G1",
        "区划代码": "610727100000",
        "牵头部门单位编码": "U2",
        "开始日期": "2019-01-01",
    }
    with refused(ApplicationError, "该领导包该镇的时段与另一记录重叠"):
        leader_town_create(
            actor=SYSTEM, scope=EVERYTHING, cadre=duty.cadre("G1"), town=c.town_a, start_date=D(2019, 5, 1)
        )
    leader_town_end(
        actor=SYSTEM, scope=EVERYTHING, assignment=led, end_date=D(2019, 4, 30), expected_version=1
    )
    leader_town_create(
        actor=SYSTEM, scope=EVERYTHING, cadre=duty.cadre("G1"), town=c.town_a, start_date=D(2019, 5, 1)
    )
    assert LeaderTown.objects.count() == 2

"""Check-in validity exactly as figures.md defines it, and the refusals of checkin_record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from fupin.areas.services import county_setting_set
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.services.checkins import checkin_record, checkins_revalidate
from fupin.fieldwork.tests.conftest import H1_POINT, TOWN_A, TOWN_B, VILLAGE_A1, Field, north_of
from fupin.fieldwork.validity import great_circle_m
from fupin.people.scope import scope_for

D = dt.date
DAY = D(2019, 11, 5)
HOUSEHOLD, VILLAGE, TOWN = CheckInKind.HOUSEHOLD, CheckInKind.VILLAGE, CheckInKind.TOWN


def test_great_circle_distance_matches_a_known_length() -> None:
    # One minute of latitude is one nautical mile (1,852 m) to within the sphere's approximation.
    metres = great_circle_m((106.0, 33.0), (106.0, 33.0 + 1 / 60))
    assert abs(metres - 1853.2) < 1


def test_a_paired_household_visit_at_the_door_is_valid(field: Field) -> None:
    checkin = field.checkin("G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT)
    assert (checkin.valid, checkin.invalid_reason, checkin.distance_m) == (True, "", 0)


def test_distance_beyond_the_radius_names_the_distance(field: Field) -> None:
    checkin = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=north_of(H1_POINT, 3200)
    )
    assert not checkin.valid
    assert checkin.invalid_reason == "距离农户3.2公里，超出2公里范围"
    assert checkin.distance_m is not None and abs(checkin.distance_m - 3200) <= 2


def test_just_inside_and_just_outside_the_radius(field: Field) -> None:
    inside = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=north_of(H1_POINT, 1990)
    )
    outside = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=north_of(H1_POINT, 2010)
    )
    assert inside.valid and not outside.valid


def test_a_mocked_location_reports_accuracy_zero(field: Field) -> None:
    checkin = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT, accuracy="0"
    )
    assert (checkin.valid, checkin.invalid_reason) == (False, "定位精度为0，疑似虚拟定位")


def test_accuracy_above_the_bound_and_missing(field: Field) -> None:
    coarse = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT, accuracy="350"
    )
    missing = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT, accuracy=None
    )
    at_bound = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT, accuracy="200"
    )
    assert coarse.invalid_reason == "定位精度350米，超过200米上限"
    assert missing.invalid_reason == "缺少定位精度"
    assert at_bound.valid


def test_no_coordinates_is_invalid_even_without_a_reference(field: Field) -> None:
    checkin = field.checkin("G3", VILLAGE, field.county.village_b1, DAY, at=None)
    assert (checkin.valid, checkin.invalid_reason) == (False, "未获取到定位坐标")


def test_a_household_without_coordinates_is_measured_to_its_village(field: Field) -> None:
    near_village = field.checkin("G3", HOUSEHOLD, field.county.village_a1, DAY, household="H2", at=VILLAGE_A1)
    far = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H2", at=north_of(VILLAGE_A1, 2500)
    )
    assert near_village.valid
    assert far.invalid_reason == "距离村2.5公里，超出2公里范围"


def test_a_village_without_coordinates_leaves_rule_one_to_decide(field: Field) -> None:
    field.pair("G3", "H4", D(2019, 1, 1))
    anywhere = field.checkin("G3", HOUSEHOLD, field.county.village_b1, DAY, household="H4", at=TOWN_B)
    assert anywhere.valid and anywhere.distance_m is None


def test_town_and_village_check_ins_measure_to_town_and_village(field: Field) -> None:
    town = field.checkin("G1", TOWN, field.county.town_a, DAY, at=north_of(TOWN_A, 2100))
    village = field.checkin("G1", VILLAGE, field.county.village_a1, DAY, at=north_of(VILLAGE_A1, 100))
    assert town.invalid_reason == "距离乡镇2.1公里，超出2公里范围"
    assert village.valid


def test_a_household_not_paired_that_day_is_invalid(field: Field) -> None:
    field.pair("G4", "H1", D(2019, 11, 6), D(2019, 11, 30))
    before = field.checkin("G4", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT)
    first_day = field.checkin(
        "G4", HOUSEHOLD, field.county.village_a1, D(2019, 11, 6), household="H1", at=H1_POINT
    )
    after_end = field.checkin(
        "G4", HOUSEHOLD, field.county.village_a1, D(2019, 12, 1), household="H1", at=H1_POINT
    )
    assert before.invalid_reason == "当日未与该户结对，也不在该村驻村工作队"
    assert first_day.valid
    assert not after_end.valid


def test_a_work_team_member_may_visit_any_household_of_its_village(field: Field) -> None:
    in_village = field.checkin("G7", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT)
    field.pair("G3", "H3", D(2019, 1, 1))
    other_village = field.checkin("G7", HOUSEHOLD, field.county.village_a2, DAY, household="H3", at=None)
    assert in_village.valid
    assert (
        "当日未与该户结对" in other_village.invalid_reason
        and "未获取到定位坐标" in other_village.invalid_reason
    )


def test_the_county_radius_and_accuracy_settings_decide(field: Field) -> None:
    county_setting_set(
        actor=SYSTEM, scope=EVERYTHING, county=field.county.county, name="checkin_radius_m", value=500
    )
    county_setting_set(
        actor=SYSTEM, scope=EVERYTHING, county=field.county.county, name="checkin_accuracy_max_m", value=30
    )
    checkin = field.checkin(
        "G3",
        HOUSEHOLD,
        field.county.village_a1,
        DAY,
        household="H1",
        at=north_of(H1_POINT, 800),
        accuracy="50",
    )
    assert checkin.invalid_reason == "定位精度50米，超过30米上限；距离农户800米，超出500米范围"


def test_revalidation_follows_a_changed_setting_and_late_pairings(field: Field) -> None:
    far = field.checkin(
        "G3", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=north_of(H1_POINT, 2500)
    )
    unpaired = field.checkin("G4", HOUSEHOLD, field.county.village_a1, DAY, household="H1", at=H1_POINT)
    county_setting_set(
        actor=SYSTEM, scope=EVERYTHING, county=field.county.county, name="checkin_radius_m", value=3000
    )
    field.pair("G4", "H1", D(2019, 11, 1))
    changed = checkins_revalidate(actor=SYSTEM, checkins=Q())
    far.refresh_from_db()
    unpaired.refresh_from_db()
    assert changed == 2 and far.valid and unpaired.valid and far.version == 2
    history = ChangeLog.objects.filter(
        object_type="fieldwork.checkin", object_id=far.pk, action="update"
    ).get()
    assert (history.before["有效"], history.after["有效"]) == (False, True)


@pytest.mark.parametrize(
    ("kind", "area", "household", "field_name", "message"),
    [
        (TOWN, "village_a1", None, "area_code", "驻镇打卡应选择乡镇"),
        (VILLAGE, "town_a", None, "area_code", "驻村、入户打卡应选择村"),
        (HOUSEHOLD, "village_a1", None, "household_code", "入户打卡须选择农户"),
        (HOUSEHOLD, "village_a2", "H1", "household_code", "户H1不在"),
        (VILLAGE, "village_a1", "H1", "household_code", "只有入户打卡才选择农户"),
    ],
)
def test_refusals_name_the_field(
    field: Field, kind: str, area: str, household: str | None, field_name: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        field.checkin("G3", kind, getattr(field.county, area), DAY, household=household, at=H1_POINT)
    assert message in refused.value.field_errors[field_name]
    assert not CheckIn.objects.exists()


def test_future_dates_and_bad_coordinates_are_refused(field: Field) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        field.checkin("G3", VILLAGE, field.county.village_a1, tomorrow, at=VILLAGE_A1)
    with pytest.raises(ApplicationError, match="纬度应在"):
        field.checkin("G3", VILLAGE, field.county.village_a1, DAY, at=(Decimal("106"), Decimal("95")))
    with pytest.raises(ApplicationError, match="不能为负数"):
        field.checkin("G3", VILLAGE, field.county.village_a1, DAY, at=VILLAGE_A1, accuracy="-1")
    assert not CheckIn.objects.exists()


def test_a_cadre_checks_in_only_for_itself(field: Field) -> None:
    scope = scope_for(field.personas.users["paired_cadre"])
    own = checkin_record(
        actor=SYSTEM,
        scope=scope,
        cadre=field.cadre("G3"),
        kind=VILLAGE,
        area=field.county.village_a1,
        day=dt.date.today(),
        source=CheckInSource.PHONE,
    )
    assert own.created
    with pytest.raises(PermissionDenied):
        checkin_record(
            actor=SYSTEM,
            scope=scope,
            cadre=field.cadre("G4"),
            kind=VILLAGE,
            area=field.county.village_a1,
            day=dt.date.today(),
            source=CheckInSource.PHONE,
        )


def test_the_same_idempotency_key_returns_the_first_check_in(field: Field) -> None:
    first = field.checkin(
        "G3", VILLAGE, field.county.village_a1, DAY, at=VILLAGE_A1, idempotency_key="phone-1"
    )
    again = checkin_record(
        actor=SYSTEM,
        scope=EVERYTHING,
        cadre=field.cadre("G3"),
        kind=VILLAGE,
        area=field.county.village_a2,
        day=D(2019, 11, 6),
        source=CheckInSource.API,
        idempotency_key="phone-1",
    )
    assert not again.created and again.checkin.pk == first.pk
    assert CheckIn.objects.count() == 1
    assert ChangeLog.objects.filter(object_type="fieldwork.checkin").count() == 1


def test_a_phone_may_send_late_but_not_a_week_late(field: Field) -> None:
    scope = scope_for(field.personas.users["paired_cadre"])
    today = dt.date.today()

    def send(day: dt.date) -> bool:
        return checkin_record(
            actor=SYSTEM,
            scope=scope,
            cadre=field.cadre("G3"),
            kind=VILLAGE,
            area=field.county.village_a1,
            day=day,
            source=CheckInSource.PHONE,
        ).created

    assert send(today - dt.timedelta(days=7))
    with pytest.raises(ApplicationError, match="超过7天的打卡不能从手机或接口补交"):
        send(today - dt.timedelta(days=8))


def test_a_cadre_sees_its_own_check_ins_not_its_unit_colleagues(field: Field) -> None:
    from fupin.fieldwork.selectors.checkins import checkin_list

    own = field.checkin("G3", VILLAGE, field.county.village_a1, DAY, at=VILLAGE_A1)
    colleague = field.checkin("G7", VILLAGE, field.county.village_a1, DAY, at=VILLAGE_A1)  # same unit
    assert list(checkin_list(scope_for(field.personas.users["paired_cadre"]))) == [own]
    unit_user = set(checkin_list(scope_for(field.personas.users["unit_user"])))
    assert {own, colleague} <= unit_user

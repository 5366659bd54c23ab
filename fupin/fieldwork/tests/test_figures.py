"""The `fieldwork` figures against a hand-built month, counted by hand.

October 2019: the ISO weeks whose Thursday falls in October are Sep 30–Oct 6, Oct 7–13, 14–20,
21–27 and Oct 28–Nov 3, so Sep 30 and Nov 1–3 count for weekly rules but not for the monthly one.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.duty.models import LeaderTown
from fupin.fieldwork.models import CheckIn, CheckInKind
from fupin.fieldwork.selectors.compliance import judged_weeks, month_period
from fupin.fieldwork.tests.conftest import H1_POINT, TOWN_A, VILLAGE_A1, VILLAGE_A2, Field, north_of
from fupin.reports.figures import figures_document

D = dt.date
HOUSEHOLD, VILLAGE, TOWN = CheckInKind.HOUSEHOLD, CheckInKind.VILLAGE, CheckInKind.TOWN


def test_judged_weeks_are_the_iso_weeks_whose_thursday_is_in_the_month() -> None:
    october = judged_weeks(2019, 10)
    assert [(w.start, w.end) for w in october] == [
        (D(2019, 9, 30), D(2019, 10, 6)),
        (D(2019, 10, 7), D(2019, 10, 13)),
        (D(2019, 10, 14), D(2019, 10, 20)),
        (D(2019, 10, 21), D(2019, 10, 27)),
        (D(2019, 10, 28), D(2019, 11, 3)),
    ]
    # November 2019 starts on a Friday: Oct 28–Nov 3 belongs to October, not November.
    assert judged_weeks(2019, 11)[0].start == D(2019, 11, 4)
    assert judged_weeks(2019, 11)[-1].end == D(2019, 12, 1)
    assert month_period(2019, 12).end == D(2019, 12, 31)


@pytest.fixture
def october(field: Field) -> Field:
    c = field.county
    LeaderTown.objects.create(cadre=field.cadre("G1"), town=c.town_a, start_date=D(2019, 1, 1))
    field.pair("G1", "H1", D(2019, 1, 1))
    field.pair("G4", "H3", D(2019, 1, 1))
    # G1 (县级领导 and 帮扶干部): 3 days in every judged week, mostly 驻镇; only 5 入户 days in October.
    town_days = [D(2019, 9, 30), D(2019, 10, 1), D(2019, 10, 2), D(2019, 10, 7), D(2019, 10, 14)]
    town_days += [D(2019, 10, 21), D(2019, 10, 23), D(2019, 10, 28), D(2019, 11, 1), D(2019, 11, 2)]
    for day in town_days:
        field.checkin("G1", TOWN, c.town_a, day, at=TOWN_A)
    for day in (D(2019, 10, 8), D(2019, 10, 9), D(2019, 10, 15), D(2019, 10, 16), D(2019, 10, 22)):
        field.checkin("G1", HOUSEHOLD, c.village_a1, day, household="H1", at=H1_POINT)
    field.checkin("G1", TOWN, c.town_a, D(2019, 10, 29), at=TOWN_A, accuracy="0")  # mocked: no day
    # G2 (部门主要负责人 and 帮扶干部): 4 驻村 days a week, except week 3 where two fall on one day;
    # one of week 5's days is in village B1, which has no coordinates (rule 1 alone decides).
    weeks = [w.start for w in judged_weeks(2019, 10)]
    for index, monday in enumerate(weeks):
        offsets = [0, 1, 2, 2] if index == 2 else [0, 1, 2, 3]
        for offset in offsets:
            day = monday + dt.timedelta(days=offset)
            if index == 4 and offset == 3:
                field.checkin("G2", VILLAGE, c.village_b1, day, at=TOWN_A)
            else:
                field.checkin("G2", VILLAGE, c.village_a2, day, at=VILLAGE_A2)
    # G3 (帮扶干部): exactly 8 valid 入户 days in October; an unpaired visit (H3), a mocked one, a far
    # one and a September one do not add a day.
    for day in range(1, 9):
        field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, day * 3), household="H1", at=H1_POINT)
    field.checkin("G3", HOUSEHOLD, c.village_a2, D(2019, 10, 25), household="H3", at=VILLAGE_A2)
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, 26), household="H2", at=VILLAGE_A1, accuracy="0")
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 10, 27), household="H1", at=north_of(H1_POINT, 5000))
    field.checkin("G3", HOUSEHOLD, c.village_a1, D(2019, 9, 30), household="H1", at=H1_POINT)
    # G4 (帮扶干部, unit without an area whose parent is the county's): 7 days.
    for day in range(1, 8):
        field.checkin("G4", HOUSEHOLD, c.village_a2, D(2019, 10, day), household="H3", at=VILLAGE_A2)
    # G5 (帮扶干部) made none; G9 (another county's cadre) is nobody's concern here.
    field.checkin("G9", VILLAGE, c.village_a1, D(2019, 10, 3), at=VILLAGE_A1)
    return field


def test_county_figures_match_the_hand_count(october: Field) -> None:
    section = figures_document(october.county.county, "2019-10")["fieldwork"]
    in_october = CheckIn.objects.filter(date__month=10)
    # By hand: G1 7 town + 5 household + 1 mocked; G2 19 in October (20 minus Sep 30) + 0; G3 8 + 4
    # (one is September's); G4 7; G9 1 (in the county's village, so inside the area).
    assert in_october.count() == 7 + 5 + 1 + 19 + 11 + 7 + 1
    assert section["invalid_checkins"] == 4  # G1 mocked; G3 unpaired, mocked, far
    assert section["valid_checkins"] == in_october.count() - 4
    assert section["quota"] == {
        "县级领导": {"cadres": 1, "met": 1},  # G1: 3 days in each of the five weeks
        "部门主要负责人": {"cadres": 1, "met": 0},  # G2: week 3 has 3 distinct days
        "帮扶干部": {"cadres": 5, "met": 1},  # G1 5, G2 0, G3 8 (met), G4 7, G5 0
    }


def test_town_figures_judge_only_cadres_assigned_in_the_town(october: Field) -> None:
    section = figures_document(october.county.town_a, "2019-10")["fieldwork"]
    # Assigned in town A on Oct 31: G1 (leads the town, paired with H1), G3 (H1, H2), G4 (H3), G7
    # (work team, no rule). G2 and G5 have no assignment there.
    assert section["quota"] == {
        "县级领导": {"cadres": 1, "met": 1},
        "部门主要负责人": {"cadres": 0, "met": 0},
        "帮扶干部": {"cadres": 3, "met": 1},
    }
    # Check-ins made in town B's village B1 (G2's one) are outside the town.
    in_town = CheckIn.objects.filter(date__month=10, area_code__startswith="610727100")
    assert section["valid_checkins"] + section["invalid_checkins"] == in_town.count()


def test_a_pairing_that_ended_before_as_of_does_not_place_a_cadre(october: Field) -> None:
    october.pair("G5", "H4", D(2019, 1, 1), D(2019, 10, 15))
    town_b = figures_document(october.county.town_b, "2019-10")["fieldwork"]["quota"]
    assert town_b["帮扶干部"] == {"cadres": 0, "met": 0}
    mid_month = figures_document(october.county.town_b, "2019-10", "2019-10-15")["fieldwork"]["quota"]
    assert mid_month["帮扶干部"] == {"cadres": 1, "met": 0}


def test_a_county_rule_change_changes_the_judgement(october: Field) -> None:
    from fupin.areas.services import county_setting_set
    from fupin.conftest import EVERYTHING, SYSTEM

    rules = [{"category": "paired_cadre", "kinds": ["household"], "days": 7, "period": "month"}]
    county_setting_set(
        actor=SYSTEM, scope=EVERYTHING, county=october.county.county, name="quota_rules", value=rules
    )
    quota = figures_document(october.county.county, "2019-10")["fieldwork"]["quota"]
    assert quota == {"帮扶干部": {"cadres": 5, "met": 2}}  # G3 and G4 now

"""bulk_upsert by a key of several fields (the duty ledgers' write path), and the bulk services."""

from __future__ import annotations

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.bulk import bulk_upsert
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.duty.models import Pairing
from fupin.duty.services.assignments import pairings_upsert, unit_villages_upsert
from fupin.duty.tests.conftest import D, Duty
from fupin.people.models import Unit


def test_a_composite_key_creates_updates_and_leaves_alone(duty: Duty) -> None:
    g3, g4 = duty.cadre("G3"), duty.cadre("G4")
    h1, h2 = duty.households["H1"], duty.households["H2"]
    rows = [
        {"cadre": g3, "household": h1, "start_date": D(2019, 1, 1), "end_date": None},
        {"cadre": g3, "household": h2, "start_date": D(2019, 1, 1), "end_date": None},
        # Same cadre and household, another start: another record.
        {"cadre": g3, "household": h1, "start_date": D(2018, 1, 1), "end_date": D(2018, 12, 31)},
    ]
    key = ("cadre", "household", "start_date")
    result = bulk_upsert(Pairing, key_fields=key, rows=rows, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert Pairing.objects.count() == 3
    again = bulk_upsert(Pairing, key_fields=key, rows=rows, actor=SYSTEM)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # The cadre G4 with H1 from 2019-01-01 is a different key from G3's.
    changed = [
        rows[0] | {"end_date": D(2019, 6, 30)},
        {"cadre": g4, "household": h1, "start_date": D(2019, 1, 1), "end_date": None},
    ]
    result = bulk_upsert(Pairing, key_fields=key, rows=changed, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Pairing.objects.get(cadre=g3, household=h1, start_date=D(2019, 1, 1)).end_date == D(2019, 6, 30)
    assert Pairing.objects.get(cadre=g3, household=h1, start_date=D(2018, 1, 1)).end_date == D(2018, 12, 31)
    assert ChangeLog.objects.filter(object_type="duty.pairing").count() == 5


def test_keep_when_blank_with_a_composite_key(duty: Duty) -> None:
    g3, h1 = duty.cadre("G3"), duty.households["H1"]
    key = ("cadre", "household", "start_date")
    first = {"cadre": g3, "household": h1, "start_date": D(2019, 1, 1), "end_date": D(2019, 6, 30)}
    bulk_upsert(Pairing, key_fields=key, rows=[first], actor=SYSTEM)
    result = bulk_upsert(
        Pairing,
        key_fields=key,
        rows=[first | {"end_date": None}],
        actor=SYSTEM,
        keep_when_blank=("end_date",),
    )
    assert result.unchanged == 1
    assert Pairing.objects.get().end_date == D(2019, 6, 30)


def test_exactly_one_kind_of_key(duty: Duty) -> None:
    with pytest.raises(ValueError, match="either key or key_fields"):
        bulk_upsert(Pairing, key="start_date", key_fields=("cadre",), rows=[], actor=SYSTEM)
    with pytest.raises(ValueError, match="either key or key_fields"):
        bulk_upsert(Pairing, rows=[], actor=SYSTEM)


def test_a_single_key_still_works(duty: Duty) -> None:
    rows = [{"code": "U1", "name": "改名的扶贫局", "kind": "sector_dept"}]
    result = bulk_upsert(Unit, key="code", rows=rows, actor=SYSTEM)
    assert (result.created, result.updated) == (0, 1)
    assert Unit.objects.get(code="U1").name == "改名的扶贫局"


def test_bulk_services_refuse_rows_outside_the_scope_or_against_the_rules(duty: Duty) -> None:
    g3 = duty.cadre("G3")
    town_a = duty.scope("town_official")
    outside = [
        {"cadre": g3, "household": duty.households["H4"], "start_date": D(2019, 1, 1), "end_date": None}
    ]
    with pytest.raises(PermissionDenied):
        pairings_upsert(actor=SYSTEM, scope=town_a, rows=outside)
    clash = [
        {"cadre": g3, "household": duty.households["H1"], "start_date": D(2019, 1, 1), "end_date": None},
        {"cadre": g3, "household": duty.households["H1"], "start_date": D(2019, 2, 1), "end_date": None},
    ]
    with pytest.raises(ApplicationError, match="第2条"):
        pairings_upsert(actor=SYSTEM, scope=EVERYTHING, rows=clash)
    with pytest.raises(PermissionDenied):
        unit_villages_upsert(
            actor=SYSTEM,
            scope=town_a,
            rows=[
                {
                    "unit": duty.county.town_a_gov,
                    "village": duty.county.village_a1,
                    "start_date": D(2019, 1, 1),
                }
            ],
        )
    assert Pairing.objects.count() == 0
    result = pairings_upsert(actor=SYSTEM, scope=town_a, rows=clash[:1])
    assert result.created == 1

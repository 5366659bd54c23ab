"""The province generator of bench/ writes rows whose figures are the ones it counted itself.

The benchmark of issue 8 means something only if the generated rows are the rows the services
would write: every figure of the document, computed by fupin from them, must equal what the
generator counted as it drew them (households by status as of the month's end through the status
history, members, pairings, valid and invalid check-ins, problems by status, category and channel).
"""

from __future__ import annotations

import dataclasses
import time

import pytest
from django.db import connection

from bench.province_data import Generated, Sizes, generate
from fupin.areas.models import Area
from fupin.registry.models import Household, Member, StatusChange
from fupin.reports.figures import figures_document

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator writes with COPY"),
    pytest.mark.django_db,
]

SIZES = Sizes(
    households=2_000,
    counties=2,
    months=((2019, 10), (2019, 11)),
    checkins=4_000,
    problems=400,
    seed=7,
    cadres_per_county=1_200,  # the fixed posts and a few hundred paired cadres: keeps the test fast
)


@pytest.fixture
def generated() -> dict[str, dict[str, object]]:
    result = _generate(SIZES)
    return result.truths


def _generate(sizes: Sizes) -> Generated:
    """Generates inside the test's transaction, then checks the deferred foreign keys at once
    (the transaction is rolled back, never committed)."""
    connection.ensure_connection()
    result = generate(connection.connection, sizes, commit=False, log=lambda _line: None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return result


def test_figures_equal_the_generators_own_counts(generated: dict[str, dict[str, object]]) -> None:
    started = time.perf_counter()
    assert len(generated) == 2
    for code, expected in generated.items():
        document = figures_document(Area.objects.get(code=code), "2019-11")
        fieldwork = document["fieldwork"]
        actual = {
            "registry": document["registry"],
            "duty": document["duty"],
            "fieldwork": {k: fieldwork[k] for k in ("valid_checkins", "invalid_checkins")},
            "rectification": document["rectification"],
        }
        assert actual == expected, code
    assert time.perf_counter() - started < 10

    # The mix the brief asks for: most exited, some poor, a few relapsed; nearly every poor
    # household paired, a few not; problems in every state.
    registry = generated["610121000000"]["registry"]
    duty = generated["610121000000"]["duty"]
    rectification = generated["610121000000"]["rectification"]
    assert isinstance(registry, dict) and isinstance(duty, dict) and isinstance(rectification, dict)
    assert registry["exited_households"] > 2 * registry["poor_households"] > 0
    assert 0 < registry["relapsed_households"] < registry["poor_households"]
    assert 0 < duty["poor_households_unpaired"] < duty["poor_households_paired"] / 5
    assert rectification["overdue"] > 0 and 0 < rectification["closed"] < rectification["rectified"]
    assert Household.objects.count() == 2_000
    members = Member.objects.count()
    assert 2.9 * 2_000 < members < 3.5 * 2_000
    # Each household has its registration in its history, and the ids' sequences were moved on.
    assert StatusChange.objects.filter(from_status="").count() == 2_000
    assert Household.objects.filter(poverty_status="cancelled").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('registry_household', 'id'))")
        assert cursor.fetchone()[0] > Household.objects.order_by("-id").values_list("id", flat=True)[0]


def test_the_same_seed_gives_the_same_rows() -> None:
    small = dataclasses.replace(SIZES, households=300, counties=1, checkins=300, problems=50)
    first = _generate(small).truths
    rows = list(Household.objects.order_by("id").values_list("code", "head_id_number", "poverty_status"))
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE areas_area, people_unit, people_cadre, registry_household, registry_member, "
            "registry_statuschange, duty_pairing, duty_unitvillage, duty_leadertown, duty_workteammember, "
            "fieldwork_checkin, rectification_problem, rectification_problemcategory RESTART IDENTITY CASCADE"
        )
    assert _generate(small).truths == first
    assert (
        list(Household.objects.order_by("id").values_list("code", "head_id_number", "poverty_status")) == rows
    )

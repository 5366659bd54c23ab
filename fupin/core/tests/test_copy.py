"""COPY creation gives the same records and change-log rows as the portable bulk path."""

from __future__ import annotations

import pytest
from django.db import connection

from fupin.conftest import County
from fupin.core.audit import Actor
from fupin.core.bulk import bulk_upsert
from fupin.core.copy import copy_available, copy_create, unsaved_instance
from fupin.core.models import ChangeLog
from fupin.people.models import Unit

ACTOR = Actor.system("测试导入", source="test", batch="b-1")


def unit_rows(prefix: str, county: County) -> list[dict[str, object]]:
    return [
        {
            "code": f"{prefix}1",
            "name": "县\\扶贫\t局",
            "kind": "sector_dept",
            "parent": None,
            "area": county.county,
        },
        {
            "code": f"{prefix}2",
            "name": "县农技站\n二",
            "kind": "institution",
            "parent": county.agriculture,
            "area": None,
        },
    ]


def comparable(unit: Unit) -> tuple[object, ...]:
    return (unit.code[1:], unit.name, unit.kind, unit.parent_id, unit.area_id, unit.version)


def logs(codes: list[str]) -> list[tuple[object, ...]]:
    units = {u.pk: u.code for u in Unit.objects.filter(code__in=codes)}
    rows = ChangeLog.objects.filter(object_type="people.unit", object_id__in=list(units)).order_by(
        "object_id"
    )
    return [
        (
            r.action,
            r.actor_name,
            r.batch,
            r.source,
            r.before,
            {**(r.after or {}), "单位编码": units[r.object_id][1:]},
        )
        for r in rows
    ]


def test_unsaved_instance_follows_related_objects_without_a_query(
    county: County, django_assert_num_queries: object
) -> None:
    unit = unsaved_instance(Unit, unit_rows("C", county)[1])
    with django_assert_num_queries(0):  # type: ignore[operator]
        snapshot = unit.audit_snapshot()
    assert snapshot["上级单位"] == county.agriculture.code and unit.parent_id == county.agriculture.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_create_matches_the_portable_path(county: County) -> None:
    assert copy_available()
    created = copy_create(Unit, unit_rows("C", county), actor=ACTOR)
    bulk_upsert(Unit, key="code", rows=unit_rows("B", county), actor=ACTOR)
    copied = sorted(comparable(u) for u in Unit.objects.filter(code__startswith="C"))
    portable = sorted(comparable(u) for u in Unit.objects.filter(code__startswith="B"))
    assert copied == portable and copied[0][1] == "县\\扶贫\t局"
    assert [u.pk for u in created] == sorted(
        Unit.objects.filter(code__startswith="C").values_list("pk", flat=True)
    )
    assert logs(["C1", "C2"]) == logs(["B1", "B2"])
    # The sequence moved past the drawn ids: a later ordinary insert does not collide.
    later = Unit.objects.create(code="D1", name="后来", kind="other")
    assert later.pk > max(u.pk for u in created)


@pytest.mark.skipif(not copy_available(), reason="ids are drawn with PostgreSQL's sequences")
@pytest.mark.django_db
def test_ids_are_drawn_from_the_sequence_by_range_or_one_by_one() -> None:
    from fupin.core.copy_frames import allocate_ids

    by_range = allocate_ids(Unit, 5).to_list()
    one_by_one = allocate_ids(Unit, 5, attempts=0).to_list()
    assert by_range == list(range(by_range[0], by_range[0] + 5))
    assert sorted(one_by_one) == list(range(by_range[-1] + 1, by_range[-1] + 6))
    assert allocate_ids(Unit, 0).to_list() == []

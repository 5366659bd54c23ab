import pytest

from fupin.areas.models import Area
from fupin.areas.services import area_update, areas_upsert
from fupin.core.audit import Actor
from fupin.core.exceptions import ConflictError
from fupin.core.models import ChangeLog

SYSTEM = Actor.system("测试", batch="b1")


def _rows(name: str) -> list[dict[str, object]]:
    return [
        {
            "code": "610727000000",
            "name": "略阳县",
            "is_poor_village": False,
            "longitude": None,
            "latitude": None,
        },
        {"code": "610727100000", "name": name, "is_poor_village": False, "longitude": None, "latitude": None},
    ]


@pytest.mark.django_db
def test_bulk_upsert_logs_creates_then_only_real_changes() -> None:
    first = areas_upsert(actor=SYSTEM, rows=_rows("兴州街道"))
    assert (first.created, first.updated) == (2, 0)
    assert ChangeLog.objects.filter(action="create", batch="b1").count() == 2

    again = areas_upsert(actor=SYSTEM, rows=_rows("兴州街道"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ChangeLog.objects.count() == 2

    renamed = areas_upsert(actor=SYSTEM, rows=_rows("兴州镇"))
    assert renamed.updated == 1
    entry = ChangeLog.objects.get(action="update")
    assert entry.before["名称"] == "兴州街道"
    assert entry.after["名称"] == "兴州镇"
    assert entry.changed_fields() == [("名称", "兴州街道", "兴州镇")]
    town = Area.objects.get(code="610727100000")
    assert town.version == 2
    assert town.parent is not None and town.parent.code == "610727000000"


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_is_overwritten() -> None:
    areas_upsert(actor=SYSTEM, rows=_rows("兴州街道"))
    town = Area.objects.get(code="610727100000")
    area_update(actor=SYSTEM, area=town, expected_version=1, name="第一次修改")
    with pytest.raises(ConflictError):
        area_update(actor=SYSTEM, area=town, expected_version=1, name="第二次修改")
    town.refresh_from_db()
    assert town.name == "第一次修改"
    assert town.version == 2
    assert "diyicixiugai" in town.search_key

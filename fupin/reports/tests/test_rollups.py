"""Rollups of the figures document: equal to the raw definition for every area, kept current from the
change log, checked by `fupin figures --check`, and queued rather than computed in production."""

from __future__ import annotations

import datetime as dt
import json
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from rest_framework.test import APIClient

from fupin.areas.models import Area
from fupin.areas.tree import county_tree
from fupin.conftest import County, Personas
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.models import ChangeAction, ChangeLog
from fupin.core.scope import Scope
from fupin.people.scope import SUPERUSER
from fupin.rectification.services.editing import category_create
from fupin.rectification.services.problems import problem_create
from fupin.registry.models import Household
from fupin.reports import selectors
from fupin.reports.figures import figures_document, period_of
from fupin.reports.models import FigureRollup, RollupBuild, RollupCursor
from fupin.reports.rollups import changes, store
from fupin.reports.rollups.builder import build_documents
from fupin.reports.rollups.changes import ReadPosition, area_code_path, read_changes
from fupin.reports.tests.test_figures import A1, COUNTY, TOWN_A, ledger_set  # noqa: F401  (fixture)

EVERYTHING = Scope(role=SUPERUSER, area_prefixes=None)
ACTOR = Actor.system("测试")


def county_area() -> Area:
    return Area.objects.get(code=COUNTY)


def file_problem(village: Area, found: dt.date) -> None:
    home = Area.objects.get(code=areacode.county_code_of(village.code))
    category = category_create(actor=ACTOR, scope=EVERYTHING, county=home, name=f"类别{time.time_ns()}")
    problem_create(
        actor=ACTOR,
        scope=EVERYTHING,
        channel="talk",
        origin="self",
        category=category,
        description="村道损毁未修复",
        area=village,
        found_date=found,
        measures="修复村道",
        deadline=found + dt.timedelta(days=30),
    )


@pytest.mark.usefixtures("ledger_set")
@pytest.mark.parametrize(
    ("month", "as_of"), [("2019-11", None), ("2019-12", "2019-12-10"), ("2020-01", None)]
)
def test_every_area_of_the_county_equals_the_raw_document(month: str, as_of: str | None) -> None:
    documents = build_documents(county_area(), period_of(month, as_of))
    tree = county_tree(county_area())
    assert list(documents) == list(tree.codes)
    for area in tree.areas:
        assert documents[area.code] == figures_document(area, month, as_of), area.code


@pytest.mark.usefixtures("ledger_set")
def test_a_document_is_built_once_and_then_read_from_the_rollups() -> None:
    town = Area.objects.get(code=TOWN_A)
    first = selectors.figures_for(town, "2019-11")
    assert first == figures_document(town, "2019-11")
    build = RollupBuild.objects.get(root_code=COUNTY, month="2019-11")
    assert not build.stale and build.built_at is not None
    assert FigureRollup.objects.filter(build=build).count() == len(county_tree(county_area()).codes)
    # A planted value is served as stored: the read does not compute from the records.
    plant(TOWN_A, "registry", "households", 999)
    assert selectors.figures_for(town, "2019-11")["registry"]["households"] == 999


@pytest.mark.usefixtures("ledger_set")
def test_a_write_through_a_service_shows_in_the_figures(county: County) -> None:
    village = Area.objects.get(code=A1)
    before = selectors.figures_for(county.county, "2019-11")["rectification"]["found"]
    assert RollupBuild.objects.filter(stale=True).count() == 0
    file_problem(village, dt.date(2019, 11, 5))
    store.mark_stale_from_changes()
    assert set(RollupBuild.objects.filter(stale=True).values_list("root_code", flat=True)) == {COUNTY}
    assert selectors.figures_for(county.county, "2019-11")["rectification"]["found"] == before + 1
    assert selectors.figures_for(village, "2019-11")["rectification"]["found"] == 1


@pytest.mark.usefixtures("ledger_set")
def test_the_refresh_task_rebuilds_what_a_write_made_stale(county: County) -> None:
    from fupin.reports.tasks import refresh_rollups

    selectors.figures_for(county.county, "2019-11")
    selectors.figures_for(county.county, "2019-10")
    file_problem(county.village_b1, dt.date(2019, 10, 20))
    assert refresh_rollups() == 2  # both months: a stock counts the problem from October on
    stored = FigureRollup.objects.get(area_code=county.village_b1.code, month="2019-10").document
    assert stored["rectification"]["found"] == 1
    assert refresh_rollups() == 0


@pytest.mark.usefixtures("ledger_set")
def test_a_write_in_another_county_leaves_this_one_fresh(county: County) -> None:
    selectors.figures_for(county.county, "2019-11")
    other_village = Area.objects.get(code="610726100200")
    file_problem(other_village, dt.date(2019, 11, 5))
    store.mark_stale_from_changes()
    assert not RollupBuild.objects.get(root_code=COUNTY).stale


def test_records_lead_to_their_county_by_the_shortest_path() -> None:
    assert area_code_path("duty.pairing") == "household__area_code"
    assert area_code_path("registry.member") == "household__area_code"
    assert area_code_path("fieldwork.checkin") == "area_code"
    assert area_code_path("duty.workteammember") == "village__code"
    assert area_code_path("people.cadre") == "unit__area__code"
    # Reference data with no place: every county may read it.
    assert area_code_path("indicators.indicator") is None


@pytest.mark.usefixtures("ledger_set")
def test_reference_data_and_deleted_records_make_every_county_stale(county: County) -> None:
    selectors.figures_for(county.county, "2019-11")
    household = Household.objects.get(code="H1")
    ChangeLog.objects.create(
        object_type="registry.household",
        object_id=household.pk + 10_000,  # no longer there
        object_repr="已删除的户",
        action=ChangeAction.DELETE,
        at=household.created_at,
    )
    store.mark_stale_from_changes()
    assert RollupBuild.objects.get(root_code=COUNTY).stale


def plant(area_code: str, section: str, key: str, value: int) -> None:
    row = FigureRollup.objects.get(area_code=area_code, month="2019-11")
    document = row.document
    document[section][key] = value
    row.document_json = json.dumps(document, ensure_ascii=False)
    row.save()


def _log(pk: int, household: Household) -> None:
    ChangeLog.objects.create(
        pk=pk,
        object_type="registry.household",
        object_id=household.pk,
        object_repr=household.code,
        action=ChangeAction.UPDATE,
        at=household.created_at,
    )


@pytest.mark.usefixtures("ledger_set")
def test_an_id_committed_late_below_the_position_is_still_read() -> None:
    household = Household.objects.get(code="H1")
    base = (ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    _log(base + 1, household)
    _log(base + 3, household)  # base + 2 is handed out to a transaction that commits later
    touched, position = read_changes(ReadPosition(base, []), now=1000.0)
    assert touched.county_codes == {COUNTY}
    assert position.seen_through == base + 3
    assert [gap[:2] for gap in position.gaps] == [[base + 2, base + 2]]
    touched, position = read_changes(position, now=1001.0)
    assert touched.county_codes == set() and position.gaps
    _log(base + 2, household)
    touched, position = read_changes(position, now=1002.0)
    assert touched.county_codes == {COUNTY}
    assert position.gaps == []
    # A gap that never fills (a rolled-back transaction) is given up after a while.
    _log(base + 6, household)
    _, position = read_changes(position, now=2000.0)
    assert [gap[:2] for gap in position.gaps] == [[base + 4, base + 5]]
    _, position = read_changes(position, now=2000.0 + changes.GAP_PATIENCE_S + 1)
    assert position.gaps == []


@pytest.mark.usefixtures("ledger_set")
def test_a_write_while_a_build_runs_leaves_the_build_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.build_documents

    def build_with_a_write_meanwhile(*args: Any) -> Any:
        documents = real(*args)
        RollupBuild.objects.filter(root_code=COUNTY).update(stale=True, marks=10)
        return documents

    monkeypatch.setattr(store, "build_documents", build_with_a_write_meanwhile)
    build = store.rebuild(county_area(), period_of("2019-11"))
    assert build.stale and build.built_at is not None


@pytest.mark.usefixtures("ledger_set")
def test_check_reports_a_planted_difference_by_path() -> None:
    out = StringIO()
    call_command("figures", "--check", "--area", COUNTY, "--month", "2019-11", stdout=out)
    assert "与原始数据一致" in out.getvalue()
    row = FigureRollup.objects.get(area_code=A1, month="2019-11")
    plant(A1, "duty", "paired_cadres", row.document["duty"]["paired_cadres"] + 1)
    out = StringIO()
    with pytest.raises(CommandError, match="发现 1 处不一致"):
        call_command("figures", "--check", "--area", COUNTY, "--month", "2019-11", stdout=out)
    assert f"{A1} 2019-11（截至 2019-11-30）duty.paired_cadres" in out.getvalue()


def test_check_with_nothing_built_says_so(county: County) -> None:
    with pytest.raises(CommandError, match="没有可核对的统计汇总"):
        call_command("figures", "--check")


@pytest.mark.usefixtures("ledger_set")
@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_in_production_a_missing_document_is_queued_not_computed(
    monkeypatch: pytest.MonkeyPatch, personas: Personas
) -> None:
    from fupin.reports import tasks

    queued: list[tuple[str, str, str]] = []
    monkeypatch.setattr(tasks.build_rollup, "delay", lambda *args: queued.append(args))
    with pytest.raises(selectors.FiguresPending):
        selectors.figures_for(county_area(), "2019-11")
    assert queued == [(COUNTY, "2019-11", "2019-11-30")]
    client = APIClient()
    client.force_authenticate(personas.users["county_admin"])
    response = client.get("/api/figures/", {"area": COUNTY, "month": "2019-11"})
    assert response.status_code == 202 and response["Retry-After"] == "5"
    assert len(queued) == 1  # asked twice, queued once
    tasks.build_rollup(COUNTY, "2019-11", "2019-11-30")
    response = client.get("/api/figures/", {"area": COUNTY, "month": "2019-11"})
    assert response.status_code == 200
    assert response.json() == figures_document(county_area(), "2019-11")


@pytest.mark.usefixtures("ledger_set")
def test_reading_the_change_log_when_nothing_is_built_only_moves_the_position() -> None:
    store.mark_stale_from_changes()
    cursor = RollupCursor.objects.get()
    assert cursor.seen_through == (
        ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )


@pytest.mark.usefixtures("ledger_set")
def test_counties_are_rebuilt_before_the_areas_above_them(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = Area.objects.create(code="610700000000", name="汉中市", level="city")
    for root, month in [(city, "2019-11"), (county.county, "2019-10"), (county.county, "2019-11")]:
        RollupBuild.objects.create(root_code=root.code, month=month, as_of=period_of(month).as_of)
    order: list[tuple[str, str]] = []
    monkeypatch.setattr(store, "rebuild", lambda root, period: order.append((root.code, period.label)))
    store.rebuild_stale()
    assert order == [(COUNTY, "2019-11"), (COUNTY, "2019-10"), ("610700000000", "2019-11")]


@pytest.mark.usefixtures("ledger_set")
def test_a_long_change_log_is_read_to_its_end_in_one_call(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a large import the change log is read in steps, all of them before the call returns, so
    that documents built next are not marked stale by what the first step left unread."""
    for day in (3, 4, 5):
        file_problem(county.village_a1, dt.date(2019, 11, day))
    monkeypatch.setattr(store, "READ_LIMIT", 2)
    monkeypatch.setattr(changes, "READ_LIMIT", 2)
    store.mark_stale_from_changes()
    last = ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert RollupCursor.objects.get().seen_through == last
    store.rebuild(county_area(), period_of("2019-11"))
    store.mark_stale_from_changes()
    assert not RollupBuild.objects.get(root_code=COUNTY).stale

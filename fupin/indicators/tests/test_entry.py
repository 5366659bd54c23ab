"""Entering values: validation in Chinese naming the indicator, the version that refuses a stale
form, approval upward that locks the values, and a late correction refused unless unapproved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.indicators.models import DataValue, Report, ReportAction, ReportLevel, ReportStatus, ValueKind
from fupin.indicators.services.approval import report_approve, report_return, report_submit, report_unapprove
from fupin.indicators.services.entry import Entry, report_get, values_save
from fupin.indicators.tests.conftest import Ind

pytestmark = pytest.mark.django_db


def actor(ind: Ind, persona: str) -> Actor:
    return Actor.of(ind.personas.users[persona])


def stored(ind: Ind, code: str, period: int = 11) -> Decimal | None:
    value = DataValue.objects.filter(
        indicator__code=code, area=ind.county.village_a1, year=2019, period=period
    ).first()
    return None if value is None else value.value


def test_values_are_saved_with_comments_and_logged(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": "12.5", "CJ02": 3, "CJ03": 40})
    assert stored(ind, "CJ01") == Decimal("12.5")
    assert report.version == 1 and report.status == ReportStatus.OPEN
    logged = ChangeLog.objects.filter(object_type="indicators.datavalue").count()
    assert logged == 3
    assert report.events.filter(action=ReportAction.SAVE).count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"CJ01": "-1"}, "v_CJ01", "“村集体经济收入”不能为负数"),
        ({"CJ02": "2.5"}, "v_CJ02", "“公益岗位在岗人数”应为整数"),
        ({"CJ01": "1.234"}, "v_CJ01", "“村集体经济收入”最多保留2位小数"),
        ({"CJ02": 50, "CJ03": 40}, "v_CJ02", "“公益岗位在岗人数”（50）不应大于“脱贫劳动力人数”（40）"),
    ],
)
def test_bad_values_are_refused_naming_the_indicator_and_nothing_is_written(
    ind: Ind, values: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        ind.enter(ind.county.village_a1, 2019, 11, values)
    assert refused.value.field_errors[field] == message
    assert not DataValue.objects.exists()


def test_a_stale_form_is_refused_and_keeps_the_first_save(ind: Ind) -> None:
    village = ind.county.village_a1
    first = report_get(data_set=ind.village_set, area=village, kind=ValueKind.ACTUAL, year=2019, period=11)
    ind.enter(village, 2019, 11, {"CJ01": 10})
    with pytest.raises(ConflictError):
        values_save(
            actor=SYSTEM,
            scope=EVERYTHING,
            data_set=ind.village_set,
            area=village,
            year=2019,
            period=11,
            entries={"CJ01": Entry(Decimal(99))},
            expected_version=first.version,
        )
    assert stored(ind, "CJ01") == Decimal(10)


def test_clearing_a_value_deletes_it_with_a_log_row(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10})
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": None})
    assert stored(ind, "CJ01") is None
    assert ChangeLog.objects.filter(object_type="indicators.datavalue", action="delete").count() == 1


def test_entry_only_at_the_data_set_level_and_inside_the_scope(ind: Ind) -> None:
    with pytest.raises(PermissionDenied):
        ind.enter(ind.county.village_b1, 2019, 11, {"CJ01": 1}, scope=ind.scope("work_team"))
    with pytest.raises(PermissionDenied):
        ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 1}, scope=ind.scope("county_leader"))
    with pytest.raises(PermissionDenied):  # a town form is not a village's
        ind.enter(ind.county.village_a1, 2019, 11, {"NY01": 1}, data_set=ind.town_set)
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 1}, scope=ind.scope("work_team"))
    ind.enter(ind.county.village_a2, 2019, 11, {"CJ01": 1}, scope=ind.scope("town_official"))


def _approved_by_town(ind: Ind) -> Report:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10}, scope=ind.scope("work_team"))
    report = report_submit(
        actor=actor(ind, "work_team"),
        scope=ind.scope("work_team"),
        report=report,
        expected_version=report.version,
    )
    return report_approve(
        actor=actor(ind, "town_official"),
        scope=ind.scope("town_official"),
        report=report,
        expected_version=report.version,
    )


def test_submitting_locks_the_values_for_the_submitter(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10}, scope=ind.scope("work_team"))
    report_submit(
        actor=actor(ind, "work_team"),
        scope=ind.scope("work_team"),
        report=report,
        expected_version=report.version,
    )
    with pytest.raises(PermissionDenied, match="已上报"):
        ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 11}, scope=ind.scope("work_team"))
    assert stored(ind, "CJ01") == Decimal(10)


def test_approval_goes_up_village_town_county(ind: Ind) -> None:
    report = _approved_by_town(ind)
    assert (report.status, report.approved_level) == (ReportStatus.APPROVED, ReportLevel.TOWN)
    with pytest.raises(PermissionDenied):  # the town cannot approve twice; the county is next
        report_approve(
            actor=SYSTEM, scope=ind.scope("town_official"), report=report, expected_version=report.version
        )
    report = report_approve(
        actor=actor(ind, "office_staff"),
        scope=ind.scope("office_staff"),
        report=report,
        expected_version=report.version,
    )
    assert report.approved_level == ReportLevel.COUNTY
    with pytest.raises(ApplicationError, match="不需要审核"):
        report_approve(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=report.version)
    actions = list(report.events.values_list("action", "actor_name"))
    assert actions[-3:] == [
        ("submit", "work_team"),
        ("approve", "town_official"),
        ("approve", "office_staff"),
    ]


def test_a_village_cannot_approve_its_own_report_nor_another_town(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10})
    report = report_submit(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=report.version)
    for persona in ("work_team", "county_admin", "outsider"):
        with pytest.raises(PermissionDenied):
            report_approve(
                actor=SYSTEM, scope=ind.scope(persona), report=report, expected_version=report.version
            )


def test_a_late_correction_after_approval_is_refused_unless_the_approver_unapproves(ind: Ind) -> None:
    report = _approved_by_town(ind)
    for persona in ("work_team", "town_official", "county_admin"):
        with pytest.raises(PermissionDenied, match="撤销审核"):
            ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 12}, scope=ind.scope(persona))
    with pytest.raises(PermissionDenied):  # only the approver unlocks
        report_unapprove(
            actor=SYSTEM, scope=ind.scope("work_team"), report=report, expected_version=report.version
        )
    report = report_unapprove(
        actor=actor(ind, "town_official"),
        scope=ind.scope("town_official"),
        report=report,
        expected_version=report.version,
        note="村集体收入漏报一笔",
    )
    assert report.status == ReportStatus.OPEN
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 12}, scope=ind.scope("work_team"))
    assert stored(ind, "CJ01") == Decimal(12)
    unapproved = report.events.get(action=ReportAction.UNAPPROVE)
    assert (unapproved.actor_name, unapproved.note) == ("town_official", "村集体收入漏报一笔")
    logged = ChangeLog.objects.filter(
        object_type="indicators.report", object_id=report.pk, actor_name="town_official"
    )
    assert logged.count() == 2  # approve and unapprove, each with who and when


def test_county_unapproval_steps_back_to_the_town_and_keeps_the_lock(ind: Ind) -> None:
    report = _approved_by_town(ind)
    report = report_approve(
        actor=SYSTEM, scope=ind.scope("county_admin"), report=report, expected_version=report.version
    )
    report = report_unapprove(
        actor=SYSTEM, scope=ind.scope("county_admin"), report=report, expected_version=report.version
    )
    assert (report.status, report.approved_level) == (ReportStatus.APPROVED, ReportLevel.TOWN)
    with pytest.raises(PermissionDenied):
        ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 12})


def test_the_approver_returns_a_submitted_report_for_correction(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10})
    report = report_submit(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        report_return(
            actor=SYSTEM, scope=ind.scope("work_team"), report=report, expected_version=report.version
        )
    report = report_return(
        actor=SYSTEM, scope=ind.scope("town_official"), report=report, expected_version=report.version
    )
    assert report.status == ReportStatus.OPEN


def test_a_stale_approval_is_refused(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10})
    stale = report.version
    report_submit(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=stale)
    with pytest.raises(ApplicationError, match="刷新"):
        report_submit(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=stale)


def test_plans_are_entered_like_values_and_skip_the_rules_between_indicators(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 0, {"CJ01": 120, "CJ02": 50, "CJ03": 40}, kind=ValueKind.PLAN)
    plan = DataValue.objects.get(indicator__code="CJ01", kind=ValueKind.PLAN)
    assert (plan.year, plan.period, plan.value) == (2019, 0, Decimal(120))
    with pytest.raises(ApplicationError):
        ind.enter(ind.county.village_a1, 2019, 3, {"CJ01": 1}, kind=ValueKind.PLAN)


def test_a_town_official_who_submitted_for_a_village_cannot_approve_it(ind: Ind) -> None:
    town = ind.scope("town_official")
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10}, scope=town)
    report = report_submit(
        actor=actor(ind, "town_official"), scope=town, report=report, expected_version=report.version
    )
    with pytest.raises(PermissionDenied, match="本人上报"):
        report_approve(
            actor=actor(ind, "town_official"), scope=town, report=report, expected_version=report.version
        )

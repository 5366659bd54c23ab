"""Risk flags, monitoring cases with their 15-day deadline, clearance and its refusals, hardship events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.registry.models import (
    HardshipEvent,
    Household,
    Member,
    MonitoringCase,
    MonitoringStatus,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    StatusChange,
)
from fupin.registry.risk import risk_flags
from fupin.registry.selectors import monitoring_overdue
from fupin.registry.services.monitoring import (
    hardship_event_record,
    monitored_household_register,
    monitoring_case_open,
    risk_clear,
)
from fupin.registry.tests.conftest import (
    START,
    TODAY,
    YEAR,
    Registry,
    person_id,
    run_steps,
    secure_all,
    set_income,
)

pytestmark = pytest.mark.django_db
D = dt.timedelta


def stable(household: Household, wages: str = "20000") -> None:
    """Everything secured and income well above the monitoring line (10000 per capita)."""
    secure_all(household)
    set_income(household, YEAR, wages)


def open_case(household: Household, lead_on: dt.date = START, **kwargs: object) -> MonitoringCase:
    return monitoring_case_open(
        actor=SYSTEM,
        scope=EVERYTHING,
        household=household,
        lead_on=lead_on,
        **kwargs,  # type: ignore[arg-type]
    )


def monitoring_procedure(case: MonitoringCase) -> Procedure:
    return Procedure.objects.get(monitoring_case=case, kind=ProcedureKind.MONITORING)


# Risk flags -------------------------------------------------------------------------------------


def test_no_flags_for_a_stable_household(registry: Registry) -> None:
    stable(registry.h2)
    assert risk_flags(registry.h2, YEAR) == []


def test_income_below_the_monitoring_line_is_flagged(registry: Registry) -> None:
    stable(registry.h2, wages="10000")  # 5000 per capita; the line is 7300 from 2024 on
    assert risk_flags(registry.h2, YEAR) == [f"{YEAR}年人均纯收入5000.00元，低于监测收入线7300.00元"]


def test_each_unsecured_need_is_flagged(registry: Registry) -> None:
    stable(registry.h2)
    registry.h2.water_secure = False
    registry.h2.schooling_secure = False
    registry.h2.medical_secure = None  # not assessed is not a flag
    registry.h2.save()
    assert risk_flags(registry.h2, YEAR) == ["饮水安全有保障：未保障", "义务教育有保障：未保障"]


def test_hardship_events_in_the_last_twelve_months(registry: Registry) -> None:
    household = registry.h2
    stable(household)  # yearly net income 20000
    HardshipEvent.objects.create(
        household=household, kind="accident", on=TODAY - D(30), expense=Decimal(15000)
    )
    HardshipEvent.objects.create(
        household=household, kind="illness", on=TODAY - D(400), expense=Decimal(90000)
    )
    assert risk_flags(household, YEAR) == []  # 15000 ≤ 20000, and the illness is older than a year
    HardshipEvent.objects.create(
        household=household, kind="job_loss", on=TODAY - D(10), expense=Decimal(6000)
    )
    assert risk_flags(household, YEAR) == ["近12个月突发事件刚性支出21000.00元，超过家庭年纯收入20000.00元"]
    HardshipEvent.objects.create(household=household, kind="disaster", on=TODAY - D(5), expense=Decimal(0))
    assert risk_flags(household, YEAR)[1] == f"{TODAY - D(5):%Y年%m月%d日}发生自然灾害"


# Opening a case ---------------------------------------------------------------------------------


def test_exited_household_opens_as_unstable_with_a_15_day_deadline(registry: Registry) -> None:
    registry.h2.water_secure = False
    registry.h2.save()
    case = open_case(registry.h2, lead_source="入户走访")
    assert (case.monitoring_type, case.status) == ("unstable", MonitoringStatus.IDENTIFYING)
    assert case.risk_flags == ["饮水安全有保障：未保障"]
    procedure = monitoring_procedure(case)
    assert procedure.started_on == START
    assert procedure.due_on == START + D(15) == case.due_on
    assert ChangeLog.objects.filter(object_type="registry.monitoringcase", object_id=case.pk).count() == 1


@pytest.mark.parametrize(
    ("household_name", "kwargs", "message"),
    [
        ("h2", {"monitoring_type": "edge"}, "已脱贫应纳入为脱贫不稳定户"),
        ("h1", {}, "未脱贫户不纳入防返贫监测"),
        ("h2", {"lead_on": TODAY + D(1)}, "不能晚于今天"),
    ],
)
def test_open_refusals(
    registry: Registry, household_name: str, kwargs: dict[str, object], message: str
) -> None:
    household = getattr(registry, household_name)
    with pytest.raises(ApplicationError, match=message):
        open_case(household, **kwargs)
    assert MonitoringCase.objects.count() == 0 and Procedure.objects.count() == 0


def test_one_open_case_per_household(registry: Registry) -> None:
    open_case(registry.h2)
    with pytest.raises(ApplicationError, match="不能重复纳入"):
        open_case(registry.h2, lead_on=TODAY)
    assert MonitoringCase.objects.count() == 1


def test_non_poor_household_registered_for_monitoring(registry: Registry) -> None:
    fields = {
        "village": registry.personas.county.village_a1,
        "code": "M1",
        "head_name": "边缘户",
        "head_id_number": person_id(777),
        "size": 1,
        "category": "general",
        "main_cause": "illness",
        "identification_standard": "national",
        "lead_on": START,
    }
    with pytest.raises(ApplicationError, match="一般农户应纳入为边缘易致贫户或突发严重困难户"):
        monitored_household_register(actor=SYSTEM, scope=EVERYTHING, monitoring_type="unstable", **fields)  # type: ignore[arg-type]
    assert not Household.objects.filter(code="M1").exists()
    case = monitored_household_register(
        actor=registry.actor("work_team"),
        scope=registry.scope("work_team"),
        monitoring_type="sudden",
        **fields,  # type: ignore[arg-type]
    )
    assert case.household.poverty_status == PovertyStatus.NON_POOR
    assert case.monitoring_type == "sudden"
    assert StatusChange.objects.get(household=case.household).to_status == "non_poor"


def test_overdue_cases_are_those_identifying_past_their_deadline(registry: Registry) -> None:
    late = open_case(registry.h2, lead_on=TODAY - D(16))
    h4 = Household.objects.create(
        code="H4",
        village=registry.personas.county.village_b1,
        area_code=registry.personas.county.village_b1.code,
        head_name="赵四",
        head_id_number=person_id(4),
        size=1,
        identification_standard="national",
        category="general",
        main_cause="illness",
        poverty_status=PovertyStatus.OUT,
        registered_year=2016,
    )
    on_time = open_case(h4, lead_on=TODAY - D(15))  # due today: not yet late
    assert list(monitoring_overdue(EVERYTHING, TODAY)) == [late]
    assert set(monitoring_overdue(EVERYTHING, TODAY + D(1))) == {late, on_time}
    # The town official of town A sees its own late case only.
    assert list(monitoring_overdue(registry.scope("town_official"), TODAY + D(1))) == [late]
    # Once identified, a case is no longer overdue.
    run_steps(monitoring_procedure(late), start=TODAY - D(14))
    late.refresh_from_db()
    assert late.status == MonitoringStatus.MONITORED and late.identified_on is not None
    assert list(monitoring_overdue(EVERYTHING, TODAY)) == []


def test_rejected_identification_leaves_the_case_not_included(registry: Registry) -> None:
    case = open_case(registry.h2)
    procedure = monitoring_procedure(case)
    day = run_steps(procedure, upto=3)
    from fupin.registry.services.lifecycle import procedure_step_record

    procedure_step_record(
        actor=SYSTEM,
        scope=EVERYTHING,
        procedure=procedure,
        step_kind="village_review",
        on=day,
        passed=False,
        note="收入稳定",
    )
    case.refresh_from_db()
    assert case.status == MonitoringStatus.NOT_INCLUDED
    open_case(registry.h2, lead_on=TODAY)  # a new lead may open a new case


# Clearance --------------------------------------------------------------------------------------


def monitored(registry: Registry) -> MonitoringCase:
    case = open_case(registry.h2)
    run_steps(monitoring_procedure(case))
    case.refresh_from_db()
    assert case.status == MonitoringStatus.MONITORED
    return case


def test_clearance_refused_while_risks_remain(registry: Registry) -> None:
    case = monitored(registry)
    stable(registry.h2, wages="10000")
    registry.h2.housing_secure = False
    registry.h2.save()
    with pytest.raises(ApplicationError) as refused:
        risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case)
    assert "低于监测收入线" in refused.value.message
    assert "住房安全有保障：未保障" in refused.value.message
    assert not Procedure.objects.filter(kind=ProcedureKind.RISK_CLEARANCE).exists()


def test_clearance_refused_without_income_data(registry: Registry) -> None:
    case = monitored(registry)
    secure_all(registry.h2)
    with pytest.raises(ApplicationError, match="人均纯收入未录入"):
        risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case)


def test_households_without_labour_on_support_stay_monitored(registry: Registry) -> None:
    case = monitored(registry)
    stable(registry.h2)
    Household.objects.filter(pk=registry.h2.pk).update(category="dibao")
    Member.objects.filter(household=registry.h2).update(labour="lost")
    Member.objects.filter(household=registry.h2, relation="spouse").update(labour="none")
    with pytest.raises(ApplicationError, match="应持续监测"):
        risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case)
    # One member able to work: clearance may start.
    Member.objects.filter(household=registry.h2, relation="spouse").update(labour="weak")
    assert risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case).kind == ProcedureKind.RISK_CLEARANCE


def test_clearance_runs_to_cleared(registry: Registry) -> None:
    case = monitored(registry)
    stable(registry.h2)
    with pytest.raises(PermissionDenied):
        risk_clear(actor=registry.actor("paired_cadre"), scope=registry.scope("paired_cadre"), case=case)
    procedure = risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case, started_on=START + D(20))
    with pytest.raises(ApplicationError, match="已有进行中的“风险消除”程序"):
        risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case)
    run_steps(procedure, start=START + D(20))
    case.refresh_from_db()
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.APPROVED
    assert (case.status, case.cleared_on) == (MonitoringStatus.CLEARED, procedure.finished_on)
    log = ChangeLog.objects.filter(object_type="registry.monitoringcase", object_id=case.pk).order_by("-id")[
        0
    ]
    assert log.after["状态"] == "风险已消除"


def test_clearance_approval_refused_if_a_risk_returns(registry: Registry) -> None:
    case = monitored(registry)
    stable(registry.h2)
    procedure = risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case, started_on=START + D(20))
    day = run_steps(procedure, upto=3, start=START + D(20))
    HardshipEvent.objects.create(household=registry.h2, kind="illness", on=day, expense=Decimal(100))
    with pytest.raises(ApplicationError, match="发生重大疾病"):
        run_steps(procedure, start=day)
    case.refresh_from_db()
    assert case.status == MonitoringStatus.MONITORED


def test_clearance_only_for_monitored_cases(registry: Registry) -> None:
    case = open_case(registry.h2)
    stable(registry.h2)
    with pytest.raises(ApplicationError, match="只有监测中的对象"):
        risk_clear(actor=SYSTEM, scope=EVERYTHING, case=case)


# Hardship events --------------------------------------------------------------------------------


def test_hardship_event_recorded_by_the_paired_cadre_of_the_household(registry: Registry) -> None:
    cadre = (registry.actor("paired_cadre"), registry.scope("paired_cadre"))
    event = hardship_event_record(
        actor=cadre[0], scope=cadre[1], household=registry.h1, kind="illness", on=TODAY, expense=Decimal(3000)
    )
    assert ChangeLog.objects.get(object_type="registry.hardshipevent", object_id=event.pk).actor_name == (
        "paired_cadre"
    )
    with pytest.raises(PermissionDenied):  # not paired with H3
        hardship_event_record(actor=cadre[0], scope=cadre[1], household=registry.h3, kind="illness", on=TODAY)
    with pytest.raises(PermissionDenied):
        hardship_event_record(
            actor=registry.actor("county_leader"),
            scope=registry.scope("county_leader"),
            household=registry.h1,
            kind="illness",
            on=TODAY,
        )
    with pytest.raises(ApplicationError, match="请选择事件类型；发生日期不能晚于今天"):
        hardship_event_record(
            actor=SYSTEM, scope=EVERYTHING, household=registry.h1, kind="x", on=TODAY + D(1)
        )
    assert HardshipEvent.objects.count() == 1


def test_household_in_identification_opens_as_edge_or_hardship_as_chosen(registry: Registry) -> None:
    Household.objects.filter(pk=registry.h3.pk).update(poverty_status=PovertyStatus.NEW)
    registry.h3.refresh_from_db()
    with pytest.raises(ApplicationError, match="新识别应纳入为边缘易致贫户或突发严重困难户"):
        open_case(registry.h3)
    assert open_case(registry.h3, monitoring_type="edge").monitoring_type == "edge"

"""Registration, the procedures' rules, exit, relapse and cancellation: each rule and each refusal,
with the status history and the change log they leave (and nothing left by a refusal)."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.areas.services import county_setting_set
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.registry.models import (
    Household,
    Member,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    StatusChange,
    StepKind,
)
from fupin.registry.procedures import RECORDERS, STEPS, Level
from fupin.registry.services.lifecycle import (
    household_cancel,
    household_register,
    household_relapse,
    procedure_start,
    procedure_step_record,
    procedure_withdraw,
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


def snapshot() -> tuple[int, int, int, int, list[tuple[str, str]]]:
    """Counts of everything a lifecycle write touches, and every household's status."""
    return (
        ChangeLog.objects.count(),
        StatusChange.objects.count(),
        Procedure.objects.count(),
        ProcedureStep.objects.count(),
        list(Household.objects.order_by("code").values_list("code", "poverty_status")),
    )


def register(registry: Registry, persona: str | None = None, **overrides: object) -> Household:
    fields: dict[str, object] = {
        "village": registry.personas.county.village_a1,
        "code": "N1",
        "head_name": "陈新户",
        "head_id_number": person_id(900),
        "size": 3,
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "other_causes": ["no_skills"],
        "applied_on": START,
    }
    fields.update(overrides)
    if persona is None:
        return household_register(actor=SYSTEM, scope=EVERYTHING, **fields)  # type: ignore[arg-type]
    return household_register(
        actor=registry.actor(persona),
        scope=registry.scope(persona),
        **fields,  # type: ignore[arg-type]
    )


def open_of(household: Household, kind: str) -> Procedure:
    return Procedure.objects.get(household=household, kind=kind, status=ProcedureStatus.IN_PROGRESS)


def exit_ready(household: Household, wages: str = "10000") -> None:
    """Income 10000 / 2 people = 5000 per capita, above the line (4000 from 2020 on)."""
    secure_all(household)
    set_income(household, YEAR, wages)


def test_step_definitions_follow_the_national_procedures() -> None:
    kinds = {kind: [s.kind for s in steps] for kind, steps in STEPS.items()}
    assert kinds[ProcedureKind.IDENTIFICATION] == [
        "application",
        "village_review",
        "publicity",
        "town_review",
        "county_approval",
    ]
    assert kinds[ProcedureKind.EXIT] == [
        "village_review",
        "team_verification",
        "household_consent",
        "publicity",
        "town_review",
        "county_approval",
    ]
    assert kinds[ProcedureKind.MONITORING] == [
        "application",
        "authorisation",
        "home_check",
        "village_review",
        "publicity",
        "town_review",
        "county_approval",
    ]
    assert kinds[ProcedureKind.RISK_CLEARANCE] == [
        "home_check",
        "village_review",
        "publicity",
        "county_approval",
    ]
    exit_publicity = next(s for s in STEPS[ProcedureKind.EXIT] if s.is_publicity)
    assert exit_publicity.min_days == 5
    assert RECORDERS[Level.COUNTY] == {"superuser", "county_admin", "office_staff"}
    assert "work_team" in RECORDERS[Level.VILLAGE] and "work_team" not in RECORDERS[Level.TOWN]


def test_register_then_identification_makes_a_poor_household(registry: Registry) -> None:
    household = register(registry, "work_team")
    assert household.poverty_status == PovertyStatus.NEW
    assert household.other_cause_list == ["no_skills"]
    head = Member.objects.get(household=household)
    assert (head.relation, head.id_number, head.sex) == ("head", person_id(900), "female")
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    assert [s.kind for s in procedure.steps.all()] == ["application"]
    assert procedure.steps.get().actor_name == "work_team"

    # The work team records the village steps; the town and the county do their own.
    day = run_steps(
        procedure,
        upto=3,
        start=START + D(1),
        actor=registry.actor("work_team"),
        scope=registry.scope("work_team"),
    )
    procedure_step_record(
        actor=registry.actor("town_official"),
        scope=registry.scope("town_official"),
        procedure=procedure,
        step_kind=StepKind.TOWN_REVIEW,
        on=day,
    )
    procedure_step_record(
        actor=registry.actor("office_staff"),
        scope=registry.scope("office_staff"),
        procedure=procedure,
        step_kind=StepKind.COUNTY_APPROVAL,
        on=day + D(1),
    )
    household.refresh_from_db()
    procedure.refresh_from_db()
    assert household.poverty_status == PovertyStatus.NOT_OUT
    assert (procedure.status, procedure.finished_on) == (ProcedureStatus.APPROVED, day + D(1))
    history = list(StatusChange.objects.filter(household=household).values_list("from_status", "to_status"))
    assert history == [("", "new"), ("new", "not_out")]
    # Logged: household created and its status changed, head created, the procedure created and
    # updated once per step (5 steps).
    logs = ChangeLog.objects.filter(object_id__in=[household.pk, head.pk, procedure.pk])
    assert logs.filter(object_type="registry.household").count() == 2
    assert logs.filter(object_type="registry.member").count() == 1
    assert logs.filter(object_type="registry.procedure").count() == 6
    last = logs.filter(object_type="registry.procedure").order_by("-id").first()
    assert last is not None and len(last.after["办理环节"]) == 5
    assert last.after["状态"] == "已批准"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "H1"}, "户编号 H1 已存在"),
        ({"head_id_number": "610727199001011234"}, "校验位"),
        ({"size": 0}, "家庭人口数"),
        ({"other_causes": ["no_skills", "no_land", "no_water"]}, "最多选两项"),
        ({"other_causes": ["illness"]}, "不能与主要致贫原因相同"),
        ({"applied_on": TODAY + D(1)}, "不能晚于今天"),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(
    registry: Registry, overrides: dict[str, object], message: str
) -> None:
    before = snapshot()
    with pytest.raises(ApplicationError, match=message):
        register(registry, **overrides)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["paired_cadre", "unit_user", "county_leader", "outsider"])
def test_register_refused_for_roles_outside_village_work(registry: Registry, persona: str) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        register(registry, persona)
    assert snapshot() == before


def test_town_official_registers_only_in_its_town(registry: Registry) -> None:
    with pytest.raises(PermissionDenied):
        register(registry, "town_official", village=registry.personas.county.village_b1)
    assert register(registry, "town_official").area_code == registry.personas.county.village_a1.code


def test_steps_must_follow_the_order_and_happen_once(registry: Registry) -> None:
    household = register(registry)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    before = snapshot()
    with pytest.raises(ApplicationError, match="下一环节应为“村民主评议”，不能先办理“村内公示”"):
        procedure_step_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            procedure=procedure,
            step_kind=StepKind.PUBLICITY,
            on=START + D(1),
            ends_on=START + D(6),
        )
    with pytest.raises(ApplicationError, match="“农户申请”已办理，不能重复录入"):
        procedure_step_record(
            actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.APPLICATION, on=START
        )
    with pytest.raises(ApplicationError, match="没有“户认可”环节"):
        procedure_step_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            procedure=procedure,
            step_kind=StepKind.HOUSEHOLD_CONSENT,
            on=START + D(1),
        )
    assert snapshot() == before


def test_step_dates_are_checked(registry: Registry) -> None:
    household = register(registry)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    before = snapshot()
    for on, message in [
        (START - D(1), "不能早于"),
        (TODAY + D(1), "不能晚于今天"),
    ]:
        with pytest.raises(ApplicationError, match=message):
            procedure_step_record(
                actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.VILLAGE_REVIEW, on=on
            )
    assert snapshot() == before
    # After a publicity, the next step waits until it has ended.
    day = run_steps(procedure, upto=3, start=START + D(1))
    with pytest.raises(ApplicationError, match="公示期满"):
        procedure_step_record(
            actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.TOWN_REVIEW, on=day - D(1)
        )


@pytest.mark.parametrize(
    ("persona", "step_index"),
    [
        ("paired_cadre", 1),  # a village step, not the paired cadre's to record
        ("county_leader", 1),
        ("unit_user", 1),
        ("work_team", 3),  # the town's review
        ("town_official", 4),  # the county's approval
    ],
)
def test_wrong_person_is_refused(registry: Registry, persona: str, step_index: int) -> None:
    household = register(registry)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    day = run_steps(procedure, upto=step_index, start=START + D(1))
    step = STEPS[ProcedureKind.IDENTIFICATION][step_index]
    before = snapshot()
    with pytest.raises(PermissionDenied, match=f"“{step.label}”须由"):
        procedure_step_record(
            actor=registry.actor(persona),
            scope=registry.scope(persona),
            procedure=procedure,
            step_kind=step.kind,
            on=day,
            ends_on=day + D(4) if step.is_publicity else None,
        )
    assert snapshot() == before


def test_town_official_of_another_town_is_refused(registry: Registry) -> None:
    household = register(registry, village=registry.personas.county.village_b1)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    day = run_steps(procedure, upto=3, start=START + D(1))
    with pytest.raises(PermissionDenied):
        procedure_step_record(
            actor=registry.actor("town_official"),
            scope=registry.scope("town_official"),
            procedure=procedure,
            step_kind=StepKind.TOWN_REVIEW,
            on=day,
        )


def test_failed_step_rejects_the_procedure(registry: Registry) -> None:
    household = register(registry)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    with pytest.raises(ApplicationError, match="未通过时请填写意见"):
        procedure_step_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            procedure=procedure,
            step_kind=StepKind.VILLAGE_REVIEW,
            on=START + D(1),
            passed=False,
        )
    procedure_step_record(
        actor=SYSTEM,
        scope=EVERYTHING,
        procedure=procedure,
        step_kind=StepKind.VILLAGE_REVIEW,
        on=START + D(1),
        passed=False,
        note="收入高于标准",
    )
    procedure.refresh_from_db()
    household.refresh_from_db()
    assert procedure.status == ProcedureStatus.REJECTED
    assert household.poverty_status == PovertyStatus.NON_POOR
    assert StatusChange.objects.filter(household=household).last().reason == "识别未通过：收入高于标准"  # type: ignore[union-attr]
    with pytest.raises(ApplicationError, match="已未通过"):
        procedure_step_record(
            actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.PUBLICITY, on=START + D(2)
        )


def test_withdraw_needs_a_reason_and_ends_the_procedure(registry: Registry) -> None:
    household = register(registry)
    procedure = open_of(household, ProcedureKind.IDENTIFICATION)
    with pytest.raises(PermissionDenied):
        procedure_withdraw(
            actor=registry.actor("paired_cadre"),
            scope=registry.scope("paired_cadre"),
            procedure=procedure,
            reason="x",
        )
    with pytest.raises(ApplicationError, match="请填写撤回原因"):
        procedure_withdraw(actor=SYSTEM, scope=EVERYTHING, procedure=procedure, reason=" ")
    procedure_withdraw(actor=SYSTEM, scope=EVERYTHING, procedure=procedure, reason="农户撤回申请")
    procedure.refresh_from_db()
    household.refresh_from_db()
    assert procedure.status == ProcedureStatus.WITHDRAWN
    assert household.poverty_status == PovertyStatus.NON_POOR
    # A household no longer in identification may apply again.
    again = procedure_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        household=household,
        kind=ProcedureKind.IDENTIFICATION,
        started_on=START,
    )
    household.refresh_from_db()
    assert household.poverty_status == PovertyStatus.NEW and again.status == ProcedureStatus.IN_PROGRESS


# Exit -------------------------------------------------------------------------------------------


def start_exit(registry: Registry, household: Household) -> Procedure:
    return procedure_start(
        actor=SYSTEM, scope=EVERYTHING, household=household, kind=ProcedureKind.EXIT, started_on=START
    )


def test_exit_runs_to_exited_with_exit_year(registry: Registry) -> None:
    household = registry.h1
    exit_ready(household)
    procedure = start_exit(registry, household)
    assert procedure.year == START.year
    run_steps(procedure)
    household.refresh_from_db()
    assert household.poverty_status == PovertyStatus.OUT
    assert household.exit_year == procedure.year
    change = StatusChange.objects.get(household=household)
    assert (change.from_status, change.to_status, change.procedure_id) == ("not_out", "out", procedure.pk)
    assert ChangeLog.objects.filter(
        object_type="registry.household", object_id=household.pk, after__脱贫属性="已脱贫"
    ).exists()


def test_exit_publicity_shorter_than_five_days_is_refused(registry: Registry) -> None:
    exit_ready(registry.h1)
    procedure = start_exit(registry, registry.h1)
    day = run_steps(procedure, upto=3)
    before = snapshot()
    with pytest.raises(ApplicationError, match="公示期不少于5天（本次为4天）"):
        procedure_step_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            procedure=procedure,
            step_kind=StepKind.PUBLICITY,
            on=day,
            ends_on=day + D(3),
        )
    with pytest.raises(ApplicationError, match="请填写公示结束日期"):
        procedure_step_record(
            actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.PUBLICITY, on=day
        )
    assert snapshot() == before
    procedure_step_record(
        actor=SYSTEM,
        scope=EVERYTHING,
        procedure=procedure,
        step_kind=StepKind.PUBLICITY,
        on=day,
        ends_on=day + D(4),
    )
    assert ProcedureStep.objects.get(procedure=procedure, kind="publicity").publicity_days == 5


@pytest.mark.parametrize(
    ("wages", "message"),
    [
        ("8000", f"{YEAR}年人均纯收入4000.00元，未高于脱贫标准4000.00元"),  # at the line
        ("6000", "人均纯收入3000.00元，未高于脱贫标准"),  # below
    ],
)
def test_exit_refused_at_or_below_the_poverty_line(registry: Registry, wages: str, message: str) -> None:
    exit_ready(registry.h1, wages)
    before = snapshot()
    with pytest.raises(ApplicationError, match=message):
        start_exit(registry, registry.h1)
    assert snapshot() == before


def test_exit_refusal_names_every_failing_condition(registry: Registry) -> None:
    household = registry.h1
    exit_ready(household, "6000")
    household.housing_secure = False
    household.medical_secure = None
    household.save()
    with pytest.raises(ApplicationError) as refused:
        start_exit(registry, household)
    text = refused.value.message
    assert "未高于脱贫标准" in text
    assert "住房安全有保障：未保障" in text
    assert "基本医疗有保障：未评定" in text
    assert "义务教育有保障" not in text


def test_exit_line_is_the_county_setting_for_the_year(registry: Registry) -> None:
    exit_ready(registry.h1)  # 5000 per capita
    county_setting_set(
        actor=SYSTEM,
        scope=EVERYTHING,
        county=registry.personas.county.county,
        name="poverty_line",
        value={"2020": 5000},
    )
    with pytest.raises(ApplicationError, match=r"未高于脱贫标准5000\.00元"):
        start_exit(registry, registry.h1)


def test_exit_approval_rechecks_the_conditions(registry: Registry) -> None:
    household = registry.h1
    exit_ready(household)
    procedure = start_exit(registry, household)
    day = run_steps(procedure, upto=5)
    # The house is found unsafe while the procedure runs: the county cannot approve.
    Household.objects.filter(pk=household.pk).update(housing_secure=False)
    before = snapshot()
    with pytest.raises(ApplicationError, match="住房安全有保障：未保障"):
        procedure_step_record(
            actor=SYSTEM, scope=EVERYTHING, procedure=procedure, step_kind=StepKind.COUNTY_APPROVAL, on=day
        )
    assert snapshot() == before
    assert Household.objects.get(pk=household.pk).poverty_status == PovertyStatus.NOT_OUT


def test_exit_only_from_poor_statuses_and_once_at_a_time(registry: Registry) -> None:
    with pytest.raises(ApplicationError, match="只有未脱贫或返贫户"):
        start_exit(registry, registry.h2)
    exit_ready(registry.h1)
    start_exit(registry, registry.h1)
    with pytest.raises(ApplicationError, match="已有进行中的“脱贫退出”程序"):
        start_exit(registry, registry.h1)


def test_monitoring_procedures_do_not_start_here(registry: Registry) -> None:
    with pytest.raises(ApplicationError, match="防返贫监测"):
        procedure_start(actor=SYSTEM, scope=EVERYTHING, household=registry.h2, kind=ProcedureKind.MONITORING)


# Relapse and cancellation ------------------------------------------------------------------------


def test_relapse_of_an_exited_household(registry: Registry) -> None:
    household = registry.h2
    with pytest.raises(PermissionDenied):
        household_relapse(
            actor=registry.actor("town_official"),
            scope=registry.scope("town_official"),
            household=household,
            year=YEAR,
            reason="因病",
        )
    with pytest.raises(ApplicationError, match="请填写返贫原因"):
        household_relapse(actor=SYSTEM, scope=EVERYTHING, household=household, year=YEAR, reason="")
    with pytest.raises(ApplicationError, match="返贫年度"):
        household_relapse(actor=SYSTEM, scope=EVERYTHING, household=household, year=2018, reason="因病")
    assert StatusChange.objects.count() == 0
    household_relapse(
        actor=registry.actor("county_admin"),
        scope=registry.scope("county_admin"),
        household=household,
        year=YEAR,
        reason="户主患大病",
    )
    household.refresh_from_db()
    assert (household.poverty_status, household.relapse_year) == (PovertyStatus.RELAPSED, YEAR)
    change = StatusChange.objects.get(household=household)
    assert (change.from_status, change.to_status, change.reason, change.actor_name) == (
        "out",
        "relapsed",
        "户主患大病",
        "county_admin",
    )
    with pytest.raises(ApplicationError, match="只有已脱贫户"):
        household_relapse(actor=SYSTEM, scope=EVERYTHING, household=household, year=YEAR, reason="再次")


def test_cancel_needs_a_reason_and_keeps_pairings(registry: Registry) -> None:
    household = registry.h1
    before = snapshot()
    with pytest.raises(ApplicationError, match="请填写注销原因"):
        household_cancel(actor=SYSTEM, scope=EVERYTHING, household=household, reason="")
    for persona in ("town_official", "work_team", "paired_cadre", "county_leader"):
        with pytest.raises(PermissionDenied):
            household_cancel(
                actor=registry.actor(persona),
                scope=registry.scope(persona),
                household=household,
                reason="迁出",
            )
    assert snapshot() == before
    household_cancel(
        actor=registry.actor("office_staff"),
        scope=registry.scope("office_staff"),
        household=household,
        reason="全户迁出",
    )
    household.refresh_from_db()
    assert (household.poverty_status, household.cancel_reason) == (PovertyStatus.CANCELLED, "全户迁出")
    assert household.pairings.filter(end_date__isnull=True).count() == 1
    assert StatusChange.objects.get(household=household).to_status == "cancelled"
    with pytest.raises(ApplicationError, match="已注销"):
        household_cancel(actor=SYSTEM, scope=EVERYTHING, household=household, reason="again")


def test_outsider_changes_nothing(registry: Registry) -> None:
    before = snapshot()
    outsider = (registry.actor("outsider"), registry.scope("outsider"))
    with pytest.raises(PermissionDenied):
        household_cancel(actor=outsider[0], scope=outsider[1], household=registry.h1, reason="x")
    with pytest.raises(PermissionDenied):
        household_relapse(actor=outsider[0], scope=outsider[1], household=registry.h2, year=YEAR, reason="x")
    exit_ready(registry.h1)
    with pytest.raises(PermissionDenied):
        procedure_start(actor=outsider[0], scope=outsider[1], household=registry.h1, kind=ProcedureKind.EXIT)
    assert snapshot() == before

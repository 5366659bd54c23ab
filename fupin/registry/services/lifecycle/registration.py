"""New households (registration through identification, or for monitoring), relapse and cancellation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from fupin.areas.models import Area, AreaLevel
from fupin.core import idnumber, phone
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.core.text import pinyin_key
from fupin.registry.models import (
    Household,
    HouseholdCategory,
    IdentificationStandard,
    Member,
    PovertyCause,
    PovertyStatus,
    ProcedureKind,
    Relation,
    Sex,
    StatusChange,
    StepKind,
)
from fupin.registry.procedures import Level, may_record
from fupin.registry.services.lifecycle.access import (
    LEVEL_NAMES,
    check_may_act,
    check_not_future,
    locked,
    required_reason,
    set_status,
    today,
)
from fupin.registry.services.lifecycle.procedure_runs import open_procedure, procedure_step_record

# Registration, relapse, cancellation ------------------------------------------------------------


def _check_household_fields(
    *,
    code: str,
    head_id_number: str,
    size: int,
    identification_standard: str,
    category: str,
    main_cause: str,
    other_causes: Sequence[str],
    phone_value: str,
) -> None:
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = "请填写户编号"
    elif Household.objects.filter(code=code).exists():
        errors["code"] = f"户编号 {code} 已存在"
    if error := idnumber.id_number_error(head_id_number):
        errors["head_id_number"] = error
    elif Member.objects.filter(id_number=idnumber.normalize(head_id_number)).exists():
        errors["head_id_number"] = "该身份证号已是其他户的成员"
    if not 1 <= size <= 20:
        errors["size"] = "家庭人口数应为1至20"
    for name, value, choices in (
        ("identification_standard", identification_standard, IdentificationStandard.values),
        ("category", category, HouseholdCategory.values),
        ("main_cause", main_cause, PovertyCause.values),
    ):
        if value not in choices:
            errors[name] = "请选择有效的选项"
    if error := other_causes_error(main_cause, other_causes):
        errors["other_causes"] = error
    if phone_value and (error := phone.phone_error(phone_value)):
        errors["phone"] = error
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


def other_causes_error(main_cause: str, other_causes: Sequence[str]) -> str | None:
    if len(other_causes) > 2:
        return "其他致贫原因最多选两项"
    if any(c not in PovertyCause.values for c in other_causes):
        return "其他致贫原因无效"
    if main_cause in other_causes:
        return "其他致贫原因不能与主要致贫原因相同"
    return None


def causes_field(causes: Sequence[str]) -> str:
    return f",{','.join(causes)}," if causes else ""


def household_create(
    actor: Actor,
    scope: Scope,
    *,
    village: Area,
    status: str,
    on: dt.date,
    reason: str,
    code: str,
    head_name: str,
    head_id_number: str,
    size: int,
    identification_standard: str,
    category: str,
    main_cause: str,
    other_causes: Sequence[str] = (),
    phone: str = "",
) -> Household:
    """A new household with its head as first member and its first status row; validated and
    permission-checked. Registration and monitoring both start here."""
    if not may_record(scope, Level.VILLAGE) or not scope.covers_code(village.code):
        raise PermissionDenied(f"新户登记须由{LEVEL_NAMES[Level.VILLAGE]}办理，且须在您的管辖范围内")
    if village.level != AreaLevel.VILLAGE:
        raise ApplicationError("户须登记在村", field_errors={"village": "请选择村"})
    if not head_name.strip():
        raise ApplicationError("请填写户主姓名", field_errors={"head_name": "请填写户主姓名"})
    _check_household_fields(
        code=code,
        head_id_number=head_id_number,
        size=size,
        identification_standard=identification_standard,
        category=category,
        main_cause=main_cause,
        other_causes=other_causes,
        phone_value=phone,
    )
    check_not_future(on, "申请日期")
    id_number = idnumber.normalize(head_id_number)
    household = Household.objects.create(
        code=code.strip(),
        village=village,
        area_code=village.code,
        head_name=head_name.strip(),
        head_id_number=id_number,
        size=size,
        identification_standard=identification_standard,
        category=category,
        main_cause=main_cause,
        other_causes=causes_field(other_causes),
        poverty_status=status,
        registered_year=on.year,
        phone=phone,
        search_key=pinyin_key(head_name),
    )
    record_change(actor, household, action=ChangeAction.CREATE, before=None)
    head = Member.objects.create(
        household=household,
        name=household.head_name,
        id_number=id_number,
        relation=Relation.HEAD,
        sex=Sex.MALE if idnumber.sex_of(id_number) == "男" else Sex.FEMALE,
        search_key=household.search_key,
    )
    record_change(actor, head, action=ChangeAction.CREATE, before=None)
    StatusChange.objects.create(
        household=household,
        to_status=status,
        on=on,
        reason=reason,
        actor=actor.user,
        actor_name=actor.name[:150],
    )
    return household


@transaction.atomic
def household_register(
    *,
    actor: Actor,
    scope: Scope,
    village: Area,
    code: str,
    head_name: str,
    head_id_number: str,
    size: int,
    identification_standard: str,
    category: str,
    main_cause: str,
    other_causes: Sequence[str] = (),
    phone: str = "",
    applied_on: dt.date | None = None,
) -> Household:
    """A household applies (农户申请): recorded as 新识别 with its head, and its identification
    procedure started with the application as the first step."""
    applied_on = applied_on or today()
    household = household_create(
        actor,
        scope,
        village=village,
        status=PovertyStatus.NEW,
        on=applied_on,
        reason="农户申请",
        code=code,
        head_name=head_name,
        head_id_number=head_id_number,
        size=size,
        identification_standard=identification_standard,
        category=category,
        main_cause=main_cause,
        other_causes=other_causes,
        phone=phone,
    )
    procedure = open_procedure(actor, household, ProcedureKind.IDENTIFICATION, started_on=applied_on)
    procedure_step_record(
        actor=actor, scope=scope, procedure=procedure, step_kind=StepKind.APPLICATION, on=applied_on
    )
    household.refresh_from_db()
    return household


@transaction.atomic
def household_relapse(
    *,
    actor: Actor,
    scope: Scope,
    household: Household,
    year: int,
    reason: str,
    on: dt.date | None = None,
) -> Household:
    """An exited household falls back into poverty (已脱贫 → 返贫)."""
    check_may_act(scope, household, Level.COUNTY, "返贫认定")
    household = locked(household)
    if household.poverty_status != PovertyStatus.OUT:
        raise ApplicationError(f"只有已脱贫户可以认定返贫，该户为{household.get_poverty_status_display()}")
    reason = required_reason(reason, "返贫原因")
    on = on or today()
    check_not_future(on)
    if (household.exit_year and year < household.exit_year) or year > on.year:
        raise ApplicationError(
            f"返贫年度应在脱贫年度（{household.exit_year}）与{on.year}年之间",
            field_errors={"year": "返贫年度无效"},
        )
    set_status(actor, household, PovertyStatus.RELAPSED, on=on, reason=reason, relapse_year=year)
    return household


@transaction.atomic
def household_cancel(
    *, actor: Actor, scope: Scope, household: Household, reason: str, on: dt.date | None = None
) -> Household:
    """注销 (death of all members, moving away, wrongly registered…). Ends nothing else: pairings
    and other assignments are the duty app's to end."""
    check_may_act(scope, household, Level.COUNTY, "注销")
    household = locked(household)
    if household.poverty_status == PovertyStatus.CANCELLED:
        raise ApplicationError("该户已注销")
    reason = required_reason(reason, "注销原因")
    on = on or today()
    check_not_future(on)
    set_status(actor, household, PovertyStatus.CANCELLED, on=on, reason=reason, cancel_reason=reason)
    return household

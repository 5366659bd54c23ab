"""Writes of solar stations, their income, and the villages' distribution plans.

Stations, ownerships and monthly income come in through ledgers (bulk, audited). A plan is made by
the county office for a village and year: its uses (in fen, the plan's total is their sum, which may
not exceed the village's income that year), and the households paid wages or rewards with their
shares. Freezing (定稿) computes every payout to the fen and snapshots the households; a frozen plan
is never edited again. Every write checks the version the user read and leaves a change-log row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core import idnumber, phone
from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import (
    HOUSEHOLD_USES,
    DistributionStatus,
    SolarAllocation,
    SolarBeneficiary,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
    SolarUse,
)
from fupin.industry.money import split_fen, yuan_text
from fupin.industry.residence import village_codes_on
from fupin.registry.models import Household, PovertyStatus

FROZEN_REFUSAL = "该分配方案已定稿，不能修改"
STALE = "该分配方案已被他人修改，请刷新后重新操作（未保存您的修改）。"


def may_manage_solar(scope: Scope, area_code: str) -> bool:
    """The county office (and the platform administrator) keeps stations and plans of its area."""
    return scope.can_manage and scope.covers_code(area_code)


def _require(scope: Scope, area_code: str) -> None:
    if not may_manage_solar(scope, area_code):
        raise PermissionDenied("只有县扶贫办可以维护本区域的光伏电站和收益分配")


# -- stations and income (ledgers) ----------------------------------------------------------------
def solar_stations_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(SolarStation, key="code", rows=rows, actor=actor, select_related=("area",))


def solar_ownerships_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        SolarOwnership,
        key_fields=("station", "village"),
        rows=rows,
        actor=actor,
        select_related=("station", "village"),
    )


def solar_incomes_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        SolarIncome, key_fields=("station", "month"), rows=rows, actor=actor, select_related=("station",)
    )


# -- stations and income (pages) -------------------------------------------------------------------
def owner_village_problem(scope: Scope, village: Area | None) -> str | None:
    """Why `village` cannot own a share of a station (the ledger's and the page's rule)."""
    if village is None:
        return "区划代码不存在"
    if village.level != AreaLevel.VILLAGE:
        return "所属村须是村级区划"
    if not scope.covers_code(village.code):
        return "不在您的管辖范围内"
    return None


def income_month_problem(month: dt.date) -> str | None:
    if month > timezone.localdate():
        return "月份不能晚于本月"
    return None


def _station_refusals(
    scope: Scope, *, name: str, capacity_kw: Decimal, owners: Sequence[tuple[Area | None, Decimal]]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "请填写电站名称"
    if capacity_kw <= 0:
        errors["capacity_kw"] = "装机容量须大于0"
    if not owners:
        errors["owners"] = "请填写至少一个所属村及其份额"
    seen: set[int] = set()
    for village, share in owners:
        problem = owner_village_problem(scope, village)
        if problem is None and share <= 0:
            problem = "产权份额须大于0"
        if problem is None and village is not None and village.pk in seen:
            problem = f"所属村 {village.code} 重复"
        if problem is not None:
            errors["owners"] = f"{village.code if village else '所属村'}：{problem}"
        if village is not None:
            seen.add(village.pk)
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


def _set_owners(actor: Actor, station: SolarStation, owners: Sequence[tuple[Area | None, Decimal]]) -> bool:
    """Make the station's shares exactly `owners`; whether anything changed."""
    wanted = {village.pk: (village, share) for village, share in owners if village is not None}
    changed = False
    for owner in list(station.owners.select_related("village", "station")):
        if owner.village_id not in wanted:
            record_change(actor, owner, action=ChangeAction.DELETE, before=owner.audit_snapshot())
            owner.delete()
            changed = True
            continue
        share = wanted.pop(owner.village_id)[1]
        if owner.share != share:
            before = owner.audit_snapshot()
            owner.share = share
            owner.version += 1
            owner.save(update_fields=["share", "version", "updated_at"])
            record_change(actor, owner, action=ChangeAction.UPDATE, before=before)
            changed = True
    for village, share in wanted.values():
        owner = SolarOwnership.objects.create(station=station, village=village, share=share)
        record_change(actor, owner, action=ChangeAction.CREATE, before=None)
        changed = True
    return changed


@transaction.atomic
def solar_station_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    area: Area,
    capacity_kw: Decimal,
    connected_on: dt.date | None,
    owners: Sequence[tuple[Area | None, Decimal]],
) -> SolarStation:
    """A station entered on the page with the villages that own it in shares."""
    _require(scope, area.code)
    errors = _station_refusals(scope, name=name, capacity_kw=capacity_kw, owners=owners)
    if not code.strip():
        errors["code"] = "请填写电站编号"
    elif SolarStation.objects.filter(code=code.strip()).exists():
        errors["code"] = f"电站编号“{code.strip()}”已被使用"
    _refuse(errors)
    station = SolarStation.objects.create(
        code=code.strip(), name=name.strip(), area=area, capacity_kw=capacity_kw, connected_on=connected_on
    )
    record_change(actor, station, action=ChangeAction.CREATE, before=None)
    _set_owners(actor, station, owners)
    return station


@transaction.atomic
def solar_station_update(
    *,
    actor: Actor,
    scope: Scope,
    station: SolarStation,
    expected_version: int | None,
    name: str,
    area: Area,
    capacity_kw: Decimal,
    connected_on: dt.date | None,
    owners: Sequence[tuple[Area | None, Decimal]],
) -> SolarStation:
    """Correct a station and its shares (its code is its identity). Frozen payouts keep their
    amounts; the shares count for plans not yet frozen."""
    for code in [area.code, *(o.village.code for o in station.owners.select_related("village"))]:
        _require(scope, code)
    locked = SolarStation.objects.select_for_update().select_related("area").get(pk=station.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("该电站已被他人修改，请刷新后重新编辑（未保存您的修改）。")
    _refuse(_station_refusals(scope, name=name, capacity_kw=capacity_kw, owners=owners))
    before = locked.audit_snapshot()
    fields = {"name": name.strip(), "area": area, "capacity_kw": capacity_kw, "connected_on": connected_on}
    changed_fields = [f for f, value in fields.items() if getattr(locked, f) != value]
    for field in changed_fields:
        setattr(locked, field, fields[field])
    owners_changed = _set_owners(actor, locked, owners)
    if changed_fields or owners_changed:
        locked.version += 1
        locked.save(update_fields=[*changed_fields, "version", "updated_at"])
        record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def solar_income_record(
    *,
    actor: Actor,
    scope: Scope,
    station: SolarStation,
    month: dt.date,
    generation_kwh: Decimal,
    income_fen: int,
    income: SolarIncome | None = None,
    expected_version: int | None = None,
) -> SolarIncome:
    """A station's income in a month: new (`income` None) or a correction of `income`, checked
    against its version. One record a month, as in the ledger."""
    for owner in station.owners.select_related("village"):
        _require(scope, owner.village.code)
    month = month.replace(day=1)
    errors: dict[str, str] = {}
    problem = income_month_problem(month)
    if problem:
        errors["month"] = problem
    if generation_kwh < 0:
        errors["generation_kwh"] = "发电量不能为负数"
    if income_fen < 0:
        errors["income"] = "发电收入不能为负数"
    same = SolarIncome.objects.filter(station=station, month=month)
    if income is not None:
        same = same.exclude(pk=income.pk)
    if same.exists():
        errors["month"] = f"{month:%Y-%m} 的收入已登记，请在该月的“修改”中更正"
    _refuse(errors)
    if income is None:
        created = SolarIncome.objects.create(
            station=station, month=month, generation_kwh=generation_kwh, income_fen=income_fen
        )
        record_change(actor, created, action=ChangeAction.CREATE, before=None)
        return created
    if income.station_id != station.pk:
        raise ApplicationError("该收入记录不属于此电站")
    return update_fields_checked(
        income,
        actor=actor,
        expected_version=expected_version,
        changes={"month": month, "generation_kwh": generation_kwh, "income_fen": income_fen},
    )


def village_incomes(year: int, village_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Village id → its income in fen for `year`: each station's yearly income split among its owning
    villages by share, to the fen (ties by village code)."""
    totals = dict(
        SolarIncome.objects.filter(month__year=year)
        .values_list("station_id")
        .annotate(total=Sum("income_fen"))
        .values_list("station_id", "total")
    )
    owners: dict[int, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for station_id, village_id, share, code in SolarOwnership.objects.filter(
        station_id__in=list(totals)
    ).values_list("station_id", "village_id", "share", "village__code"):
        owners[station_id].append((village_id, share, code))
    incomes: dict[int, int] = defaultdict(int)
    for station_id, total in totals.items():
        shares = owners.get(station_id, [])
        if not shares:
            continue
        parts = split_fen(int(total or 0), [(v, s) for v, s, _ in shares], order=[c for _, _, c in shares])
        for village_id, fen in parts.items():
            incomes[village_id] += fen
    if village_ids is not None:
        return {v: incomes.get(v, 0) for v in village_ids}
    return dict(incomes)


# -- plans ----------------------------------------------------------------------------------------
def _plan_refusals(
    village: Area, year: int, reference_date: dt.date, allocations: Mapping[str, int], exclude: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if village.level != AreaLevel.VILLAGE:
        errors["village"] = "收益分配方案须按村制定"
    if reference_date.year != year:
        errors["reference_date"] = f"基准日期须在{year}年内"
    for use, fen in allocations.items():
        if use not in SolarUse.values:
            errors[use] = "用途无效"
        elif fen < 0:
            errors[use] = "金额不能为负数"
    income = village_incomes(year, [village.pk])[village.pk]
    total = sum(allocations.values())
    if not errors and total > income:
        errors["total"] = f"分配总额{yuan_text(total)}元超过该村{year}年光伏收益{yuan_text(income)}元"
    if not errors and total == 0:
        errors["total"] = "分配总额须大于0"
    duplicate = SolarDistribution.objects.filter(village=village, year=year)
    if exclude is not None:
        duplicate = duplicate.exclude(pk=exclude)
    if duplicate.exists():
        errors["year"] = f"{village.name}{year}年已有分配方案"
    return errors


def _set_allocations(actor: Actor, distribution: SolarDistribution, allocations: Mapping[str, int]) -> None:
    stored = {a.use: a for a in distribution.allocations.all()}
    for use in SolarUse.values:
        fen = int(allocations.get(use, 0))
        existing = stored.get(use)
        if existing is None:
            created = SolarAllocation.objects.create(distribution=distribution, use=use, amount_fen=fen)
            record_change(actor, created, action=ChangeAction.CREATE, before=None)
        elif existing.amount_fen != fen:
            before = existing.audit_snapshot()
            existing.amount_fen = fen
            existing.version += 1
            existing.save(update_fields=["amount_fen", "version", "updated_at"])
            record_change(actor, existing, action=ChangeAction.UPDATE, before=before)


@transaction.atomic
def solar_distribution_create(
    *,
    actor: Actor,
    scope: Scope,
    village: Area,
    year: int,
    reference_date: dt.date,
    allocations: Mapping[str, int],
    notes: str = "",
) -> SolarDistribution:
    _require(scope, village.code)
    errors = _plan_refusals(village, year, reference_date, allocations, exclude=None)
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    distribution = SolarDistribution.objects.create(
        village=village,
        area_code=village.code,
        year=year,
        reference_date=reference_date,
        total_fen=sum(allocations.values()),
        notes=notes.strip(),
    )
    record_change(actor, distribution, action=ChangeAction.CREATE, before=None)
    _set_allocations(actor, distribution, allocations)
    return distribution


def _locked_draft(distribution: SolarDistribution, expected_version: int | None) -> SolarDistribution:
    locked = SolarDistribution.objects.select_for_update().select_related("village").get(pk=distribution.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE)
    if locked.frozen:
        raise ApplicationError(FROZEN_REFUSAL)
    return locked


def _bump(actor: Actor, distribution: SolarDistribution, before: dict[str, Any]) -> None:
    distribution.version += 1
    distribution.save()
    record_change(actor, distribution, action=ChangeAction.UPDATE, before=before)


@transaction.atomic
def solar_distribution_update(
    *,
    actor: Actor,
    scope: Scope,
    distribution: SolarDistribution,
    expected_version: int | None,
    reference_date: dt.date,
    allocations: Mapping[str, int],
    notes: str = "",
) -> SolarDistribution:
    _require(scope, distribution.area_code)
    locked = _locked_draft(distribution, expected_version)
    errors = _plan_refusals(locked.village, locked.year, reference_date, allocations, exclude=locked.pk)
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    before = locked.audit_snapshot()
    locked.reference_date = reference_date
    locked.total_fen = sum(allocations.values())
    locked.notes = notes.strip()
    _set_allocations(actor, locked, allocations)
    _bump(actor, locked, before)
    return locked


def _beneficiary_refusal(
    distribution: SolarDistribution, use: str, household: Household, weight: Decimal, lived: str
) -> str | None:
    """Why the household may not be named for `use`; `lived` is its village on the reference date."""
    if use not in HOUSEHOLD_USES:
        return "只有公益岗位工资和奖励补助发放到户"
    if weight <= 0:
        return "份额须大于0"
    if household.poverty_status in (PovertyStatus.CANCELLED, PovertyStatus.NEW):
        label = PovertyStatus(household.poverty_status).label
        return f"户 {household.code} 的脱贫属性为“{label}”，不能作为受益户"
    if lived != distribution.area_code:
        return (
            f"户 {household.code} 在基准日期{distribution.reference_date:%Y-%m-%d}不住在本村"
            f"（当时所在区划 {lived}），应由当时所在村分配"
        )
    return None


@transaction.atomic
def solar_beneficiary_set(
    *,
    actor: Actor,
    scope: Scope,
    distribution: SolarDistribution,
    expected_version: int | None,
    use: str,
    household: Household,
    weight: Decimal,
    post: str = "",
) -> SolarBeneficiary:
    """Name a household for wages or rewards with its share, or change its share."""
    _require(scope, distribution.area_code)
    locked = _locked_draft(distribution, expected_version)
    lived = village_codes_on([household], locked.reference_date)[household.pk]
    refusal = _beneficiary_refusal(locked, use, household, weight, lived)
    if refusal:
        raise ApplicationError(refusal, field_errors={"household": refusal})
    existing = SolarBeneficiary.objects.filter(distribution=locked, use=use, household=household).first()
    if existing is None:
        item = SolarBeneficiary.objects.create(
            distribution=locked, use=use, household=household, weight=weight, post=post.strip()
        )
        record_change(actor, item, action=ChangeAction.CREATE, before=None)
    else:
        before = existing.audit_snapshot()
        existing.weight, existing.post = weight, post.strip()
        existing.version += 1
        existing.save()
        record_change(actor, existing, action=ChangeAction.UPDATE, before=before)
        item = existing
    _bump(actor, locked, locked.audit_snapshot())
    return item


@transaction.atomic
def solar_beneficiary_remove(
    *, actor: Actor, scope: Scope, beneficiary: SolarBeneficiary, expected_version: int | None
) -> None:
    distribution = beneficiary.distribution
    _require(scope, distribution.area_code)
    locked = _locked_draft(distribution, expected_version)
    before = beneficiary.audit_snapshot()
    record_changes([change_entry(actor, beneficiary, action=ChangeAction.DELETE, before=before, after=None)])
    beneficiary.delete()
    _bump(actor, locked, locked.audit_snapshot())


@transaction.atomic
def solar_beneficiaries_add_bulk(
    *,
    actor: Actor,
    scope: Scope,
    distribution: SolarDistribution,
    rows: Sequence[tuple[str, Household, Decimal, str]],
) -> None:
    """Many new beneficiaries (use, household, share, post) of a draft plan at once (a village's
    list, the demo), each checked as solar_beneficiary_set checks one; all or none are added."""
    _require(scope, distribution.area_code)
    if distribution.frozen:
        raise ApplicationError(FROZEN_REFUSAL)
    lived = village_codes_on([h for _, h, _, _ in rows], distribution.reference_date)
    errors = [r for u, h, w, _ in rows if (r := _beneficiary_refusal(distribution, u, h, w, lived[h.pk]))]
    if errors:
        raise ApplicationError("；".join(errors[:5]))
    created = SolarBeneficiary.objects.bulk_create(
        [
            SolarBeneficiary(distribution=distribution, use=u, household=h, weight=w, post=p)
            for u, h, w, p in rows
        ]
    )
    record_changes(
        change_entry(actor, c, action=ChangeAction.CREATE, before=None, after=c.audit_snapshot())
        for c in created
    )


def payouts_of(
    distribution: SolarDistribution, beneficiaries: Sequence[SolarBeneficiary]
) -> dict[tuple[str, int], int]:
    """(use, household id) → fen: each use's amount split among its households by share, to the
    fen, leftover fen to the largest remainders and ties to the smaller household code."""
    amounts = {a.use: a.amount_fen for a in distribution.allocations.all()}
    parts: dict[tuple[str, int], int] = {}
    for use in HOUSEHOLD_USES:
        named = [b for b in beneficiaries if b.use == use]
        amount = amounts.get(use, 0)
        if amount and not named:
            raise ApplicationError(f"“{SolarUse(use).label}”有金额但没有受益户")
        if not named:
            continue
        split = split_fen(
            amount, [(b.household_id, b.weight) for b in named], order=[b.household.code for b in named]
        )
        parts.update({(use, household_id): fen for household_id, fen in split.items()})
    return parts


@transaction.atomic
def solar_distribution_freeze(
    *,
    actor: Actor,
    scope: Scope,
    distribution: SolarDistribution,
    expected_version: int | None,
    approved_on: dt.date,
) -> SolarDistribution:
    """定稿: compute the payouts and keep each household as it is now; nothing changes them later."""
    _require(scope, distribution.area_code)
    locked = _locked_draft(distribution, expected_version)
    if approved_on < locked.reference_date.replace(month=1, day=1) or approved_on > timezone.localdate():
        raise ApplicationError(
            "乡镇审核日期无效", field_errors={"approved_on": "审核日期须在方案年度内且不晚于今天"}
        )
    beneficiaries = list(locked.beneficiaries.select_related("household", "household__village"))
    households = [b.household for b in beneficiaries]
    lived = village_codes_on(households, locked.reference_date)
    moved = sorted(b.household.code for b in beneficiaries if lived[b.household_id] != locked.area_code)
    if moved:
        raise ApplicationError(f"这些户在基准日期不住在本村，请移出后再定稿：{'、'.join(moved)}")
    parts = payouts_of(locked, beneficiaries)
    payouts = [
        SolarPayout(
            distribution=locked,
            use=b.use,
            household=b.household,
            household_code=b.household.code,
            head_name=b.household.head_name,
            head_id_masked=idnumber.mask(b.household.head_id_number),
            phone_masked=phone.mask(b.household.phone) if b.household.phone else "",
            village_code=locked.area_code,
            village_name=locked.village.name,
            weight=b.weight,
            post=b.post,
            amount_fen=parts[(b.use, b.household_id)],
        )
        for b in beneficiaries
    ]
    created = SolarPayout.objects.bulk_create(payouts, batch_size=1000)
    before = locked.audit_snapshot()
    locked.status = DistributionStatus.FROZEN
    locked.approved_on = approved_on
    locked.frozen_at = timezone.now()
    locked.frozen_by = actor.name
    _bump(actor, locked, before)
    if created and created[0].pk is not None:
        record_changes(
            change_entry(actor, p, action=ChangeAction.CREATE, before=None, after=p.audit_snapshot())
            for p in created
        )
    return locked

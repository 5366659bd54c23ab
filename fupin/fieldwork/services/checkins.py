"""Writing check-ins (驻村打卡) from the phone page, the API and the ledger, and re-judging them.

All three doors call `checkin_record`, so a check-in means the same whichever way it came: the same
checks, the same validity verdict (fupin.fieldwork.validity) and a change-log row. A client's
idempotency key makes a repeated send (a phone that lost the answer, an app that retries) return
the first check-in instead of writing a second one, also when both sends arrive at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core import sql
from fupin.core.audit import Actor, change_entry, create_with_change, record_changes
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.core.exceptions import ApplicationError
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.duty.models import Pairing, WorkTeamMember
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.validity import RULES_MAX_AGE_S, ValidityRules, Verdict, judge, point_of, rules_for
from fupin.people.models import Cadre
from fupin.registry.models import Household

# A phone or app may send a check-in late (it was offline), but not a week late: older ones are
# 补录 (back-filled) by the county office through the ledger, where the change log says who did it.
LATE_SEND_DAYS = 7
KIND_LEVEL = {CheckInKind.TOWN: AreaLevel.TOWN, CheckInKind.VILLAGE: AreaLevel.VILLAGE}
Period = tuple[int, dt.date, dt.date | None]  # (household or village id, start, end)


def may_record_for(scope: Scope, cadre: Cadre, area_code: str) -> bool:
    """A cadre records their own check-ins; the area's managers record (import) anyone's there."""
    if scope.cadre_id is not None and scope.cadre_id == cadre.pk:
        return True
    return scope.can_manage and scope.covers_code(area_code)


def _within(periods: Sequence[Period], target_id: int, day: dt.date) -> bool:
    return any(t == target_id and start <= day and (end is None or day <= end) for t, start, end in periods)


@dataclass
class CheckInJudge:
    """Judges check-ins, remembering what it looked up: the county's rules, the cadres' pairings and
    work-team periods. One judge serves one request, or a whole ledger or revalidation run after
    `preload`."""

    # 0: read the county's rules afresh (ledgers, revalidation); the hot path accepts older ones.
    rules_max_age: float = 0
    _rules: dict[str, ValidityRules] = field(default_factory=dict)
    _pairings: dict[int, list[Period]] = field(default_factory=dict)
    _teams: dict[int, list[Period]] = field(default_factory=dict)

    def preload(self, cadre_ids: Iterable[int]) -> None:
        wanted = [c for c in set(cadre_ids) if c not in self._pairings]
        for cadre_id in wanted:
            self._pairings[cadre_id] = []
            self._teams[cadre_id] = []
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            for cadre_id, household_id, begin, end in Pairing.objects.filter(cadre_id__in=chunk).values_list(
                "cadre_id", "household_id", "start_date", "end_date"
            ):
                self._pairings[cadre_id].append((household_id, begin, end))
            for cadre_id, village_id, begin, end in WorkTeamMember.objects.filter(
                cadre_id__in=chunk
            ).values_list("cadre_id", "village_id", "start_date", "end_date"):
                self._teams[cadre_id].append((village_id, begin, end))

    def rules(self, area_code: str) -> ValidityRules:
        county = area_code[:6]
        if county not in self._rules:
            self._rules[county] = rules_for(area_code, max_age=self.rules_max_age)
        return self._rules[county]

    def paired(self, cadre_id: int, household: Household, day: dt.date) -> bool:
        """Paired with the household that day, or in a work team active in its village."""
        if cadre_id not in self._pairings:
            return paired_on(cadre_id, household, day)
        return _within(self._pairings[cadre_id], household.pk, day) or _within(
            self._teams[cadre_id], household.village_id, day
        )

    def verdict(
        self,
        *,
        cadre_id: int,
        kind: str,
        area: Area,
        household: Household | None,
        day: dt.date,
        longitude: Decimal | None,
        latitude: Decimal | None,
        accuracy_m: Decimal | None,
    ) -> Verdict:
        reference_kind = kind
        reference = point_of(area.longitude, area.latitude)
        paired: bool | None = None
        if kind == CheckInKind.HOUSEHOLD and household is not None:
            own = point_of(household.longitude, household.latitude)
            if own is None:
                reference_kind = "village"  # the household has no coordinates: its village
            reference = own or point_of(household.village.longitude, household.village.latitude)
            paired = self.paired(cadre_id, household, day)
        return judge(
            rules=self.rules(area.code),
            position=point_of(longitude, latitude),
            accuracy_m=accuracy_m,
            reference=reference,
            reference_kind=reference_kind,
            paired=paired,
        )


def _active_on(model: type[Pairing] | type[WorkTeamMember], target: str) -> str:
    """SQL: a row of `model` for (cadre, target) active on a day, as spec/figures.md defines it."""
    start, end = sql.column(model, "start_date"), sql.column(model, "end_date")
    return (
        f"SELECT 1 FROM {sql.table(model)} WHERE {sql.column(model, 'cadre')} = %s "  # noqa: S608 (names from the models)
        f"AND {sql.column(model, target)} = %s AND {start} <= %s AND ({end} IS NULL OR {end} >= %s)"
    )


@functools.cache
def _paired_sql() -> str:
    pairing, team = _active_on(Pairing, "household"), _active_on(WorkTeamMember, "village")
    return f"SELECT EXISTS ({pairing}) OR EXISTS ({team})"


def paired_on(cadre_id: int, household: Household, day: dt.date) -> bool:
    """One check-in's pairing test in one query: the hot path judges a single check-in, where
    loading all of the cadre's pairings and work teams (`CheckInJudge.preload`) costs two."""
    statement = _paired_sql()
    on = day.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(statement, [cadre_id, household.pk, on, on, cadre_id, household.village_id, on, on])
        row = cursor.fetchone()
    return bool(row and row[0])


def checkin_problems(
    *,
    kind: str,
    area: Area,
    household: Household | None,
    day: dt.date,
    longitude: Decimal | None,
    latitude: Decimal | None,
    accuracy_m: Decimal | None,
    today: dt.date,
) -> dict[str, str]:
    """Field → reason in Chinese for each way the check-in cannot be taken; empty when it can."""
    problems: dict[str, str] = {}
    if kind not in CheckInKind.values:
        return {"kind": "类型应为驻镇、驻村或入户"}
    wanted_level = KIND_LEVEL.get(CheckInKind(kind), AreaLevel.VILLAGE)
    if area.level != wanted_level:
        problems["area_code"] = "驻镇打卡应选择乡镇" if kind == CheckInKind.TOWN else "驻村、入户打卡应选择村"
    if kind == CheckInKind.HOUSEHOLD:
        if household is None:
            problems["household_code"] = "入户打卡须选择农户"
        elif household.village_id != area.pk:
            problems["household_code"] = f"户{household.code}不在{area.name}"
    elif household is not None:
        problems["household_code"] = "只有入户打卡才选择农户"
    if day > today:
        problems["date"] = "打卡日期不能晚于今天"
    if (longitude is None) != (latitude is None):
        problems["longitude"] = "经度和纬度应同时填写"
    if longitude is not None and not -180 <= longitude <= 180:
        problems["longitude"] = "经度应在-180到180之间"
    if latitude is not None and not -90 <= latitude <= 90:
        problems["latitude"] = "纬度应在-90到90之间"
    if accuracy_m is not None and accuracy_m < 0:
        problems["accuracy_m"] = "定位精度不能为负数"
    return problems


def new_checkin_code() -> str:
    return f"CK{uuid.uuid4().hex[:20].upper()}"


@dataclass(frozen=True)
class Recorded:
    checkin: CheckIn
    created: bool  # False when the idempotency key (or code) named a check-in already recorded


def checkin_record(
    *,
    actor: Actor,
    scope: Scope,
    cadre: Cadre,
    kind: str,
    area: Area,
    day: dt.date,
    source: str,
    household: Household | None = None,
    time: dt.time | None = None,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    accuracy_m: Decimal | None = None,
    notes: str = "",
    photo: File | None = None,
    idempotency_key: str = "",
    recorded_at: dt.datetime | None = None,
    code: str | None = None,
    judge_: CheckInJudge | None = None,
) -> Recorded:
    """Record one check-in with its verdict, or return the one its idempotency key already names."""
    if source not in CheckInSource.values:
        raise ApplicationError(f"未知的打卡来源：{source}")
    if not may_record_for(scope, cadre, area.code):
        raise PermissionDenied("只能为本人打卡")
    problems = checkin_problems(
        kind=kind,
        area=area,
        household=household,
        day=day,
        longitude=longitude,
        latitude=latitude,
        accuracy_m=accuracy_m,
        today=timezone.localdate(),
    )
    if source != CheckInSource.LEDGER and day < timezone.localdate() - dt.timedelta(days=LATE_SEND_DAYS):
        problems["date"] = f"超过{LATE_SEND_DAYS}天的打卡不能从手机或接口补交，请联系扶贫办通过台账补录"
    if problems:
        # A phone that resends after its check-in was taken gets the first one back, even when the
        # resend is now too late; nothing else of a refused check-in is looked up.
        earlier = _by_key(cadre, idempotency_key) if idempotency_key else None
        if earlier is not None:
            return Recorded(earlier, created=False)
        raise ApplicationError("；".join(problems.values()), field_errors=problems)
    verdict = (judge_ or CheckInJudge(rules_max_age=RULES_MAX_AGE_S)).verdict(
        cadre_id=cadre.pk,
        kind=kind,
        area=area,
        household=household,
        day=day,
        longitude=longitude,
        latitude=latitude,
        accuracy_m=accuracy_m,
    )
    checkin = CheckIn(
        code=code or new_checkin_code(),
        cadre=cadre,
        date=day,
        time=time,
        kind=kind,
        area=area,
        area_code=area.code,
        household=household,
        longitude=longitude,
        latitude=latitude,
        accuracy_m=accuracy_m,
        notes=notes,
        source=source,
        idempotency_key=idempotency_key,
        recorded_at=recorded_at,
        valid=verdict.valid,
        invalid_reason=verdict.reason,
        distance_m=verdict.distance_m,
    )
    if photo is not None:
        checkin.photo.save(f"{checkin.code}.jpg", photo, save=False)
    # Insert first and look the key up only when the insert meets it: a new check-in (nearly every
    # send) costs one round trip, a repeat or the loser of two sends at once one more.
    if create_with_change(actor, checkin):
        return Recorded(checkin, created=True)
    if checkin.photo:
        checkin.photo.delete(save=False)
    earlier = _by_key(cadre, idempotency_key) if idempotency_key else None
    if earlier is None:
        raise ApplicationError(f"记录编号{checkin.code}已存在", field_errors={"code": "记录编号已存在"})
    return Recorded(earlier, created=False)


def _by_key(cadre: Cadre, key: str) -> CheckIn | None:
    return CheckIn.objects.filter(cadre=cadre, idempotency_key=key).first()


@transaction.atomic
def checkins_upsert(
    *, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]], judge: CheckInJudge | None = None
) -> UpsertResult:
    """Create or update check-ins by code from the ledger (补录), each judged as it is written.

    The rows were checked row by row with `checkin_problems` and reported against their cells; here
    they are judged in bulk (one judge, preloaded with the cadres' pairings and work teams).
    """
    judge = judge or CheckInJudge()
    judge.preload(row["cadre"].pk for row in rows)
    prepared = []
    for row in rows:
        area: Area = row["area"]
        if not may_record_for(scope, row["cadre"], area.code):
            raise PermissionDenied(f"您无权在{area.name}补录打卡")
        verdict = judge.verdict(
            cadre_id=row["cadre"].pk,
            kind=row["kind"],
            area=area,
            household=row["household"],
            day=row["date"],
            longitude=row["longitude"],
            latitude=row["latitude"],
            accuracy_m=row["accuracy_m"],
        )
        prepared.append(
            {
                **row,
                "area_code": area.code,
                "source": CheckInSource.LEDGER,
                "valid": verdict.valid,
                "invalid_reason": verdict.reason,
                "distance_m": verdict.distance_m,
            }
        )
    return bulk_upsert(CheckIn, key="code", rows=prepared, actor=actor, select_related=("cadre", "household"))


@transaction.atomic
def checkins_revalidate(*, actor: Actor, checkins: Q, chunk_size: int = 5000) -> int:
    """Judge the check-ins matching `checkins` again (after the county changed its radius or
    accuracy bound, or after pairings arrived late); returns how many changed their verdict."""
    judge_ = CheckInJudge()
    changed = 0
    queryset = (
        CheckIn.objects.filter(checkins).select_related("cadre", "area", "household__village").order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:chunk_size])
        if not batch:
            return changed
        last_pk = batch[-1].pk
        judge_.preload(c.cadre_id for c in batch)
        updated, entries = [], []
        for checkin in batch:
            verdict = judge_.verdict(
                cadre_id=checkin.cadre_id,
                kind=checkin.kind,
                area=checkin.area,
                household=checkin.household,
                day=checkin.date,
                longitude=checkin.longitude,
                latitude=checkin.latitude,
                accuracy_m=checkin.accuracy_m,
            )
            if (verdict.valid, verdict.reason, verdict.distance_m) == (
                checkin.valid,
                checkin.invalid_reason,
                checkin.distance_m,
            ):
                continue
            before = checkin.audit_snapshot()
            checkin.valid, checkin.invalid_reason = verdict.valid, verdict.reason
            checkin.distance_m = verdict.distance_m
            checkin.version += 1
            checkin.updated_at = timezone.now()
            updated.append(checkin)
            entries.append(
                change_entry(
                    actor, checkin, action=ChangeAction.UPDATE, before=before, after=checkin.audit_snapshot()
                )
            )
        CheckIn.objects.bulk_update(
            updated, ["valid", "invalid_reason", "distance_m", "version", "updated_at"]
        )
        record_changes(entries)
        changed += len(updated)

"""Trainings and their attendance: created and edited by whoever runs trainings in the area,
attended by cadres who sign in on their phones (with the session's QR code) or are marked present
by the organiser. Each attendance row is one person-time (人次); a cadre counts once per training."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.people.models import Cadre, Unit
from fupin.training.models import Attendance, SignInMethod, Training, TrainingKind
from fupin.training.selectors.cadres import may_run_trainings_in


def new_training_code(day: dt.date) -> str:
    return f"PX{day:%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(16)[:22]


def training_problems(*, topic: str, place: str, kind: str, day: dt.date, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not topic.strip():
        problems["topic"] = "请填写培训主题"
    if not place.strip():
        problems["place"] = "请填写培训地点"
    if kind not in TrainingKind.values:
        problems["kind"] = "培训形式无效"
    if day > today + dt.timedelta(days=366):
        problems["date"] = "培训日期不能晚于一年以后"
    return problems


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ApplicationError("；".join(problems.values()), field_errors=problems)


@transaction.atomic
def training_create(
    *,
    actor: Actor,
    scope: Scope,
    topic: str,
    day: dt.date,
    place: str,
    organiser: Unit,
    kind: str,
    area: Area,
    notes: str = "",
    code: str | None = None,
) -> Training:
    if not may_run_trainings_in(scope, area.code):
        raise PermissionDenied("您无权在该区划组织培训")
    _refuse(training_problems(topic=topic, place=place, kind=kind, day=day, today=timezone.localdate()))
    code = code or new_training_code(day)
    if Training.objects.filter(code=code).exists():
        raise ApplicationError(f"培训编号{code}已存在", field_errors={"code": "培训编号已存在"})
    training = Training(
        code=code,
        topic=topic.strip(),
        date=day,
        place=place.strip(),
        organiser=organiser,
        kind=kind,
        area=area,
        area_code=area.code,
        notes=notes.strip(),
        sign_in_token=new_sign_in_token(),
    )
    training.full_clean()
    training.save()
    record_change(actor, training, action=ChangeAction.CREATE, before=None)
    return training


@transaction.atomic
def training_update(
    *,
    actor: Actor,
    scope: Scope,
    training: Training,
    version: int,
    topic: str,
    day: dt.date,
    place: str,
    organiser: Unit,
    kind: str,
    area: Area,
    notes: str = "",
) -> Training:
    """Edit a training; refused when someone saved it since `version` was read."""
    if not may_run_trainings_in(scope, training.area_code) or not may_run_trainings_in(scope, area.code):
        raise PermissionDenied("您无权修改该培训")
    _refuse(training_problems(topic=topic, place=place, kind=kind, day=day, today=timezone.localdate()))
    changes = {
        "topic": topic.strip(),
        "date": day,
        "place": place.strip(),
        "organiser": organiser,
        "kind": kind,
        "area": area,
        "area_code": area.code,
        "notes": notes.strip(),
    }
    return update_fields_checked(training, actor=actor, expected_version=version, changes=changes)


def _add_attendances(
    actor: Actor, training: Training, cadres: Sequence[Cadre], method: str, at: dt.datetime
) -> list[Attendance]:
    """Attendance rows for the cadres not yet signed in; signing in twice counts once."""
    present = set(Attendance.objects.filter(training=training).values_list("cadre_id", flat=True))
    new = [
        Attendance(training=training, cadre=cadre, method=method, signed_at=at)
        for cadre in dict.fromkeys(cadres)
        if cadre.pk not in present
    ]
    created = Attendance.objects.bulk_create(new)
    # bulk_create gives ids on SQLite ≥ 3.35 and PostgreSQL; the change log names each row.
    record_changes(
        change_entry(actor, a, action=ChangeAction.CREATE, before=None, after=a.audit_snapshot())
        for a in created
    )
    return created


@transaction.atomic
def attendance_sign_in(*, actor: Actor, training: Training, cadre: Cadre, token: str) -> bool:
    """A cadre signs in with the session's QR code; True when newly signed in."""
    if not secrets.compare_digest(token, training.sign_in_token):
        raise ApplicationError("签到二维码无效或已更换，请重新扫描现场的二维码")
    today = timezone.localdate()
    if abs((training.date - today).days) > 1:
        raise ApplicationError(f"该培训在{training.date:%Y年%m月%d日}举行，只能在培训当天签到")
    return bool(_add_attendances(actor, training, [cadre], SignInMethod.PHONE, timezone.now()))


@transaction.atomic
def attendances_mark(*, actor: Actor, scope: Scope, training: Training, cadre_codes: Sequence[str]) -> int:
    """The organiser marks cadres present by their codes; every unknown code refuses the whole list."""
    if not may_run_trainings_in(scope, training.area_code):
        raise PermissionDenied("您无权登记该培训的签到")
    codes = [c.strip() for c in cadre_codes if c.strip()]
    if not codes:
        raise ApplicationError("请填写干部编号", field_errors={"cadre_codes": "请填写干部编号"})
    found = {c.code: c for c in Cadre.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        message = f"干部编号不存在：{'、'.join(missing[:20])}"
        raise ApplicationError(message, field_errors={"cadre_codes": message})
    at = timezone.make_aware(dt.datetime.combine(training.date, dt.time(9, 0)))
    return len(_add_attendances(actor, training, [found[c] for c in codes], SignInMethod.ORGANISER, at))


@transaction.atomic
def attendance_remove(*, actor: Actor, scope: Scope, attendance: Attendance) -> None:
    if not may_run_trainings_in(scope, attendance.training.area_code):
        raise PermissionDenied("您无权修改该培训的签到")
    before = attendance.audit_snapshot()
    record_change(actor, attendance, action=ChangeAction.DELETE, before=before)
    attendance.delete()

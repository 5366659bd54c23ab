"""Laborers: drawn from the registry's members with labour capacity, then kept by the employment
office (skills, status, wishes, phone). A sync after a registry import adds the new capable members
and follows name and village changes; it never touches what the office recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.core import areacode, phone
from fupin.core.audit import Actor, change_entry, record_changes
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.employment.models import EmploymentStatus, Laborer, Reach, WorkType
from fupin.employment.services.common import clean_skills, require_choice, require_write
from fupin.registry.models import Labour, Member, MigrantWork, PovertyStatus

CAPABLE = (Labour.ORDINARY, Labour.SKILLED, Labour.WEAK)
# The registry's 务工状况 as a first employment status; the office corrects it afterwards.
STATUS_FROM_MIGRANT_WORK = {
    MigrantWork.IN_TOWN: EmploymentStatus.LOCAL,
    MigrantWork.IN_COUNTY: EmploymentStatus.LOCAL,
    MigrantWork.IN_PROVINCE: EmploymentStatus.MIGRANT,
    MigrantWork.OUT_OF_PROVINCE: EmploymentStatus.MIGRANT,
}
EDITABLE = ("phone", "skills", "status", "wish_reach", "wish_work_type", "available_from", "note")


def _capable_members(area_prefix: str) -> Any:
    return (
        Member.objects.filter(labour__in=CAPABLE, household__area_code__startswith=area_prefix)
        .exclude(household__poverty_status=PovertyStatus.CANCELLED)
        .order_by("id_number")
        .values_list("pk", "id_number", "name", "household__area_code", "migrant_work", "household__phone")
    )


@transaction.atomic
def laborers_sync(
    *, actor: Actor, scope: Scope, area_code: str, prepare_new: Callable[[Laborer], None] | None = None
) -> UpsertResult:
    """Bring the area's laborers in line with its members: a laborer for each capable member of a
    household that is not cancelled, name and village followed, and those who lost capacity (or
    whose household was cancelled) marked as no longer capable. One pass of bulk writes.

    `prepare_new` fills in what is already known of a new laborer (skills, wishes) before it is
    written, so that a first sync of a county writes each laborer once."""
    require_write(scope, area_code)
    prefix = areacode.prefix_of(area_code)
    members = {row[0]: row for row in _capable_members(prefix)}
    stored = {lab.member_id: lab for lab in Laborer.objects.filter(area_code__startswith=prefix)}
    stored.update({lab.member_id: lab for lab in Laborer.objects.filter(member_id__in=list(members))})
    # A laborer whose household moved out of the area is followed there, not marked incapable.
    moved = [member_id for member_id in stored if member_id not in members]
    members.update({row[0]: row for row in _capable_members("").filter(pk__in=moved)})
    result = UpsertResult()
    new: list[Laborer] = []
    changed: list[Laborer] = []
    entries = []
    now = timezone.now()
    for member_id, (_, id_number, name, village, migrant, household_phone) in members.items():
        laborer = stored.get(member_id)
        if laborer is None:
            laborer = Laborer(
                member_id=member_id,
                id_number=id_number,
                name=name,
                area_code=village,
                phone=household_phone or "",
                status=STATUS_FROM_MIGRANT_WORK.get(migrant, EmploymentStatus.UNEMPLOYED),
            )
            if prepare_new is not None:
                prepare_new(laborer)
                laborer.skills = clean_skills(laborer.skills)
                if problems := laborer_problems(vars(laborer)):
                    raise ApplicationError("；".join(problems.values()), field_errors=problems)
            new.append(laborer)
            continue
        wanted = {"name": name, "area_code": village, "active": True, "id_number": id_number}
        if all(getattr(laborer, k) == v for k, v in wanted.items()):
            result.unchanged += 1
            continue
        before = laborer.audit_snapshot()
        for key, value in wanted.items():
            setattr(laborer, key, value)
        changed.append(laborer)
        entries.append((laborer, before))
    for member_id, laborer in stored.items():
        if member_id not in members and laborer.active:
            entries.append((laborer, laborer.audit_snapshot()))
            laborer.active = False
            changed.append(laborer)
    for laborer in changed:
        laborer.version += 1
        laborer.updated_at = now
    Laborer.objects.bulk_create(new, batch_size=1000)
    if new and new[0].pk is None:
        ids = dict(
            Laborer.objects.filter(member_id__in=[n.member_id for n in new]).values_list("member_id", "pk")
        )
        for laborer in new:
            laborer.pk = ids[laborer.member_id]
    Laborer.objects.bulk_update(
        changed, ["name", "area_code", "active", "id_number", "version", "updated_at"], batch_size=1000
    )
    log = [
        change_entry(actor, lab, action=ChangeAction.CREATE, before=None, after=lab.audit_snapshot())
        for lab in new
    ]
    log += [
        change_entry(actor, lab, action=ChangeAction.UPDATE, before=before, after=lab.audit_snapshot())
        for lab, before in entries
    ]
    record_changes(log)
    result.created, result.updated = len(new), len(changed)
    return result


def laborer_problems(values: dict[str, Any]) -> dict[str, str]:
    """Field → reason for each value a laborer cannot take."""
    problems: dict[str, str] = {}
    number = values.get("phone") or ""
    if number and (error := phone.phone_error(number)):
        problems["phone"] = error
    if values.get("status", EmploymentStatus.UNEMPLOYED) not in EmploymentStatus.values:
        problems["status"] = "就业状态无效"
    if values.get("wish_reach", Reach.COUNTY) not in Reach.values:
        problems["wish_reach"] = "意愿地点无效"
    if (values.get("wish_work_type") or "") not in ["", *WorkType.values]:
        problems["wish_work_type"] = "意愿工种无效"
    return problems


@transaction.atomic
def laborer_update(
    *, actor: Actor, scope: Scope, laborer: Laborer, expected_version: int | None, changes: dict[str, Any]
) -> Laborer:
    """Record what the office knows of a laborer; a stale version is refused, nothing merged."""
    require_write(scope, laborer.area_code, "该劳动力")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"不能修改：{', '.join(sorted(unknown))}")
    changes = dict(changes)
    if "skills" in changes:
        changes["skills"] = clean_skills(changes["skills"])
    if "phone" in changes:
        changes["phone"] = phone.normalize(changes["phone"] or "")
    problems = laborer_problems(changes)
    if problems:
        raise ApplicationError("；".join(problems.values()), field_errors=problems)
    return update_fields_checked(laborer, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def laborers_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The laborers ledger's write: rows keyed by id_number, each naming a stored laborer's member;
    empty cells keep what is stored."""
    prepared = []
    for row in rows:
        require_write(scope, row["area_code"])
        require_choice(
            row.get("status") or EmploymentStatus.UNEMPLOYED, EmploymentStatus.values, "status", "就业状态"
        )
        prepared.append(
            {**row, "skills": clean_skills(row["skills"]) if row.get("skills") is not None else None}
        )
    return bulk_upsert(
        Laborer,
        key="id_number",
        rows=prepared,
        actor=actor,
        keep_when_blank=(
            "phone",
            "skills",
            "status",
            "wish_reach",
            "wish_work_type",
            "available_from",
            "note",
        ),
    )


def laborer_set_status(*, actor: Actor, laborer: Laborer, status: str) -> Laborer:
    """A status that follows from another record (a placement, a welfare post): no version check,
    the caller holds the laborer's row."""
    if laborer.status == status:
        return laborer
    return update_fields_checked(laborer, actor=actor, expected_version=None, changes={"status": status})

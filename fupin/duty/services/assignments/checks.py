"""The checks and writes shared by every kind of assignment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from django.db import models

from fupin.core.audit import Actor, record_change
from fupin.core.bulk import (
    UpsertResult,
    bulk_upsert,
    composite_key_of,
    fetch_by_composite_key,
    update_fields_checked,
)
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.duty.services.assignments.kinds import (
    CONFLICT_MESSAGE,
    A,
    AssignmentKind,
    ExclusiveRule,
    Problems,
    RowLabel,
    period_text,
    periods_overlap,
)


# -- checks shared by every kind -----------------------------------------------------------------
def may_assign(scope: Scope, area_code: str, *, county_level: bool) -> bool:
    """County managers assign within their area; a town official pairs and staffs work teams in
    its town; nobody else assigns."""
    if scope.role == SUPERUSER:
        return True
    if not scope.covers_code(area_code):
        return False
    if scope.can_manage:
        return True
    return not county_level and scope.role == Role.TOWN_OFFICIAL


def may_manage_assignments(scope: Scope) -> bool:
    """Whether the scope assigns anything at all (to show forms and buttons)."""
    return scope.role == SUPERUSER or scope.can_manage or scope.role == Role.TOWN_OFFICIAL


def _check_may_assign(scope: Scope, kind: AssignmentKind[A], assignment: A) -> None:
    if not may_assign(scope, kind.target_code(assignment), county_level=kind.county_level):
        raise PermissionDenied(f"您无权在该区划安排{kind.label}")


def assignment_problems(
    kind: AssignmentKind[A], proposed: Sequence[A], *, row_label: RowLabel | None = None
) -> Problems:
    """Every problem of the proposed assignments, checked together and against the stored ones.

    A proposed assignment with a primary key replaces that stored record (an edit, or a ledger row
    whose key exists). `row_label` names another proposed assignment in a message ("第3行").
    """
    label = row_label or (lambda index: f"第{index + 1}条")
    problems: Problems = defaultdict(list)
    for index, assignment in enumerate(proposed):
        problems[index].extend(kind.own_checks(assignment, assignment.pk is None))
    # Periods are compared only for assignments that are otherwise sound.
    sound = [(index, a) for index, a in enumerate(proposed) if not problems[index]]
    replaced = {a.pk for a in proposed if a.pk is not None}
    entries: list[tuple[int | None, A]] = [
        (None, stored) for stored in kind.stored_near([a for _, a in sound]) if stored.pk not in replaced
    ]
    entries += sound
    for rule in kind.rules:
        groups: dict[Hashable, list[tuple[int | None, A]]] = defaultdict(list)
        for entry in entries:
            group = rule.group(entry[1])
            if group is not None:
                groups[group].append(entry)
        for members in groups.values():
            _report_overlaps(rule, members, problems, label)
    return {index: found for index, found in problems.items() if found}


def _report_overlaps(
    rule: ExclusiveRule[A], members: list[tuple[int | None, A]], problems: Problems, label: RowLabel
) -> None:
    if len(members) < 2:
        return
    for index, assignment in members:
        if index is None or problems[index]:
            continue
        for other_index, other in members:
            if other is assignment or not periods_overlap(assignment, other):
                continue
            where = label(other_index) if other_index is not None else "已有记录"
            problems[index].append(
                (rule.field, f"{rule.conflict(assignment, other)}（{where}：{period_text(other)}）")
            )
            break


def _raise_problems(problems: Problems) -> None:
    if not problems:
        return
    found = [problem for index in sorted(problems) for problem in problems[index]]
    field_errors: dict[str, str] = {}
    for field, message in found:
        field_errors.setdefault(field, message)
    raise ApplicationError("；".join(message for _, message in found), field_errors=field_errors)


def _lock_anchors(kind: AssignmentKind[A], assignments: Sequence[A]) -> None:
    by_model: dict[type[models.Model], set[int]] = defaultdict(set)
    for assignment in assignments:
        for model, pk in kind.anchors(assignment):
            by_model[model].add(pk)
    for model, pks in by_model.items():
        list(model._default_manager.select_for_update().filter(pk__in=sorted(pks)).values_list("pk"))


def _with_changes(assignment: A, changes: dict[str, Any]) -> A:
    """A copy of `assignment` with `changes` applied, leaving the original as it was."""
    model = type(assignment)
    fresh = model(**{f.attname: getattr(assignment, f.attname) for f in model._meta.concrete_fields})
    fresh._state.adding = False
    fresh._state.fields_cache = dict(assignment._state.fields_cache)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh


def _create(kind: AssignmentKind[A], actor: Actor, scope: Scope, assignment: A) -> A:
    _check_may_assign(scope, kind, assignment)
    _lock_anchors(kind, [assignment])
    _raise_problems(assignment_problems(kind, [assignment]))
    assignment.save()
    record_change(actor, assignment, action=ChangeAction.CREATE, before=None)
    return assignment


def _update(
    kind: AssignmentKind[A],
    actor: Actor,
    scope: Scope,
    assignment: A,
    *,
    expected_version: int | None,
    changes: dict[str, Any],
    ending: bool = False,
) -> A:
    unknown = set(changes) - kind.editable
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    locked = kind.model._default_manager.select_for_update().get(pk=assignment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    _check_may_assign(scope, kind, locked)
    if ending and locked.end_date is not None:
        raise ApplicationError(f"该{kind.label}已于{locked.end_date.isoformat()}结束")
    _lock_anchors(kind, [locked])
    _raise_problems(assignment_problems(kind, [_with_changes(locked, changes)]))
    return update_fields_checked(locked, actor=actor, expected_version=expected_version, changes=changes)


def _upsert(
    kind: AssignmentKind[A], actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]
) -> UpsertResult:
    proposed = proposed_from_rows(kind, rows)
    for assignment in proposed:
        _check_may_assign(scope, kind, assignment)
    _raise_problems(assignment_problems(kind, proposed))
    return bulk_upsert(
        kind.model, key_fields=kind.key_fields, rows=rows, actor=actor, keep_when_blank=kind.optional
    )


def _blank(value: Any) -> bool:
    return value is None or value == ""


def proposed_from_rows(kind: AssignmentKind[A], rows: Sequence[dict[str, Any]]) -> list[A]:
    """What each ledger row would make of the records: the stored one with the row's values
    applied where its key exists (an empty optional cell keeps the stored value), else a new one."""
    keys = [composite_key_of(kind.model, kind.key_fields, row) for row in rows]
    stored = fetch_by_composite_key(kind.model, kind.key_fields, keys)
    proposed = []
    for key, row in zip(keys, rows, strict=True):
        given = {name: value for name, value in row.items() if not (name in kind.optional and _blank(value))}
        existing = stored.get(key)
        proposed.append(_with_changes(existing, given) if existing else kind.model(**given))
    return proposed

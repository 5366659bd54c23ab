"""梳理归纳: near-duplicate problems confirmed as one group, rectified as one.

County managers confirm a suggested group (services build nothing on their own: similarity.py only
suggests) under a title of their own, and split members out again. A workflow action taken on a
group is taken on every member through the workflow services in one transaction: if any member
refuses, nothing changes and the refusal names that member. Members stay problems of their own,
counted one by one in every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.rectification.models import Evidence, Problem, ProblemGroup
from fupin.rectification.services import workflow
from fupin.rectification.services.editing import evidence_add, evidence_kind, workable

GROUP_CONFLICT = "该归纳组的问题已被他人修改，请刷新后重新操作（未对任何问题执行操作）。"
ACTIONS: dict[str, Callable[..., Problem]] = {
    "start": workflow.problem_start,
    "rectify": workflow.problem_rectify,
    "close": workflow.problem_close,
    "reject": workflow.problem_reject,
    "reopen": workflow.problem_reopen,
}


class MemberRefused(ApplicationError):
    """One member of a group refused the group's action; nothing was changed."""

    def __init__(self, problem: Problem, error: ApplicationError) -> None:
        message = f"问题{problem.code}（{problem.description[:20]}）：{error.message}。未对任何问题执行操作。"
        super().__init__(message, field_errors=error.field_errors)
        self.problem = problem
        self.reason = error.message


def may_group(scope: Scope, county: Area) -> bool:
    """梳理归纳 is the county's: its administrator and poverty-alleviation office."""
    return scope.can_manage and scope.covers_code(county.code)


def _check_may_group(scope: Scope, county: Area) -> None:
    if not may_group(scope, county):
        raise PermissionDenied("只有县级管理员和扶贫办可以归纳问题")


def _release(actor: Actor, problem: Problem) -> None:
    update_fields_checked(problem, actor=actor, expected_version=None, changes={"group": None})


@transaction.atomic
def group_create(
    *, actor: Actor, scope: Scope, county: Area, title: str, problems: Sequence[Problem]
) -> ProblemGroup:
    """Confirm a group of two or more of the county's ungrouped problems under a title."""
    _check_may_group(scope, county)
    title = title.strip()
    errors = {}
    if not title:
        errors["title"] = "请填写归纳后的问题"
    elif len(title) > 300:
        errors["title"] = "归纳后的问题不能超过300个字"
    members = list({p.pk: p for p in problems}.values())
    if len(members) < 2:
        errors["problems"] = "至少选择两个问题才能归纳"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    county_code = areacode.county_code_of(county.code)
    locked = Problem.objects.select_for_update(of=("self",)).filter(pk__in=[p.pk for p in members])
    for problem in locked.order_by("code"):
        if areacode.county_code_of(problem.area_code) != county_code:
            raise ApplicationError(f"问题{problem.code}不属于本县")
        if problem.group_id is not None:
            raise ApplicationError(f"问题{problem.code}已归入其他归纳组，请先从该组拆出")
    group = ProblemGroup(county=county, title=title, created_by=actor.user)
    group.full_clean(exclude=["created_by"])  # a command-line actor has no user
    group.save()
    record_change(actor, group, action=ChangeAction.CREATE, before=None)
    for problem in sorted(members, key=lambda p: p.code):
        update_fields_checked(problem, actor=actor, expected_version=None, changes={"group": group})
    return group


@transaction.atomic
def group_split(*, actor: Actor, scope: Scope, group: ProblemGroup, problems: Sequence[Problem]) -> bool:
    """Take problems out of a group; when fewer than two would remain, the group is dissolved (its
    last member released and the group deleted). True when the group is gone."""
    _check_may_group(scope, group.county)
    chosen = {p.pk for p in problems}
    members = list(Problem.objects.select_for_update(of=("self",)).filter(group=group).order_by("code"))
    if not chosen or not chosen <= {p.pk for p in members}:
        raise ApplicationError("请选择本组中要拆出的问题", field_errors={"problems": "请选择要拆出的问题"})
    remaining = [p for p in members if p.pk not in chosen]
    dissolve = len(remaining) < 2
    for problem in members:
        if problem.pk in chosen or dissolve:
            _release(actor, problem)
    if dissolve:
        record_change(actor, group, action=ChangeAction.DELETE, before=group.audit_snapshot())
        group.delete()
    return dissolve


@transaction.atomic
def group_rename(
    *, actor: Actor, scope: Scope, group: ProblemGroup, expected_version: int | None, title: str
) -> ProblemGroup:
    _check_may_group(scope, group.county)
    if not title.strip():
        raise ApplicationError("请填写归纳后的问题", field_errors={"title": "请填写归纳后的问题"})
    changes = {"title": title.strip()[:300]}
    return update_fields_checked(group, actor=actor, expected_version=expected_version, changes=changes)


def group_members(group: ProblemGroup) -> list[Problem]:
    return list(
        Problem.objects.filter(group=group)
        .select_related("category", "area", "responsible_unit", "responsible_leader", "responsible_person")
        .order_by("code")
    )


@transaction.atomic
def group_apply(
    *,
    actor: Actor,
    scope: Scope,
    group: ProblemGroup,
    action: str,
    expected_versions: Mapping[int, int],
    **params: Any,
) -> list[Problem]:
    """Take one workflow action (start, rectify, close, reject, reopen) on every member, all or
    nothing. `expected_versions` are the members and versions the user read (problem id →
    version): a member added, removed or changed since is a conflict."""
    service = ACTIONS.get(action)
    if service is None:
        raise ApplicationError("未知的整改操作")
    members = group_members(group)
    if {p.pk for p in members} != set(expected_versions):
        raise ConflictError(GROUP_CONFLICT)
    done = []
    for problem in members:
        try:
            done.append(
                service(
                    actor=actor,
                    scope=scope,
                    problem=problem,
                    expected_version=expected_versions[problem.pk],
                    **params,
                )
            )
        except ConflictError as error:
            raise ConflictError(GROUP_CONFLICT) from error
        except ApplicationError as error:
            raise MemberRefused(problem, error) from error
    return done


@transaction.atomic
def group_evidence_add(
    *, actor: Actor, scope: Scope, group: ProblemGroup, upload: UploadedFile
) -> list[Evidence]:
    """One photo or file attached as evidence to every member, all or nothing."""
    evidence_kind(upload)  # refuse a bad file once, before naming any member
    members = group_members(group)
    # Every member is checked before any file is stored: a refusal leaves no file behind.
    for problem in members:
        try:
            workable(scope, problem, "您无权为该问题上传整改佐证")
        except ApplicationError as error:
            raise MemberRefused(problem, error) from error
    added = []
    for problem in members:
        upload.seek(0)
        try:
            added.append(evidence_add(actor=actor, scope=scope, problem=problem, upload=upload))
        except ApplicationError as error:
            raise MemberRefused(problem, error) from error
    return added

"""Job postings (招聘岗位) and placements (上岗): the employment information platform's writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.employment.matching import match
from fupin.employment.models import EmploymentStatus, JobPosting, Laborer, Placement, Region, WorkType
from fupin.employment.selectors.matching import candidate_of, opening_of
from fupin.employment.services.common import require_write
from fupin.employment.services.laborers import laborer_set_status

POSTING_FIELDS = (
    "employer",
    "title",
    "work_type",
    "skill_required",
    "region",
    "area",
    "place",
    "monthly_wage",
    "positions",
    "start_date",
    "end_date",
    "min_age",
    "max_age",
    "requirements",
)


def posting_problems(values: dict[str, Any]) -> dict[str, str]:
    """Field → reason for each way a posting is wrong; empty when it is right."""
    problems: dict[str, str] = {}
    if not (values.get("employer") or "").strip():
        problems["employer"] = "请填写用工单位"
    if not (values.get("title") or "").strip():
        problems["title"] = "请填写岗位名称"
    if values.get("work_type") not in WorkType.values:
        problems["work_type"] = "工种无效"
    if values.get("region") not in Region.values:
        problems["region"] = "工作地域无效"
    area: Area | None = values.get("area")
    if area is None:
        problems["area"] = "请选择区划"
    elif values.get("region") != Region.IN_COUNTY and areacode.level_of(area.code) != areacode.COUNTY:
        problems["area"] = "县外岗位的区划应填发布岗位的县"
    wage = values.get("monthly_wage")
    if wage is None or Decimal(wage) < 0:
        problems["monthly_wage"] = "月工资不能为负"
    if not values.get("positions") or int(values["positions"]) < 1:
        problems["positions"] = "招聘人数至少为1"
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        problems["start_date"] = "请填写开始日期"
    elif end is not None and end < start:
        problems["end_date"] = "截止日期不能早于开始日期"
    low, high = values.get("min_age"), values.get("max_age")
    if low is not None and high is not None and low > high:
        problems["max_age"] = "最高年龄不能小于最低年龄"
    for name in ("min_age", "max_age"):
        if values.get(name) is not None and not 16 <= values[name] <= 70:
            problems[name] = "年龄限制应在16到70岁之间"
    return problems


def _check(scope: Scope, values: dict[str, Any]) -> None:
    problems = posting_problems(values)
    if problems:
        raise ApplicationError("；".join(problems.values()), field_errors=problems)
    require_write(scope, values["area"].code)


@transaction.atomic
def posting_create(*, actor: Actor, scope: Scope, code: str, **values: Any) -> JobPosting:
    _check(scope, values)
    if JobPosting.objects.filter(code=code).exists():
        raise ApplicationError(f"岗位编号{code}已存在", field_errors={"code": "岗位编号已存在"})
    posting = JobPosting(code=code, **{k: values.get(k) for k in POSTING_FIELDS})
    posting.place = posting.place or ""
    posting.requirements = posting.requirements or ""
    posting.full_clean()
    posting.save()
    record_change(actor, posting, action=ChangeAction.CREATE, before=None)
    return posting


@transaction.atomic
def posting_update(
    *, actor: Actor, scope: Scope, posting: JobPosting, expected_version: int | None, changes: dict[str, Any]
) -> JobPosting:
    require_write(scope, posting.area_code, "该岗位")
    merged = {name: getattr(posting, name) for name in POSTING_FIELDS} | changes
    _check(scope, merged)
    taken = current_placements(posting).count()
    if int(merged["positions"]) < taken:
        message = f"已有{taken}人在岗，招聘人数不能少于{taken}"
        raise ApplicationError(message, field_errors={"positions": message})
    if "area" in changes:
        changes = changes | {"area_code": changes["area"].code}
    return update_fields_checked(posting, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def postings_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The job-postings ledger's write, keyed by code; every row is checked as a new posting is."""
    for row in rows:
        _check(scope, row)
    prepared = [{**row, "area_code": row["area"].code} for row in rows]
    return bulk_upsert(JobPosting, key="code", rows=prepared, actor=actor)


def current_placements(posting: JobPosting) -> QuerySet[Placement]:
    """The placements that hold one of the posting's positions: an ended one frees its place."""
    return posting.placements.filter(end_date__isnull=True)


def positions_left(posting: JobPosting) -> int:
    return posting.positions - current_placements(posting).count()


@transaction.atomic
def placement_record(
    *, actor: Actor, scope: Scope, laborer: Laborer, posting: JobPosting, date: dt.date, note: str = ""
) -> Placement:
    """Place a laborer in a posting's job: the laborer must match it (matching.py) and a position
    must be left. The laborer's status becomes 本地就业 for a job in the county, 外出务工 otherwise."""
    require_write(scope, laborer.area_code, "该劳动力")
    laborer = Laborer.objects.select_for_update().select_related("member__household").get(pk=laborer.pk)
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.placements.filter(laborer=laborer).exists():
        raise ApplicationError(f"{laborer.name}已在该岗位上岗")
    if positions_left(posting) < 1:
        raise ApplicationError("该岗位已招满")
    if date < posting.start_date or (posting.end_date and date > posting.end_date):
        raise ApplicationError("上岗日期须在岗位的招聘期内", field_errors={"date": "上岗日期不在招聘期内"})
    if date > timezone.localdate():
        raise ApplicationError("上岗日期不能晚于今天", field_errors={"date": "上岗日期不能晚于今天"})
    verdict = match(candidate_of(laborer), opening_of(posting))
    if not verdict.eligible:
        raise ApplicationError(f"{laborer.name}不符合该岗位：{'；'.join(verdict.reasons)}")
    placement = Placement.objects.create(
        laborer=laborer, posting=posting, area_code=laborer.area_code, date=date, note=note.strip()
    )
    record_change(actor, placement, action=ChangeAction.CREATE, before=None)
    laborer_set_status(actor=actor, laborer=laborer, status=_status_of(posting))
    return placement


def _status_after_leaving(actor: Actor, laborer: Laborer) -> None:
    """The laborer's status once a placement no longer holds them: that of another current
    placement if they have one, else 未就业 — unless the status is not one a placement gives
    (公益岗位, 自主创业 were recorded since and stay)."""
    other = (
        Placement.objects.filter(laborer=laborer, end_date__isnull=True)
        .select_related("posting")
        .order_by("-date", "-id")
        .first()
    )
    if other is not None:
        status = _status_of(other.posting)
    elif laborer.status in (EmploymentStatus.LOCAL, EmploymentStatus.MIGRANT):
        status = EmploymentStatus.UNEMPLOYED
    else:
        return
    laborer_set_status(actor=actor, laborer=laborer, status=status)


def _status_of(posting: JobPosting) -> str:
    return EmploymentStatus.LOCAL if posting.region == Region.IN_COUNTY else EmploymentStatus.MIGRANT


@transaction.atomic
def placement_end(
    *,
    actor: Actor,
    scope: Scope,
    placement: Placement,
    expected_version: int | None,
    end_date: dt.date,
    reason: str,
) -> Placement:
    """End a placement (离岗): the job ended or the laborer left it. Its position is free again and
    the laborer's status follows (_status_after_leaving)."""
    require_write(scope, placement.area_code, "该劳动力")
    laborer = Laborer.objects.select_for_update().get(pk=placement.laborer_id)
    if placement.end_date is not None:
        raise ApplicationError(f"{laborer.name}已于{placement.end_date.isoformat()}离岗")
    problems: dict[str, str] = {}
    if end_date is None:
        problems["end_date"] = "请填写离岗日期"
    elif end_date < placement.date:
        problems["end_date"] = "离岗日期不能早于上岗日期"
    elif end_date > timezone.localdate():
        problems["end_date"] = "离岗日期不能晚于今天"
    if not (reason or "").strip():
        problems["end_reason"] = "请填写离岗原因"
    if problems:
        raise ApplicationError("；".join(problems.values()), field_errors=problems)
    ended = update_fields_checked(
        placement,
        actor=actor,
        expected_version=expected_version,
        changes={"end_date": end_date, "end_reason": reason.strip()},
    )
    _status_after_leaving(actor, laborer)
    return ended


@transaction.atomic
def placement_withdraw(
    *, actor: Actor, scope: Scope, placement: Placement, expected_version: int | None
) -> Placement:
    """Withdraw a placement recorded by mistake: it is removed (the change log keeps what it was),
    its position is free again and the laborer's status follows (_status_after_leaving). Returns
    the removed placement."""
    require_write(scope, placement.area_code, "该劳动力")
    laborer = Laborer.objects.select_for_update().get(pk=placement.laborer_id)
    locked = Placement.objects.select_for_update().select_related("laborer", "posting").get(pk=placement.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("该记录已被他人修改，请刷新后重新编辑（未保存您的修改）。")
    record_change(actor, locked, action=ChangeAction.DELETE, before=locked.audit_snapshot())
    locked.delete()
    _status_after_leaving(actor, laborer)
    return locked

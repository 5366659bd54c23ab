"""Trainings and trainees, public-welfare posts, community factories and their workers, transfer
employment: each write checked, audited and kept inside the user's area.

The rules that matter to the county:
- a certified trainee gains the training's skill (the training is how a laborer 缺技术 gets one);
- a public-welfare post is held by a laborer of a registered poor household of the post's village,
  one post per person at a time, and its holder's status becomes 公益岗位;
- a transfer-employment record is one laborer's year away: 1–12 months, income not negative.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fupin.core import areacode
from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.core.exceptions import ApplicationError, ConflictError
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.employment.models import (
    CommunityFactory,
    EmploymentStatus,
    FactoryWorker,
    Funding,
    Laborer,
    PostType,
    Region,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
    WorkType,
)
from fupin.employment.selectors.laborers import REGISTERED
from fupin.employment.services.common import (
    clean_skills,
    require_choice,
    require_programme_write,
    require_write,
)


# -- trainings ---------------------------------------------------------------------------------
def training_problems(values: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (values.get("title") or "").strip():
        problems["title"] = "请填写培训名称"
    if values.get("work_type") not in WorkType.values:
        problems["work_type"] = "培训工种无效"
    start, end = values.get("start_date"), values.get("end_date")
    if start is None or end is None:
        problems["start_date"] = "请填写培训起止日期"
    elif end < start:
        problems["end_date"] = "结束日期不能早于开始日期"
    return problems


@transaction.atomic
def trainings_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Sessions keyed by code (rows carry code, title, work_type, organizer, area, start_date,
    end_date, hours)."""
    for row in rows:
        if problems := training_problems(row):
            raise ApplicationError("；".join(problems.values()), field_errors=problems)
        require_write(scope, row["area"].code)
    prepared = [
        {**row, "area_code": row["area"].code, "organizer": row.get("organizer") or ""} for row in rows
    ]
    return bulk_upsert(SkillTraining, key="code", rows=prepared, actor=actor)


@transaction.atomic
def trainees_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Trainees keyed by training + laborer (rows carry training, laborer, certified). A certified
    trainee gains the training's work type as a skill."""
    for row in rows:
        require_write(scope, row["laborer"].area_code, "该劳动力")
    result = bulk_upsert(Trainee, key_fields=("training", "laborer"), rows=rows, actor=actor)
    gains: dict[int, tuple[Laborer, set[str]]] = {}
    for row in rows:
        if row.get("certified"):
            laborer = row["laborer"]
            gains.setdefault(laborer.pk, (laborer, set()))[1].add(row["training"].work_type)
    _add_skills(actor, gains)
    return result


def _add_skills(actor: Actor, gains: dict[int, tuple[Laborer, set[str]]]) -> None:
    """Add the skills to the laborers as stored now. Laborers who end with the same skills are
    updated in one statement: a county's year of trainings gives a few dozen skill sets to
    thousands of laborers."""
    now = timezone.now()
    groups: dict[tuple[str, ...], list[Laborer]] = defaultdict(list)
    for laborer in Laborer.objects.filter(pk__in=list(gains)):
        merged = clean_skills([*laborer.skills, *gains[laborer.pk][1]])
        if merged != list(laborer.skills):
            groups[tuple(merged)].append(laborer)
    entries = []
    for skills, laborers in groups.items():
        Laborer.objects.filter(pk__in=[lab.pk for lab in laborers]).update(
            skills=list(skills), version=F("version") + 1, updated_at=now
        )
        for laborer in laborers:
            before = laborer.audit_snapshot()
            laborer.skills, laborer.version, laborer.updated_at = list(skills), laborer.version + 1, now
            entries.append(
                change_entry(
                    actor, laborer, action=ChangeAction.UPDATE, before=before, after=laborer.audit_snapshot()
                )
            )
    record_changes(entries)


# -- public-welfare posts -----------------------------------------------------------------------
def welfare_post_problems(values: dict[str, Any], *, held_elsewhere: bool = False) -> dict[str, str]:
    problems: dict[str, str] = {}
    village = values.get("village")
    if village is None or areacode.level_of(village.code) != areacode.VILLAGE:
        problems["village"] = "公益岗位须设在村"
    if values.get("post_type") not in PostType.values:
        problems["post_type"] = "岗位类型无效"
    if values.get("funding") not in Funding.values:
        problems["funding"] = "资金来源无效"
    wage = values.get("monthly_wage")
    if wage is None or wage < 0:
        problems["monthly_wage"] = "月工资不能为负"
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        problems["start_date"] = "请填写开始日期"
    elif end is not None and end < start:
        problems["end_date"] = "结束日期不能早于开始日期"
    holder: Laborer | None = values.get("holder")
    if holder is not None and village is not None:
        if holder.area_code != village.code:
            problems["holder"] = f"{holder.name}不是本村劳动力"
        elif holder.member.household.poverty_status not in REGISTERED:
            problems["holder"] = f"{holder.name}不是建档立卡贫困户劳动力"
        elif held_elsewhere:
            problems["holder"] = f"{holder.name}已在其他公益岗位在岗"
    return problems


def holders_elsewhere(rows: Sequence[dict[str, Any]]) -> set[tuple[str, int]]:
    """(post code, laborer id) of rows whose holder holds another current post, stored or in the rows."""
    holders = [
        row["holder"].pk for row in rows if row.get("holder") is not None and row.get("end_date") is None
    ]
    # A stored post that is in the rows counts as the rows say (a holder may move in one file).
    stored = (
        WelfarePost.objects.filter(holder_id__in=holders, end_date__isnull=True)
        .exclude(code__in=[row["code"] for row in rows])
        .values_list("code", "holder_id")
    )
    held: dict[int, set[str]] = {}
    for code, holder_id in stored:
        held.setdefault(holder_id, set()).add(code)
    for row in rows:
        if row.get("holder") is not None and row.get("end_date") is None:
            held.setdefault(row["holder"].pk, set()).add(row["code"])
    return {(code, holder) for holder, codes in held.items() if len(codes) > 1 for code in codes}


@transaction.atomic
def welfare_posts_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Posts keyed by code (rows carry code, village, post_type, holder, monthly_wage, funding,
    start_date, end_date). A current holder's status becomes 公益岗位; one who left a post and
    holds no other becomes 未就业 again."""
    clashes = holders_elsewhere(rows)
    for row in rows:
        holder = row.get("holder")
        clash = holder is not None and (row["code"], holder.pk) in clashes
        if problems := welfare_post_problems(row, held_elsewhere=clash):
            raise ApplicationError("；".join(problems.values()), field_errors=problems)
        require_write(scope, row["village"].code)
    prepared = [{**row, "area_code": row["village"].code} for row in rows]
    previous = set(
        WelfarePost.objects.filter(
            code__in=[row["code"] for row in rows], holder__isnull=False, end_date__isnull=True
        ).values_list("holder_id", flat=True)
    )
    result = bulk_upsert(WelfarePost, key="code", rows=prepared, actor=actor, select_related=("holder",))
    current = [row["holder"] for row in rows if row.get("holder") and row.get("end_date") is None]
    status_rows = [
        {"id_number": lab.id_number, "status": EmploymentStatus.WELFARE_JOB}
        for lab in current
        if lab.status != EmploymentStatus.WELFARE_JOB
    ]
    # A holder who left a post (replaced, or the post ended) and holds no other is 未就业 again.
    still = set(
        WelfarePost.objects.filter(holder_id__in=previous, end_date__isnull=True).values_list(
            "holder_id", flat=True
        )
    )
    status_rows += [
        {"id_number": number, "status": EmploymentStatus.UNEMPLOYED}
        for number in Laborer.objects.filter(
            pk__in=previous - still, status=EmploymentStatus.WELFARE_JOB
        ).values_list("id_number", flat=True)
    ]
    if status_rows:
        bulk_upsert(Laborer, key="id_number", rows=status_rows, actor=actor)
    return result


# -- community factories --------------------------------------------------------------------------
def factory_problems(values: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        problems["name"] = "请填写工厂名称"
    if values.get("area") is None:
        problems["area"] = "请填写所在区划"
    return problems


@transaction.atomic
def factory_workers_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Workers keyed by factory + laborer + start date (rows carry factory, laborer, start_date,
    end_date, monthly_wage). A factory takes workers of its county only."""
    for row in rows:
        factory: CommunityFactory = row["factory"]
        laborer: Laborer = row["laborer"]
        require_write(scope, factory.area_code)
        if areacode.county_code_of(laborer.area_code) != areacode.county_code_of(factory.area_code):
            raise ApplicationError(
                f"{laborer.name}不是本县劳动力", field_errors={"laborer": "不是本县劳动力"}
            )
        if row.get("end_date") and row["end_date"] < row["start_date"]:
            raise ApplicationError(
                "离职日期不能早于入职日期", field_errors={"end_date": "离职日期早于入职日期"}
            )
    return bulk_upsert(FactoryWorker, key_fields=("factory", "laborer", "start_date"), rows=rows, actor=actor)


# -- transfer employment ----------------------------------------------------------------------------
def transfer_problems(values: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if values.get("region") not in Region.values:
        problems["region"] = "务工地域无效"
    months = values.get("months")
    if months is None or not 1 <= months <= 12:
        problems["months"] = "务工月数应为1到12"
    income = values.get("income")
    if income is None or income < 0:
        problems["income"] = "务工收入不能为负"
    year = values.get("year")
    if year is None or not 2013 <= year <= 2035:
        problems["year"] = "年度应在2013到2035之间"
    return problems


@transaction.atomic
def transfers_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Records keyed by laborer + year (rows carry laborer, year, region, place, employer, months,
    income)."""
    for row in rows:
        require_choice(row.get("region") or "", Region.values, "region", "务工地域")
        if problems := transfer_problems(row):
            raise ApplicationError("；".join(problems.values()), field_errors=problems)
        require_write(scope, row["laborer"].area_code, "该劳动力")
    prepared = [
        {
            **row,
            "area_code": row["laborer"].area_code,
            "place": row.get("place") or "",
            "employer": row.get("employer") or "",
        }
        for row in rows
    ]
    return bulk_upsert(TransferEmployment, key_fields=("laborer", "year"), rows=prepared, actor=actor)


@transaction.atomic
def factories_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Factories keyed by code (rows carry code, name, area, industry, opened)."""
    for row in rows:
        if problems := factory_problems(row):
            raise ApplicationError("；".join(problems.values()), field_errors=problems)
        require_write(scope, row["area"].code)
    prepared = [{**row, "area_code": row["area"].code, "industry": row.get("industry") or ""} for row in rows]
    return bulk_upsert(CommunityFactory, key="code", rows=prepared, actor=actor)


# -- one programme record at a time (the pages) ------------------------------------------------------
# A page's write is the ledger's write of one row: the same rules (the *_problems above), the same
# audit and status effects; on top, only the programme roles may write, a new code must be new and
# an edit must carry the version it was read at.
Programme = TypeVar("Programme", SkillTraining, WelfarePost, CommunityFactory)
CODE_LABELS = {SkillTraining: "培训编号", WelfarePost: "岗位编号", CommunityFactory: "工厂编号"}


@transaction.atomic
def _programme_save(
    model: type[Programme],
    *,
    actor: Actor,
    scope: Scope,
    upsert: Callable[..., UpsertResult],
    instance: Programme | None,
    expected_version: int | None,
    code: str,
    row: dict[str, Any],
    area_field: str,
) -> Programme:
    label = CODE_LABELS[model]
    if instance is None:
        code = code.strip()
        if not code:
            raise ApplicationError(f"请填写{label}", field_errors={"code": f"请填写{label}"})
        if model.objects.filter(code=code).exists():
            raise ApplicationError(f"{label}{code}已存在", field_errors={"code": f"{label}已存在"})
    else:
        require_programme_write(scope, instance.area_code, "该记录")
        locked = model.objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ConflictError("该记录已被他人修改，请刷新后重新编辑（未保存您的修改）。")
        code = locked.code
    area = row.get(area_field)
    if area is not None:
        require_programme_write(scope, area.code)
    upsert(actor=actor, scope=scope, rows=[row | {"code": code}])
    return model.objects.get(code=code)


def training_create(*, actor: Actor, scope: Scope, code: str, **values: Any) -> SkillTraining:
    """A new training session (values: title, work_type, organizer, area, start_date, end_date, hours)."""
    return _programme_save(
        SkillTraining,
        actor=actor,
        scope=scope,
        upsert=trainings_upsert,
        instance=None,
        expected_version=None,
        code=code,
        row=values,
        area_field="area",
    )


def training_update(
    *, actor: Actor, scope: Scope, training: SkillTraining, expected_version: int | None, **values: Any
) -> SkillTraining:
    return _programme_save(
        SkillTraining,
        actor=actor,
        scope=scope,
        upsert=trainings_upsert,
        instance=training,
        expected_version=expected_version,
        code=training.code,
        row=values,
        area_field="area",
    )


def welfare_post_create(*, actor: Actor, scope: Scope, code: str, **values: Any) -> WelfarePost:
    """A new post (values: village, post_type, holder, monthly_wage, funding, start_date, end_date)."""
    return _programme_save(
        WelfarePost,
        actor=actor,
        scope=scope,
        upsert=welfare_posts_upsert,
        instance=None,
        expected_version=None,
        code=code,
        row=values,
        area_field="village",
    )


def welfare_post_update(
    *, actor: Actor, scope: Scope, post: WelfarePost, expected_version: int | None, **values: Any
) -> WelfarePost:
    return _programme_save(
        WelfarePost,
        actor=actor,
        scope=scope,
        upsert=welfare_posts_upsert,
        instance=post,
        expected_version=expected_version,
        code=post.code,
        row=values,
        area_field="village",
    )


def factory_create(*, actor: Actor, scope: Scope, code: str, **values: Any) -> CommunityFactory:
    """A new factory (values: name, area, industry, opened)."""
    return _programme_save(
        CommunityFactory,
        actor=actor,
        scope=scope,
        upsert=factories_upsert,
        instance=None,
        expected_version=None,
        code=code,
        row=values,
        area_field="area",
    )


def factory_update(
    *, actor: Actor, scope: Scope, factory: CommunityFactory, expected_version: int | None, **values: Any
) -> CommunityFactory:
    return _programme_save(
        CommunityFactory,
        actor=actor,
        scope=scope,
        upsert=factories_upsert,
        instance=factory,
        expected_version=expected_version,
        code=factory.code,
        row=values,
        area_field="area",
    )


@transaction.atomic
def programme_member_remove(
    *, actor: Actor, scope: Scope, member: Trainee | FactoryWorker, expected_version: int | None
) -> Trainee | FactoryWorker:
    """Remove a trainee or a factory worker recorded by mistake (the change log keeps what it was).
    A skill a certified trainee gained stays: it is the laborer's now, changed on their page."""
    parent = member.training if isinstance(member, Trainee) else member.factory
    require_programme_write(scope, parent.area_code, "该记录")
    locked = type(member).objects.select_for_update().get(pk=member.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("该记录已被他人修改，请刷新后重新编辑（未保存您的修改）。")
    record_change(actor, locked, action=ChangeAction.DELETE, before=locked.audit_snapshot())
    locked.delete()
    return locked

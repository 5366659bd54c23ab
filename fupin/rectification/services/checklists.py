"""自查清单 (like the seed's "18个是否"): the county sets the questions, cadres answer yes or no.

Each "no" becomes a problem on the answering cadre's own list: origin 自己找, intake 自查清单, the
cadre as responsible person, filed in the cadre's area (the village of their work team, else their
unit's area, else the county) under the question's category, and linked from the answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, change_entry, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import JSON, ChangeAction
from fupin.core.scope import Scope
from fupin.duty.models import WorkTeamMember, active_on
from fupin.people.models import Cadre
from fupin.rectification.models import (
    Channel,
    Checklist,
    ChecklistAnswer,
    ChecklistQuestion,
    ChecklistResponse,
    Intake,
    Origin,
    ProblemCategory,
)
from fupin.rectification.services.editing import unit_county_code
from fupin.rectification.services.problems import categories_ensure_default, problem_create

DEFAULT_TITLE = "18个是否"
# The seed's "18个是否": 理想信念、宗旨意识、担当作为、作风纪律 and 帮扶成效, each with the category
# (of services.problems.DEFAULT_CATEGORIES) that a "no" is filed under.
DEFAULT_QUESTIONS = (
    ("是否坚定理想信念、对党忠诚，在脱贫攻坚一线牢记初心使命？", "干部作风"),
    ("是否认真学习习近平总书记关于扶贫工作的重要论述，并用以指导帮扶工作？", "干部作风"),
    ("是否坚持以人民为中心，把群众最盼最急最忧的问题放在心上？", "干部作风"),
    ("是否经常深入结对户家中，清楚其家庭情况、致贫原因和发展意愿？", "干部作风"),
    ("是否认真听取群众意见，对反映的问题和诉求及时回应、妥善化解？", "信访矛盾纠纷"),
    ("是否主动担当、敢于碰硬，着力破解脱贫攻坚中的难点痛点堵点？", "政策落实"),
    ("是否按要求落实到镇、驻村、入户时间，做到人到、心到、责任到？", "干部作风"),
    ("是否对巡察、考核和群众反映的问题即知即改、应改尽改？", "政策落实"),
    ("是否做到不搞形式主义、官僚主义，不以填表报数代替入户帮扶？", "干部作风"),
    ("是否严守中央八项规定精神，做到不吃拿卡要、不优亲厚友？", "干部作风"),
    ("是否管好用好扶贫资金和项目，做到公开透明、无截留挪用？", "政策落实"),
    ("是否确保结对户适龄子女不因贫失学辍学，教育资助应享尽享？", "教育保障"),
    ("是否确保结对户全部参加基本医疗保险，先诊疗后付费和“一站式”结算落实到位？", "医疗保障"),
    ("是否确保结对户住房安全，危房改造补助按时足额到户？", "住房安全"),
    ("是否确保结对户饮水安全有保障？", "饮水安全"),
    ("是否督促易地搬迁户按期搬迁入住、按时腾退旧宅基地？", "易地搬迁宅基地腾退"),
    ("是否为结对户落实产业扶持或就业帮扶措施，收入稳定增加？", "产业发展"),
    ("是否如实掌握并填报结对户收入等信息，做到账实相符、群众认可？", "政策落实"),
)
SEEDER = Actor.system("自查清单")


# -- configuring -------------------------------------------------------------------------------
def may_configure_checklists(scope: Scope, county: Area) -> bool:
    return scope.can_manage and scope.covers_code(county.code)


def _check_configure(scope: Scope, county: Area) -> None:
    if not may_configure_checklists(scope, county):
        raise PermissionDenied("只有县级管理员和扶贫办可以设置自查清单")


def snapshot(checklist: Checklist) -> JSON:
    """The checklist as the change log keeps it, its questions included."""
    questions = checklist.questions.select_related("category").order_by("order")
    return {
        **checklist.audit_snapshot(),
        "条目": [f"{q.order}. {q.text}（{q.category.name}）" for q in questions],
    }


def _log(actor: Actor, checklist: Checklist, before: JSON) -> None:
    after = snapshot(checklist)
    if after != before:
        change_entry(actor, checklist, action=ChangeAction.UPDATE, before=before, after=after).save()


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ApplicationError("请填写条目内容", field_errors={"text": "请填写条目内容"})
    if len(text) > 300:
        raise ApplicationError("条目内容不能超过300个字", field_errors={"text": "条目内容不能超过300个字"})
    return text


def _check_category(checklist: Checklist, category: ProblemCategory) -> None:
    if category.county_id != checklist.county_id:
        raise ApplicationError("问题类别不属于该县", field_errors={"category": "问题类别不属于该县"})


@transaction.atomic
def checklist_create(
    *,
    actor: Actor,
    scope: Scope,
    county: Area,
    title: str,
    questions: tuple[tuple[str, ProblemCategory], ...] = (),
) -> Checklist:
    _check_configure(scope, county)
    if not title.strip():
        raise ApplicationError("请填写清单名称", field_errors={"title": "请填写清单名称"})
    checklist = Checklist(county=county, title=title.strip()[:200])
    checklist.full_clean()
    checklist.save()
    for order, (text, category) in enumerate(questions, start=1):
        _check_category(checklist, category)
        ChecklistQuestion.objects.create(
            checklist=checklist, order=order, text=_clean_text(text), category=category
        )
    change_entry(actor, checklist, action=ChangeAction.CREATE, before=None, after=snapshot(checklist)).save()
    return checklist


@transaction.atomic
def checklist_update(
    *,
    actor: Actor,
    scope: Scope,
    checklist: Checklist,
    expected_version: int | None,
    title: str | None = None,
    active: bool | None = None,
) -> Checklist:
    """Rename a checklist, or take it out of (or back into) use."""
    _check_configure(scope, checklist.county)
    changes: dict[str, object] = {}
    if title is not None:
        if not title.strip():
            raise ApplicationError("请填写清单名称", field_errors={"title": "请填写清单名称"})
        changes["title"] = title.strip()[:200]
    if active is not None:
        changes["active"] = active
    return update_fields_checked(checklist, actor=actor, expected_version=expected_version, changes=changes)


def _locked(checklist: Checklist) -> Checklist:
    return Checklist.objects.select_for_update().select_related("county").get(pk=checklist.pk)


@transaction.atomic
def question_add(
    *, actor: Actor, scope: Scope, checklist: Checklist, text: str, category: ProblemCategory
) -> ChecklistQuestion:
    _check_configure(scope, checklist.county)
    checklist = _locked(checklist)
    _check_category(checklist, category)
    before = snapshot(checklist)
    last = checklist.questions.aggregate(m=Max("order"))["m"] or 0
    question = ChecklistQuestion.objects.create(
        checklist=checklist, order=last + 1, text=_clean_text(text), category=category
    )
    _log(actor, checklist, before)
    return question


@transaction.atomic
def question_update(
    *, actor: Actor, scope: Scope, question: ChecklistQuestion, text: str, category: ProblemCategory
) -> ChecklistQuestion:
    """Reword a question or change its category; answers already given keep the problems they
    filed."""
    checklist = question.checklist
    _check_configure(scope, checklist.county)
    checklist = _locked(checklist)
    _check_category(checklist, category)
    before = snapshot(checklist)
    question.text = _clean_text(text)
    question.category = category
    question.save(update_fields=["text", "category"])
    _log(actor, checklist, before)
    return question


@transaction.atomic
def question_move(*, actor: Actor, scope: Scope, question: ChecklistQuestion, up: bool) -> None:
    """Swap a question with the one above or below it."""
    checklist = question.checklist
    _check_configure(scope, checklist.county)
    checklist = _locked(checklist)
    before = snapshot(checklist)
    ordered = list(checklist.questions.order_by("order"))
    at = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return
    a, b = ordered[at], ordered[other]
    # (checklist, order) is unique: park one question on 0 while the other takes its place.
    a_order, b_order = a.order, b.order
    ChecklistQuestion.objects.filter(pk=a.pk).update(order=0)
    ChecklistQuestion.objects.filter(pk=b.pk).update(order=a_order)
    ChecklistQuestion.objects.filter(pk=a.pk).update(order=b_order)
    _log(actor, checklist, before)


@transaction.atomic
def question_delete(*, actor: Actor, scope: Scope, question: ChecklistQuestion) -> None:
    """Remove a question nobody has answered; an answered one stays (reword it or retire the
    checklist instead)."""
    checklist = question.checklist
    _check_configure(scope, checklist.county)
    checklist = _locked(checklist)
    if ChecklistAnswer.objects.filter(question=question).exists():
        raise ApplicationError(f"第{question.order}条已有干部作答，不能删除；可以修改措辞或停用整张清单")
    before = snapshot(checklist)
    question.delete()
    _log(actor, checklist, before)


@transaction.atomic
def checklist_ensure_default(county: Area, *, actor: Actor = SEEDER) -> Checklist:
    """The county's "18个是否" checklist, created with its eighteen questions when missing."""
    existing = Checklist.objects.filter(county=county, title=DEFAULT_TITLE).first()
    if existing is not None:
        return existing
    categories = {c.name: c for c in categories_ensure_default(actor=actor, county=county)}
    fallback = next(iter(categories.values()))
    checklist = Checklist.objects.create(county=county, title=DEFAULT_TITLE)
    for order, (text, category_name) in enumerate(DEFAULT_QUESTIONS, start=1):
        category = categories.get(category_name, fallback)
        ChecklistQuestion.objects.create(checklist=checklist, order=order, text=text, category=category)
    change_entry(actor, checklist, action=ChangeAction.CREATE, before=None, after=snapshot(checklist)).save()
    return checklist


# -- answering ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    yes: bool
    note: str = ""


def cadre_area(cadre: Cadre, county: Area, on: dt.date) -> Area:
    """Where a cadre's own problems are filed: the village of their work team (on that day), else
    their unit's area, else the county; always inside the checklist's county."""
    prefix = areacode.prefix_of(county.code)
    team = (
        WorkTeamMember.objects.filter(active_on(on), cadre=cadre, village__code__startswith=prefix)
        .select_related("village")
        .order_by("-start_date", "-id")
        .first()
    )
    if team is not None:
        return team.village
    unit = cadre.unit
    for candidate in (unit, unit.parent):
        if candidate is not None and candidate.area is not None:
            if candidate.area.code.startswith(prefix):
                return candidate.area
            break
    return county


def may_answer(scope: Scope, checklist: Checklist) -> bool:
    """A signed-in cadre of the checklist's county, while the checklist is in use."""
    if scope.is_public or scope.cadre_id is None or not checklist.active:
        return False
    cadre = Cadre.objects.select_related("unit__area", "unit__parent__area").get(pk=scope.cadre_id)
    county = unit_county_code(cadre.unit)
    if county is None and scope.root_area_code:
        county = areacode.county_code_of(scope.root_area_code)
    return county is None or county == checklist.county.code


def _note_of(question: ChecklistQuestion, note: str) -> str:
    subject = question.text.rstrip("？?")
    return f"自查“{subject}”：否。{note}" if note else f"自查“{subject}”：否。"


@transaction.atomic
def checklist_answer(
    *,
    actor: Actor,
    scope: Scope,
    checklist: Checklist,
    answers: Mapping[int, Answer],
    answered_on: dt.date | None = None,
) -> ChecklistResponse:
    """Record a cadre's answers (question id → Answer); each "no" is filed as a problem on the
    cadre's own list. Every question needs an answer and every "no" a note of what is wrong."""
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能填写自查清单")
    if not checklist.active:
        raise ApplicationError(f"自查清单“{checklist.title}”已停用")
    if not may_answer(scope, checklist):
        raise PermissionDenied("该自查清单不是本县的清单")
    day = answered_on or timezone.localdate()
    if day > timezone.localdate():
        raise ApplicationError("填写日期不能晚于今天")
    cadre = Cadre.objects.select_related("unit__area", "unit__parent__area").get(pk=scope.cadre_id)
    questions = list(checklist.questions.select_related("category").order_by("order"))
    errors: dict[str, str] = {}
    for q in questions:
        answer = answers.get(q.pk)
        if answer is None:
            errors[f"q{q.pk}"] = f"第{q.order}条未作答"
        elif not answer.yes and not answer.note.strip():
            errors[f"q{q.pk}"] = f"第{q.order}条答“否”，请写明存在的问题"
    if not questions:
        errors["checklist"] = "该清单还没有条目"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    if ChecklistResponse.objects.filter(checklist=checklist, cadre=cadre, answered_on=day).exists():
        raise ApplicationError(f"您{day:%Y-%m-%d}已填写过“{checklist.title}”")
    response = ChecklistResponse.objects.create(checklist=checklist, cadre=cadre, answered_on=day)
    record_change(actor, response, action=ChangeAction.CREATE, before=None)
    area = cadre_area(cadre, checklist.county, day)
    # The cadre files on their own list, in an area the service chose (not one the user named).
    own_list = dataclasses.replace(scope, area_prefixes=(areacode.prefix_of(area.code),))
    for q in questions:
        answer = answers[q.pk]
        problem = None
        if not answer.yes:
            problem = problem_create(
                actor=actor,
                scope=own_list,
                channel=Channel.OTHER,
                origin=Origin.SELF,
                intake=Intake.CHECKLIST,
                category=q.category,
                description=_note_of(q, answer.note.strip()),
                area=area,
                found_date=day,
                responsible_unit=cadre.unit,
                responsible_person=cadre,
            )
        ChecklistAnswer.objects.create(
            response=response, question=q, yes=answer.yes, note=answer.note.strip(), problem=problem
        )
    return response

"""What the problem pages share: the user's filters, option lists and how a refusal is shown."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from fupin.areas.models import Area
from fupin.areas.selectors import area_get
from fupin.core import areacode
from fupin.core.exceptions import ApplicationError, ConflictError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.web import int_or_none
from fupin.people.models import Cadre, Unit
from fupin.people.scope import unit_with_descendants
from fupin.rectification.forms import (
    CloseForm,
    ReasonForm,
    RectifyForm,
    StartForm,
)
from fupin.rectification.models import Problem, ProblemCategory, ProblemStatus
from fupin.rectification.selectors.problems import (
    ProblemFilters,
    categories_of,
)
from fupin.rectification.services import workflow

SERVICES: dict[str, Callable[..., Problem]] = {
    "start": workflow.problem_start,
    "rectify": workflow.problem_rectify,
    "close": workflow.problem_close,
    "reject": workflow.problem_reject,
    "reopen": workflow.problem_reopen,
}


DONE_MESSAGES = {
    "start": "已开始整改。",
    "rectify": "已报整改完成，等待核验销号。",
    "close": "已核验销号。",
    "reject": "已退回整改。",
    "reopen": "已重新打开。",
}


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "start": StartForm,
    "rectify": RectifyForm,
    "close": CloseForm,
    "reject": ReasonForm,
    "reopen": ReasonForm,
}


ACTION_TITLES = {
    "start": ("开始整改", "填写整改措施、整改时限和责任人"),
    "rectify": ("整改完成", "填写整改情况和完成日期；须先上传整改佐证"),
    "close": ("核验销号", "核验整改到位后销号"),
    "reject": ("核验退回", "整改不到位，退回整改中并写明原因"),
    "reopen": ("重新打开", "问题反弹或销号有误时重新打开，写明原因"),
}


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


CONTENT_TYPES = {"pdf": "application/pdf", "doc": "application/msword"}


S = ProblemStatus


# -- helpers shared with the group and checklist pages -------------------------------------------
def user_id_of(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


def county_of_scope(request: HttpRequest, scope: Scope) -> Area | None:
    """The county a page works on: the user's own, or (for a platform administrator, who has
    none) the one named by ?county=."""
    code = scope.root_area_code or request.GET.get("county", "") or request.POST.get("county", "")
    if not code:
        return None
    if not areacode.is_area_code(code):
        return None
    return Area.objects.filter(code=areacode.county_code_of(code)).first()


def refusal_status(error: ApplicationError) -> int:
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, ServicePermissionDenied):
        return 403
    return 400


def show_refusal(request: HttpRequest, form: forms.Form | None, error: ApplicationError) -> None:
    """A service's refusal: on the form's fields where it has them, and always as a message."""
    if form is not None and not isinstance(error, ConflictError):
        for field, message in error.field_errors.items():
            if field in form.fields:
                form.add_error(field, message)
    messages.error(request, f"未保存：{error.message}")


def cadre_options(problem: Problem | None, scope: Scope) -> QuerySet[Cadre]:
    """The cadres a picker offers first: the responsible unit's, the user's unit's and those
    already named; any cadre of the county can be typed."""
    units: set[int] = set(scope.unit_ids)
    named: set[int] = set()
    if problem is not None:
        if problem.responsible_unit_id is not None:
            units |= unit_with_descendants(problem.responsible_unit_id)
        named = {
            pk for pk in (problem.responsible_person_id, problem.responsible_leader_id) if pk is not None
        }
    if scope.cadre_id is not None:
        named.add(scope.cadre_id)
    return Cadre.objects.filter(Q(unit_id__in=units) | Q(pk__in=named)).order_by("name")[:300]


def unit_options(county_code: str) -> QuerySet[Unit]:
    prefix = areacode.prefix_of(county_code)
    return Unit.objects.filter(
        Q(area__code__startswith=prefix) | Q(parent__area__code__startswith=prefix)
    ).order_by("code")[:500]


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in {"1", "on", "true"}


def _filters(request: HttpRequest, scope: Scope) -> ProblemFilters:
    area_code = request.GET.get("area", "").strip()
    return ProblemFilters(
        statuses=tuple(s for s in request.GET.getlist("status") if s in ProblemStatus.values),
        category_id=int_or_none(request.GET.get("category")),
        channel=request.GET.get("channel", ""),
        origin=request.GET.get("origin", ""),
        # An area outside the scope is ignored rather than widening anything.
        area_code=area_code if area_code and area_get(scope, area_code) else "",
        unit_code=request.GET.get("unit", "").strip(),
        person_code=request.GET.get("person", "").strip(),
        overdue=_flag(request, "overdue"),
        fix_at_once=_flag(request, "fix_at_once"),
        long_term=_flag(request, "long_term"),
        search=request.GET.get("q", "").strip(),
    )


def _categories_for(request: HttpRequest, scope: Scope) -> QuerySet[ProblemCategory]:
    county = county_of_scope(request, scope)
    if county is None:
        return ProblemCategory.objects.order_by("county_id", "order", "id")
    return categories_of(county.code)

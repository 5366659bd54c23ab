"""Pages of field work: check-in (打卡) — the phone page and the JSON door it sends to, my check-ins
of a month, the reviewers' list of their area, and the photos, served only to whoever may see the
check-in (never from a public media URL).

The phone page keeps a check-in it could not send (offline, or the answer was lost) and sends it
again later with the same idempotency key, so the JSON door answers a repeated key with the first
check-in (200) instead of writing a second one (201).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, UnidentifiedImageError

from fupin.areas.selectors import area_list
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.roles import Role
from fupin.core.scope import Scope, scope_of
from fupin.core.web import paginate, staff_scope
from fupin.fieldwork.forms_checkin import CheckInFilterForm, CheckInForm
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.selectors.checkins import checkin_list
from fupin.fieldwork.services.checkins import checkin_record
from fupin.people.models import Cadre

NO_CADRE = "您的账号未关联干部，不能打卡。如需打卡，请联系县扶贫办为账号关联干部信息。"
NOT_REVIEWER = "只有县、乡镇和帮扶单位的账号可以查看辖区的打卡记录；本人的打卡请看“我的打卡”。"
PUBLIC_ONLY = "该账号只能使用群众问题反映表"
KIND_PLACE = {CheckInKind.HOUSEHOLD: "household", CheckInKind.VILLAGE: "village", CheckInKind.TOWN: "town"}


def _own_cadre(scope: Scope) -> Cadre | None:
    if scope.cadre_id is None:
        return None
    return Cadre.objects.select_related("unit").filter(pk=scope.cadre_id).first()


def _is_reviewer(scope: Scope) -> bool:
    """Area-wide roles review their area's check-ins; a unit user those of its unit's cadres."""
    return scope.is_area_wide or scope.role == Role.UNIT_USER


def place_of(checkin: CheckIn) -> str:
    if checkin.household is not None:
        return f"{checkin.household.head_name}户（{checkin.area.name}）"
    return checkin.area.name


# -- the phone page ------------------------------------------------------------------------------
@login_required
@require_GET
def checkin_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    cadre = _own_cadre(scope)
    if cadre is None:
        context = {"no_cadre": NO_CADRE, "reviewer": _is_reviewer(scope)}
        return render(request, "fieldwork/checkin.html", context, status=403)
    form = CheckInForm(cadre=cadre)
    first = {
        "household": form.places.households.values_list("code", flat=True).first(),
        "village": form.places.villages.values_list("code", flat=True).first(),
        "town": form.places.towns.values_list("code", flat=True).first(),
    }
    form.initial = {name: code for name, code in first.items() if code}
    available = {kind: first[name] is not None for kind, name in KIND_PLACE.items()}
    initial_kind = next((kind for kind in KIND_PLACE if available[kind]), CheckInKind.HOUSEHOLD)
    kinds = [(value, label, available[CheckInKind(value)]) for value, label in CheckInKind.choices]
    return render(
        request,
        "fieldwork/checkin.html",
        {"form": form, "cadre": cadre, "kinds": kinds, "initial_kind": initial_kind, "today": form.day},
    )


def _error(message: str, status: int, field_errors: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "field_errors": field_errors or {}}, status=status)


def _answer(checkin: CheckIn, *, created: bool) -> JsonResponse:
    return JsonResponse(
        {
            "code": checkin.code,
            "created": created,
            "valid": checkin.valid,
            "invalid_reason": checkin.invalid_reason,
            "distance_m": checkin.distance_m,
            "date": checkin.date.isoformat(),
            "time": checkin.time.strftime("%H:%M") if checkin.time else None,
            "kind": checkin.kind,
            "kind_label": checkin.get_kind_display(),
            "place": place_of(checkin),
        },
        status=201 if created else 200,
    )


@require_POST
def checkin_submit_view(request: HttpRequest) -> JsonResponse:
    """The phone page's door: multipart in, JSON out. Signed-out users get a 401 (not a redirect to
    the login page, which a phone would take for an answer)."""
    if not request.user.is_authenticated:
        return _error("登录已过期，请重新登录后再发送", 401)
    scope = scope_of(request)
    if scope.is_public:
        return _error(PUBLIC_ONLY, 403)
    cadre = _own_cadre(scope)
    if cadre is None:
        return _error(NO_CADRE, 403)
    key = request.POST.get("idempotency_key", "").strip()
    if key:
        # A resend after a lost answer: the first check-in, without judging the resend again.
        earlier = checkin_list(scope).filter(cadre=cadre, idempotency_key=key).first()
        if earlier is not None:
            return _answer(earlier, created=False)
    form = CheckInForm(request.POST, request.FILES, cadre=cadre)
    if not form.is_valid():
        errors = {name: str(messages[0]) for name, messages in form.errors.items()}
        return _error("；".join(dict.fromkeys(errors.values())), 400, errors)
    data = form.cleaned_data
    try:
        recorded = checkin_record(
            actor=Actor.of(request.user),
            scope=scope,
            cadre=cadre,
            kind=data["kind"],
            area=form.area(),
            household=data["household"] if data["kind"] == CheckInKind.HOUSEHOLD else None,
            day=data["date"],
            time=data["time"],
            longitude=data["longitude"],
            latitude=data["latitude"],
            accuracy_m=data["accuracy_m"],
            notes=data["notes"],
            photo=data["photo"],
            source=CheckInSource.PHONE,
            idempotency_key=data["idempotency_key"],
            recorded_at=data["recorded_at"],
        )
    except PermissionDenied as error:
        return _error(str(error) or "只能为本人打卡", 403)
    except ServicePermissionDenied as error:
        return _error(error.message, 403)
    except ApplicationError as error:
        return _error(error.message, 400, error.field_errors)
    return _answer(recorded.checkin, created=recorded.created)


# -- my check-ins ------------------------------------------------------------------------------
def _month_of(request: HttpRequest) -> dt.date:
    try:
        return dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return timezone.localdate().replace(day=1)


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


@login_required
@require_GET
def checkin_mine_view(request: HttpRequest) -> HttpResponse:
    """我的打卡: the user's own check-ins of a month with their verdicts, and the valid days."""
    scope = staff_scope(request)
    first = _month_of(request)
    following = _next_month(first)
    context: dict[str, Any] = {
        "month": first,
        "previous": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
        "next": following.strftime("%Y-%m") if following <= timezone.localdate() else None,
        "no_cadre": None if scope.cadre_id is not None else NO_CADRE,
        "reviewer": _is_reviewer(scope),
    }
    if scope.cadre_id is not None:
        mine = checkin_list(scope).filter(cadre_id=scope.cadre_id, date__gte=first, date__lt=following)
        days = mine.filter(valid=True).aggregate(
            all=Count("date", distinct=True),
            household=Count("date", distinct=True, filter=Q(kind=CheckInKind.HOUSEHOLD)),
        )
        page, query = paginate(request, mine, per_page=100)
        context |= {
            "page_obj": page,
            "query": query,
            "valid_days": days["all"],
            "household_days": days["household"],
        }
    return render(request, "fieldwork/checkin_mine.html", context)


# -- the reviewers' list ---------------------------------------------------------------------------
def _filtered(checkins: QuerySet[CheckIn], data: dict[str, Any]) -> QuerySet[CheckIn]:
    if data.get("start"):
        checkins = checkins.filter(date__gte=data["start"])
    if data.get("end"):
        checkins = checkins.filter(date__lte=data["end"])
    if data.get("village"):
        checkins = checkins.filter(area_code=data["village"].code)
    elif data.get("town"):
        checkins = checkins.filter(area_code__startswith=areacode.prefix_of(data["town"].code))
    if data.get("kind"):
        checkins = checkins.filter(kind=data["kind"])
    if data.get("verdict"):
        checkins = checkins.filter(valid=data["verdict"] == "valid")
    if cadre := (data.get("cadre") or "").strip():
        checkins = checkins.filter(Q(cadre__code=cadre) | Q(cadre__name__contains=cadre))
    return checkins


@login_required
@require_GET
def checkin_list_view(request: HttpRequest) -> HttpResponse:
    """打卡记录: the check-ins of the reviewer's area, filtered, each with its verdict and reason."""
    scope = staff_scope(request)
    if not _is_reviewer(scope):
        raise PermissionDenied(NOT_REVIEWER)
    today = timezone.localdate()
    params = request.GET.copy()
    if not params.get("start") and not params.get("end"):
        params["start"], params["end"] = today.replace(day=1).isoformat(), today.isoformat()
    form = CheckInFilterForm(params, areas=area_list(scope))
    form.is_valid()  # a bad filter is shown on the form and left out; the others still apply
    checkins = _filtered(checkin_list(scope), form.cleaned_data)
    totals = checkins.aggregate(total=Count("pk"), valid=Count("pk", filter=Q(valid=True)))
    totals["invalid"] = totals["total"] - totals["valid"]
    page, query = paginate(request, checkins.select_related("cadre__unit"))
    return render(
        request,
        "fieldwork/checkin_list.html",
        {"form": form, "page_obj": page, "query": query, "totals": totals},
    )


# -- photos --------------------------------------------------------------------------------------
def _content_type(photo: FieldFile) -> str:
    try:
        with Image.open(photo) as image:
            mime = Image.MIME.get(image.format or "")
    except (UnidentifiedImageError, OSError):
        mime = None
    photo.seek(0)
    return mime or "application/octet-stream"


@login_required
@require_GET
def checkin_photo_view(request: HttpRequest, code: str) -> FileResponse:
    """现场照片 of a check-in the user may see; a 404 for every other, so codes reveal nothing."""
    scope = staff_scope(request)
    checkin = checkin_list(scope).filter(code=code).first()
    if checkin is None or not checkin.photo:
        raise Http404
    try:
        checkin.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(checkin.photo, content_type=_content_type(checkin.photo))
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = "inline"
    return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/checkin/", checkin_view, name="checkin"),
    path("fieldwork/checkin/submit/", checkin_submit_view, name="checkin-submit"),
    path("fieldwork/checkin/mine/", checkin_mine_view, name="checkin-mine"),
    path("fieldwork/checkins/", checkin_list_view, name="checkin-list"),
    path("fieldwork/checkins/<str:code>/photo/", checkin_photo_view, name="checkin-photo"),
]

"""API endpoints of field work; urlpatterns are mounted under /api/ by fupin.web.urls.

`POST /api/checkins/` is the door for DingTalk-style apps: a cadre's own check-in, judged and stored
by the same service as the phone page (`checkin_record`). Apps retry when an answer is lost, so a
repeated `Idempotency-Key` answers 200 with the first check-in instead of writing a second one.
The door is on the hot path of every cadre's day: an app's JSON with a token is answered before
DRF's request machinery (`lean_checkin_post`), with one lookup for the token's holder, one for the
place, one for the pairing, and one statement that writes the check-in with its change-log row.

`GET /api/checkins/` lists the check-ins the user may see, newest first, with filters.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.areas.models import Area
from fupin.core.api import api_scope
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.fieldwork.checkin_input import (
    KEY_HEADER,
    KEY_MAX_LENGTH,
    KINDS,
    NOTES_MAX_LENGTH,
    checkin_fields,
    invalid,
)
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.selectors.checkins import checkin_list
from fupin.fieldwork.services.checkins import checkin_record
from fupin.people.models import Cadre
from fupin.people.tokens import token_holder
from fupin.registry.models import Household

NO_CADRE = "您的账号未关联干部，不能打卡。如需打卡，请联系县扶贫办为账号关联干部信息。"
PUBLIC_ONLY = "该账号只能使用群众问题反映表"
KIND_LABELS = {value: str(label) for value, label in CheckInKind.choices}
AREA_FIELDS = ("code", "name", "level", "longitude", "latitude")
_TRUE, _FALSE = {"1", "true", "yes", "是"}, {"0", "false", "no", "否"}


class CheckInInput(serializers.Serializer[dict[str, Any]]):
    """The body of a check-in, for the schema; `fupin.fieldwork.checkin_input` checks it."""

    kind = serializers.CharField(help_text="驻镇、驻村、入户，或 town、village、household")
    area_code = serializers.CharField(max_length=12, help_text="驻镇填乡镇代码，驻村、入户填村代码")
    household_code = serializers.CharField(max_length=32, required=False, help_text="入户必填")
    date = serializers.DateField()
    time = serializers.TimeField(required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    accuracy_m = serializers.DecimalField(
        max_digits=8, decimal_places=1, required=False, allow_null=True, help_text="手机报告的定位精度（米）"
    )
    notes = serializers.CharField(max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True)
    recorded_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="手机上打卡的时刻（ISO 8601，带时区）"
    )
    photo = serializers.ImageField(required=False, allow_null=True, help_text="现场照片，不超过8MB")
    idempotency_key = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"也可放在请求头 {KEY_HEADER}；同一个键再次发送时返回第一次的记录",
    )


class CheckInOutput(serializers.Serializer[CheckIn]):
    """A check-in as the API shows it. The fields are declared for the schema; the answer itself is
    built directly (`checkin_data`), since building serializer fields costs more than the rest of
    a check-in's Python work."""

    code = serializers.CharField()
    cadre_code = serializers.CharField()
    cadre_name = serializers.CharField()
    date = serializers.DateField()
    time = serializers.TimeField(allow_null=True)
    kind = serializers.ChoiceField(CheckInKind.choices)
    kind_label = serializers.CharField()
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    household_code = serializers.CharField(allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    accuracy_m = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    notes = serializers.CharField()
    has_photo = serializers.BooleanField()
    source = serializers.ChoiceField(CheckInSource.choices)  # type: ignore[assignment]
    recorded_at = serializers.DateTimeField(allow_null=True)
    valid = serializers.BooleanField()
    invalid_reason = serializers.CharField()
    distance_m = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: CheckIn) -> dict[str, Any]:
        return checkin_data(instance)


def _household_code(checkin: CheckIn) -> str | None:
    household = checkin.household if checkin.household_id is not None else None
    return household.code if household is not None else None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def checkin_data(checkin: CheckIn) -> dict[str, Any]:
    return {
        "code": checkin.code,
        "cadre_code": checkin.cadre.code,
        "cadre_name": checkin.cadre.name,
        "date": checkin.date.isoformat(),
        "time": checkin.time.isoformat() if checkin.time else None,
        "kind": checkin.kind,
        "kind_label": KIND_LABELS[checkin.kind],
        "area_code": checkin.area_code,
        "area_name": checkin.area.name,
        "household_code": _household_code(checkin),
        "longitude": _text(checkin.longitude),
        "latitude": _text(checkin.latitude),
        "accuracy_m": _text(checkin.accuracy_m),
        "notes": checkin.notes,
        "has_photo": bool(checkin.photo),
        "source": checkin.source,
        "recorded_at": _datetime(checkin.recorded_at),
        "valid": checkin.valid,
        "invalid_reason": checkin.invalid_reason,
        "distance_m": checkin.distance_m,
        "created_at": _datetime(checkin.created_at),
    }


_DATETIME = serializers.DateTimeField()


def _datetime(value: dt.datetime | None) -> str | None:
    """As DRF writes a datetime: in the current time zone, ISO 8601."""
    return None if value is None else _DATETIME.to_representation(value)


class TokenWithCadreAuthentication(TokenAuthentication):
    """Token authentication that brings the user's cadre along with the user: the check-in door
    needs the cadre, and an app's every check-in is one query cheaper."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = Token.objects.select_related("user__cadre").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用")
        return token.user, token


def _own_cadre(request: Request, cadre_id: int) -> Cadre:
    cadre = getattr(request.user, "cadre", None)
    if isinstance(cadre, Cadre) and cadre.pk == cadre_id:
        return cadre
    return Cadre.objects.only("code", "name").get(pk=cadre_id)


def _place(fields: dict[str, Any]) -> tuple[Area, Household | None]:
    """The area and household the check-in names: one query for a household visit (its village
    comes along), one for the others; only what the checks, the verdict and the answer read."""
    household = None
    if fields["household_code"]:
        households = Household.objects.select_related("village").only(
            "code", "village", "longitude", "latitude", *(f"village__{name}" for name in AREA_FIELDS)
        )
        household = households.filter(code=fields["household_code"]).first()
        if household is None:
            raise invalid({"household_code": "户编号不存在"})
        if household.village.code == fields["area_code"]:
            return household.village, household
    area = Area.objects.only(*AREA_FIELDS).filter(code=fields["area_code"]).first()
    if area is None:
        raise invalid({"area_code": "区划代码不存在"})
    return area, household


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise exceptions.ValidationError({"valid": "应为 true 或 false"})


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise exceptions.ValidationError({name: "日期格式应为 YYYY-MM-DD"}) from None


def _month(text: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise exceptions.ValidationError({"month": "月份格式应为 YYYY-MM"}) from None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


FILTERS = ("month", "date_from", "date_to", "cadre", "kind", "valid")


def filtered(checkins: QuerySet[CheckIn], params: dict[str, str]) -> QuerySet[CheckIn]:
    """The list filters: month or a date range, cadre code, kind (label or code), valid."""
    if params.get("month"):
        first, last = _month(params["month"])
        checkins = checkins.filter(date__gte=first, date__lte=last)
    if params.get("date_from"):
        checkins = checkins.filter(date__gte=_date(params["date_from"], "date_from"))
    if params.get("date_to"):
        checkins = checkins.filter(date__lte=_date(params["date_to"], "date_to"))
    if params.get("cadre"):
        checkins = checkins.filter(cadre__code=params["cadre"].strip())
    if params.get("kind"):
        kind = KINDS.get(params["kind"].strip())
        if kind is None:
            raise exceptions.ValidationError({"kind": "类型应为驻镇、驻村或入户"})
        checkins = checkins.filter(kind=kind)
    if params.get("valid"):
        checkins = checkins.filter(valid=_flag(params["valid"]))
    return checkins


@extend_schema(
    parameters=[
        OpenApiParameter("month", description="月份 YYYY-MM"),
        OpenApiParameter("date_from", OpenApiTypes.DATE, description="起始日期（含）"),
        OpenApiParameter("date_to", OpenApiTypes.DATE, description="截止日期（含）"),
        OpenApiParameter("cadre", description="干部编号"),
        OpenApiParameter("kind", description="驻镇、驻村、入户（或 town、village、household）"),
        OpenApiParameter("valid", OpenApiTypes.BOOL, description="true 只看有效，false 只看无效"),
    ]
)
class CheckInListCreateApi(generics.ListAPIView[CheckIn]):
    serializer_class = CheckInOutput
    authentication_classes = [TokenWithCadreAuthentication, SessionAuthentication]

    def get_queryset(self) -> QuerySet[CheckIn]:
        query = self.request.query_params
        params = {name: query.get(name, "") for name in FILTERS}
        return filtered(checkin_list(api_scope(self.request)), params)

    @extend_schema(
        request={"application/json": CheckInInput, "multipart/form-data": CheckInInput},
        parameters=[
            OpenApiParameter(
                KEY_HEADER,
                location=OpenApiParameter.HEADER,
                description=f"本次打卡的唯一键（最长{KEY_MAX_LENGTH}个字符），重发时不变",
            )
        ],
        responses={201: CheckInOutput, 200: CheckInOutput},
        description="本人打卡。新记录返回201；同一幂等键再次发送时返回200和第一次的记录。"
        "无效的打卡也会保存，valid 为 false，invalid_reason 写明原因。",
    )
    def post(self, request: Request) -> Response:
        """The door for a session (the browser) or a photo (multipart); `lean_checkin_post`
        answers the apps' JSON with a token first."""
        scope = api_scope(request)
        if scope.cadre_id is None:
            raise exceptions.PermissionDenied(NO_CADRE)
        cadre = _own_cadre(request, scope.cadre_id)
        data = request.data if isinstance(request.data, Mapping) else {}
        fields = checkin_fields(data, request.headers.get(KEY_HEADER, ""))
        checkin, created = _record(request.user, scope, cadre, fields)
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(checkin_data(checkin), status=answer)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """The DRF view, with the apps' JSON check-ins answered before DRF's request machinery;
        the view's attributes stay on the function, so the schema still describes the door."""
        drf_view = super().as_view(**initkwargs)

        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            answer = lean_checkin_post(request) if request.method == "POST" else None
            return answer or drf_view(request, *args, **kwargs)

        functools.update_wrapper(view, drf_view)
        return csrf_exempt(view)


def _record(user: Any, scope: Scope, cadre: Cadre, fields: dict[str, Any]) -> tuple[CheckIn, bool]:
    area, household = _place(fields)
    recorded = checkin_record(
        actor=Actor.of(user, source="api"),
        scope=scope,
        cadre=cadre,
        kind=fields["kind"],
        area=area,
        household=household,
        day=fields["date"],
        time=fields["time"],
        longitude=fields["longitude"],
        latitude=fields["latitude"],
        accuracy_m=fields["accuracy_m"],
        notes=fields["notes"],
        photo=fields["photo"],
        idempotency_key=fields["idempotency_key"],
        recorded_at=fields["recorded_at"],
        source=CheckInSource.API,
    )
    if not recorded.created:
        _reuse(recorded.checkin, cadre, area, household)
    return recorded.checkin, recorded.created


def _answer(body: dict[str, Any], status_code: int, **headers: str) -> JsonResponse:
    return JsonResponse(body, status=status_code, headers=headers, json_dumps_params={"ensure_ascii": False})


def lean_checkin_post(request: HttpRequest) -> HttpResponseBase | None:
    """An app's check-in (a token and a JSON body), answered with three lookups and one insert;
    None for any other request, which DRF then serves. The answers are those DRF would give."""
    words = request.headers.get("Authorization", "").split()
    if len(words) != 2 or words[0].lower() != "token" or request.content_type != "application/json":
        return None
    holder = token_holder(words[1])
    if holder is None or not holder.active:
        detail = "令牌无效" if holder is None else "账号已停用"
        return _answer({"detail": detail}, 401, **{"WWW-Authenticate": "Token"})
    if holder.role == Role.PUBLIC:
        return _answer({"detail": PUBLIC_ONLY}, 403)
    if holder.cadre is None:
        return _answer({"detail": NO_CADRE}, 403)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _answer({"detail": "请求体不是有效的 JSON"}, 400)
    if not isinstance(data, dict):
        return _answer({"detail": "请求体应为 JSON 对象"}, 400)
    # A cadre's own check-in asks nothing of the scope but who the cadre is.
    scope = Scope(role=holder.role or "none", area_prefixes=(), cadre_id=holder.cadre.pk)
    try:
        fields = checkin_fields(data, request.headers.get(KEY_HEADER, ""))
        checkin, created = _record(holder.user, scope, holder.cadre, fields)
    except ApplicationError as error:
        return _answer({"detail": error.message, "errors": error.field_errors}, 400)
    except PermissionDenied as error:
        return _answer({"detail": str(error)}, 403)
    return _answer(checkin_data(checkin), 201 if created else 200)


def _reuse(checkin: CheckIn, cadre: Cadre, area: Area, household: Household | None) -> None:
    """A repeated send usually names the same places as the first: answer without fetching them."""
    checkin.cadre = cadre
    if checkin.area_id == area.pk:
        checkin.area = area
    if household is not None and checkin.household_id == household.pk:
        checkin.household = household


urlpatterns: list[URLPattern] = [
    path("checkins/", CheckInListCreateApi.as_view(), name="api-checkin-list"),
]

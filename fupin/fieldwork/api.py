"""API endpoints of field work; urlpatterns are mounted under /api/ by fupin.web.urls.

`POST /api/checkins/` is the door for DingTalk-style apps: a cadre's own check-in, judged and stored
by the same service as the phone page (`checkin_record`). Apps retry when an answer is lost, so a
repeated `Idempotency-Key` answers 200 with the first check-in instead of writing a second one.
The door is on the hot path of every cadre's day, so it looks up only what the check-in names.

`GET /api/checkins/` lists the check-ins the user may see, newest first, with filters.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
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
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.selectors.checkins import checkin_list
from fupin.fieldwork.services.checkins import checkin_record
from fupin.people.models import Cadre
from fupin.registry.models import Household

NO_CADRE = "您的账号未关联干部，不能打卡。如需打卡，请联系县扶贫办为账号关联干部信息。"
# 驻镇/驻村/入户 or town/village/household.
KINDS = {**{str(label): value for value, label in CheckInKind.choices}, **{v: v for v in CheckInKind.values}}
KIND_LABELS = {value: str(label) for value, label in CheckInKind.choices}
KEY_HEADER = "Idempotency-Key"
AREA_FIELDS = ("code", "name", "level", "longitude", "latitude")
KEY_MAX_LENGTH = 64
PHOTO_MAX_BYTES = 8 * 1024 * 1024
SIX_PLACES = Decimal("0.000001")
TENTH = Decimal("0.1")
# The largest accuracy the column holds; a phone reporting more is far beyond any bound anyway.
ACCURACY_CEILING = Decimal("9999999.9")
_TRUE, _FALSE = {"1", "true", "yes", "是"}, {"0", "false", "no", "否"}


def _messages(**extra: str) -> dict[str, Any]:
    """Field messages in Chinese whatever language the app asks for."""
    return {"required": "必填", "null": "不能为空", "blank": "不能为空", **extra}


def _coordinate(name: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        required=False,
        allow_null=True,
        default=None,
        error_messages=_messages(invalid=f"{name}应为数字"),
    )


class CheckInInput(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(
        help_text="驻镇、驻村、入户，或 town、village、household", error_messages=_messages()
    )
    area_code = serializers.CharField(
        max_length=12, help_text="驻镇填乡镇代码，驻村、入户填村代码", error_messages=_messages()
    )
    household_code = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="入户必填"
    )
    date = serializers.DateField(error_messages=_messages(invalid="日期格式应为 YYYY-MM-DD"))
    time = serializers.TimeField(
        required=False, allow_null=True, default=None, error_messages=_messages(invalid="时间格式应为 HH:MM")
    )
    longitude = _coordinate("经度")
    latitude = _coordinate("纬度")
    accuracy_m = _coordinate("定位精度")
    notes = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        error_messages=_messages(max_length="工作内容不能超过1000字"),
    )
    recorded_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="手机上打卡的时刻（ISO 8601，带时区）",
        error_messages=_messages(invalid="打卡时间应为 ISO 8601 格式，如 2019-11-05T09:30:00+08:00"),
    )
    photo = serializers.ImageField(
        required=False,
        allow_null=True,
        default=None,
        error_messages=_messages(invalid_image="照片不是有效的图片文件", empty="照片文件是空的"),
    )
    idempotency_key = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=f"也可放在请求头 {KEY_HEADER}；同一个键再次发送时返回第一次的记录",
    )

    def validate_kind(self, value: str) -> str:
        kind = KINDS.get(value.strip())
        if kind is None:
            raise serializers.ValidationError("类型应为驻镇、驻村或入户")
        return kind

    def validate_longitude(self, value: Decimal | None) -> Decimal | None:
        return _bounded(value, 180, "经度应在-180到180之间")

    def validate_latitude(self, value: Decimal | None) -> Decimal | None:
        return _bounded(value, 90, "纬度应在-90到90之间")

    def validate_accuracy_m(self, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        if value < 0:
            raise serializers.ValidationError("定位精度不能为负数")
        return min(value, ACCURACY_CEILING).quantize(TENTH, rounding=ROUND_HALF_UP)

    def validate_photo(self, value: Any) -> Any:
        if value is not None and value.size is not None and value.size > PHOTO_MAX_BYTES:
            raise serializers.ValidationError("照片不能超过8MB")
        return value


def _bounded(value: Decimal | None, limit: int, message: str) -> Decimal | None:
    if value is None:
        return None
    if not -limit <= value <= limit:
        raise serializers.ValidationError(message)
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


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


def _invalid(errors: dict[str, str]) -> ApplicationError:
    return ApplicationError("；".join(dict.fromkeys(errors.values())), field_errors=errors)


def _input(request: Request) -> dict[str, Any]:
    """The validated body, with the idempotency key from the header or the body (not both, unless equal)."""
    data = CheckInInput(data=request.data)
    if not data.is_valid():
        raise _invalid({name: str(messages[0]) for name, messages in data.errors.items()})
    fields: dict[str, Any] = dict(data.validated_data)
    header = request.headers.get(KEY_HEADER, "").strip()
    body = fields["idempotency_key"].strip()
    if header and body and header != body:
        raise _invalid({"idempotency_key": f"请求头 {KEY_HEADER} 与字段 idempotency_key 不一致"})
    fields["idempotency_key"] = header or body
    if len(fields["idempotency_key"]) > KEY_MAX_LENGTH:
        raise _invalid({"idempotency_key": f"幂等键不能超过{KEY_MAX_LENGTH}个字符"})
    return fields


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
            raise _invalid({"household_code": "户编号不存在"})
        if household.village.code == fields["area_code"]:
            return household.village, household
    area = Area.objects.only(*AREA_FIELDS).filter(code=fields["area_code"]).first()
    if area is None:
        raise _invalid({"area_code": "区划代码不存在"})
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
        scope = api_scope(request)
        if scope.cadre_id is None:
            raise exceptions.PermissionDenied(NO_CADRE)
        fields = _input(request)
        area, household = _place(fields)
        cadre = _own_cadre(request, scope.cadre_id)
        recorded = checkin_record(
            actor=Actor.of(request.user, source="api"),
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
            notes=fields["notes"].strip(),
            photo=fields["photo"],
            idempotency_key=fields["idempotency_key"],
            recorded_at=fields["recorded_at"],
            source=CheckInSource.API,
        )
        checkin = recorded.checkin
        if not recorded.created:
            _reuse(checkin, cadre, area, household)
        answer = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return Response(CheckInOutput(checkin).data, status=answer)


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

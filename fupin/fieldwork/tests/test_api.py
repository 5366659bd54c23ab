"""The check-in API: a cadre's own check-ins from DingTalk-style apps with token auth, idempotency
keys, validation in Chinese and a lean write path; and the list, persona by persona, with filters."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token

from fupin.core.models import ChangeLog
from fupin.fieldwork import checkin_input
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.tests.conftest import (
    H1_POINT,
    TOWN_A,
    TOWN_B,
    VILLAGE_A1,
    VILLAGE_A2,
    Field,
    north_of,
)

URL = "/api/checkins/"
A1, A2, B1, TOWN_A_CODE, TOWN_B_CODE = (
    "610727100200",
    "610727100201",
    "610727101200",
    "610727100000",
    "610727101000",
)
NO_CADRE = "您的账号未关联干部，不能打卡。如需打卡，请联系县扶贫办为账号关联干部信息。"
# Phones and apps send a check-in on the day, or a few days late when they were offline.
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def visit(**changes: Any) -> dict[str, Any]:
    """G3's visit to H1 at its door, as an app sends it."""
    body = {
        "kind": "入户",
        "area_code": A1,
        "household_code": "H1",
        "date": YESTERDAY.isoformat(),
        "time": "09:30:12",
        "longitude": str(H1_POINT[0]),
        "latitude": str(H1_POINT[1]),
        "accuracy_m": 15,
        "notes": "了解收入情况",
        "recorded_at": f"{YESTERDAY.isoformat()}T09:30:12+08:00",
    }
    return {name: value for name, value in (body | changes).items() if value is not None}


def token_client(user: User) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post(client: Client, body: dict[str, Any], key: str | None = None, **headers: str) -> Any:
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra, **headers)


@pytest.fixture
def g3(field: Field) -> Client:
    """The paired-cadre persona (cadre G3, paired with H1 and H2) with an API token."""
    return token_client(field.personas.users["paired_cadre"])


# -- recording -----------------------------------------------------------------------------------------
def test_a_check_in_is_recorded_for_the_users_own_cadre_with_its_verdict(field: Field, g3: Client) -> None:
    response = post(g3, visit(), key="app-0001")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("CK")
    assert {k: body[k] for k in ("cadre_code", "kind", "kind_label", "area_code", "household_code")} == {
        "cadre_code": "G3",
        "kind": "household",
        "kind_label": "入户",
        "area_code": A1,
        "household_code": "H1",
    }
    assert (body["valid"], body["invalid_reason"], body["distance_m"], body["source"]) == (True, "", 0, "api")
    checkin = CheckIn.objects.get()
    assert (checkin.cadre.code, checkin.idempotency_key, checkin.source) == (
        "G3",
        "app-0001",
        CheckInSource.API,
    )
    assert (checkin.date, checkin.time, checkin.notes) == (YESTERDAY, dt.time(9, 30, 12), "了解收入情况")
    assert checkin.recorded_at == dt.datetime.combine(YESTERDAY, dt.time(1, 30, 12), tzinfo=dt.UTC)
    entry = ChangeLog.objects.get(object_type="fieldwork.checkin")
    assert (entry.actor_name, entry.source, entry.action) == ("paired_cadre", "api", "create")


def test_the_same_key_twice_is_one_check_in_and_the_second_answer_is_200_with_it(
    field: Field, g3: Client
) -> None:
    first = post(g3, visit(), key="app-0001")
    again = post(g3, visit(accuracy_m=0, notes="重发"), key="app-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert CheckIn.objects.count() == 1
    assert ChangeLog.objects.filter(object_type="fieldwork.checkin").count() == 1


def test_the_key_may_come_as_a_field(field: Field, g3: Client) -> None:
    first = post(g3, visit(idempotency_key="app-0002"))
    again = post(g3, visit(), key="app-0002")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    clash = post(g3, visit(idempotency_key="app-0003"), key="app-0004")
    assert clash.status_code == 400
    assert clash.json()["errors"] == {
        "idempotency_key": "请求头 Idempotency-Key 与字段 idempotency_key 不一致"
    }


def test_another_users_same_key_is_another_check_in(field: Field, g3: Client) -> None:
    secretary = token_client(field.personas.users["work_team"])  # G7, first secretary of A1
    mine = post(g3, visit(), key="shared-key")
    theirs = post(secretary, visit(household_code="H2"), key="shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["code"] != theirs.json()["code"]
    assert sorted(CheckIn.objects.values_list("cadre__code", flat=True)) == ["G3", "G7"]


def test_without_a_key_every_send_is_a_check_in(field: Field, g3: Client) -> None:
    assert post(g3, visit()).status_code == 201
    assert post(g3, visit()).status_code == 201
    assert CheckIn.objects.count() == 2


def test_an_invalid_check_in_is_stored_with_its_reason(field: Field, g3: Client) -> None:
    far = north_of(H1_POINT, 3200)
    mocked = post(g3, visit(accuracy_m=0), key="k-mocked").json()
    distant = post(g3, visit(longitude=str(far[0]), latitude=str(far[1])), key="k-far").json()
    coarse = post(g3, visit(accuracy_m="350.04"), key="k-coarse").json()
    a2 = {"longitude": str(VILLAGE_A2[0]), "latitude": str(VILLAGE_A2[1])}
    unpaired = post(g3, visit(area_code=A2, household_code="H3", **a2), key="k-unpaired").json()
    assert (mocked["valid"], mocked["invalid_reason"]) == (False, "定位精度为0，疑似虚拟定位")
    assert (distant["valid"], distant["invalid_reason"]) == (False, "距离农户3.2公里，超出2公里范围")
    assert coarse["invalid_reason"] == "定位精度350米，超过200米上限"
    assert coarse["accuracy_m"] == "350.0"
    assert unpaired["invalid_reason"] == "当日未与该户结对，也不在该村驻村工作队"
    stored = dict(CheckIn.objects.values_list("idempotency_key", "invalid_reason"))
    assert stored["k-mocked"] == "定位精度为0，疑似虚拟定位"
    assert not CheckIn.objects.filter(valid=True).exists()


@pytest.mark.parametrize("kind", ["驻镇", "town"])
def test_kind_is_accepted_as_label_or_code(field: Field, kind: str) -> None:
    leader = token_client(field.personas.users["county_leader"])  # G1
    body = visit(kind=kind, area_code=TOWN_A_CODE, household_code=None, longitude=str(TOWN_A[0]))
    body["latitude"] = str(TOWN_A[1])
    response = post(leader, body, key=f"town-{kind}")
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["valid"]) == ("town", True)


def test_coordinates_are_rounded_to_the_columns(field: Field, g3: Client) -> None:
    body = post(g3, visit(longitude=106.17200049, latitude="33.3420004", accuracy_m=14.96), key="k-1").json()
    assert (body["longitude"], body["latitude"], body["accuracy_m"]) == ("106.172000", "33.342000", "15.0")


def test_a_photo_comes_as_multipart(field: Field, g3: Client, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    photo = SimpleUploadedFile("door.jpg", image.getvalue(), content_type="image/jpeg")
    response = g3.post(URL, data=visit(photo=photo), HTTP_IDEMPOTENCY_KEY="k-photo")
    assert response.status_code == 201, response.content
    assert response.json()["has_photo"] is True
    checkin = CheckIn.objects.get()
    assert checkin.photo.name.endswith(".jpg") and checkin.photo.size == len(image.getvalue())


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(
    field: Field, g3: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SimpleUploadedFile("door.jpg", b"not a picture", content_type="image/jpeg")
    response = g3.post(URL, data=visit(photo=text))
    assert (response.status_code, response.json()["errors"]) == (400, {"photo": "照片不是有效的图片文件"})
    monkeypatch.setattr(checkin_input, "PHOTO_MAX_BYTES", 100)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(image, "JPEG")
    big = SimpleUploadedFile("door.jpg", image.getvalue(), content_type="image/jpeg")
    response = g3.post(URL, data=visit(photo=big))
    assert (response.status_code, response.json()["errors"]) == (400, {"photo": "照片不能超过8MB"})
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_key_at_once_are_one_check_in(field: Field) -> None:
    """A phone that resends while its first send is still on the way: both answers name one row."""
    token, _ = Token.objects.get_or_create(user=field.personas.users["paired_cadre"])
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def send() -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
            barrier.wait()
            answers.append(post(client, visit(), key="same-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.json()["code"] for a in answers}) == 1
    assert CheckIn.objects.count() == 1
    assert ChangeLog.objects.filter(object_type="fieldwork.checkin").count() == 1


def test_a_stopped_login_and_the_platform_administrator_cannot_check_in(field: Field) -> None:
    cadre_user = field.personas.users["paired_cadre"]
    client = token_client(cadre_user)
    cadre_user.is_active = False
    cadre_user.save()
    stopped = post(client, visit(), key="k-1")
    assert (stopped.status_code, stopped.json()) == (401, {"detail": "账号已停用"})
    assert stopped.headers["WWW-Authenticate"] == "Token"
    admin = User.objects.create_superuser("root-admin", password="x")
    answer = post(token_client(admin), visit(), key="k-2")
    assert (answer.status_code, answer.json()) == (403, {"detail": NO_CADRE})
    assert not CheckIn.objects.exists()


def test_a_body_that_is_not_a_json_object_is_refused(field: Field, g3: Client) -> None:
    for body, detail in (("[1, 2]", "请求体应为 JSON 对象"), ("{kind:", "请求体不是有效的 JSON")):
        response = g3.post(URL, data=body, content_type="application/json")
        assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert not CheckIn.objects.exists()


def test_a_resend_after_the_week_still_gets_the_first_check_in(field: Field, g3: Client) -> None:
    """The phone lost the first answer and comes back late: it learns the check-in was taken."""
    first = post(g3, visit(), key="k-late")
    late = (timezone.localdate() - dt.timedelta(days=9)).isoformat()
    again = post(g3, visit(date=late), key="k-late")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]


# -- refusals ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["county_admin", "office_staff", "unit_user"])
def test_a_user_without_a_cadre_gets_403_in_chinese(field: Field, persona: str) -> None:
    response = post(token_client(field.personas.users[persona]), visit(), key="k-1")
    assert (response.status_code, response.json()) == (403, {"detail": NO_CADRE})
    assert not CheckIn.objects.exists()


def test_the_public_and_the_signed_out_get_nothing(field: Field) -> None:
    public = post(token_client(field.personas.users["public"]), visit(), key="k-1")
    assert (public.status_code, public.json()) == (403, {"detail": "该账号只能使用群众问题反映表"})
    assert token_client(field.personas.users["public"]).get(URL).status_code == 403
    assert post(Client(), visit(), key="k-1").status_code == 401
    assert post(Client(HTTP_AUTHORIZATION="Token not-a-token"), visit()).status_code == 401
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"kind": None, "area_code": None, "date": None},
            {"kind": "必填", "area_code": "必填", "date": "必填"},
        ),
        ({"kind": "走访"}, {"kind": "类型应为驻镇、驻村或入户"}),
        ({"date": "2019/11/05"}, {"date": "日期格式应为 YYYY-MM-DD"}),
        ({"time": "9点半"}, {"time": "时间格式应为 HH:MM"}),
        (
            {"recorded_at": "昨天"},
            {"recorded_at": "打卡时间应为 ISO 8601 格式，如 2019-11-05T09:30:00+08:00"},
        ),
        ({"longitude": "东经106度"}, {"longitude": "经度应为数字"}),
        ({"longitude": "186.1"}, {"longitude": "经度应在-180到180之间"}),
        ({"latitude": "-91"}, {"latitude": "纬度应在-90到90之间"}),
        ({"accuracy_m": -5}, {"accuracy_m": "定位精度不能为负数"}),
        ({"notes": "很" * 1001}, {"notes": "工作内容不能超过1000字"}),
        (
            {"area_code": "610727100299", "household_code": None, "kind": "驻村"},
            {"area_code": "区划代码不存在"},
        ),
        ({"household_code": "H404"}, {"household_code": "户编号不存在"}),
        ({"household_code": "H4"}, {"household_code": "户H4不在黄家坝村"}),
        ({"household_code": None}, {"household_code": "入户打卡须选择农户"}),
        ({"kind": "驻村"}, {"household_code": "只有入户打卡才选择农户"}),
        ({"kind": "驻镇", "household_code": None}, {"area_code": "驻镇打卡应选择乡镇"}),
        ({"latitude": None}, {"longitude": "经度和纬度应同时填写"}),
        ({"idempotency_key": "k" * 65}, {"idempotency_key": "幂等键不能超过64个字符"}),
    ],
)
def test_bad_input_is_400_with_field_errors_in_chinese(
    field: Field, g3: Client, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    body = visit(**{k: v for k, v in changes.items() if v is not None})
    for name in [k for k, v in changes.items() if v is None]:
        body.pop(name, None)
    response = post(g3, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == errors
    assert response.json()["detail"] == "；".join(dict.fromkeys(errors.values()))
    assert not CheckIn.objects.exists()


def test_a_future_date_and_a_check_in_over_a_week_late_are_refused(field: Field, g3: Client) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(g3, visit(date=tomorrow))
    assert (response.status_code, response.json()["errors"]) == (400, {"date": "打卡日期不能晚于今天"})
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert post(g3, visit(date=week_ago)).status_code == 201
    late = post(g3, visit(date=(timezone.localdate() - dt.timedelta(days=8)).isoformat()))
    assert (late.status_code, late.json()["errors"]) == (
        400,
        {"date": "超过7天的打卡不能从手机或接口补交，请联系扶贫办通过台账补录"},
    )


# -- cost ---------------------------------------------------------------------------------------------
def test_recording_costs_a_handful_of_queries(
    field: Field, g3: Client, django_assert_max_num_queries: Any
) -> None:
    post(g3, visit(), key="warm-up")  # the first request of a process loads content types and the like
    # The token's holder, the household with its village, the pairing, and the check-in with its
    # change-log row: one statement on PostgreSQL; two inserts in a savepoint elsewhere.
    writes = 1 if connection.vendor == "postgresql" else 4
    with django_assert_max_num_queries(3 + writes):
        assert post(g3, visit(), key="k-new").status_code == 201
    # A resend: the same, and the first check-in by its key.
    with django_assert_max_num_queries(4 + writes):
        assert post(g3, visit(), key="k-new").status_code == 200
    secretary = token_client(field.personas.users["work_team"])
    with django_assert_max_num_queries(2 + writes):
        body = visit(kind="驻村", household_code=None, longitude=str(VILLAGE_A1[0]))
        assert post(secretary, body | {"latitude": str(VILLAGE_A1[1])}, key="k-v").status_code == 201


# -- the list -----------------------------------------------------------------------------------------
@pytest.fixture
def made(field: Field) -> Field:
    """G3 in A1 (H1, H2), G7 in A1, G5 in town A, G1 in town B, G6 in village B1, G4 in A2 (invalid)."""
    c = field.county
    day = dt.date(2019, 11, 5)
    field.checkin("G3", CheckInKind.HOUSEHOLD, c.village_a1, day, household="H1", at=H1_POINT, code="C-G3-1")
    field.checkin(
        "G3", CheckInKind.HOUSEHOLD, c.village_a1, dt.date(2019, 10, 30), household="H2", code="C-G3-2"
    )
    field.checkin("G7", CheckInKind.VILLAGE, c.village_a1, day, at=VILLAGE_A1, code="C-G7")
    field.checkin("G5", CheckInKind.TOWN, c.town_a, day, at=TOWN_A, code="C-G5")
    field.checkin("G1", CheckInKind.TOWN, c.town_b, day, at=TOWN_B, code="C-G1")
    field.checkin("G6", CheckInKind.VILLAGE, c.village_b1, day, code="C-G6")
    field.checkin("G4", CheckInKind.VILLAGE, c.village_a2, day, accuracy="0", code="C-G4")
    return field


ALL = {"C-G3-1", "C-G3-2", "C-G7", "C-G5", "C-G1", "C-G6", "C-G4"}
LISTED = {
    "county_admin": ALL,
    "county_leader": ALL,
    "office_staff": ALL,
    "town_official": {"C-G3-1", "C-G3-2", "C-G7", "C-G5", "C-G4"},  # made in town A, or its own
    "unit_user": {"C-G3-1", "C-G3-2", "C-G7", "C-G4"},  # cadres of 县农业农村局 and its 农技推广站
    "work_team": {"C-G7"},
    "paired_cadre": {"C-G3-1", "C-G3-2"},
    "outsider": set(),
}


def codes(client: Client, **params: str) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", list(LISTED))
def test_each_persona_lists_the_check_ins_in_its_scope(made: Field, persona: str) -> None:
    assert codes(token_client(made.personas.users[persona])) == LISTED[persona]


def test_list_rows_and_filters(made: Field) -> None:
    client = token_client(made.personas.users["office_staff"])
    rows = client.get(URL, {"cadre": "G3", "month": "2019-11"}).json()
    assert rows["count"] == 1
    row = rows["results"][0]
    assert {
        k: row[k] for k in ("code", "cadre_name", "kind_label", "area_name", "household_code", "valid")
    } == {
        "code": "C-G3-1",
        "cadre_name": "孙科员",
        "kind_label": "入户",
        "area_name": "黄家坝村",
        "household_code": "H1",
        "valid": True,
    }
    assert codes(client, date_from="2019-10-01", date_to="2019-10-31") == {"C-G3-2"}
    assert codes(client, kind="驻镇") == codes(client, kind="town") == {"C-G5", "C-G1"}
    assert codes(client, valid="false", month="2019-11") == {"C-G6", "C-G4"}
    assert codes(client, valid="true") == {"C-G3-1", "C-G7", "C-G5", "C-G1"}
    for params, field_name in (
        ({"month": "2019-13"}, "month"),
        ({"valid": "也许"}, "valid"),
        ({"kind": "x"}, "kind"),
    ):
        response = client.get(URL, params)
        assert response.status_code == 400 and field_name in response.json()


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_rows(
    made: Field, django_assert_max_num_queries: Any
) -> None:
    for _ in range(60):
        made.checkin(
            "G3", CheckInKind.HOUSEHOLD, made.county.village_a1, dt.date(2019, 11, 6), household="H1"
        )
    client = token_client(made.personas.users["county_admin"])
    with django_assert_max_num_queries(6):
        page = client.get(URL).json()
    assert (page["count"], len(page["results"])) == (67, 50)
    assert len(client.get(URL, {"page": 2}).json()["results"]) == 17


def test_the_schema_documents_the_door(field: Field) -> None:
    client = field.personas.client("county_admin")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/checkins/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])
    assert {"201", "200"} <= set(operation["responses"])

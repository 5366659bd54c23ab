"""The phone check-in page, its JSON door, 我的打卡, the reviewers' list and the photo view: what
each persona may do and see, and that a resend with the same key never writes a second row."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fupin.core.models import ChangeLog
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.tests.conftest import H1_POINT, TOWN_B, VILLAGE_A1, D, Field, north_of

PAGE = reverse("fieldwork:checkin")
SUBMIT = reverse("fieldwork:checkin-submit")
MINE = reverse("fieldwork:checkin-mine")
LIST = reverse("fieldwork:checkin-list")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()


def photo(name: str = "photo.jpg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type="image/jpeg")


def post(
    client: Client,
    *,
    key: str = "k-0001-aaaa",
    kind: str = CheckInKind.HOUSEHOLD,
    at: tuple[Decimal, Decimal] | None = H1_POINT,
    accuracy: str | None = "15",
    day: dt.date | None = None,
    upload: SimpleUploadedFile | None = None,
    **place: str,
) -> Any:
    day = day or timezone.localdate()
    data: dict[str, Any] = {
        "idempotency_key": key,
        "kind": kind,
        "date": day.isoformat(),
        "time": "09:30:00",
        "recorded_at": f"{day.isoformat()}T01:30:00.000Z",
        "notes": "走访了解收入",
        "photo": upload or photo(),
        **({"household": "H1"} if kind == CheckInKind.HOUSEHOLD and not place else place),
    }
    if at is not None:
        data |= {"longitude": str(at[0]), "latitude": str(at[1])}
    if accuracy is not None:
        data["accuracy_m"] = accuracy
    return client.post(SUBMIT, data)


def codes_in(html: str) -> set[str]:
    return set(re.findall(r'data-checkin="(CK[0-9A-F]+)"', html))


def option_values(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]


# -- the page -------------------------------------------------------------------------------------
def test_the_paired_cadre_is_offered_its_own_households_villages_and_towns(field: Field) -> None:
    response = field.personas.client("paired_cadre").get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert option_values(html, "household") == ["H1", "H2"]
    assert option_values(html, "village") == [field.county.village_a1.code]
    assert option_values(html, "town") == [field.county.town_a.code]
    assert "户主H1户（黄家坝村）" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'id="kind-household" value="household" autocomplete="off" checked' in html


def test_the_work_team_member_is_offered_every_household_of_its_village_first(field: Field) -> None:
    field.team("G7", field.county.village_a2, D(2019, 1, 1))
    html = field.personas.client("work_team").get(PAGE).content.decode()
    assert option_values(html, "household") == ["H1", "H2", "H3"]
    assert option_values(html, "village") == [field.county.village_a1.code, field.county.village_a2.code]


def test_a_county_leader_is_offered_the_town_it_leads_first(field: Field) -> None:
    from fupin.duty.models import LeaderTown

    LeaderTown.objects.create(cadre=field.cadre("G1"), town=field.county.town_b, start_date=D(2019, 1, 1))
    field.pair("G1", "H1", D(2019, 1, 1))
    html = field.personas.client("county_leader").get(PAGE).content.decode()
    assert option_values(html, "town") == [field.county.town_b.code, field.county.town_a.code]
    assert option_values(html, "village")[-1] == field.county.village_b1.code  # of the town it leads


@pytest.mark.parametrize("persona", ["county_admin", "office_staff", "unit_user", "outsider"])
def test_users_without_a_cadre_are_told_they_cannot_check_in(field: Field, persona: str) -> None:
    response = field.personas.client(persona).get(PAGE)
    assert response.status_code == 403
    assert "您的账号未关联干部，不能打卡" in response.content.decode()
    answer = post(field.personas.client(persona))
    assert answer.status_code == 403 and "未关联干部" in answer.json()["error"]
    assert not CheckIn.objects.exists()


def test_the_public_gets_403_and_signed_out_users_the_login(field: Field) -> None:
    public = field.personas.client("public")
    for url in (PAGE, MINE, LIST):
        assert public.get(url).status_code == 403
    assert post(public).status_code == 403
    anonymous = Client()
    assert anonymous.get(PAGE).status_code == 302
    answer = post(anonymous)
    assert answer.status_code == 401 and answer.json()["error"].startswith("登录已过期")
    assert not CheckIn.objects.exists()


# -- the JSON door ------------------------------------------------------------------------------
def test_a_check_in_at_the_household_is_recorded_once_and_valid(field: Field) -> None:
    response = post(field.personas.client("paired_cadre"))
    assert response.status_code == 201
    body = response.json()
    assert body | {"code": "", "distance_m": 0} == {
        "code": "",
        "created": True,
        "valid": True,
        "invalid_reason": "",
        "distance_m": 0,
        "date": timezone.localdate().isoformat(),
        "time": "09:30",
        "kind": "household",
        "kind_label": "入户",
        "place": "户主H1户（黄家坝村）",
    }
    checkin = CheckIn.objects.get()
    assert checkin.code == body["code"] and checkin.distance_m == body["distance_m"] == 0
    assert (checkin.cadre.code, checkin.source, checkin.idempotency_key) == (
        "G3",
        CheckInSource.PHONE,
        "k-0001-aaaa",
    )
    assert checkin.recorded_at == dt.datetime.combine(timezone.localdate(), dt.time(1, 30), tzinfo=dt.UTC)
    assert (checkin.longitude, checkin.latitude, checkin.accuracy_m) == (*H1_POINT, Decimal("15.0"))
    assert checkin.notes == "走访了解收入" and str(checkin.photo.name).endswith(f"{checkin.code}.jpg")
    log = ChangeLog.objects.get(object_type="fieldwork.checkin", object_id=checkin.pk)
    assert (log.action, log.actor_name) == ("create", "paired_cadre")


def test_the_same_key_twice_answers_with_the_first_check_in(field: Field) -> None:
    client = field.personas.client("paired_cadre")
    first = post(client)
    # The resend after a lost answer: the same key, even if the position was taken again.
    again = post(client, at=north_of(H1_POINT, 5000), upload=photo(content=image_bytes(size=(10, 10))))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    assert again.json()["created"] is False and again.json()["valid"] is True
    assert CheckIn.objects.count() == 1
    assert ChangeLog.objects.filter(object_type="fieldwork.checkin").count() == 1
    # Another cadre may use the same key: keys are per cadre.
    assert post(field.personas.client("work_team")).status_code == 201
    assert CheckIn.objects.count() == 2


def test_the_date_is_the_phones_date_of_the_tap_not_the_day_it_arrives(field: Field) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = post(field.personas.client("paired_cadre"), day=yesterday)
    assert response.status_code == 201 and response.json()["date"] == yesterday.isoformat()
    assert CheckIn.objects.get().date == yesterday


def test_a_future_date_is_refused_in_chinese(field: Field) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post(field.personas.client("paired_cadre"), day=tomorrow)
    assert response.status_code == 400
    assert response.json()["error"] == "打卡日期不能晚于今天"
    assert response.json()["field_errors"] == {"date": "打卡日期不能晚于今天"}
    assert not CheckIn.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(field: Field) -> None:
    response = post(
        field.personas.client("paired_cadre"), upload=photo("x.jpg", b"<html>not an image</html>")
    )
    assert response.status_code == 400
    assert response.json()["field_errors"] == {"photo": "照片不是有效的图片文件"}
    assert not CheckIn.objects.exists()


def test_a_missing_or_oversized_photo_is_refused(field: Field, monkeypatch: pytest.MonkeyPatch) -> None:
    client = field.personas.client("paired_cadre")
    data = {"idempotency_key": "k-0002-bbbb", "kind": "household", "household": "H1", "date": "2019-11-05"}
    assert client.post(SUBMIT, data).json()["field_errors"]["photo"] == "请拍摄现场照片"
    monkeypatch.setattr("fupin.fieldwork.forms_checkin.PHOTO_MAX_BYTES", 100)
    response = post(client, upload=photo(content=image_bytes("PNG", (60, 60))))
    assert response.status_code == 400 and response.json()["field_errors"] == {"photo": "照片不能超过8MB"}
    assert not CheckIn.objects.exists()


def test_another_cadres_household_is_refused(field: Field) -> None:
    # H3 lies in village A2: nobody paired it with G3, and G7's work team serves A1 only.
    for persona in ("paired_cadre", "work_team"):
        response = post(field.personas.client(persona), household="H3")
        assert response.status_code == 400
        assert response.json()["field_errors"] == {"household": "所选农户不在您当天可入户的农户中"}
    # A pairing that ended before the day of the tap does not count either.
    ended = dt.date.today() - dt.timedelta(days=2)
    field.pair("G3", "H4", D(2019, 1, 1), ended)
    assert post(field.personas.client("paired_cadre"), household="H4").status_code == 400
    late = post(field.personas.client("paired_cadre"), household="H4", day=ended, at=None)
    assert late.status_code == 201 and late.json()["place"] == "户主H4户（青岗坪村）"
    assert CheckIn.objects.count() == 1


def test_a_village_or_town_outside_the_cadres_duties_is_refused(field: Field) -> None:
    client = field.personas.client("paired_cadre")
    village = post(client, kind=CheckInKind.VILLAGE, village=field.county.village_b1.code)
    assert village.json()["field_errors"] == {"village": "所选村不在您的驻村、结对或包村范围内"}
    town = post(client, kind=CheckInKind.TOWN, town=field.county.town_b.code)
    assert town.json()["field_errors"] == {"town": "所选乡镇不在您的包镇或驻村范围内"}
    missing = post(client, kind=CheckInKind.VILLAGE)
    assert missing.json()["field_errors"] == {"village": "请选择驻村的村"}
    assert not CheckIn.objects.exists()


def test_village_and_town_check_ins(field: Field) -> None:
    client = field.personas.client("paired_cadre")
    village = post(
        client,
        key="k-village-1",
        kind=CheckInKind.VILLAGE,
        at=VILLAGE_A1,
        village=field.county.village_a1.code,
    )
    town = post(client, key="k-town-0001", kind=CheckInKind.TOWN, at=TOWN_B, town=field.county.town_a.code)
    assert village.status_code == town.status_code == 201
    assert village.json() | {"code": ""} == village.json() | {
        "code": "",
        "valid": True,
        "place": "黄家坝村",
        "kind_label": "驻村",
    }
    assert town.json()["valid"] is False and town.json()["place"] == "兴州街道"
    assert re.fullmatch(r"距离乡镇\d+(\.\d)?公里，超出2公里范围", town.json()["invalid_reason"])


@pytest.mark.parametrize(
    ("at", "accuracy", "reason"),
    [
        (north_of(H1_POINT, 3200), "15", "距离农户3.2公里，超出2公里范围"),
        (H1_POINT, "0", "定位精度为0，疑似虚拟定位"),
        (H1_POINT, "350.27", "定位精度350.3米，超过200米上限"),
        (None, None, "未获取到定位坐标；缺少定位精度"),
    ],
)
def test_the_cadre_is_told_why_a_check_in_is_invalid(
    field: Field, at: tuple[Decimal, Decimal] | None, accuracy: str | None, reason: str
) -> None:
    response = post(field.personas.client("paired_cadre"), at=at, accuracy=accuracy)
    assert response.status_code == 201
    assert (response.json()["valid"], response.json()["invalid_reason"]) == (False, reason)
    assert CheckIn.objects.get().invalid_reason == reason


def test_coordinates_with_many_decimals_are_rounded_to_the_column(field: Field) -> None:
    at = (Decimal("106.17200049"), Decimal("33.34199951"))
    response = post(field.personas.client("paired_cadre"), at=at, accuracy="12.3456")
    assert response.status_code == 201
    checkin = CheckIn.objects.get()
    assert (checkin.longitude, checkin.latitude, checkin.accuracy_m) == (
        Decimal("106.172000"),
        Decimal("33.342000"),
        Decimal("12.3"),
    )


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"idempotency_key": "短"}, "idempotency_key"),
        ({"date": "2019-13-01"}, "date"),
        ({"longitude": "东经106"}, "longitude"),
        ({"kind": "dance"}, "kind"),
    ],
)
def test_malformed_fields_are_refused(field: Field, changes: dict[str, str], field_name: str) -> None:
    data = {
        "idempotency_key": "k-0003-cccc",
        "kind": "household",
        "household": "H1",
        "date": "2019-11-05",
        "photo": photo(),
        **changes,
    }
    response = field.personas.client("paired_cadre").post(SUBMIT, data)
    assert response.status_code == 400 and field_name in response.json()["field_errors"]
    assert not CheckIn.objects.exists()


def test_the_door_takes_only_posts(field: Field) -> None:
    assert field.personas.client("paired_cadre").get(SUBMIT).status_code == 405


# -- lists ------------------------------------------------------------------------------------------
@pytest.fixture
def made(field: Field) -> dict[str, CheckIn]:
    """G3 at H1 (valid) and far from H2's village (invalid); G7 in A1; G6 (no login) in town B."""
    picture: dict[str, Any] = {"photo": ContentFile(image_bytes("PNG"), name="p.png")}
    return {
        "g3": field.checkin(
            "G3", "household", field.county.village_a1, D(2019, 11, 4), household="H1", at=H1_POINT, **picture
        ),
        "g3_far": field.checkin(
            "G3",
            "household",
            field.county.village_a1,
            D(2019, 11, 5),
            household="H2",
            at=north_of(VILLAGE_A1, 5000),
        ),
        "g7": field.checkin("G7", "village", field.county.village_a1, D(2019, 11, 5), at=VILLAGE_A1),
        "g6": field.checkin("G6", "town", field.county.town_b, D(2019, 11, 6), at=TOWN_B, **picture),
    }


NOVEMBER = {"start": "2019-11-01", "end": "2019-11-30"}


def test_the_paired_cadre_lists_only_its_own_check_ins(field: Field, made: dict[str, CheckIn]) -> None:
    client = field.personas.client("paired_cadre")
    response = client.get(MINE, {"month": "2019-11"})
    html = response.content.decode()
    assert codes_in(html) == {made["g3"].code, made["g3_far"].code}
    assert "距离村5公里，超出2公里范围" in html
    assert re.search(r'data-testid="valid-days">1<', html)
    # The reviewers' list is not for a paired cadre, although its unit colleague G7 has check-ins.
    assert client.get(LIST, NOVEMBER).status_code == 403


def test_my_check_ins_count_valid_days_of_the_month(field: Field) -> None:
    a1 = field.county.village_a1
    for day, at in ((4, H1_POINT), (4, H1_POINT), (5, north_of(H1_POINT, 9000)), (7, H1_POINT)):
        field.checkin("G3", "household", a1, D(2019, 11, day), household="H1", at=at)
    field.checkin("G3", "village", a1, D(2019, 11, 8), at=VILLAGE_A1)
    field.checkin("G3", "village", a1, D(2019, 12, 1), at=VILLAGE_A1)
    html = field.personas.client("paired_cadre").get(MINE, {"month": "2019-11"}).content.decode()
    assert len(codes_in(html)) == 5
    assert re.search(r'data-testid="valid-days">3<', html)
    assert re.search(r'data-testid="household-days">2<', html)
    assert 'href="?month=2019-10"' in html and 'href="?month=2019-12"' in html


def test_a_user_without_a_cadre_has_no_check_ins_of_its_own(field: Field, made: dict[str, CheckIn]) -> None:
    html = field.personas.client("county_admin").get(MINE, {"month": "2019-11"}).content.decode()
    assert "您的账号未关联干部" in html and not codes_in(html)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"g3", "g3_far", "g7", "g6"}),
        ("county_leader", {"g3", "g3_far", "g7", "g6"}),
        ("town_official", {"g3", "g3_far", "g7"}),
        ("unit_user", {"g3", "g3_far", "g7"}),
        ("outsider", set()),
    ],
)
def test_reviewers_see_the_check_ins_of_their_area(
    field: Field, made: dict[str, CheckIn], persona: str, expected: set[str]
) -> None:
    response = field.personas.client(persona).get(LIST, NOVEMBER)
    assert response.status_code == 200
    assert codes_in(response.content.decode()) == {made[name].code for name in expected}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"verdict": "invalid"}, {"g3_far"}),
        ({"verdict": "valid", "kind": "household"}, {"g3"}),
        ({"town": "610727101000"}, {"g6"}),
        ({"town": "610727100000", "village": "610727100200", "kind": "village"}, {"g7"}),
        ({"start": "2019-11-05", "end": "2019-11-05"}, {"g3_far", "g7"}),
        ({"cadre": "郑书记"}, {"g7"}),
        ({"cadre": "G3"}, {"g3", "g3_far"}),
    ],
)
def test_the_reviewers_filters(
    field: Field, made: dict[str, CheckIn], filters: dict[str, str], expected: set[str]
) -> None:
    html = field.personas.client("county_admin").get(LIST, NOVEMBER | filters).content.decode()
    assert codes_in(html) == {made[name].code for name in expected}


def test_the_reviewers_list_shows_reasons_and_totals(field: Field, made: dict[str, CheckIn]) -> None:
    html = field.personas.client("town_official").get(LIST, NOVEMBER).content.decode()
    assert "距离村5公里，超出2公里范围" in html
    assert re.search(r"共 3 条，其中有效 <span[^>]*>2</span> 条、无效 <span[^>]*>1</span> 条", html)
    # Without dates the list shows this month, where there is nothing yet.
    assert not codes_in(field.personas.client("town_official").get(LIST).content.decode())


def test_list_pages_keep_to_a_query_ceiling(
    field: Field, made: dict[str, CheckIn], django_assert_max_num_queries: Any
) -> None:
    for day in range(10, 30):
        field.checkin(
            "G3", "household", field.county.village_a1, D(2019, 11, day), household="H1", at=H1_POINT
        )
    reviewer, cadre = field.personas.client("county_admin"), field.personas.client("paired_cadre")
    # Each page includes 2 queries for the navigation's unread reminders and notices.
    with django_assert_max_num_queries(12):
        assert len(codes_in(reviewer.get(LIST, NOVEMBER).content.decode())) == 24
    with django_assert_max_num_queries(11):
        assert len(codes_in(cadre.get(MINE, {"month": "2019-11"}).content.decode())) == 22
    with django_assert_max_num_queries(15):
        assert cadre.get(PAGE).status_code == 200


# -- photos ---------------------------------------------------------------------------------------
def photo_url(checkin: CheckIn) -> str:
    return reverse("fieldwork:checkin-photo", args=[checkin.code])


@pytest.mark.parametrize("persona", ["paired_cadre", "town_official", "county_admin"])
def test_a_photo_is_served_to_those_who_may_see_the_check_in(
    field: Field, made: dict[str, CheckIn], persona: str
) -> None:
    response = field.personas.client(persona).get(photo_url(made["g3"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["Cache-Control"] == "private, max-age=86400"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("public", 403)])
def test_a_photo_is_refused_to_other_users(
    field: Field, made: dict[str, CheckIn], persona: str, status: int
) -> None:
    assert field.personas.client(persona).get(photo_url(made["g3"])).status_code == status


def test_a_photo_of_another_towns_cadre_is_refused(field: Field, made: dict[str, CheckIn]) -> None:
    for persona in ("paired_cadre", "town_official", "work_team"):
        assert field.personas.client(persona).get(photo_url(made["g6"])).status_code == 404
    assert Client().get(photo_url(made["g3"])).status_code == 302  # to the login page
    # No photo, or no such check-in: nothing to serve.
    client = field.personas.client("paired_cadre")
    assert client.get(photo_url(made["g3_far"])).status_code == 404
    assert client.get(reverse("fieldwork:checkin-photo", args=["CK0000"])).status_code == 404


def test_photos_are_not_under_a_public_media_url(field: Field, made: dict[str, CheckIn]) -> None:
    html = field.personas.client("paired_cadre").get(MINE, {"month": "2019-11"}).content.decode()
    assert photo_url(made["g3"]) in html and "/media/" not in html
    assert field.personas.client("county_admin").get(f"/media/{made['g3'].photo.name}").status_code == 404


def test_a_cadre_without_assignments_is_told_where_it_cannot_check_in(field: Field) -> None:
    # 周镇长 (G5, the town official) has a login and a cadre, but no pairing, work team or town.
    html = field.personas.client("town_official").get(PAGE).content.decode()
    assert html.count('autocomplete="off" disabled') == 3
    assert "您当天没有可入户打卡的地点（未安排结对帮扶或驻村）" in html
    assert post(field.personas.client("town_official")).json()["field_errors"] == {
        "household": "所选农户不在您当天可入户的农户中"
    }

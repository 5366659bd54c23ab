"""The compliance pages as each persona sees them: the board, the list of cadres who fall short and
its Excel export (the same rows as the page), a cadre's calendar, the revalidation button, and the
query budget that does not grow with the number of cadres."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fupin.conftest import add_cadre
from fupin.duty.models import Pairing
from fupin.duty.tests.conftest import make_household
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.tests.conftest import Field, north_of
from fupin.fieldwork.tests.test_compliance import TOWN_A_CODE, build_october

D = dt.date
BOARD = reverse("fieldwork:compliance")
EXPORT = reverse("fieldwork:compliance-export")
REVALIDATE = reverse("fieldwork:compliance-revalidate")
OCTOBER = {"month": "2019-10"}


@pytest.fixture
def october(field: Field) -> Field:
    return build_october(field)


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def page_rows(text: str) -> list[list[str]]:
    """The shortfall table's rows, cell by cell, as plain text."""
    table = text.split('data-table="shortfall"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r'<tr data-row="[^"]*">(.*?)</tr>', table, re.S):
        cells = re.findall(r"<td data-cell[^>]*>(.*?)</td>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def row_keys(text: str) -> list[tuple[str, str]]:
    return [(row[0], row[4]) for row in page_rows(text)]


def test_county_admin_sees_the_board_and_the_shortfall_list(october: Field) -> None:
    text = body(october.personas.client("county_admin").get(BOARD, OCTOBER))
    assert "略阳县 · 2019年10月" in text
    assert re.search(
        r'data-category="paired_cadre".*?data-figure="cadres">5<.*?data-figure="met">1<', text, re.S
    )
    assert 'data-figure="rate" class="fw-bold">20.0%<' in text
    assert row_keys(text) == [
        ("G1", "县级领导"),
        ("G1", "帮扶干部"),
        ("G2", "帮扶干部"),
        ("G4", "帮扶干部"),
        ("G5", "帮扶干部"),
    ]
    assert "在多个乡镇有安排的干部在每个乡镇各计一次（本月 1 人）" in text
    # Drill-down links: a unit's, a town's and a cadre's.
    assert "unit=U1#shortfall" in text and f"town={TOWN_A_CODE}&show=all#shortfall" in text
    assert reverse("fieldwork:compliance-cadre", args=["G1"]) in text
    assert 'data-action="revalidate"' in text


def test_filters_on_the_page(october: Field) -> None:
    client = october.personas.client("office_staff")
    text = body(client.get(BOARD, {**OCTOBER, "town": TOWN_A_CODE, "show": "all"}))
    assert row_keys(text) == [("G3", "帮扶干部"), ("G4", "帮扶干部")]
    assert page_rows(text)[0][-1] == "达标"
    text = body(client.get(BOARD, {**OCTOBER, "unit": "U1", "category": "paired_cadre"}))
    assert row_keys(text) == [("G1", "帮扶干部"), ("G2", "帮扶干部")]


def test_unit_user_sees_only_its_units_cadres(october: Field) -> None:
    text = body(october.personas.client("unit_user").get(BOARD, {**OCTOBER, "show": "all"}))
    assert [key[0] for key in row_keys(text)] == ["G3", "G4"]
    assert 'data-unit="U1"' not in text
    assert 'data-action="revalidate"' not in text
    # A cadre of another unit is not theirs to open.
    assert (
        october.personas.client("unit_user")
        .get(reverse("fieldwork:compliance-cadre", args=["G1"]), OCTOBER)
        .status_code
        == 404
    )


def test_town_official_sees_only_its_town(october: Field) -> None:
    client = october.personas.client("town_official")
    text = body(client.get(BOARD, {**OCTOBER, "show": "all"}))
    assert "兴州街道 · 2019年10月" in text
    assert [key[0] for key in row_keys(text)] == ["G3", "G4"]
    assert re.findall(r'data-town="(\w+)"', text) == [TOWN_A_CODE]
    assert client.get(BOARD, {**OCTOBER, "area": "610727000000"}).status_code == 404
    assert client.get(reverse("fieldwork:compliance-cadre", args=["G1"]), OCTOBER).status_code == 404
    assert client.get(reverse("fieldwork:compliance-cadre", args=["G4"]), OCTOBER).status_code == 200


def test_outsider_sees_nothing_of_the_county(october: Field) -> None:
    client = october.personas.client("outsider")
    text = body(client.get(BOARD, {**OCTOBER, "show": "all"}))
    assert "宁强县" in text
    assert not {"G1", "G2", "G3", "G4", "G5"} & {key[0] for key in row_keys(text)}
    assert client.get(BOARD, {**OCTOBER, "area": "610727000000"}).status_code == 404
    assert client.get(EXPORT, {**OCTOBER, "area": "610727000000"}).status_code == 404
    assert client.get(reverse("fieldwork:compliance-cadre", args=["G3"]), OCTOBER).status_code == 404


@pytest.mark.parametrize("persona", ["public"])
def test_public_is_refused(october: Field, persona: str) -> None:
    client = october.personas.client(persona)
    for url in (
        BOARD,
        EXPORT,
        reverse("fieldwork:compliance-cadre", args=["G3"]),
        reverse("fieldwork:reminders"),
    ):
        assert client.get(url, OCTOBER).status_code == 403
    assert client.post(REVALIDATE, OCTOBER).status_code == 403


@pytest.mark.parametrize("persona", ["work_team", "paired_cadre"])
def test_field_cadres_have_no_board_but_their_own_calendar(october: Field, persona: str) -> None:
    client = october.personas.client(persona)
    assert client.get(BOARD, OCTOBER).status_code == 403
    mine = client.get(reverse("fieldwork:compliance-mine"), OCTOBER)
    assert mine.status_code == 302
    assert client.get(mine["Location"]).status_code == 200
    assert client.get(reverse("fieldwork:compliance-cadre", args=["G4"]), OCTOBER).status_code == 404


def test_the_calendar_of_a_month_with_its_straddling_weeks(october: Field) -> None:
    url = reverse("fieldwork:compliance-cadre", args=["G1"])
    text = body(october.personas.client("county_leader").get(url, OCTOBER))
    weeks = re.findall(r'data-week="([\d-]+)"', text)
    assert weeks[0] == "2019-09-30" and weeks[-1] == "2019-10-28"

    def day(date: str) -> str:
        return text.split(f'data-day="{date}"', 1)[1].split('<div class="cal-day', 1)[0]

    assert "驻镇" in day("2019-09-30") and "data-valid" in day("2019-09-30")
    assert "驻镇无效：定位精度为0，疑似虚拟定位" in day("2019-10-09")
    assert "data-leave" in day("2019-10-03") and "data-leave" not in day("2019-10-05")
    assert "驻村" in day("2019-11-02")
    judged = re.findall(r'data-judged="county_leader">县级领导 (\d)/3天', text)
    assert judged == ["2", "2", "3", "3", "3"]
    assert "本月 帮扶干部：0 / 8 天" in text and "差 8 天" in text
    assert "本月请假 3 天" in text


def test_several_checkins_on_a_day_show_as_one_day_with_a_count(october: Field) -> None:
    url = reverse("fieldwork:compliance-cadre", args=["G4"])
    text = body(october.personas.client("county_admin").get(url, OCTOBER))
    assert re.search(r'data-day="2019-10-09".*?入户×2', text, re.S)
    assert "本月 帮扶干部：7 / 8 天" in text


def test_the_export_is_the_list_the_page_shows(october: Field) -> None:
    client = october.personas.client("county_admin")
    for params in ({}, {"show": "all"}, {"unit": "U1"}, {"town": "none"}):
        text = body(client.get(BOARD, {**OCTOBER, **params}))
        response = client.get(EXPORT, {**OCTOBER, **params})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert (
            sheet["A1"].value == f"略阳县2019年10月考勤{'情况' if params.get('show') else '未达标干部名单'}"
        )
        header = [cell.value for cell in sheet[3]]
        assert header[:3] == ["干部编号", "姓名", "单位"] and header[-1] == "状态"
        exported = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(min_row=4, values_only=True)
        ]
        assert exported == page_rows(text)
        assert sheet.freeze_panes == "C4"
        assert sheet.column_dimensions["G"].width > 40


def test_the_board_reads_a_fixed_number_of_queries(
    october: Field, django_assert_max_num_queries: Any
) -> None:
    client = october.personas.client("county_admin")
    client.get(BOARD, OCTOBER)  # warm the session and the scope

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD, {**OCTOBER, "show": "all"}).status_code == 200
        return len(queries)

    before = count()
    _add_cadres(october, 30)
    after = count()
    assert after == before
    with django_assert_max_num_queries(20):
        client.get(BOARD, {**OCTOBER, "show": "all"})
    with django_assert_max_num_queries(22):
        client.get(EXPORT, {**OCTOBER, "show": "all"})
    with django_assert_max_num_queries(14):
        client.get(reverse("fieldwork:compliance-cadre", args=["G1"]), OCTOBER)


def _add_cadres(field: Field, how_many: int) -> None:
    """More paired cadres of the agriculture bureau, each paired in village A1 with a few visits."""
    village = field.county.village_a1
    checkins = []
    for number in range(how_many):
        cadre = add_cadre(
            f"X{number:03d}", f"干部{number}", field.county.agriculture, ["paired_cadre"], 100 + number
        )
        household = make_household(f"H{500 + number}", village)
        Pairing.objects.create(cadre=cadre, household=household, start_date=D(2019, 1, 1))
        for day in range(1, 1 + number % 10):
            checkins.append(
                CheckIn(
                    code=f"X{number}-{day}",
                    cadre=cadre,
                    date=D(2019, 10, day),
                    kind=CheckInKind.HOUSEHOLD,
                    area=village,
                    area_code=village.code,
                    household=household,
                    source=CheckInSource.LEDGER,
                    valid=day % 4 != 0,
                    invalid_reason="" if day % 4 else "定位精度为0，疑似虚拟定位",
                )
            )
    CheckIn.objects.bulk_create(checkins)


@pytest.mark.parametrize("persona", ["county_admin", "office_staff"])
def test_managers_revalidate_the_month(
    october: Field, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    from fupin.areas.models import CountySetting

    # A visit 2.5 km from H1: invalid under the 2 km radius; the county then widens it to 3 km.
    far = october.checkin(
        "G3", CheckInKind.HOUSEHOLD, october.county.village_a1, D(2019, 10, 28),
        household="H1", at=north_of((Decimal("106.172000"), Decimal("33.342000")), 2500),
    )  # fmt: skip
    assert not far.valid
    CountySetting.objects.create(county=october.county.county, name="checkin_radius_m", value=3000)
    client = october.personas.client(persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REVALIDATE, {**OCTOBER, "area": "610727000000"}, follow=True)
    text = body(response)
    assert "已开始按当前规则重新核验略阳县2019-09-30至2019-11-03的打卡" in text
    far.refresh_from_db()
    assert far.valid


@pytest.mark.parametrize(
    "persona", ["county_leader", "town_official", "unit_user", "paired_cadre", "outsider"]
)
def test_only_managers_may_revalidate(
    october: Field, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = october.personas.client(persona)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(REVALIDATE, {**OCTOBER, "area": "610727000000"})
    assert response.status_code in (403, 404)
    assert callbacks == []

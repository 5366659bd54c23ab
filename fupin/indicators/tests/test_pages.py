"""The indicator pages by persona: who may enter, who sees the approval board and the report, that
errors are shown on the form naming the indicator, that a stale form is refused on the page, and
the Excel exports."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.audit import Actor
from fupin.core.roles import Role
from fupin.indicators.models import DataValue, Report, ReportStatus
from fupin.indicators.services.approval import report_submit
from fupin.indicators.tests.conftest import Ind
from fupin.people.services import account_create

pytestmark = pytest.mark.django_db

A1 = "610727100200"


def entry_url(ind: Ind, area: str = A1, period: int = 11, **extra: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"area": area, "year": 2019, "period": period, **extra}.items())
    return f"{reverse('indicators:entry', args=[ind.village_set.code])}?{query}"


def post_entry(client: Client, url: str, version: int, **values: str) -> Any:
    data = {"version": str(version)} | {f"v_{k}": v for k, v in values.items()}
    return client.post(url, data)


def test_work_team_enters_saves_and_submits_its_village(ind: Ind) -> None:
    client = ind.personas.client("work_team")
    url = entry_url(ind)
    page = client.get(url)
    assert page.status_code == 200 and "村集体经济收入" in page.content.decode()
    response = post_entry(client, url, 0, CJ01="12.5", CJ02="3", CJ03="40")
    assert response.status_code == 302
    report = Report.objects.get()
    assert DataValue.objects.get(indicator__code="CJ01").value == Decimal("12.5")
    client.post(reverse("indicators:report-action", args=[report.pk, "submit"]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    body = client.get(url).content.decode()
    assert "数据已锁定" in body and "readonly" in body


def test_rule_error_is_shown_naming_both_indicators_and_nothing_saved(ind: Ind) -> None:
    client = ind.personas.client("work_team")
    response = post_entry(client, entry_url(ind), 0, CJ01="1", CJ02="50", CJ03="40")
    body = response.content.decode()
    assert "“公益岗位在岗人数”（50）不应大于“脱贫劳动力人数”（40）" in body
    assert not DataValue.objects.exists()


def test_not_a_number_is_refused_naming_the_indicator(ind: Ind) -> None:
    response = post_entry(ind.personas.client("work_team"), entry_url(ind), 0, CJ01="十二")
    assert "“村集体经济收入”应为数字" in response.content.decode()


def test_a_stale_page_is_refused(ind: Ind) -> None:
    client = ind.personas.client("work_team")
    post_entry(client, entry_url(ind), 0, CJ01="1")
    response = post_entry(client, entry_url(ind), 0, CJ01="2")
    assert "已被他人修改" in response.content.decode()
    assert DataValue.objects.get().value == Decimal(1)


@pytest.mark.parametrize("persona", ["work_team", "town_official", "office_staff", "county_admin"])
def test_entry_roles_may_write_inside_their_area(ind: Ind, persona: str) -> None:
    response = post_entry(ind.personas.client(persona), entry_url(ind), 0, CJ01="3")
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["county_leader", "unit_user", "paired_cadre"])
def test_other_roles_only_read_the_form(ind: Ind, persona: str) -> None:
    client = ind.personas.client(persona)
    body = client.get(entry_url(ind)).content.decode()
    assert "您只能查看该报表" in body
    post_entry(client, entry_url(ind), 0, CJ01="3")
    assert not DataValue.objects.exists()


def test_work_team_cannot_open_another_village_nor_the_outsider_this_county(ind: Ind) -> None:
    assert ind.personas.client("work_team").get(entry_url(ind, area="610727101200")).status_code == 404
    assert ind.personas.client("outsider").get(entry_url(ind)).status_code == 404


def test_approval_board_shows_who_submitted_and_the_town_approves(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 5})
    report_submit(actor=SYSTEM, scope=EVERYTHING, report=report, expected_version=report.version)
    client = ind.personas.client("town_official")
    url = reverse("indicators:approvals", args=[ind.village_set.code]) + "?year=2019&period=11"
    body = client.get(url).content.decode()
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', body))
    assert figures == {"expected": "2", "entered": "1", "submitted": "1", "approved": "0"}
    assert "未填报" in body  # 石门沟村
    report.refresh_from_db()
    client.post(
        reverse("indicators:report-action", args=[report.pk, "approve"]),
        {"version": report.version, "next": url},
    )
    report.refresh_from_db()
    assert (report.status, report.approved_level) == (ReportStatus.APPROVED, "town")


def test_the_submitter_sees_no_approve_button_but_why(ind: Ind) -> None:
    """A town official who filled and submitted a village's form for it may not approve it: the
    board and the form hide the button and say why; another town official of the town may."""
    official = ind.personas.users["town_official"]
    scope = ind.scope("town_official")
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 5}, scope=scope)
    report_submit(actor=Actor.of(official), scope=scope, report=report, expected_version=report.version)
    client = ind.personas.client("town_official")
    url = reverse("indicators:approvals", args=[ind.village_set.code]) + "?year=2019&period=11"
    row = client.get(url).content.decode().split(f'data-area="{A1}"')[1].split("</tr>")[0]
    assert "审核通过" not in row and "本人上报，须由他人审核" in row
    form = client.get(entry_url(ind)).content.decode()
    assert "审核通过" not in form and "本人上报，须由他人审核" in form
    # Another official of the town sees the button and approves.
    colleague = account_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        username="town_official_2",
        password="x-Passw0rd!",
        role=Role.TOWN_OFFICIAL,
        area=ind.county.town_a,
        unit=ind.county.town_a_gov,
    ).user
    other = Client()
    other.force_login(colleague)
    row = other.get(url).content.decode().split(f'data-area="{A1}"')[1].split("</tr>")[0]
    assert "审核通过" in row and "本人上报" not in row


@pytest.mark.parametrize("persona", ["work_team", "unit_user", "paired_cadre"])
def test_board_and_report_are_for_area_wide_accounts(ind: Ind, persona: str) -> None:
    client = ind.personas.client(persona)
    assert client.get(reverse("indicators:approvals", args=[ind.village_set.code])).status_code == 403
    assert client.get(reverse("indicators:report")).status_code == 403


def test_town_report_cannot_reach_another_town(ind: Ind) -> None:
    client = ind.personas.client("town_official")
    assert client.get(reverse("indicators:report") + "?area=610727101000").status_code == 404
    assert (
        client.get(reverse("indicators:report") + "?area=610727100000&year=2019&month=3").status_code == 200
    )


def test_report_page_and_excel_show_ytd_plan_completion_and_growth(ind: Ind) -> None:
    a1 = ind.county.village_a1
    for month in (1, 2, 3):
        ind.enter(a1, 2019, month, {"CJ01": 10})
        ind.enter(a1, 2018, month, {"CJ01": 8})
    ind.enter(a1, 2019, 0, {"CJ01": 60}, kind="plan")
    client = ind.personas.client("county_admin")
    body = client.get(reverse("indicators:report") + "?area=610727100200&year=2019&month=3").content.decode()
    row = re.search(r'data-indicator="CJ01">(.*?)</tr>', body, re.S)
    assert row is not None
    assert "30.00" in row.group(1) and "50.0%" in row.group(1) and "25.0%" in row.group(1)
    assert "vendor/echarts/echarts.min.js" in body
    export = client.get(reverse("indicators:report-export") + "?area=610727100200&year=2019&month=3")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert ["村集体经济收入", "万元", 30.0, 60.0, "50.0%", 24.0, "25.0%", 0] in lines


def test_data_set_export_is_the_ledger_and_only_the_scope(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 10})
    ind.enter(ind.county.village_b1, 2019, 11, {"CJ01": 7})
    export = ind.personas.client("town_official").get(
        reverse("indicators:data-set-export", args=[ind.village_set.code]) + "?year=2019"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["指标编码", "区划代码", "期间", "类型", "数值", "说明"],
        ["CJ01", A1, "2019-11", "实际值", 10, None],
    ]


def test_api_serves_the_report_and_the_projects_in_scope(ind: Ind) -> None:
    for month in (1, 2):
        ind.enter(ind.county.village_a1, 2019, month, {"CJ02": 4, "CJ03": 9})
    client = ind.personas.client("town_official")
    answer = client.get("/api/indicators/report/?year=2019&month=3").json()
    jobs = next(row for row in answer["indicators"] if row["code"] == "CJ02")
    assert jobs["ytd"] == 4.0  # a stock: February's value, not 8
    assert {"area": A1, "period": 3} in jobs["missing"]
    assert client.get("/api/indicators/report/?area=610727101000&year=2019&month=3").status_code == 404
    assert (
        ind.personas.client("work_team").get("/api/indicators/report/?year=2019&month=3").status_code == 403
    )
    assert client.get("/api/projects/?year=2019&month=3").json()["projects"] == []
    assert client.get("/api/projects/").status_code == 400


def test_the_form_shows_the_previous_period_beside_each_field(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 10, {"CJ01": "8.5"})
    ind.enter(ind.county.village_a1, 2018, 12, {"CJ01": "7"})
    client = ind.personas.client("work_team")
    assert 'data-testid="previous-CJ01">上期 8.50<' in client.get(entry_url(ind)).content.decode()
    assert 'data-testid="previous-CJ01">上期 7.00<' in client.get(entry_url(ind, period=1)).content.decode()


def test_the_report_names_the_missing_months(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 1, {"CJ01": 1})
    ind.enter(ind.county.village_a1, 2019, 3, {"CJ01": 1})
    body = (
        ind.personas.client("town_official")
        .get(reverse("indicators:report") + "?year=2019&month=3")
        .content.decode()
    )
    row = re.search(r'data-indicator="CJ01">(.*?)</tr>', body, re.S)
    assert row is not None
    assert "黄家坝村2月" in row.group(1) and "石门沟村1月" in row.group(1)

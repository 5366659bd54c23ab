"""每月驻镇工作汇报: a leader's draft, submission and reopening, every refusal, the month's board per
persona, and the Word exports opened again with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION

from fupin.conftest import add_cadre
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import TownStayReport
from fupin.fieldwork.selectors.reports import town_stay_board
from fupin.fieldwork.services.reports import town_stay_report_reopen, town_stay_report_save
from fupin.fieldwork.tests.factories import (
    STAFF,
    D,
    _fast_password_hashers,
    figures,
    fits_the_phone,
    fw,
    phone,
    sign_in,
)
from fupin.fieldwork.tests.factories import FieldSetup as Field

__all__ = ["_fast_password_hashers", "fw", "phone"]

MAY = D(2024, 5, 1)
WORK = "走访贫困户12户\n召开村两委会议2次"


@pytest.fixture
def leaders(fw: Field) -> Field:
    """G1 (the county_leader persona) leads town A from 2024; G8, a second county leader, town B."""
    c = fw.county
    add_cadre("G8", "王副县长", c.office_unit, ["county_leader"], 8)
    fw.lead("G1", c.town_a, D(2024, 1, 1))
    fw.lead("G8", c.town_b, D(2024, 1, 1))
    return fw


def save(
    fw: Field, persona: str = "county_leader", *, version: int | None = None, **changes: Any
) -> TownStayReport:
    fields: dict[str, Any] = {
        "month": MAY,
        "days_in_town": 9,
        "work_done": WORK,
        "problems_found": "饮水管道老化",
        "problems_solved": "协调水利局更换管道",
        "next_steps": "推进产业项目",
    }
    return town_stay_report_save(
        actor=fw.actor(persona), scope=fw.scope(persona), expected_version=version, **(fields | changes)
    )


def save_as(fw: Field, code: str, **changes: Any) -> TownStayReport:
    """A report by a leader without a persona login."""
    scope = fw.cadre_scope(code, fw.county.county)
    return town_stay_report_save(
        actor=fw.actor("county_admin"),
        scope=scope,
        month=MAY,
        days_in_town=changes.pop("days_in_town", 6),
        work_done=changes.pop("work_done", "督导危房改造"),
        expected_version=None,
        **changes,
    )


# -- draft, submit, reopen ------------------------------------------------------------------------
def test_a_leader_saves_a_draft_on_the_town_led_that_month(leaders: Field) -> None:
    report = save(leaders)
    assert report.town == leaders.county.town_a and report.month == MAY and report.submitted_at is None
    entry = ChangeLog.objects.get(object_type="fieldwork.townstayreport", object_id=report.pk)
    assert entry.action == "create" and entry.after["驻镇天数"] == 9 and entry.after["已提交"] is False
    edited = save(leaders, version=1, days_in_town=10)
    assert edited.pk == report.pk and edited.days_in_town == 10 and edited.version == 2


def test_a_draft_is_edited_with_the_version_read(leaders: Field) -> None:
    save(leaders)
    with pytest.raises(ConflictError, match="请刷新后重新编辑"):
        save(leaders, version=None, days_in_town=3)  # a second "new" report of the month
    save(leaders, version=1, days_in_town=4)
    with pytest.raises(ConflictError):
        save(leaders, version=1, days_in_town=5)
    assert TownStayReport.objects.get().days_in_town == 4


def test_a_submitted_report_is_closed_until_a_county_admin_reopens_it(leaders: Field) -> None:
    submitted = save(leaders, submit=True)
    assert submitted.submitted_at is not None
    with pytest.raises(ApplicationError, match="该汇报已提交，不能再修改"):
        save(leaders, version=submitted.version, days_in_town=1)
    reopened = town_stay_report_reopen(
        actor=leaders.actor("county_admin"),
        scope=leaders.scope("county_admin"),
        report=submitted,
        expected_version=submitted.version,
    )
    assert reopened.submitted_at is None
    log = ChangeLog.objects.filter(object_id=submitted.pk, object_type="fieldwork.townstayreport")
    assert log.order_by("-id").first().after["已提交"] is False  # type: ignore[union-attr]
    assert save(leaders, version=reopened.version, days_in_town=1).days_in_town == 1


@pytest.mark.parametrize("persona", ["office_staff", "county_leader", "town_official", "outsider"])
def test_only_a_county_admin_reopens(leaders: Field, persona: str) -> None:
    submitted = save(leaders, submit=True)
    with pytest.raises(PermissionDenied, match="只有县级管理员可以退回"):
        town_stay_report_reopen(
            actor=leaders.actor(persona),
            scope=leaders.scope(persona),
            report=submitted,
            expected_version=None,
        )
    assert TownStayReport.objects.get().submitted_at is not None


def test_a_draft_is_not_reopened(leaders: Field) -> None:
    draft = save(leaders)
    with pytest.raises(ApplicationError, match="该汇报尚未提交，无需退回"):
        town_stay_report_reopen(
            actor=leaders.actor("county_admin"),
            scope=leaders.scope("county_admin"),
            report=draft,
            expected_version=1,
        )


# -- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "message"),
    [
        ("paired_cadre", "只有县级领导填写每月驻镇工作汇报"),
        ("work_team", "只有县级领导填写每月驻镇工作汇报"),
        ("county_admin", "未关联干部"),
        ("office_staff", "未关联干部"),
    ],
)
def test_only_county_leaders_write_reports(leaders: Field, persona: str, message: str) -> None:
    with pytest.raises(PermissionDenied, match=message):
        save(leaders, persona)


def test_a_leader_without_a_town_that_month_has_nothing_to_report(leaders: Field) -> None:
    with pytest.raises(ApplicationError, match="您2023年12月没有包联乡镇"):
        save(leaders, month=D(2023, 12, 1))


def test_no_report_on_a_month_still_to_come(leaders: Field) -> None:
    next_month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with pytest.raises(ApplicationError, match="不能填写未来月份的驻镇汇报"):
        save(leaders, month=next_month)


def test_days_in_town_fit_the_month_and_work_done_is_required(leaders: Field) -> None:
    with pytest.raises(ApplicationError, match="驻镇天数应在0到29天之间"):
        save(leaders, month=D(2024, 2, 1), days_in_town=30)
    assert save(leaders, month=D(2024, 2, 1), days_in_town=29).days_in_town == 29
    with pytest.raises(ApplicationError, match="请填写主要工作"):
        save(leaders, work_done="  ")


def test_the_town_is_one_the_leader_leads_that_month(leaders: Field) -> None:
    with pytest.raises(ApplicationError, match="接官亭镇不是您2024年5月包联的乡镇"):
        save(leaders, town=leaders.county.town_b)
    # Leading two towns in a month, the leader says which one the report is on.
    leaders.lead("G1", leaders.county.town_b, D(2024, 5, 20))
    with pytest.raises(ApplicationError, match="请选择汇报的乡镇"):
        save(leaders)
    assert save(leaders, town=leaders.county.town_b).town == leaders.county.town_b


# -- the board ------------------------------------------------------------------------------------
BOARD_ROWS = {
    "county_admin": {"G1", "G8"},
    "office_staff": {"G1", "G8"},
    "county_leader": {"G1", "G8"},
    "town_official": {"G1"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", STAFF)
def test_the_board_of_each_persona(leaders: Field, persona: str) -> None:
    save(leaders, submit=True)
    client = leaders.client(persona)
    response = client.get("/fieldwork/town-stay/", {"month": "2024-05"})
    detail = client.get("/fieldwork/town-stay/reports/G1/2024-05/")
    if persona not in BOARD_ROWS:
        assert response.status_code == 403
        assert detail.status_code == 404
        return
    body = response.content.decode()
    rows = BOARD_ROWS[persona]
    assert figures(body) == {
        "submitted": int("G1" in rows),
        "total": len(rows),
        "drafts": 0,
        "missing": len(rows) - int("G1" in rows),
    }
    assert ('data-leader="G8" data-status="missing"' in body) is ("G8" in rows)
    assert detail.status_code == (200 if "G1" in rows else 404)


def test_the_public_gets_nothing(leaders: Field) -> None:
    save(leaders, submit=True)
    client = leaders.client("public")
    for url in (
        "/fieldwork/town-stay/",
        "/fieldwork/town-stay/mine/",
        "/fieldwork/town-stay/2024-05.docx",
        "/fieldwork/town-stay/reports/G1/2024-05/",
        "/fieldwork/town-stay/reports/G1/2024-05.docx",
    ):
        assert client.get(url).status_code == 403, url


def test_the_board_counts_filters_and_keeps_drafts_private(leaders: Field) -> None:
    save(leaders)  # G1's draft
    board = town_stay_board(leaders.scope("county_admin"), MAY)
    assert (board.total, board.submitted, board.drafts, board.missing) == (2, 0, 1, 1)
    client = leaders.client("county_admin")
    body = client.get("/fieldwork/town-stay/", {"month": "2024-05"}).content.decode()
    assert (
        '已提交 <strong data-figure="submitted">0</strong> / 应报 <strong data-figure="total">2</strong>'
        in body
    )
    assert 'data-leader="G1" data-status="draft"' in body and "赵县长" in body and "王副县长" in body
    assert 'href="/fieldwork/town-stay/reports/G1/2024-05/"' not in body  # a draft is the leader's own
    assert client.get("/fieldwork/town-stay/reports/G1/2024-05/").status_code == 404
    missing = client.get("/fieldwork/town-stay/", {"month": "2024-05", "status": "missing"}).content.decode()
    assert "王副县长" in missing and "赵县长" not in missing
    town_b = client.get(
        "/fieldwork/town-stay/", {"month": "2024-05", "town": "610727101000"}
    ).content.decode()
    assert figures(town_b)["total"] == 1 and "王副县长" in town_b and "赵县长" not in town_b
    # A month before anyone led a town lists nobody; a leader whose assignment ended is left out.
    assert figures(client.get("/fieldwork/town-stay/", {"month": "2023-12"}).content.decode())["total"] == 0
    leaders.lead("G1", leaders.county.town_b, D(2023, 6, 1), D(2023, 12, 15))
    december = client.get("/fieldwork/town-stay/", {"month": "2023-12"}).content.decode()
    assert figures(december)["total"] == 1 and "赵县长" in december


def test_the_board_keeps_a_query_budget(leaders: Field, django_assert_max_num_queries: Any) -> None:
    for n in range(10, 20):
        add_cadre(f"L{n}", f"领导{n}", leaders.county.office_unit, ["county_leader"], n)
        leaders.lead(f"L{n}", leaders.county.town_b, D(2024, 1, 1))
    save(leaders, submit=True)
    client = leaders.client("county_admin")
    with django_assert_max_num_queries(10):
        body = client.get("/fieldwork/town-stay/", {"month": "2024-05"}).content.decode()
    assert figures(body)["total"] == 12 and figures(body)["submitted"] == 1


# -- the pages ------------------------------------------------------------------------------------
def test_the_leader_writes_saves_and_submits_on_the_page(leaders: Field) -> None:
    client = leaders.client("county_leader")
    form = client.get("/fieldwork/town-stay/mine/2024-05/").content.decode()
    assert "兴州街道" in form and "保存草稿" in form
    data = {
        "days_in_town": "8",
        "work_done": "入户走访",
        "problems_found": "",
        "problems_solved": "",
        "next_steps": "",
    }
    assert client.post("/fieldwork/town-stay/mine/2024-05/", data | {"action": "save"}).status_code == 302
    report = TownStayReport.objects.get()
    assert report.submitted_at is None and report.work_done == "入户走访"
    submit = data | {"action": "submit", "version": str(report.version), "days_in_town": "12"}
    response = client.post("/fieldwork/town-stay/mine/2024-05/", submit)
    assert response["Location"] == "/fieldwork/town-stay/reports/G1/2024-05/"
    report.refresh_from_db()
    assert report.submitted_at is not None and report.days_in_town == 12
    again = client.get("/fieldwork/town-stay/mine/2024-05/").content.decode()
    assert "该汇报已于" in again and "保存草稿" not in again
    refused = client.post("/fieldwork/town-stay/mine/2024-05/", submit | {"version": "2"}).content.decode()
    assert "该汇报已提交，不能再修改" in refused
    mine = client.get("/fieldwork/town-stay/mine/").content.decode()
    assert 'data-month="2024-05"' in mine and "已提交" in mine
    too_many = client.post(
        "/fieldwork/town-stay/mine/2024-02/", data | {"days_in_town": "30", "action": "save"}
    )
    assert "驻镇天数应在0到29天之间" in too_many.content.decode()


def test_the_county_admin_reopens_on_the_page(leaders: Field) -> None:
    report = save(leaders, submit=True)
    page = leaders.client("office_staff").get("/fieldwork/town-stay/reports/G1/2024-05/").content.decode()
    assert 'id="reopen"' not in page and "走访贫困户12户" in page
    admin = leaders.client("county_admin")
    assert 'id="reopen"' in admin.get("/fieldwork/town-stay/reports/G1/2024-05/").content.decode()
    forbidden = leaders.client("office_staff").post(
        "/fieldwork/town-stay/reports/G1/2024-05/reopen/", {"version": report.version}
    )
    assert forbidden.status_code == 403
    admin.post("/fieldwork/town-stay/reports/G1/2024-05/reopen/", {"version": report.version})
    assert TownStayReport.objects.get().submitted_at is None


# -- Word -----------------------------------------------------------------------------------------
def open_docx(content: bytes) -> Any:
    return Document(io.BytesIO(content))


def test_one_report_exports_to_word(leaders: Field) -> None:
    save(leaders, submit=True)
    response = leaders.client("county_admin").get("/fieldwork/town-stay/reports/G1/2024-05.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert response["Content-Disposition"] == 'attachment; filename="town-stay-G1-2024-05.docx"'
    paragraphs = [(p.style.name, p.text) for p in open_docx(response.content).paragraphs]
    assert paragraphs[0] == ("Title", "赵县长2024年5月驻镇工作汇报")
    texts = [text for _, text in paragraphs]
    for line in ("县级领导：赵县长", "包联乡镇：兴州街道", "汇报月份：2024年5月", "驻镇天数：9天"):
        assert line in texts
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["一、主要工作", "二、发现的问题", "三、解决的问题", "四、下月打算"]
    start = texts.index("一、主要工作")
    assert texts[start + 1 : start + 3] == ["走访贫困户12户", "召开村两委会议2次"]
    assert texts[texts.index("四、下月打算") + 1] == "推进产业项目"


def test_the_month_exports_to_word_one_report_a_section(leaders: Field) -> None:
    save(leaders, submit=True)
    save_as(leaders, "G8", submit=True, problems_found="")
    response = leaders.client("office_staff").get("/fieldwork/town-stay/2024-05.docx")
    document = open_docx(response.content)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "2024年5月县级领导驻镇工作汇报汇编"
    assert "已提交2份，应报2份。" in texts
    assert len(document.sections) == 3
    assert all(section.start_type == WD_SECTION.NEW_PAGE for section in document.sections[1:])
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles == ["赵县长2024年5月驻镇工作汇报", "王副县长2024年5月驻镇工作汇报"]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"].count("一、主要工作") == 2
    g8 = texts.index("王副县长2024年5月驻镇工作汇报")
    assert "包联乡镇：接官亭镇" in texts[g8:] and texts[texts.index("二、发现的问题", g8) + 1] == "无。"
    # The town official of town A binds only the report on town A, of one expected.
    town = open_docx(leaders.client("town_official").get("/fieldwork/town-stay/2024-05.docx").content)
    town_texts = [p.text for p in town.paragraphs]
    assert "已提交1份，应报1份。" in town_texts and "王副县长2024年5月驻镇工作汇报" not in town_texts
    assert leaders.client("paired_cadre").get("/fieldwork/town-stay/2024-05.docx").status_code == 403


# -- on a phone -----------------------------------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_write_and_read_reports_on_a_phone(phone: Any, live_server: Any, leaders: Field) -> None:
    base = live_server.url
    page = phone
    sign_in(page, base, "county_leader")
    page.goto(f"{base}/fieldwork/town-stay/mine/2024-05/")
    assert fits_the_phone(page)
    page.get_by_label("驻镇天数").fill("9")
    page.get_by_label("主要工作").fill("走访贫困户12户")
    page.get_by_role("button", name="提交汇报").click()
    page.get_by_text("汇报已提交。").wait_for()
    assert "走访贫困户12户" in page.inner_text("#work_done") and fits_the_phone(page)
    sign_in(page, base, "office_staff")
    page.goto(f"{base}/fieldwork/town-stay/?month=2024-05")
    assert page.locator('[data-leader="G8"][data-status="missing"]').count() == 1 and fits_the_phone(page)
    page.goto(f"{base}/fieldwork/research/")
    assert fits_the_phone(page)

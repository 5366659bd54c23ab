"""调研材料: upload with the file judged by its content, who uploads for whom and where, who sees and
downloads which report, the counts by method and by town, and the pages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from fupin.areas.models import Area
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import ResearchMethod, ResearchReport
from fupin.fieldwork.selectors.research import research_counts, research_list
from fupin.fieldwork.services.research import MAX_BYTES, research_report_create
from fupin.fieldwork.tests.factories import STAFF, D, _fast_password_hashers, figures, fw
from fupin.fieldwork.tests.factories import FieldSetup as Field
from fupin.people.models import Cadre

__all__ = ["_fast_password_hashers", "fw"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APRIL_10 = D(2024, 4, 10)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes(text: str = "调研报告正文") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def create(
    fw: Field,
    persona: str,
    *,
    area: Area,
    name: str = "调研.docx",
    content: bytes | None = None,
    method: str = ResearchMethod.DISSECTION,
    day: Any = APRIL_10,
    author: Cadre | None = None,
    title: str = "产业扶贫调研",
) -> ResearchReport:
    document = upload(name, docx_bytes() if content is None else content)
    return research_report_create(
        actor=fw.actor(persona),
        scope=fw.scope(persona),
        title=title,
        topic="产业发展",
        area=area,
        method=method,
        researched_on=day,
        summary="发现三个问题",
        document=document,
        original_name=name,
        author=author,
    )


@pytest.fixture
def reports(fw: Field) -> dict[str, ResearchReport]:
    c = fw.county
    return {
        "r1": create(fw, "work_team", area=c.village_a1, title="黄家坝村解剖麻雀"),
        "r2": create(
            fw,
            "paired_cadre",
            area=c.county,
            name="座谈.pdf",
            content=PDF,
            method=ResearchMethod.SYMPOSIUM,
            day=D(2023, 11, 2),
            title="全县座谈",
        ),
        "r3": create(
            fw,
            "town_official",
            area=c.town_a,
            name="走访.doc",
            content=DOC,
            method=ResearchMethod.FIELD_VISIT,
        ),
        "r4": create(
            fw,
            "office_staff",
            area=c.village_b1,
            method=ResearchMethod.FIELD_VISIT,
            author=fw.cadre("G6"),
            title="青岗坪村走访",
        ),
    }


# -- upload ---------------------------------------------------------------------------------------
def test_a_cadre_uploads_a_word_file_for_an_area_of_their_own(fw: Field, tmp_path: Path) -> None:
    report = create(fw, "work_team", area=fw.county.village_a1)
    assert report.author.code == "G7" and report.area_code == "610727100200"
    assert report.original_name == "调研.docx"
    stored = Path(report.document.path)
    assert (
        stored.is_relative_to(tmp_path / "research")
        and stored.suffix == ".docx"
        and "调研" not in stored.name
    )
    assert stored.read_bytes()[:2] == b"PK"
    entry = ChangeLog.objects.get(object_type="fieldwork.researchreport", object_id=report.pk)
    assert entry.after["调研方式"] == "解剖麻雀" and entry.after["材料文件"] == "调研.docx"


BAD_FILES = [
    ("报告.txt", b"plain text", "只能上传Word（.docx、.doc）或PDF文件"),
    ("报告.exe", b"MZ\x90\x00", "只能上传Word（.docx、.doc）或PDF文件"),
    ("报告.pdf", b"", "文件是空的"),
    ("报告.pdf", b"<html>not a pdf</html>", "文件内容不是有效的PDF文件"),
    ("报告.docx", b"not a zip at all", r"文件内容不是有效的Word（\.docx）文件"),
    ("报告.docx", PDF, r"文件内容不是有效的Word（\.docx）文件"),
    ("报告.doc", b"{\\rtf1 not ole2}", r"文件内容不是有效的Word（\.doc）文件"),
    ("报告.pdf", DOC, "文件内容不是有效的PDF文件"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_file_is_judged_by_its_content(fw: Field, name: str, content: bytes, message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        create(fw, "work_team", area=fw.county.village_a1, name=name, content=content)
    assert not ResearchReport.objects.exists()


def test_a_zip_without_a_word_document_is_not_a_docx(fw: Field) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ApplicationError, match=r"不是有效的Word（\.docx）文件"):
        create(fw, "work_team", area=fw.county.village_a1, content=buffer.getvalue())


def test_a_file_is_at_most_20_mb(fw: Field, tmp_path: Path) -> None:
    big = PDF + b"0" * (MAX_BYTES - len(PDF) + 1)
    with pytest.raises(ApplicationError, match=r"文件不能超过20MB（该文件20\.0MB）"):
        create(fw, "work_team", area=fw.county.village_a1, name="大.pdf", content=big)
    assert create(fw, "work_team", area=fw.county.village_a1, name="刚好.pdf", content=big[:-1]).pk
    assert len(list((tmp_path / "research").rglob("*.pdf"))) == 1


def test_the_area_lies_in_the_users_scope(fw: Field) -> None:
    with pytest.raises(PermissionDenied, match="调研区划不在您的管辖范围内"):
        create(fw, "work_team", area=fw.county.village_a2)
    with pytest.raises(PermissionDenied, match="调研区划不在您的管辖范围内"):
        create(fw, "town_official", area=fw.county.village_b1)


def test_the_research_date_is_not_in_the_future(fw: Field) -> None:
    with pytest.raises(ApplicationError, match="调研日期不能晚于今天"):
        create(fw, "work_team", area=fw.county.village_a1, day=D(2999, 1, 1))


def test_managers_upload_for_cadres_of_their_area_and_nobody_else_for_others(fw: Field) -> None:
    c = fw.county
    by_office = create(fw, "office_staff", area=c.village_a2, author=fw.cadre("G3"))
    assert by_office.author.code == "G3"
    with pytest.raises(PermissionDenied, match="只能为本区域的干部上传调研材料"):
        create(fw, "county_admin", area=c.county, author=fw.cadre("G9"))
    with pytest.raises(PermissionDenied, match="未关联干部，请填写撰写人"):
        create(fw, "county_admin", area=c.county)
    with pytest.raises(PermissionDenied, match="只能上传本人的调研材料"):
        create(fw, "county_leader", area=c.county, author=fw.cadre("G3"))
    with pytest.raises(PermissionDenied, match="未关联干部，不能上传调研材料"):
        create(fw, "unit_user", area=c.county)
    with pytest.raises(PermissionDenied):
        create(fw, "outsider", area=c.other_county)


# -- who sees what --------------------------------------------------------------------------------
ALL = {"r1", "r2", "r3", "r4"}
VISIBLE = {
    "county_admin": ALL,
    "office_staff": ALL,
    "county_leader": ALL,
    "town_official": {"r1", "r3"},
    "work_team": {"r1"},
    "paired_cadre": {"r2"},
    "unit_user": {"r1", "r2"},  # its units' cadres G7 and G3
    "outsider": set(),
}


@pytest.mark.parametrize("persona", STAFF)
def test_each_persona_sees_and_downloads_only_its_reports(
    fw: Field, reports: dict[str, ResearchReport], persona: str
) -> None:
    keys = {report.pk: key for key, report in reports.items()}
    assert {keys[r.pk] for r in research_list(fw.scope(persona))} == VISIBLE[persona]
    client = fw.client(persona)
    listed = client.get("/fieldwork/research/").content.decode()
    for key, report in reports.items():
        seen = key in VISIBLE[persona]
        assert (f'data-report="{report.pk}"' in listed) is seen, key
        download = client.get(f"/fieldwork/research/{report.pk}/download/")
        assert download.status_code == (200 if seen else 404), key
        assert client.get(f"/fieldwork/research/{report.pk}/").status_code == (200 if seen else 404), key


def test_a_download_is_the_file_under_its_original_name(
    fw: Field, reports: dict[str, ResearchReport]
) -> None:
    response = fw.client("county_admin").get(f"/fieldwork/research/{reports['r2'].pk}/download/")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%E5%BA%A7%E8%B0%88.pdf" in response["Content-Disposition"]


def test_uploads_are_never_served_publicly(fw: Field, reports: dict[str, ResearchReport]) -> None:
    url = reports["r1"].document.url
    assert url.startswith("/media/research/")
    assert fw.client("county_admin").get(url).status_code == 404
    public = fw.client("public")
    for path in ("/fieldwork/research/", f"/fieldwork/research/{reports['r1'].pk}/download/"):
        assert public.get(path).status_code == 403, path


# -- counts ---------------------------------------------------------------------------------------
def test_counts_by_method_and_by_town_follow_the_filters(
    fw: Field, reports: dict[str, ResearchReport]
) -> None:
    counts = research_counts(research_list(fw.scope("county_admin")))
    assert counts.total == 4
    assert counts.by_method == [
        ("dissection", "解剖麻雀", 1),
        ("symposium", "座谈讨论", 1),
        ("field_visit", "实地走访", 2),
    ]
    assert counts.by_town == [
        ("610727000000", "略阳县（县级）", 1),
        ("610727100000", "兴州街道", 2),
        ("610727101000", "接官亭镇", 1),
    ]
    client = fw.client("county_admin")
    of_2024 = figures(client.get("/fieldwork/research/", {"year": "2024"}).content.decode())
    assert of_2024["total"] == 3 and of_2024["method_symposium"] == 0 and "town_610727000000" not in of_2024
    visits = figures(client.get("/fieldwork/research/", {"method": "field_visit"}).content.decode())
    assert visits["total"] == 2 and visits["town_610727100000"] == 1 and visits["town_610727101000"] == 1
    town_b = client.get("/fieldwork/research/", {"area": "610727101000"}).content.decode()
    assert figures(town_b)["total"] == 1 and "青岗坪村走访" in town_b and "全县座谈" not in town_b
    # The town official's counts cover only what it sees.
    town = figures(fw.client("town_official").get("/fieldwork/research/").content.decode())
    assert town["total"] == 2 and town["town_610727100000"] == 2


# -- the pages ------------------------------------------------------------------------------------
def test_upload_on_the_page(fw: Field) -> None:
    client = fw.client("work_team")
    assert "材料文件" in client.get("/fieldwork/research/new/").content.decode()
    data = {
        "title": "村集体经济调研",
        "topic": "集体经济",
        "area_code": "610727100200",
        "method": "symposium",
        "researched_on": "2024-06-01",
        "summary": "",
    }
    response = client.post(
        "/fieldwork/research/new/", data | {"document": upload("集体经济.docx", docx_bytes())}
    )
    assert response.status_code == 302
    report = ResearchReport.objects.get()
    assert (
        report.title == "村集体经济调研"
        and report.author.code == "G7"
        and report.original_name == "集体经济.docx"
    )
    bad = client.post("/fieldwork/research/new/", data | {"document": upload("假的.pdf", b"hello")})
    assert "文件内容不是有效的PDF文件" in bad.content.decode()
    outside = client.post(
        "/fieldwork/research/new/", data | {"area_code": "610727101200", "document": upload("a.pdf", PDF)}
    )
    assert "区划代码不存在或不在您的管辖范围内" in outside.content.decode()
    assert ResearchReport.objects.count() == 1
    detail = client.get(f"/fieldwork/research/{report.pk}/").content.decode()
    assert "座谈讨论" in detail and "集体经济.docx" in detail and 'id="history"' in detail


def test_the_office_uploads_for_a_cadre_on_the_page(fw: Field) -> None:
    client = fw.client("office_staff")
    assert "撰写人干部编号" in client.get("/fieldwork/research/new/").content.decode()
    assert "撰写人干部编号" not in fw.client("work_team").get("/fieldwork/research/new/").content.decode()
    data = {
        "title": "走访",
        "topic": "住房",
        "area_code": "610727101200",
        "method": "field_visit",
        "researched_on": "2024-06-01",
        "author_code": "G9",
        "document": upload("a.pdf", PDF),
    }
    refused = client.post("/fieldwork/research/new/", data)
    assert "干部编号不存在或不在您的管辖范围内" in refused.content.decode()
    client.post("/fieldwork/research/new/", data | {"author_code": "G6", "document": upload("a.pdf", PDF)})
    assert ResearchReport.objects.get().author.code == "G6"


def test_the_list_keeps_a_query_budget(
    fw: Field, reports: dict[str, ResearchReport], django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        create(fw, "work_team", area=fw.county.village_a1, title=f"第{n}篇")
    client = fw.client("county_admin")
    with django_assert_max_num_queries(12):
        body = client.get("/fieldwork/research/").content.decode()
    assert figures(body)["total"] == 12

"""Edits outside the workflow: a problem's fields (versioned), tasks, and evidence — files judged by
their content, at most 20 MB, and served only to whoever may see the problem."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.rectification.models import Evidence, ProblemStatus, Task
from fupin.rectification.services import editing
from fupin.rectification.services.editing import evidence_add, problem_update, task_create, task_done
from fupin.rectification.tests.conftest import Rect

D = dt.date


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _upload(rect: Rect, name: str, content: bytes, persona: str = "office_staff") -> Evidence:
    problem = rect.file()
    user = rect.personas.users[persona]
    return evidence_add(
        actor=Actor.of(user),
        scope=rect.scope(persona),
        problem=problem,
        upload=SimpleUploadedFile(name, content),
    )


# -- problem fields ------------------------------------------------------------------------------
def test_an_edit_is_versioned_and_logged(rect: Rect) -> None:
    problem = rect.file()
    updated = problem_update(
        actor=SYSTEM,
        scope=rect.scope("unit_user"),
        problem=problem,
        expected_version=problem.version,
        description="补助仍未到位",
        fix_at_once=True,
    )
    assert (updated.description, updated.fix_at_once, updated.version) == ("补助仍未到位", True, 2)
    entry = ChangeLog.objects.filter(object_type="rectification.problem", object_id=problem.pk).first()
    assert entry is not None and ("问题描述", "危房改造补助未到位", "补助仍未到位") in entry.changed_fields()
    with pytest.raises(ConflictError, match="该记录已被他人修改"):
        problem_update(
            actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=1, description="覆盖别人的修改"
        )
    problem.refresh_from_db()
    assert problem.description == "补助仍未到位"


def test_who_may_edit_a_problem(rect: Rect) -> None:
    problem = rect.file(responsible_person=rect.cadre("G4"))
    for persona in ("office_staff", "town_official", "unit_user"):
        problem_update(
            actor=SYSTEM,
            scope=rect.scope(persona),
            problem=problem,
            expected_version=None,
            measures=f"{persona}的措施",
        )
    for persona in ("county_leader", "paired_cadre", "work_team", "outsider"):
        with pytest.raises(PermissionDenied, match="您无权修改该问题"):
            problem_update(
                actor=SYSTEM, scope=rect.scope(persona), problem=problem, expected_version=None, measures="x"
            )


def test_only_the_editable_fields_are_edited(rect: Rect) -> None:
    problem = rect.file()
    with pytest.raises(ApplicationError, match="不能修改这些字段：status"):
        problem_update(
            actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=None, status="closed"
        )
    other = rect.categories["医疗保障"]
    other.active = False
    other.save()
    with pytest.raises(ApplicationError, match="问题类别“医疗保障”已停用"):
        problem_update(actor=SYSTEM, scope=EVERYTHING, problem=problem, expected_version=None, category=other)


# -- tasks ---------------------------------------------------------------------------------------
def test_task_create_and_done(rect: Rect) -> None:
    problem = rect.file()
    task = task_create(
        actor=SYSTEM,
        scope=rect.scope("office_staff"),
        problem=problem,
        title="入户核实",
        owner=rect.cadre("G3"),
        deadline=D(2019, 10, 30),
    )
    done = task_done(
        actor=SYSTEM,
        scope=rect.scope("paired_cadre"),
        task=task,
        expected_version=task.version,
        done_on=D(2019, 10, 20),
    )
    assert done.done_on == D(2019, 10, 20)
    with pytest.raises(ApplicationError, match="已于2019-10-20完成"):
        task_done(
            actor=SYSTEM, scope=EVERYTHING, task=done, expected_version=done.version, done_on=D(2019, 10, 21)
        )


def test_a_task_is_refused_in_chinese(rect: Rect) -> None:
    problem = rect.file()
    with pytest.raises(PermissionDenied, match="您无权为该问题安排任务"):
        task_create(
            actor=SYSTEM,
            scope=rect.scope("paired_cadre"),
            problem=problem,
            title="x",
            owner=rect.cadre("G3"),
            deadline=D(2019, 10, 30),
        )
    with pytest.raises(ApplicationError, match="负责人不属于本县"):
        task_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            problem=problem,
            title="x",
            owner=rect.cadre("G9"),
            deadline=D(2019, 10, 30),
        )
    task = Task.objects.create(
        problem=problem, title="入户核实", owner=rect.cadre("G4"), deadline=D(2019, 10, 30)
    )
    with pytest.raises(PermissionDenied, match="只有该问题的整改人员或任务负责人可以办结任务"):
        task_done(
            actor=SYSTEM,
            scope=rect.scope("paired_cadre"),
            task=task,
            expected_version=None,
            done_on=D(2019, 10, 20),
        )
    with pytest.raises(ApplicationError, match="完成日期不能晚于今天"):
        task_done(actor=SYSTEM, scope=EVERYTHING, task=task, expected_version=None, done_on=D(2099, 1, 1))


# -- evidence ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "extension", "is_image"),
    [
        ("现场.jpg", jpeg(), "jpg", True),
        ("after.png", png(), "png", True),
        ("整改报告.pdf", PDF, "pdf", False),
        ("整改报告.doc", DOC, "doc", False),
        ("整改报告.docx", docx(), "docx", False),
        # The name does not decide: a JPEG called .pdf is a photo.
        ("misnamed.pdf", jpeg(), "jpg", True),
    ],
)
def test_photos_pdf_and_word_are_accepted_by_content(
    rect: Rect, name: str, content: bytes, extension: str, is_image: bool
) -> None:
    evidence = _upload(rect, name, content)
    assert evidence.is_image is is_image
    assert evidence.original_name == name
    assert evidence.file.name.endswith(f".{extension}")
    assert evidence.file.name.startswith("evidence/")
    assert name not in evidence.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("脚本.jpg", b"<script>alert(1)</script>"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
        ("archive.docx", plain_zip()),
        ("page.html", b"<html></html>"),
    ],
)
def test_anything_else_is_refused(rect: Rect, name: str, content: bytes) -> None:
    with pytest.raises(ApplicationError, match="不是照片（JPG、PNG）、PDF或Word文件"):
        _upload(rect, name, content)
    assert not Evidence.objects.exists()


def test_files_over_20_mb_and_empty_files_are_refused(rect: Rect) -> None:
    with pytest.raises(ApplicationError, match="超过20MB"):
        _upload(rect, "big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ApplicationError, match="空文件"):
        _upload(rect, "empty.pdf", b"")
    assert not Evidence.objects.exists()


def test_a_decompression_bomb_is_not_a_photo(rect: Rect, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ApplicationError, match="不是照片"):
        _upload(rect, "bomb.jpg", jpeg((40, 30)))


def test_only_workers_upload_and_not_on_a_closed_problem(rect: Rect) -> None:
    with pytest.raises(PermissionDenied, match="您无权为该问题上传整改佐证"):
        _upload(rect, "x.jpg", jpeg(), persona="county_leader")
    problem = rect.file()
    problem.status = ProblemStatus.CLOSED
    with pytest.raises(ApplicationError, match="已销号"):
        evidence_add(
            actor=SYSTEM, scope=EVERYTHING, problem=problem, upload=SimpleUploadedFile("x.jpg", jpeg())
        )


def test_the_upload_page_shows_the_refusal(rect: Rect) -> None:
    problem = rect.file()
    client = rect.personas.client("office_staff")
    url = reverse("rectification:evidence-upload", args=[problem.code])
    bad = client.post(url, {"file": SimpleUploadedFile("x.jpg", b"not an image")})
    assert bad.status_code == 400
    assert "不是照片（JPG、PNG）、PDF或Word文件" in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("现场.jpg", jpeg())})
    assert good.status_code == 302
    page = client.get(reverse("rectification:problem-detail", args=[problem.code])).content.decode()
    evidence = Evidence.objects.get()
    assert reverse("rectification:evidence-file", args=[problem.code, evidence.pk]) in page


def test_evidence_is_served_only_within_scope(rect: Rect) -> None:
    problem = rect.file()
    photo = evidence_add(
        actor=SYSTEM, scope=EVERYTHING, problem=problem, upload=SimpleUploadedFile("现场.jpg", jpeg())
    )
    report = evidence_add(
        actor=SYSTEM, scope=EVERYTHING, problem=problem, upload=SimpleUploadedFile("报告.pdf", PDF)
    )
    photo_url = reverse("rectification:evidence-file", args=[problem.code, photo.pk])
    response = rect.personas.client("unit_user").get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == jpeg()  # type: ignore[attr-defined]
    pdf = rect.personas.client("office_staff").get(
        reverse("rectification:evidence-file", args=[problem.code, report.pk])
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    for persona in ("paired_cadre", "outsider", "work_team"):
        assert rect.personas.client(persona).get(photo_url).status_code == 404, persona
    assert rect.personas.client("public").get(photo_url).status_code == 403
    # An evidence id under another problem's code is not found.
    other = rect.file("另一个问题")
    wrong = reverse("rectification:evidence-file", args=[other.code, photo.pk])
    assert rect.personas.client("office_staff").get(wrong).status_code == 404


def test_the_evidence_limit_is_twenty_megabytes() -> None:
    assert editing.MAX_EVIDENCE_BYTES == 20 * 1024 * 1024

"""Writes of 调研材料: a Word or PDF write-up of a field study, uploaded with its topic, area and method.

A file is judged by what it contains, not by its name: a PDF starts with "%PDF-", a .docx is a zip
holding word/document.xml, a .doc is an OLE2 compound file. Files are stored under a random name
(the original name is kept beside it) and served only through a view that checks the reader's scope.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.files import document_kind
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.fieldwork.models import ResearchMethod, ResearchReport
from fupin.people.models import Cadre
from fupin.people.selectors import cadre_list

MAX_BYTES = 20 * 1024 * 1024
KIND_NAMES = {".pdf": "PDF", ".docx": "Word（.docx）", ".doc": "Word（.doc）"}


def document_problem(document: File, name: str) -> str | None:
    """Why `document` is not an acceptable research file, in Chinese; None when it is."""
    extension = PurePath(name).suffix.lower()
    if extension not in KIND_NAMES:
        return "只能上传Word（.docx、.doc）或PDF文件"
    size = document.size or 0
    if size == 0:
        return "文件是空的"
    if size > MAX_BYTES:
        return f"文件不能超过20MB（该文件{size / 1024 / 1024:.1f}MB）"
    if document_kind(document) != extension.removeprefix("."):
        return f"文件内容不是有效的{KIND_NAMES[extension]}文件，请检查文件是否损坏或扩展名是否正确"
    return None


def _author(scope: Scope, author: Cadre | None) -> Cadre:
    """The user's own cadre, or (for the county office) a cadre of its area."""
    if author is None or author.pk == scope.cadre_id:
        if scope.cadre_id is None:
            raise PermissionDenied(
                "您的账号未关联干部，请填写撰写人"
                if scope.can_manage
                else "您的账号未关联干部，不能上传调研材料"
            )
        return Cadre.objects.get(pk=scope.cadre_id)
    if not scope.can_manage:
        raise PermissionDenied("只能上传本人的调研材料")
    if not cadre_list(scope).filter(pk=author.pk).exists():
        raise PermissionDenied("只能为本区域的干部上传调研材料")
    return author


@transaction.atomic
def research_report_create(
    *,
    actor: Actor,
    scope: Scope,
    title: str,
    topic: str,
    area: Area,
    method: str,
    researched_on: dt.date,
    summary: str = "",
    document: File,
    original_name: str,
    author: Cadre | None = None,
) -> ResearchReport:
    written_by = _author(scope, author)
    if not scope.covers_code(area.code):
        raise PermissionDenied("调研区划不在您的管辖范围内")
    if method not in ResearchMethod.values:
        raise ApplicationError("调研方式无效", field_errors={"method": "调研方式无效"})
    if researched_on > timezone.localdate():
        raise ApplicationError("调研日期不能晚于今天", field_errors={"researched_on": "调研日期不能晚于今天"})
    if not title.strip() or not topic.strip():
        raise ApplicationError("请填写标题和调研主题")
    problem = document_problem(document, original_name)
    if problem:
        raise ApplicationError(problem, field_errors={"document": problem})
    report = ResearchReport(
        title=title.strip(),
        topic=topic.strip(),
        area=area,
        method=method,
        author=written_by,
        researched_on=researched_on,
        summary=summary.strip(),
        original_name=PurePath(original_name).name[:255],
    )
    extension = PurePath(original_name).suffix.lower()
    # The file is written before the row; if the row fails, the file goes with it.
    report.document.save(f"{uuid.uuid4().hex}{extension}", document, save=False)
    try:
        report.full_clean()
        report.save()
        record_change(actor, report, action=ChangeAction.CREATE, before=None)
    except Exception:
        report.document.delete(save=False)
        raise
    return report

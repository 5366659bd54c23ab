"""Word (.docx) documents of the monthly town-stay reports: one report, or a month's reports bound
together with each report in a section of its own starting on a new page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn

from fupin.fieldwork.models import TownStayReport

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTIONS = (
    ("一、主要工作", "work_done"),
    ("二、发现的问题", "problems_found"),
    ("三、解决的问题", "problems_solved"),
    ("四、下月打算", "next_steps"),
)
FONTS = {"Normal": "宋体", "Title": "黑体", "Heading 1": "黑体", "Heading 2": "黑体"}


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _new_document() -> DocumentObject:
    document = Document()
    for name, font in FONTS.items():
        style = document.styles[name]
        style.font.name = font
        # Word takes Chinese characters' font from the east-Asian slot, not from the name above.
        style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    return document


def report_title(report: TownStayReport) -> str:
    return f"{report.cadre.name}{month_label(report.month)}驻镇工作汇报"


def _add_report(document: DocumentObject, report: TownStayReport, *, level: int) -> None:
    """One report: its title at `level`, the facts, and each part under a heading one level down."""
    document.add_heading(report_title(report), level=level)
    submitted = (
        timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
        if report.submitted_at
        else "未提交"
    )
    for label, value in (
        ("县级领导", report.cadre.name),
        ("包联乡镇", report.town.name),
        ("汇报月份", month_label(report.month)),
        ("驻镇天数", f"{report.days_in_town}天"),
        ("提交时间", submitted),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    for heading, field in SECTIONS:
        document.add_heading(heading, level=level + 1)
        text: str = getattr(report, field)
        lines = [line.strip() for line in text.splitlines() if line.strip()] or ["无。"]
        for line in lines:
            document.add_paragraph(line)


def _bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def town_stay_report_docx(report: TownStayReport) -> bytes:
    document = _new_document()
    _add_report(document, report, level=0)
    return _bytes(document)


def town_stay_month_docx(month: dt.date, reports: Sequence[TownStayReport], *, expected: int) -> bytes:
    """The month's reports: a cover section with the list, then one section per report."""
    document = _new_document()
    document.add_heading(f"{month_label(month)}县级领导驻镇工作汇报汇编", level=0)
    document.add_paragraph(f"已提交{len(reports)}份，应报{expected}份。")
    for number, report in enumerate(reports, start=1):
        document.add_paragraph(f"{number}. {report.cadre.name}（{report.town.name}）")
    for report in reports:
        document.add_section(WD_SECTION.NEW_PAGE)
        _add_report(document, report, level=1)
    return _bytes(document)

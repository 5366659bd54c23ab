"""A Briefing written out: Markdown, HTML (every figure a link to its records), Word and PDF.

The Word file follows the layout of official documents (GB/T 9704): A4 with margins 37/35/28/26 mm,
the title in a large bold song face (方正小标宋 where installed), the issuing office and date under a
red rule, section headings 一、二、 in 黑体 and the body in 仿宋 三号 (16 pt) at a fixed 28.95 pt line.
East Asian font names are set on w:eastAsia, or Word and LibreOffice fall back to a Latin font.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from fupin.core.exceptions import ApplicationError
from fupin.reports.briefing.compose import Briefing, Figure, Sentence

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
# What LibreOffice and Word use when the official faces are not installed.
FALLBACK_FONTS = {TITLE_FONT: "宋体", HEADING_FONT: "黑体", BODY_FONT: "仿宋"}
SAN_HAO = 16  # 三号
ER_HAO = 22  # 二号
LINE = Pt(28.95)  # 22 lines to an A4 page, as GB/T 9704 sets it
SOFFICE_SECONDS = 120


def paragraph_text(paragraph: tuple[Sentence, ...]) -> str:
    return "".join(sentence.text for sentence in paragraph)


def to_markdown(briefing: Briefing) -> str:
    lines = [f"# {briefing.title}", "", f"{briefing.office}　　{briefing.date_text}", ""]
    for section in briefing.sections:
        lines += [f"## {section.numeral}、{section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph_text(paragraph), ""]
    return "\n".join(lines)


def _html_part(part: str | Figure) -> str:
    if isinstance(part, str):
        return escape(part)
    text = escape(part.text)
    if part.url is None:
        return f'<span class="figure" data-figure="{escape(part.path)}">{text}</span>'
    return f'<a class="figure" href="{escape(part.url)}" data-figure="{escape(part.path)}">{text}</a>'


def to_html_body(briefing: Briefing) -> str:
    """The briefing as an HTML fragment (for the page in the site layout and the standalone file)."""
    out = [
        '<article class="briefing">',
        f'<h1 class="briefing-title">{escape(briefing.title)}</h1>',
        f'<p class="briefing-issuer"><span>{escape(briefing.office)}</span>'
        f' <span class="briefing-date">{escape(briefing.date_text)}</span></p>',
    ]
    for section in briefing.sections:
        out.append(f"<h2>{section.numeral}、{escape(section.heading)}</h2>")
        for paragraph in section.paragraphs:
            body = "".join(_html_part(part) for sentence in paragraph for part in sentence.parts)
            out.append(f"<p>{body}</p>")
    out.append("</article>")
    return "\n".join(out)


HTML_STYLE = """
body { max-width: 46em; margin: 2em auto; font-family: "FangSong", "仿宋", serif; font-size: 16pt;
       line-height: 1.8; }
.briefing-title { text-align: center; font-family: "SimSun", "宋体", serif; font-size: 22pt; }
.briefing-issuer { display: flex; justify-content: space-between; border-bottom: 2px solid #c00;
                   padding-bottom: .3em; }
h2 { font-family: "SimHei", "黑体", sans-serif; font-size: 16pt; font-weight: normal; }
p { text-indent: 2em; }
.briefing-issuer { text-indent: 0; }
a.figure { color: inherit; text-decoration: underline dotted; }
"""


def to_html(briefing: Briefing) -> str:
    """A standalone HTML file (the command's --format html)."""
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(briefing.title)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n"
        f"{to_html_body(briefing)}\n</body>\n</html>\n"
    )


def _font(run: Run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = FALLBACK_FONTS.get(name, name)
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), FALLBACK_FONTS.get(name, name))
    fonts.set(qn("w:hAnsi"), FALLBACK_FONTS.get(name, name))


def _red_rule(paragraph: Paragraph) -> None:
    """The red line under the issuing office, as a bottom border of its paragraph."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "12", "w:space": "4", "w:color": "C00000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def to_docx(briefing: Briefing) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = FALLBACK_FONTS[BODY_FONT]
    normal.font.size = Pt(SAN_HAO)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    document.core_properties.title = briefing.title
    document.core_properties.author = briefing.office

    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _font(title.add_run(briefing.title), TITLE_FONT, ER_HAO, bold=True)
    title.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    issuer = document.add_paragraph()
    issuer.paragraph_format.tab_stops.add_tab_stop(
        section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT
    )
    _font(issuer.add_run(f"{briefing.office}\t{briefing.date_text}"), BODY_FONT, SAN_HAO)
    _red_rule(issuer)

    for part in briefing.sections:
        heading = document.add_paragraph(style="Heading 1")
        heading.paragraph_format.first_line_indent = Pt(SAN_HAO * 2)
        heading.paragraph_format.line_spacing = LINE
        heading.paragraph_format.space_before = Pt(0)
        heading.paragraph_format.space_after = Pt(0)
        run = heading.add_run(f"{part.numeral}、{part.heading}")
        _font(run, HEADING_FONT, SAN_HAO)
        run.font.color.rgb = RGBColor(0, 0, 0)
        for paragraph in part.paragraphs:
            body = document.add_paragraph()
            body.paragraph_format.first_line_indent = Pt(SAN_HAO * 2)
            body.paragraph_format.line_spacing = LINE
            body.paragraph_format.space_after = Pt(0)
            body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _font(body.add_run(paragraph_text(paragraph)), BODY_FONT, SAN_HAO)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(briefing: Briefing) -> bytes:
    """The Word file converted by LibreOffice (headless), so the PDF and the Word file look alike."""
    soffice = soffice_path()
    if soffice is None:
        raise ApplicationError("服务器未安装 LibreOffice（soffice），暂不能生成 PDF，请下载 Word 版")
    with tempfile.TemporaryDirectory(prefix="fupin-briefing-") as directory:
        folder = Path(directory)
        source = folder / "briefing.docx"
        source.write_bytes(to_docx(briefing))
        # A private profile: two conversions at once must not share (and lock) one profile.
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # The command is ours: soffice found on PATH and file names made here, no user text.
        done = subprocess.run(command, capture_output=True, timeout=SOFFICE_SECONDS, check=False)  # noqa: S603
        target = folder / "briefing.pdf"
        if done.returncode != 0 or not target.exists():
            raise ApplicationError("PDF 生成失败（LibreOffice 转换出错），请下载 Word 版")
        return target.read_bytes()


FORMATS = ("docx", "pdf", "html", "md")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def write(briefing: Briefing, form: str) -> bytes:
    if form == "docx":
        return to_docx(briefing)
    if form == "pdf":
        return to_pdf(briefing)
    if form == "html":
        return to_html(briefing).encode()
    if form == "md":
        return to_markdown(briefing).encode()
    raise ApplicationError(
        f"格式“{form}”无效，应为 docx、pdf、html 或 md", field_errors={"format": "格式无效"}
    )

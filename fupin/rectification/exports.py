"""The rectification ledger (整改台账) in Excel and the county's rectification summary in Word.

The Excel workbook has the `problems` ledger's columns, cell for cell as the ledger exports them
(so the file imports back as a problems ledger; its progress columns are then ignored with a
warning), followed by the progress as of the board's date: days since found (to completion, for a
problem rectified by then), days overdue, the last workflow step and its date, and tasks done of
total. The Word summary states the figures of the board (figures.md's definitions) in the form of
an official report: an overview, a table by category, a table by town (or village), and the
overdue problems with their responsible units.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from fupin.areas.models import Area
from fupin.rectification.figures import rectification_section
from fupin.rectification.models import Problem, ProblemStatus
from fupin.rectification.selectors.board import (
    BoardRow,
    Counts,
    LedgerFilter,
    RectificationBoard,
    action_label,
    ledger_problems,
    open_without_measures,
    overdue_problems,
    rectification_board,
)
from fupin.rectification.services.ledger import LEDGER_COLUMNS, ledger_cells
from fupin.rectification.services.notices import chinese_date

PROGRESS_COLUMNS = ("已历天数", "逾期天数", "最近进展", "最近进展日期", "任务完成情况")
LEDGER_HEADER = [zh for _, zh in LEDGER_COLUMNS] + list(PROGRESS_COLUMNS)
# Column widths in characters, as a county office would set them by hand.
WIDTHS = {
    "问题编号": 18,
    "问题描述": 40,
    "整改措施": 36,
    "问题类别": 14,
    "区划代码": 15,
    "责任领导干部编号": 12,
    "责任人干部编号": 12,
    "最近进展": 10,
}
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="C00000")
_THIN = Side(style="thin", color="999999")
DONE = (ProblemStatus.RECTIFIED, ProblemStatus.CLOSED)
OVERDUE_LISTED = 200


# -- Excel ------------------------------------------------------------------------------------
def progress(problem: Problem, as_of: dt.date) -> tuple[int, int]:
    """(days since found, to completion if rectified by as_of; days overdue as of as_of)."""
    done = problem.status in DONE and problem.completed_date is not None and problem.completed_date <= as_of
    end = problem.completed_date if done and problem.completed_date else as_of
    overdue = 0 if done or problem.deadline is None else max((as_of - problem.deadline).days, 0)
    return (end - problem.found_date).days, overdue


def ledger_row(problem: Problem, as_of: dt.date) -> list[object]:
    cells = ledger_cells(problem)
    days, overdue = progress(problem, as_of)
    last_on = getattr(problem, "last_on", None)
    tasks = f"{getattr(problem, 'tasks_done', 0)}/{getattr(problem, 'tasks_total', 0)}"
    return [
        *(cells[key] for key, _ in LEDGER_COLUMNS),
        days,
        overdue,
        action_label(getattr(problem, "last_action", None)),
        last_on.isoformat() if last_on else "",
        tasks,
    ]


def _header_cells(sheet: WriteOnlyWorksheet, header: Sequence[str]) -> list[Cell]:
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        cells.append(cell)
    return cells


def ledger_xlsx(chosen: LedgerFilter) -> bytes:
    """The rectification ledger of the board's area as of its date (streamed, any size)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("整改台账")
    sheet.freeze_panes = "B2"
    for index, title in enumerate(LEDGER_HEADER, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(
            title, max(10, len(title) * 2 + 2)
        )
    sheet.append(_header_cells(sheet, LEDGER_HEADER))
    for problem in ledger_problems(chosen).iterator(chunk_size=2000):
        sheet.append(ledger_row(problem, chosen.as_of))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- Word -------------------------------------------------------------------------------------
def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _font(run: Run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document: object, text: str, *, font: str = "仿宋", size: float = 14, **style: object) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    if style.get("center"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(text), font, size, bold=bool(style.get("bold")))


def _table(document: object, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(title), "黑体", 10.5)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(value)), "仿宋", 10.5)


COUNT_HEADER = ("检视问题", "已整改", "已销号", "未整改", "逾期", "整改率")


def _count_cells(counts: Counts) -> list[object]:
    c = counts
    return [c.found, c.rectified, c.closed, c.open, c.overdue, percent(c.rectified, c.found)]


def _breakdown(rows: list[BoardRow], total: Counts) -> list[list[object]]:
    table: list[list[object]] = [[n, row.label, *_count_cells(row.counts)] for n, row in enumerate(rows, 1)]
    table.append(["", "合计", *_count_cells(total)])
    return table


def overview(area: Area, board: RectificationBoard, by_channel: dict[str, int], unplanned: int) -> str:
    """The overview paragraph: the board's figures in words. `unplanned`: open problems without
    measures yet."""
    c, day = board.total, chinese_date(board.as_of)
    if not c.found:
        return f"截至{day}，{area.name}尚未检视出问题。"
    channels = "、".join(
        f"{name}{n}条" for name, n in sorted(by_channel.items(), key=lambda i: (-i[1], i[0]))
    )
    text = (
        f"截至{day}，{area.name}共检视问题{c.found}条，其中{channels}。"
        f"已整改{c.rectified}条，整改率{percent(c.rectified, c.found)}；"
        f"其中已核验销号{c.closed}条，销号率{percent(c.closed, c.found)}。"
    )
    if not c.open:
        return text + "检视出的问题已全部整改到位，实现清零。"
    if unplanned:
        planned = f"其中{c.open - unplanned}条已制定整改措施、正在推进整改，{unplanned}条正在研究制定整改措施"
    else:
        planned = "均已制定整改措施、正在推进整改"
    return text + (
        f"尚未整改完成{c.open}条，{planned}；"
        f"超过整改时限仍未完成的{c.overdue}条，占未整改问题的{percent(c.overdue, c.open)}。"
    )


NUMERALS = "一二三四五六"


def next_steps(total: Counts) -> str:
    if not total.open:
        return "下一步，将持续巩固整改成果，建立健全长效机制，对已销号问题适时开展“回头看”，防止问题反弹。"
    urge = f"对逾期的{total.overdue}条问题逐条督办、约谈责任单位，" if total.overdue else ""
    return (
        f"下一步，将对尚未整改的{total.open}条问题实行清单化管理、逐条跟踪问效，{urge}"
        "压实责任单位和责任人责任，确保按期整改到位、应改尽改，实现问题销号清零。"
    )


def summary_docx(area: Area, as_of: dt.date) -> bytes:
    """The rectification summary (整改情况报告) of an area as of a date."""
    board = rectification_board(area, as_of)
    section = rectification_section(area.code, as_of)
    document = Document()
    headings = iter(NUMERALS)

    def heading(text: str) -> None:
        _paragraph(document, f"{next(headings)}、{text}", font="黑体", size=16)

    _paragraph(document, f"{area.name}脱贫攻坚问题整改情况报告", font="宋体", size=22, bold=True, center=True)
    _paragraph(document, f"（截至{chinese_date(as_of)}）", font="楷体", size=16, center=True)
    heading("总体情况")
    _paragraph(document, overview(area, board, section["by_channel"], open_without_measures(area, as_of)))
    heading("分类别整改情况")
    _table(document, ("序号", "问题类别", *COUNT_HEADER), _breakdown(board.by_category, board.total))
    if board.by_area:
        heading(f"分{board.child_level}整改情况")
        _table(document, ("序号", board.child_level, *COUNT_HEADER), _breakdown(board.by_area, board.total))
    heading("逾期未整改问题")
    late = list(overdue_problems(area, as_of)[:OVERDUE_LISTED])
    if not late:
        _paragraph(document, "无逾期未整改问题。")
    else:
        more = f"，以下列出逾期最久的{OVERDUE_LISTED}条" if board.total.overdue > OVERDUE_LISTED else ""
        _paragraph(document, f"超过整改时限仍未整改完成的问题共{board.total.overdue}条{more}。")
        _table(
            document,
            ("序号", "问题编号", "问题描述", "所在区划", "责任单位", "整改时限", "逾期天数"),
            [
                [
                    n,
                    p.code,
                    p.description,
                    p.area.name,
                    p.responsible_unit.name if p.responsible_unit else "未明确",
                    p.deadline.isoformat() if p.deadline else "",
                    (as_of - p.deadline).days if p.deadline else "",
                ]
                for n, p in enumerate(late, 1)
            ],
        )
    heading("下一步工作")
    _paragraph(document, next_steps(board.total))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""Excel exports of training coverage and exam results, equal to what their pages show."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from fupin.training.models import Exam
from fupin.training.selectors.exams import Results
from fupin.training.selectors.trainings import Coverage, CoverageRow

COVERAGE_HEADER = ("分组", "干部数", "参训干部数", "培训人次", "覆盖率（%）")
RESULT_HEADER = ("单位", "干部数", "参考干部数", "及格人数", "答卷数", "参考率（%）", "及格率（%）")
CADRE_HEADER = ("干部编号", "姓名", "单位", "作答次数", "最高分", "是否及格")


def _sheet(
    workbook: Workbook, title: str, heading: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 28


def _coverage_cells(row: CoverageRow) -> list[object]:
    return [row.label, row.cadres, row.trained, row.person_times, row.coverage]


def coverage_workbook(area_name: str, data: Coverage) -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    heading = f"{area_name}{data.period.label}政策培训情况（培训{data.trainings}期）"
    _sheet(
        workbook,
        "按单位",
        heading,
        COVERAGE_HEADER,
        [*map(_coverage_cells, data.by_unit), _coverage_cells(data.total)],
    )
    _sheet(workbook, "按干部类别", heading, COVERAGE_HEADER, map(_coverage_cells, data.by_category))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_workbook(exam: Exam, results: Results) -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    heading = f"{exam.title}成绩（及格分{exam.pass_mark}）"
    unit_rows = [
        [r.label, r.cadres, r.examined, r.passed, r.attempts, r.coverage, r.pass_rate]
        for r in [*results.by_unit, results.total]
    ]
    _sheet(workbook, "按单位", heading, RESULT_HEADER, unit_rows)
    cadre_rows = [
        [
            c.code,
            c.name,
            c.unit,
            c.attempts,
            "" if c.best is None else float(c.best),
            "是" if c.passed else ("否" if c.attempts else "未参考"),
        ]
        for c in results.cadres
    ]
    _sheet(workbook, "干部成绩", heading, CADRE_HEADER, cadre_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

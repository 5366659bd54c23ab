"""Excel of the solar publicity list (光伏收益分配公示名单): snapshot rows, ID numbers and phones masked."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from fupin.core.models import choice_label
from fupin.industry.models import SolarPayout, SolarUse
from fupin.industry.money import fen_to_yuan

PUBLICITY_HEADER = (
    "序号",
    "村",
    "户编号",
    "户主姓名",
    "身份证号",
    "联系电话",
    "用途",
    "岗位或事由",
    "份额",
    "金额（元）",
)


def publicity_cells(payout: SolarPayout) -> list[object]:
    return [
        payout.village_name,
        payout.household_code,
        payout.head_name,
        payout.head_id_masked,
        payout.phone_masked,
        choice_label(SolarUse, payout.use),
        payout.post,
        payout.weight,
        fen_to_yuan(payout.amount_fen),
    ]


def publicity_workbook(title: str, payouts: Iterable[SolarPayout]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "公示名单"
    sheet.append([title])
    sheet.append(list(PUBLICITY_HEADER))
    total = 0
    number = 0
    for number, payout in enumerate(payouts, start=1):
        sheet.append([number, *publicity_cells(payout)])
        total += payout.amount_fen
    sheet.append(["合计", "", "", f"{number}户次", "", "", "", "", "", fen_to_yuan(total)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PUBLICITY_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, width in enumerate((6, 14, 14, 10, 20, 14, 14, 16, 8, 12), start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The households ledger's fast path (PostgreSQL) writes exactly what the row engine writes, and
declines every file it cannot vouch for."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from fupin.conftest import County, make_id
from fupin.core.models import ChangeLog
from fupin.ledgers.cli import cli_context
from fupin.ledgers.definitions.registry import fast
from fupin.ledgers.definitions.registry.households import HouseholdsLedger
from fupin.ledgers.tests.helpers import csv_bytes, import_file, messages
from fupin.registry.models import Household

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path writes with COPY")

HEADER = [
    "户编号", "区划代码", "户主姓名", "户主身份证号", "家庭人口数", "识别标准", "贫困户属性", "主要致贫原因",
    "其他致贫原因", "脱贫属性", "识别年度", "脱贫年度", "联系电话", "住房安全有保障", "饮水安全有保障",
    "义务教育有保障", "基本医疗有保障", "年人均纯收入", "经度", "纬度",
]  # fmt: skip
VILLAGES = ["610727100200", "610727100201", "610727101200"]


def plain_rows() -> list[list[str]]:
    """Rows in plain forms that still cover every column's variety."""
    rows = []
    for n in range(12):
        status = ["未脱贫", "已脱贫", "返贫", "注销"][n % 4]
        rows.append(
            [
                f"F{n:03d}",
                VILLAGES[n % 3],
                ["王大明", "李小红", "略阳县人"][n % 3],
                make_id(100 + n).lower() if n == 5 else make_id(100 + n),
                str(1 + n % 7),
                ["国家标准", "省定标准"][n % 2],
                ["一般贫困户", "低保贫困户", "特困供养贫困户"][n % 3],
                ["因病", "因残", "缺技术"][n % 3],
                ["", "缺资金", "缺资金、交通条件落后"][n % 3],
                status,
                str(2014 + n % 4),
                "2019" if status == "已脱贫" else ("" if n % 2 else "2019"),
                "" if n % 3 == 0 else f"1391234{n:04d}",
                ["是", "否", ""][n % 3],
                ["否", "", "是"][n % 3],
                "是",
                "" if n == 7 else "否",
                ["", "3200", "4200.5", "0", "99999999.99", "1712.61"][n % 6],
                ["", "106.1", "-0.000001", "106.835765", "180"][n % 5],
                ["", "33.25", "-90", "33.432767"][n % 4],
            ]
        )
    rows[3][0] = " F003\u3000"  # spaces and a full-width space around a cell are trimmed
    return rows


def stored() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    households = [
        tuple(v for k, v in row.items() if k not in {"id", "created_at", "updated_at", "village_id"})
        for row in Household.objects.order_by("code").values()
    ]
    code_of = dict(Household.objects.values_list("pk", "code"))
    logs = sorted(
        (
            code_of[log.object_id],
            log.object_repr,
            log.action,
            log.actor_name,
            log.source,
            log.before,
            log.after,
        )
        for log in ChangeLog.objects.filter(object_type="registry.household")
    )
    return households, logs


def both_ways(monkeypatch: pytest.MonkeyPatch, data: bytes, filename: str = "households.csv") -> None:
    """Import `data` by the fast path and by the row engine; assert both store the same."""
    used: list[bool] = []
    real = fast.import_households_fast

    def spy(*args: Any, **kwargs: Any) -> Any:
        report = real(*args, **kwargs)
        used.append(report is not None)
        return report

    monkeypatch.setattr("fupin.ledgers.definitions.registry.households.import_households_fast", spy)
    outcome = import_file("households", data, filename)
    assert outcome.ok and outcome.written, messages(outcome)
    assert used == [True]
    quick = stored()
    Household.objects.all().delete()
    ChangeLog.objects.filter(object_type="registry.household").delete()
    monkeypatch.setattr(HouseholdsLedger, "import_fast", lambda *args, **kwargs: None)
    outcome = import_file("households", data, filename)
    assert outcome.ok, messages(outcome)
    assert stored() == quick
    assert len(quick[0]) == len(quick[1]) > 0


def declined(data: bytes) -> bool:
    """Whether the fast path turns `data` down, leaving nothing of its own behind."""
    before = (Household.objects.count(), ChangeLog.objects.count())
    report = HouseholdsLedger().import_fast(data, "households.csv", cli_context(batch="test"))
    assert (Household.objects.count(), ChangeLog.objects.count()) == before
    return report is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_fast_path_stores_what_the_row_engine_stores(
    county: County, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    both_ways(monkeypatch, csv_bytes([HEADER, *plain_rows()], encoding=encoding))


def test_english_headers_in_another_order(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    english = [column.en for column in HouseholdsLedger.columns]
    rows = [[*reversed(english)], *[list(reversed(row)) for row in plain_rows()]]
    both_ways(monkeypatch, csv_bytes(rows))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("住房安全有保障", "Y"),  # accepted by the rules, not a plain form
        ("年人均纯收入", "1,200"),
        ("联系电话", "0916-1234567"),
        ("其他致贫原因", "缺资金,缺技术"),
    ],
)
def test_other_accepted_forms_go_the_row_engine_way(
    county: County, monkeypatch: pytest.MonkeyPatch, column: str, value: str
) -> None:
    rows = plain_rows()
    rows[0][HEADER.index(column)] = value
    assert declined(csv_bytes([HEADER, *rows]))
    outcome = import_file("households", csv_bytes([HEADER, *rows]), "households.csv")
    assert outcome.ok, messages(outcome)
    assert Household.objects.count() == len(rows)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("户主身份证号", "610727198001010010", "校验位"),
        ("区划代码", "610727100000", "应为村级区划"),
        ("家庭人口数", "21", ""),
        ("脱贫年度", "2012", ""),
        ("其他致贫原因", "因病", "不能与主要致贫原因"),
        ("经度", "181", ""),
    ],
)
def test_a_file_with_an_error_gets_the_row_engines_report(
    county: County, column: str, value: str, message: str
) -> None:
    rows = plain_rows()
    rows[4][HEADER.index(column)] = value
    if column == "其他致贫原因":
        rows[4][HEADER.index("主要致贫原因")] = "因病"
    outcome = import_file("households", csv_bytes([HEADER, *rows]), "households.csv")
    assert not outcome.ok and not Household.objects.exists()
    assert [(e.row, e.column) for e in outcome.errors] == [(6, column)]
    assert message in outcome.errors[0].message


def test_repeated_codes_or_stored_households_are_left_to_the_row_engine(county: County) -> None:
    rows = plain_rows()
    assert import_file("households", csv_bytes([HEADER, rows[0]]), "households.csv").ok
    outcome = import_file("households", csv_bytes([HEADER, *rows]), "households.csv")
    assert outcome.ok and outcome.reports[0].result.unchanged == 1
    duplicate = import_file("households", csv_bytes([HEADER, rows[1], rows[1]]), "households.csv")
    assert [e.row for e in duplicate.errors] == [3]


def test_blank_rows_and_absent_optional_columns(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    required = [c.zh for c in HouseholdsLedger.columns if c.required]
    keep = [HEADER.index(name) for name in required]
    rows = [[row[i] for i in keep] for row in plain_rows() if row[HEADER.index("脱贫属性")] != "已脱贫"]
    rows.insert(2, [""] * len(required))
    both_ways(monkeypatch, csv_bytes([required, *rows]))


def test_many_slices_and_cells_that_need_escaping(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices are prepared on a second thread while earlier ones are written; a name with a
    backslash, and a coordinate of -0.0, are kept as the row engine keeps them."""
    monkeypatch.setattr(fast, "SLICE", 4)
    monkeypatch.setattr(fast, "FIRST_SLICE", 2)
    rows = plain_rows()
    rows[1][HEADER.index("户主姓名")] = "王\\大明"
    rows[2][HEADER.index("经度")] = "-0.0"
    sizes: list[int] = []
    real = fast._stored_values

    def counted(part: Any, *args: Any) -> Any:
        sizes.append(part.height)
        return real(part, *args)

    monkeypatch.setattr(fast, "_stored_values", counted)
    both_ways(monkeypatch, csv_bytes([HEADER, *rows]))
    assert len(sizes) >= 3 and sum(sizes) == len(rows)  # slices are cut by size, about 2 then 4 lines


def test_a_quoted_cell_goes_the_row_engine_way(county: County) -> None:
    rows = plain_rows()
    rows[0][HEADER.index("户主姓名")] = '王"大"明'
    data = csv_bytes([HEADER, *rows])
    assert declined(data)
    outcome = import_file("households", data, "households.csv")
    assert outcome.ok, messages(outcome)
    assert Household.objects.get(code="F000").head_name == '王"大"明'


def test_a_key_repeated_in_a_later_slice_undoes_the_earlier_ones(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path writes slice by slice; a head ID number or 户编号 met again in a later slice
    rolls back what it wrote, and the row engine reports the row."""
    monkeypatch.setattr(fast, "SLICE", 3)
    monkeypatch.setattr(fast, "FIRST_SLICE", 3)
    for column in ("户主身份证号", "户编号"):
        rows = plain_rows()
        rows[10][HEADER.index(column)] = rows[1][HEADER.index(column)]
        data = csv_bytes([HEADER, *rows])
        assert declined(data)
        outcome = import_file("households", data, "households.csv")
        assert [(e.row, e.column) for e in outcome.errors] == [(12, column)]
        assert not Household.objects.exists()


def test_a_household_already_stored_is_left_to_the_row_engine(county: County) -> None:
    rows = plain_rows()
    assert import_file("households", csv_bytes([HEADER, rows[7]]), "households.csv").ok
    assert declined(csv_bytes([HEADER, *rows]))
    other_head = [*rows[7]]
    other_head[0] = "NEW1"
    assert declined(csv_bytes([HEADER, other_head]))

"""The indicator-values ledger: an export imports back unchanged, values and plans are written with
the change log and make open forms stale, and a file with any error — each named by row, column and
reason — writes nothing, including a value of a report already submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.models import ChangeLog
from fupin.indicators.models import DataValue, ValueKind
from fupin.indicators.services.approval import report_submit
from fupin.indicators.services.entry import report_get
from fupin.indicators.tests.conftest import Ind
from fupin.ledgers.tests.helpers import error_cells, import_file, import_rows, messages, totals

pytestmark = pytest.mark.django_db
HEADER = ["指标编码", "区划代码", "期间", "类型", "数值", "说明"]
A1, A2, B1 = "610727100200", "610727100201", "610727101200"


def test_import_writes_values_and_plans_with_the_change_log(ind: Ind) -> None:
    outcome = import_rows(
        "indicator-values",
        [
            HEADER,
            ["CJ01", A1, "2019-11", "实际值", "1,234.5", "含分红"],
            ["CJ01", A1, "2019", "年度计划", "15000", ""],
        ],
    )
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (2, 0, 0)
    actual = DataValue.objects.get(kind=ValueKind.ACTUAL)
    assert (actual.value, actual.comment, actual.period) == (Decimal("1234.5"), "含分红", 11)
    assert DataValue.objects.get(kind=ValueKind.PLAN).value == Decimal(15000)
    assert ChangeLog.objects.filter(object_type="indicators.datavalue", action="create").count() == 2


def test_an_export_imports_back_unchanged(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": "10.5", "CJ02": 3, "CJ03": 4})
    ind.enter(ind.county.village_a1, 2019, 0, {"CJ01": 100}, kind=ValueKind.PLAN)
    export = ind.personas.client("county_admin").get(
        reverse("indicators:data-set-export", args=[ind.village_set.code]) + "?year=2019"
    )
    outcome = import_file("indicator-values", export.content, "values.xlsx")
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (0, 0, 4)


def test_an_import_makes_an_open_form_stale(ind: Ind) -> None:
    report = ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 1})
    import_rows("indicator-values", [HEADER, ["CJ01", A1, "2019-11", "", "2", ""]])
    fresh = report_get(
        data_set=ind.village_set, area=ind.county.village_a1, kind=ValueKind.ACTUAL, year=2019, period=11
    )
    assert fresh.version == report.version + 1


def test_every_error_is_named_and_nothing_is_written(ind: Ind) -> None:
    submitted = ind.enter(ind.county.village_a2, 2019, 10, {"CJ01": 1})
    report_submit(actor=SYSTEM, scope=EVERYTHING, report=submitted, expected_version=submitted.version)
    rows = [
        HEADER,
        ["CJ01", A1, "2019-11", "", "5", ""],  # fine
        ["XX99", A1, "2019-11", "", "5", ""],  # no such indicator
        ["CJ01", "610727100000", "2019-11", "", "5", ""],  # a town for a village data set
        ["CJ01", A1, "2019Q4", "", "5", ""],  # a quarter for a monthly data set
        ["CJ01", A1, "2019-10", "", "-5", ""],  # negative
        ["CJ02", A1, "2019-09", "", "2.5", ""],  # not an integer
        ["CJ02", B1, "2019-11", "", "9", ""],  # the rule: 9 jobs but
        ["CJ03", B1, "2019-11", "", "4", ""],  # only 4 labourers
        ["CJ01", A2, "2019-10", "", "3", ""],  # the report is submitted: locked
        ["CJ01", A1, "2019-13", "", "3", ""],  # no such month
        ["CJ01", A1, "2019-11", "", "6", ""],  # the first row again
    ]
    outcome = import_rows("indicator-values", rows)
    assert not outcome.ok
    assert error_cells(outcome) == {
        (3, "指标编码"),
        (4, "区划代码"),
        (5, "期间"),
        (6, "数值"),
        (7, "数值"),
        (8, "数值"),
        (9, "数值"),  # both rows of a broken rule are named
        (10, "期间"),
        (11, "期间"),
        (12, "指标编码"),
    }
    text = messages(outcome)
    assert "“村级经济月报”由村级填报" in text and "“村集体经济收入”不能为负数" in text
    assert "“公益岗位在岗人数”（9）不应大于“脱贫劳动力人数”（4）" in text
    assert "已锁定" in text and "与第2行重复" in text
    assert DataValue.objects.count() == 1  # only the submitted report's own value


def test_rules_are_checked_against_the_values_already_stored_for_the_form(ind: Ind) -> None:
    ind.enter(ind.county.village_a1, 2019, 11, {"CJ01": 1, "CJ02": 3, "CJ03": 4})
    # 9 jobs in the file against the 4 labourers already stored: refused, naming both.
    outcome = import_rows("indicator-values", [HEADER, ["CJ02", A1, "2019-11", "", "9", ""]])
    assert error_cells(outcome) == {(2, "数值")}
    assert "“公益岗位在岗人数”（9）不应大于“脱贫劳动力人数”（4，已存）" in messages(outcome)
    # The stored side broken by the file's other side: 2 labourers against the 3 jobs stored.
    outcome = import_rows("indicator-values", [HEADER, ["CJ03", A1, "2019-11", "", "2", ""]])
    assert "“公益岗位在岗人数”（3，已存）不应大于“脱贫劳动力人数”（2）" in messages(outcome)
    # The file's value wins over the stored one: both changed together pass.
    outcome = import_rows(
        "indicator-values",
        [HEADER, ["CJ02", A1, "2019-11", "", "9", ""], ["CJ03", A1, "2019-11", "", "10", ""]],
    )
    assert outcome.ok, messages(outcome)
    # Another period's or another village's stored values do not bind the file's row.
    outcome = import_rows("indicator-values", [HEADER, ["CJ02", A1, "2019-10", "", "9", ""]])
    assert outcome.ok, messages(outcome)
    assert DataValue.objects.get(indicator=ind.jobs, period=11).value == 9


def test_outside_the_scope_is_refused(ind: Ind) -> None:
    outcome = import_rows(
        "indicator-values", [HEADER, ["CJ01", B1, "2019-11", "", "5", ""]], scope=ind.scope("town_official")
    )
    assert error_cells(outcome) == {(2, "区划代码")}
    assert not DataValue.objects.exists()

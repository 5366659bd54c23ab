"""The engine's streaming path: chunk by chunk, keys across chunks, all or nothing, progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin.conftest import County, make_id
from fupin.core.models import ChangeLog
from fupin.ledgers import registry
from fupin.ledgers.definitions.structure import CadresLedger
from fupin.ledgers.reading import stream_table
from fupin.ledgers.services import ledger_import
from fupin.ledgers.tests.helpers import (
    CADRES_HEADER,
    context,
    csv_bytes,
    import_rows,
    run_command,
    write_csv,
    xlsx_bytes,
)
from fupin.people.models import Cadre


class StreamingCadres(CadresLedger):
    streaming = True
    chunk_size = 2


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.LEDGERS, "cadres", StreamingCadres())


def cadre_row(n: int, unit: str = "U1", code: str | None = None) -> list[object]:
    return [code or f"S{n}", f"张{n}", make_id(40 + n), "", unit, "", "帮扶干部"]


@pytest.mark.usefixtures("streaming")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_chunk_is_written(county: County, fmt: str) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, *[cadre_row(n) for n in range(5)]], fmt=fmt)
    assert outcome.ok and outcome.written
    assert outcome.reports[0].rows == 5 and outcome.reports[0].result.created == 5
    assert sorted(Cadre.objects.values_list("code", flat=True)) == [f"S{n}" for n in range(5)]
    assert ChangeLog.objects.filter(object_type="people.cadre").count() == 5


@pytest.mark.usefixtures("streaming")
def test_a_key_repeated_in_a_later_chunk_is_found_and_nothing_is_written(county: County) -> None:
    rows = [CADRES_HEADER, *[cadre_row(n) for n in range(5)], cadre_row(9, code="S0")]
    outcome = import_rows("cadres", rows)
    assert not outcome.ok and not outcome.written
    assert [(e.row, e.column) for e in outcome.errors] == [(7, "干部编号")]
    assert "与第2行重复" in outcome.errors[0].message
    assert not Cadre.objects.exists() and not ChangeLog.objects.filter(object_type="people.cadre").exists()


@pytest.mark.usefixtures("streaming")
def test_an_error_in_the_last_chunk_undoes_the_chunks_already_written(county: County) -> None:
    rows = [
        CADRES_HEADER,
        *[cadre_row(n) for n in range(4)],
        cadre_row(4, unit="U404"),
        cadre_row(5, unit="U405"),
    ]
    outcome = import_rows("cadres", rows)
    assert [(e.row, e.value) for e in outcome.errors] == [(6, "U404"), (7, "U405")]
    assert not Cadre.objects.exists()


@pytest.mark.usefixtures("streaming")
def test_progress_rises_to_the_row_count(county: County) -> None:
    seen: list[tuple[int, int]] = []
    ledger_import(
        ledger_name="cadres",
        data=csv_bytes([CADRES_HEADER, *[cadre_row(n) for n in range(5)]]),
        filename="cadres.csv",
        context=context(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [done for done, _ in seen] == [2, 4, 5, 5]
    assert seen[-1] == (5, 5)
    assert all(done <= total for done, total in seen)


def test_stream_table_reads_gb18030_lazily_and_skips_blank_rows() -> None:
    data = csv_bytes([["干部编号", "姓名"], ["G1", "略阳"], ["", ""], ["G2", "张三"]], encoding="gb18030")
    stream = stream_table(data, "cadres.csv")
    assert stream.header == ["干部编号", "姓名"]
    assert list(stream.rows) == [(2, ["G1", "略阳"]), (4, ["G2", "张三"])]
    assert stream.estimated_rows >= 3
    xlsx = stream_table(xlsx_bytes([["干部编号"], ["G1"]]), "cadres.xlsx")
    assert list(xlsx.rows) == [(2, ["G1"])]


@pytest.mark.parametrize("stream", [True, False])
def test_the_command_draws_a_progress_bar_to_the_end(
    county: County, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    if stream:
        monkeypatch.setitem(registry.LEDGERS, "cadres", StreamingCadres())
    path = write_csv(tmp_path / "cadres.csv", [CADRES_HEADER, *[cadre_row(n) for n in range(5)]])
    _out, err, error = run_command("import", "cadres", str(path), "--progress")
    assert error is None
    assert "100.0%" in err and "5/5 行" in err
    assert Cadre.objects.count() == 5

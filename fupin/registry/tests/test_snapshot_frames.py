"""A frame of new households is snapshotted as each household's own audit_snapshot would be."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from fupin.core.audit import created_snapshot
from fupin.core.snapshots import created_snapshot_texts
from fupin.registry.models import Household
from fupin.registry.models.households import HOUSEHOLD_SNAPSHOT


def household(**values: Any) -> Household:
    defaults: dict[str, Any] = {
        "code": "H1",
        "area_code": "610727100200",
        "head_name": "王大明",
        "head_id_number": "610727198001010015",
        "size": 3,
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "other_causes": "",
        "poverty_status": "not_out",
        "registered_year": 2014,
        "phone": "",
    }
    return Household(**{**defaults, **values})


HOUSEHOLDS = [
    household(),
    household(
        code="H2",
        head_name='王"大\\明\n\t\x01',
        other_causes=",no_capital,transport,",
        phone="13912340000",
        exit_year=2019,
        poverty_status="out",
        housing_secure=True,
        water_secure=False,
        net_income_per_capita="1712.60",
        longitude="-0.000000",
        relocated=True,
        relocation_mode="centralised",
        cancel_reason="迁出",
    ),
    household(code="H3", head_id_number="12345", phone="12345", main_cause="unknown-value"),
]


def frame_of(households: list[Household]) -> pl.DataFrame:
    """The households as copy_frames holds them: one column per attribute, decimals as text."""
    columns: dict[str, list[Any]] = {}
    for field in HOUSEHOLD_SNAPSHOT:
        columns[field.attribute] = [getattr(h, field.attribute) for h in households]
    return pl.DataFrame(columns, strict=False)


def test_the_frame_snapshot_is_each_records_created_snapshot() -> None:
    texts = created_snapshot_texts(frame_of(HOUSEHOLDS), HOUSEHOLD_SNAPSHOT).to_list()
    expected = [created_snapshot(h.audit_snapshot()) for h in HOUSEHOLDS]
    assert [json.loads(text) for text in texts] == expected
    assert list(json.loads(texts[1])) == list(expected[1])  # fields in the declared order
    assert expected[1]["户主姓名"] == '王"大\\明\n\t\x01'
    assert expected[1]["联系电话"] == "139****0000" and expected[2]["户主身份证号"] == "*****"
    assert expected[1]["其他致贫原因"] == "缺资金、交通条件落后"
    assert "脱贫年度" not in expected[0] and expected[1]["住房安全有保障"] is True

"""Fixtures of the ledger tests: the shared county plus a few cadres, without login accounts."""

from __future__ import annotations

import pytest

from fupin.conftest import County, add_cadre
from fupin.people.models import Cadre


@pytest.fixture
def cadres(county: County) -> dict[str, Cadre]:
    """G1, G2 in 县扶贫开发局 (U1), G3 in 县农业农村局 (U2), G9 in 宁强县扶贫局 (U9) of the other county."""
    return {
        "G1": add_cadre("G1", "赵县长", county.office_unit, ["county_leader", "paired_cadre"], 1),
        "G2": add_cadre("G2", "钱主任", county.office_unit, ["dept_head", "paired_cadre"], 2),
        "G3": add_cadre("G3", "孙科员", county.agriculture, ["paired_cadre"], 3),
        "G9": add_cadre("G9", "冯干部", county.other_unit, ["paired_cadre"], 9),
    }

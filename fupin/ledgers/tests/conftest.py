"""Fixtures of the ledger tests: the shared county plus a few cadres, without login accounts."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.conftest import SYSTEM, County, add_cadre, make_id
from fupin.people.models import Cadre
from fupin.registry.models import Household
from fupin.registry.services.households import households_upsert, members_upsert


@pytest.fixture
def cadres(county: County) -> dict[str, Cadre]:
    """G1, G2 in 县扶贫开发局 (U1), G3 in 县农业农村局 (U2), G9 in 宁强县扶贫局 (U9) of the other county."""
    return {
        "G1": add_cadre("G1", "赵县长", county.office_unit, ["county_leader", "paired_cadre"], 1),
        "G2": add_cadre("G2", "钱主任", county.office_unit, ["dept_head", "paired_cadre"], 2),
        "G3": add_cadre("G3", "孙科员", county.agriculture, ["paired_cadre"], 3),
        "G9": add_cadre("G9", "冯干部", county.other_unit, ["paired_cadre"], 9),
    }


@pytest.fixture
def registry(county: County) -> dict[str, Household]:
    """H1 in 黄家坝村 (兴州街道) with its head (make_id(101)) and spouse (make_id(102, "女")); H2 in
    青岗坪村 (接官亭镇) with its head (make_id(103))."""
    households_upsert(
        actor=SYSTEM,
        rows=[
            _household("H1", county.village_a1, "王建国", make_id(101), 2),
            _household("H2", county.village_b1, "李平", make_id(103), 1),
        ],
    )
    h1, h2 = Household.objects.get(code="H1"), Household.objects.get(code="H2")
    members_upsert(
        actor=SYSTEM,
        rows=[
            {"household": h1, "name": "王建国", "id_number": make_id(101), "relation": "head", "sex": "male"},
            {"household": h1, "name": "张兰", "id_number": make_id(102, "女"), "relation": "spouse"},
            {"household": h2, "name": "李平", "id_number": make_id(103), "relation": "head"},
        ],
    )
    return {"H1": h1, "H2": h2}


def _household(code: str, village: Area, head_name: str, head_id: str, size: int) -> dict[str, object]:
    return {
        "code": code,
        "village": village,
        "head_name": head_name,
        "head_id_number": head_id,
        "size": size,
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "other_causes": None,
        "poverty_status": "not_out",
        "registered_year": 2015,
        "exit_year": None,
        "phone": "13900000001",
    }

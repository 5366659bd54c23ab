"""Splitting to the fen: parts always sum to the total, the remainder goes by a fixed rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.industry.money import split_fen, yuan_text, yuan_to_fen


def test_equal_shares_that_do_not_divide_give_the_leftover_fen_to_the_smaller_codes() -> None:
    # 100.00 yuan among three equal shares: 33.34 + 33.33 + 33.33.
    parts = split_fen(10000, [("H3", 1), ("H1", 1), ("H2", 1)])
    assert parts == {"H1": 3334, "H2": 3333, "H3": 3333}
    assert sum(parts.values()) == 10000


def test_largest_remainder_wins_over_code_order() -> None:
    # 1.00 yuan by 1 : 2 : 4 → exact 14.285…, 28.571…, 57.142…; the leftover fen goes to 28.571….
    parts = split_fen(100, [("A", 1), ("B", 2), ("C", 4)])
    assert parts == {"A": 14, "B": 29, "C": 57}


def test_decimal_weights_and_a_prime_total_always_sum_exactly() -> None:
    weights = [(f"H{i:03d}", Decimal(i) / 3) for i in range(1, 38)]
    parts = split_fen(1_370_001, weights)
    assert sum(parts.values()) == 1_370_001
    assert split_fen(1_370_001, weights) == parts  # deterministic


def test_refuses_what_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="没有分配对象"):
        split_fen(100, [])
    with pytest.raises(ValueError, match="须大于0"):
        split_fen(100, [("A", 0)])
    assert split_fen(0, []) == {}


def test_yuan_and_fen() -> None:
    assert yuan_to_fen("1,370,000.05") == 137000005
    assert yuan_text(137000005) == "1,370,000.05"
    with pytest.raises(ValueError, match="两位小数"):
        yuan_to_fen("1.005")

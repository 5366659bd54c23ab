"""Money as integer fen (分): parsing yuan, showing yuan, and splitting a sum to the fen.

Amounts are never floats. A split gives each part its exact share rounded down, then hands the fen
that are left over one each to the parts with the largest remainders, ties going to the smaller key
(a household code), so the parts always add up to the total and the same inputs always give the
same parts (the largest-remainder, or Hamilton, method).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
FEN_PER_YUAN = 100


def yuan_to_fen(value: Decimal | int | str) -> int:
    """Yuan (at most two decimals) as fen; more decimals than fen can hold are refused."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"金额“{value}”不是有效的数字") from None
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError("金额最多保留两位小数（到分）")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan_text(fen: int) -> str:
    """12345678 → "123,456.78"."""
    return f"{fen_to_yuan(fen):,.2f}"


def split_fen(
    total: int, weights: Sequence[tuple[K, Decimal | int]], *, order: Sequence[str] | None = None
) -> dict[K, int]:
    """Split `total` fen among keys by their (positive) weights, to the fen, summing to `total`.

    `order` gives the tie-break text of each key in the same order as `weights` (defaults to the
    key itself as text): of two equal remainders, the smaller text gets the fen.
    """
    if total < 0:
        raise ValueError("分配金额不能为负数")
    if not weights:
        if total:
            raise ValueError("没有分配对象")
        return {}
    exact = [(key, Fraction(Decimal(weight))) for key, weight in weights]
    if any(weight <= 0 for _, weight in exact):
        raise ValueError("分配份额须大于0")
    whole = sum(weight for _, weight in exact)
    ties = list(order) if order is not None else [str(key) for key, _ in weights]
    parts: dict[K, int] = {}
    remainders: list[tuple[Fraction, str, K]] = []
    for (key, weight), tie in zip(exact, ties, strict=True):
        share = total * weight / whole
        floor = share.numerator // share.denominator
        parts[key] = floor
        remainders.append((share - floor, tie, key))
    left = total - sum(parts.values())
    # Largest remainder first; equal remainders by the smaller tie text.
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, _, key in remainders[:left]:
        parts[key] += 1
    return parts

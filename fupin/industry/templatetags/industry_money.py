"""{{ amount_fen|yuan }}: fen shown as yuan with thousands separators (1,370,000.00)."""

from __future__ import annotations

from django import template

from fupin.industry.money import yuan_text

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "" if fen is None else yuan_text(int(fen))

"""{{ amount_fen|yuan }}: fen shown as yuan with thousands separators (1,370,000.00);
{{ part|percent_of:whole }}: a share as "75.0%"."""

from __future__ import annotations

from django import template

from fupin.industry.money import yuan_text

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "" if fen is None else yuan_text(int(fen))


@register.filter
def percent_of(part: int | None, whole: int | None) -> str:
    return f"{(part or 0) * 100 / whole:.1f}%" if whole else "—"

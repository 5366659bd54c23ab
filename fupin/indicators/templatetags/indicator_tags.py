"""Figures as the indicator pages show them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """A ratio as a percentage with one decimal (0.589 → 58.9%); — when there is none."""
    return "—" if value is None else f"{value:.1%}"


@register.filter
def lookup(mapping: dict[str, object], key: str) -> object:
    """mapping[key] in a template, or None."""
    return mapping.get(key)

"""field__any finds the same rows as field__in, on either database."""

from __future__ import annotations

from fupin.conftest import County
from fupin.people.models import Unit


def test_any_matches_in(county: County) -> None:
    codes = ["U1", "U3", "U404", *[f"X{n}" for n in range(3000)]]
    assert set(Unit.objects.filter(code__any=codes).values_list("code", flat=True)) == {"U1", "U3"}
    assert list(Unit.objects.filter(code__any=[])) == []
    ids = list(Unit.objects.filter(code__in=["U2", "U5"]).values_list("pk", flat=True))
    assert set(Unit.objects.filter(pk__any=ids).values_list("code", flat=True)) == {"U2", "U5"}

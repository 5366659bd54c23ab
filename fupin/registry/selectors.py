"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.registry.models import Household, Member
from fupin.registry.visibility import household_q


def household_list(
    scope: Scope,
    *,
    area_code: str = "",
    status: str = "",
    cause: str = "",
    category: str = "",
    search: str = "",
) -> QuerySet[Household]:
    """Households the scope may see, filtered; `search` matches the head's or a member's name in
    characters or pinyin, the household code, or a member's full ID number."""
    households = Household.objects.filter(household_q(scope))
    if area_code:
        households = households.filter(area_code__startswith=areacode.prefix_of(area_code))
    if status:
        households = households.filter(poverty_status=status)
    if cause:
        households = households.filter(Q(main_cause=cause) | Q(other_causes__contains=f",{cause},"))
    if category:
        households = households.filter(category=category)
    if search:
        households = households.filter(_search_q(search))
    return households


def _search_q(text: str) -> Q:
    text = text.strip()
    names = Q(name__contains=text)
    q = Q(code=text) | Q(head_name__contains=text)
    if text.isascii():
        # Pinyin or initials: "wangdaming", "wdm".
        q |= Q(search_key__contains=text.lower())
        names |= Q(search_key__contains=text.lower()) | Q(id_number=text.upper())
    return q | Q(pk__in=Member.objects.filter(names).values("household_id"))


def household_get(scope: Scope, code: str) -> Household | None:
    return household_list(scope).select_related("village", "village__parent").filter(code=code).first()


def member_list(scope: Scope, household: Household) -> QuerySet[Member]:
    return Member.objects.filter(household=household, household__in=household_list(scope))

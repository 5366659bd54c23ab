"""Reads of the chain of responsibility, always through the user's scope and as of a date.

Who sees which assignment: area-wide roles (county and town) every assignment whose household,
village or town lies in their area; a cadre its own assignments and those of the village work
team it serves in; a unit user its units' (their cadres', the villages they help, the team members
they send). Nothing here widens the scope: households come through the registry's visibility,
units and cadres through the people app's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fupin.areas.county_settings import CADRE_LOAD_LIMIT, SETTINGS
from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_list, county_setting
from fupin.core import areacode
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import (
    FIRST_SECRETARY_ROLES,
    LeaderTown,
    Pairing,
    UnitVillage,
    WorkTeamMember,
    active_on,
)
from fupin.people.models import Cadre, CadreCategory, Unit
from fupin.people.selectors import cadre_list, unit_list
from fupin.registry.models import POOR_STATUSES, Household
from fupin.registry.selectors import household_list, registered_by, status_on

NOTHING = Q(pk__in=[])


def _in_own_team_villages(scope: Scope, village_field: str) -> Q:
    """Rows of the villages whose work team the scope's cadre serves in today."""
    if scope.cadre_id is None:
        return NOTHING
    villages = WorkTeamMember.objects.filter(active_on(timezone.localdate()), cadre_id=scope.cadre_id)
    return Q(**{f"{village_field}__in": villages.values("village_id")})


def _unit_reach(scope: Scope) -> bool:
    """Only a unit user speaks for its units; another role's account unit is just where it works."""
    return scope.role == Role.UNIT_USER and bool(scope.unit_ids)


def _scoped(scope: Scope, area_field: str, reach: Callable[[], Q]) -> Q:
    """Area-wide roles see every row inside their area; others the rows their `reach` gives."""
    if scope.is_everything:
        return Q()
    if scope.is_public:
        return NOTHING
    inside = scope.area_q(area_field)
    return inside if scope.is_area_wide else inside & reach()


def pairing_q(scope: Scope) -> Q:
    def reach() -> Q:
        q = NOTHING
        if scope.cadre_id is not None:
            q |= Q(cadre_id=scope.cadre_id) | _in_own_team_villages(scope, "household__village_id")
        if _unit_reach(scope):
            q |= Q(cadre__unit_id__in=scope.unit_ids)
        return q

    return _scoped(scope, "household__area_code", reach)


def work_team_q(scope: Scope) -> Q:
    def reach() -> Q:
        q = NOTHING
        if scope.cadre_id is not None:
            q |= Q(cadre_id=scope.cadre_id) | _in_own_team_villages(scope, "village_id")
        if _unit_reach(scope):
            q |= Q(cadre__unit_id__in=scope.unit_ids) | Q(sending_unit_id__in=scope.unit_ids)
        return q

    return _scoped(scope, "village__code", reach)


def unit_village_q(scope: Scope) -> Q:
    def reach() -> Q:
        q = _in_own_team_villages(scope, "village_id")
        return q | Q(unit_id__in=scope.unit_ids) if _unit_reach(scope) else q

    return _scoped(scope, "village__code", reach)


def leader_town_q(scope: Scope) -> Q:
    def reach() -> Q:
        q = NOTHING if scope.cadre_id is None else Q(cadre_id=scope.cadre_id)
        if _unit_reach(scope):
            q |= Q(cadre__unit_id__in=scope.unit_ids) | Q(lead_unit_id__in=scope.unit_ids)
        return q

    return _scoped(scope, "town__code", reach)


def pairing_list(
    scope: Scope,
    *,
    as_of: dt.date | None = None,
    area_code: str = "",
    cadre_code: str = "",
    household_code: str = "",
) -> QuerySet[Pairing]:
    """Pairings the scope may see; with `as_of`, only those active on that day (else all history)."""
    qs = Pairing.objects.filter(pairing_q(scope)).select_related("cadre__unit", "household__village")
    if as_of is not None:
        qs = qs.filter(active_on(as_of))
    if area_code:
        qs = qs.filter(household__area_code__startswith=areacode.prefix_of(area_code))
    if cadre_code:
        qs = qs.filter(cadre__code=cadre_code)
    if household_code:
        qs = qs.filter(household__code=household_code)
    return qs.order_by("household__code", "-start_date", "cadre__code")


def work_team_list(
    scope: Scope, *, as_of: dt.date | None = None, area_code: str = "", cadre_code: str = ""
) -> QuerySet[WorkTeamMember]:
    qs = WorkTeamMember.objects.filter(work_team_q(scope)).select_related("village", "cadre", "sending_unit")
    if as_of is not None:
        qs = qs.filter(active_on(as_of))
    if area_code:
        qs = qs.filter(village__code__startswith=areacode.prefix_of(area_code))
    if cadre_code:
        qs = qs.filter(cadre__code=cadre_code)
    return qs.order_by("village__code", "role", "-start_date", "cadre__code")


def unit_village_list(
    scope: Scope, *, as_of: dt.date | None = None, area_code: str = ""
) -> QuerySet[UnitVillage]:
    qs = UnitVillage.objects.filter(unit_village_q(scope)).select_related("unit", "village")
    if as_of is not None:
        qs = qs.filter(active_on(as_of))
    if area_code:
        qs = qs.filter(village__code__startswith=areacode.prefix_of(area_code))
    return qs.order_by("village__code", "unit__code", "-start_date")


def leader_town_list(
    scope: Scope, *, as_of: dt.date | None = None, area_code: str = ""
) -> QuerySet[LeaderTown]:
    qs = LeaderTown.objects.filter(leader_town_q(scope)).select_related("cadre", "town", "lead_unit")
    if as_of is not None:
        qs = qs.filter(active_on(as_of))
    if area_code:
        qs = qs.filter(town__code__startswith=areacode.prefix_of(area_code))
    return qs.order_by("town__code", "cadre__code", "-start_date")


def pairing_get(scope: Scope, cadre_code: str, household_code: str, start_date: dt.date) -> Pairing | None:
    return (
        pairing_list(scope, cadre_code=cadre_code, household_code=household_code)
        .filter(start_date=start_date)
        .first()
    )


def work_team_member_get(
    scope: Scope, village_code: str, cadre_code: str, start_date: dt.date
) -> WorkTeamMember | None:
    return (
        work_team_list(scope, cadre_code=cadre_code)
        .filter(village__code=village_code, start_date=start_date)
        .first()
    )


# -- references an assignment names --------------------------------------------------------------
def assignable_cadre(code: str) -> Cadre | None:
    """A cadre named in an assignment. Cadres of county departments are paired with households in
    every town, so this looks beyond the actor's own scope; the services judge the actor's right
    by the household, village or town being assigned."""
    return Cadre.objects.select_related("unit").filter(code=code).first()


def assignable_unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


# -- a household's helpers over time -------------------------------------------------------------
@dataclass(frozen=True)
class Helper:
    cadre_code: str
    cadre_name: str
    unit_name: str
    phone: str
    start_date: dt.date
    end_date: dt.date | None
    active: bool


def household_helpers(scope: Scope, household: Household, as_of: dt.date | None = None) -> list[Helper]:
    """Every pairing of a household the scope may see, newest first (帮扶责任人 with history).

    The phone is masked unless the user may read full numbers or it is the user's own."""
    if not household_list(scope).filter(pk=household.pk).exists():
        return []
    day = as_of or timezone.localdate()
    pairings = (
        Pairing.objects.filter(household=household)
        .select_related("cadre__unit")
        .order_by("-start_date", "-id")
    )
    helpers = []
    for pairing in pairings:
        cadre = pairing.cadre
        reveal = scope.can_see_full_id_numbers or scope.cadre_id == cadre.pk
        helpers.append(
            Helper(
                cadre_code=cadre.code,
                cadre_name=cadre.name,
                unit_name=cadre.unit.name,
                phone=cadre.phone if reveal else cadre.masked_phone,
                start_date=pairing.start_date,
                end_date=pairing.end_date,
                active=pairing.is_active_on(day),
            )
        )
    return helpers


# -- the coverage board --------------------------------------------------------------------------
def poor_on(households: QuerySet[Household], as_of: dt.date) -> QuerySet[Household]:
    """Those of `households` that were poor (未脱贫 or 返贫) on `as_of`, their status that day read
    by the registry's one rule for it (status_on)."""
    return (
        households.filter(registered_by(as_of))
        .annotate(status_on=status_on(as_of))
        .filter(status_on__in=POOR_STATUSES)
    )


def unpaired_poor_households(scope: Scope, as_of: dt.date, area_code: str = "") -> QuerySet[Household]:
    """Poor households (未脱贫 or 返贫 on `as_of`) with no pairing active on that day."""
    households = household_list(scope, area_code=area_code)
    paired = Pairing.objects.filter(active_on(as_of), household=OuterRef("pk"))
    return (
        poor_on(households, as_of)
        .exclude(Exists(paired))
        .select_related("village")
        .order_by("area_code", "code")
    )


def poor_villages_without_first_secretary(
    scope: Scope, as_of: dt.date, area_code: str = ""
) -> QuerySet[Area]:
    secretary = WorkTeamMember.objects.filter(
        active_on(as_of), village=OuterRef("pk"), role__in=FIRST_SECRETARY_ROLES
    )
    villages = area_list(scope).filter(level=AreaLevel.VILLAGE, is_poor_village=True)
    if area_code:
        villages = villages.filter(code__startswith=areacode.prefix_of(area_code))
    return villages.exclude(Exists(secretary)).select_related("parent").order_by("code")


def units_without_village(scope: Scope, as_of: dt.date, area_code: str = "") -> QuerySet[Unit]:
    helping = UnitVillage.objects.filter(active_on(as_of), unit=OuterRef("pk"))
    units = unit_list(scope)
    if area_code:
        units = units.filter(area__code__startswith=areacode.prefix_of(area_code))
    return units.exclude(Exists(helping)).order_by("code")


def _belongs_to_area(as_of: dt.date, area_code: str) -> Q:
    """figures.md: a cadre belongs to an area below the county when it has an assignment active on
    `as_of` to a household, village or town inside it; a cadre whose unit sits there belongs too."""
    prefix = areacode.prefix_of(area_code)
    pairings = Pairing.objects.filter(
        active_on(as_of), cadre=OuterRef("pk"), household__area_code__startswith=prefix
    )
    teams = WorkTeamMember.objects.filter(
        active_on(as_of), cadre=OuterRef("pk"), village__code__startswith=prefix
    )
    towns = LeaderTown.objects.filter(active_on(as_of), cadre=OuterRef("pk"), town__code__startswith=prefix)
    return Exists(pairings) | Exists(teams) | Exists(towns) | Q(unit__area__code__startswith=prefix)


def cadre_loads(scope: Scope, as_of: dt.date, area_code: str = "") -> QuerySet[Cadre]:
    """Cadres annotated with `load`, the households they are paired with on `as_of`, heaviest first.
    Lists the cadres who carry a pairing or hold the 帮扶干部 category."""
    cadres = cadre_list(scope)
    if area_code and areacode.level_of(area_code) not in {areacode.PROVINCE, areacode.CITY, areacode.COUNTY}:
        cadres = cadres.filter(_belongs_to_area(as_of, area_code))
    return (
        cadres.annotate(
            load=Count("pairings__household", filter=active_on(as_of, "pairings__"), distinct=True)
        )
        .filter(Q(load__gt=0) | Q(categories__contains=f",{CadreCategory.PAIRED_CADRE},"))
        .order_by("-load", "code")
    )


def load_limit(scope: Scope, area_code: str = "") -> int:
    code = area_code or scope.root_area_code
    limit = county_setting(code, CADRE_LOAD_LIMIT) if code else SETTINGS[CADRE_LOAD_LIMIT].default
    return int(limit)


@dataclass
class CoverageBoard:
    as_of: dt.date
    area: Area | None
    load_limit: int
    unpaired_households: QuerySet[Household]
    villages_without_first_secretary: QuerySet[Area]
    units_without_village: QuerySet[Unit]
    cadre_loads: QuerySet[Cadre]

    @property
    def overloaded_cadres(self) -> QuerySet[Cadre]:
        return self.cadre_loads.filter(Q(load__gt=self.load_limit))


def coverage_board(scope: Scope, as_of: dt.date, area: Area | None = None) -> CoverageBoard:
    """The four gaps in the chain of responsibility on `as_of`, inside `area` (already in scope)."""
    code = area.code if area else ""
    return CoverageBoard(
        as_of=as_of,
        area=area,
        load_limit=load_limit(scope, code),
        unpaired_households=unpaired_poor_households(scope, as_of, code),
        villages_without_first_secretary=poor_villages_without_first_secretary(scope, as_of, code),
        units_without_village=units_without_village(scope, as_of, code),
        cadre_loads=cadre_loads(scope, as_of, code),
    )


# -- responsibility lists (三单制 责任清单) -------------------------------------------------------
@dataclass
class CadreResponsibilities:
    cadre: Cadre
    as_of: dt.date
    towns_led: list[LeaderTown]
    team_memberships: list[WorkTeamMember]
    pairings: list[Pairing]
    # The villages of the cadre's unit, when the cadre heads it (部门主要负责人).
    unit_villages: list[UnitVillage]

    @property
    def is_unit_head(self) -> bool:
        return CadreCategory.DEPARTMENT_HEAD in self.cadre.category_list


def cadre_responsibilities(scope: Scope, cadre: Cadre, as_of: dt.date) -> CadreResponsibilities:
    """What a cadre (already visible to the scope) answers for on `as_of`, as far as the scope sees."""
    head = CadreCategory.DEPARTMENT_HEAD in cadre.category_list
    return CadreResponsibilities(
        cadre=cadre,
        as_of=as_of,
        towns_led=list(leader_town_list(scope, as_of=as_of).filter(cadre=cadre)),
        team_memberships=list(work_team_list(scope, as_of=as_of).filter(cadre=cadre)),
        pairings=list(pairing_list(scope, as_of=as_of).filter(cadre=cadre)),
        unit_villages=list(unit_village_list(scope, as_of=as_of).filter(unit_id=cadre.unit_id))
        if head
        else [],
    )


@dataclass
class CadreHouseholds:
    cadre: Cadre
    pairings: list[Pairing] = field(default_factory=list)


@dataclass
class UnitResponsibilities:
    unit: Unit
    as_of: dt.date
    villages: list[UnitVillage]
    team_members: list[WorkTeamMember]
    cadres: list[CadreHouseholds]

    @property
    def household_count(self) -> int:
        return len({p.household_id for c in self.cadres for p in c.pairings})


def unit_responsibilities(scope: Scope, unit: Unit, as_of: dt.date) -> UnitResponsibilities:
    """A unit's villages, the work-team members it sends, and each of its cadres with the
    households they are paired with on `as_of` (cadres and pairings as far as the scope sees)."""
    by_cadre: dict[int, CadreHouseholds] = {}
    for cadre in cadre_list(scope).filter(unit=unit).order_by("code"):
        by_cadre[cadre.pk] = CadreHouseholds(cadre)
    pairings: dict[int, list[Pairing]] = defaultdict(list)
    for pairing in pairing_list(scope, as_of=as_of).filter(cadre__unit=unit):
        pairings[pairing.cadre_id].append(pairing)
    for cadre_id, found in pairings.items():
        if cadre_id in by_cadre:
            by_cadre[cadre_id].pairings = found
    return UnitResponsibilities(
        unit=unit,
        as_of=as_of,
        villages=list(unit_village_list(scope, as_of=as_of).filter(unit=unit)),
        team_members=list(work_team_list(scope, as_of=as_of).filter(sending_unit=unit)),
        cadres=list(by_cadre.values()),
    )

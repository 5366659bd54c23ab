"""Records behind the `registry` and `duty` sections (fupin/registry/figures.py,
fupin/duty/figures.py): households by their status on as_of, their members, and the assignments
active on as_of."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.duty.models import FIRST_SECRETARY_ROLES, Pairing, UnitVillage, WorkTeamMember, active_on
from fupin.people.models import Cadre, Unit
from fupin.registry.figures import COUNTED_STATUSES, POOR, households_in_area
from fupin.registry.models import Household, Member, PovertyCause, PovertyStatus
from fupin.registry.selectors import registered_by, status_on
from fupin.reports.records import common
from fupin.reports.records.base import Column, Fetch, RecordSource, col, link_to, masked_id


def counted_households(
    area_code: str, as_of: dt.date, statuses: frozenset[str] = COUNTED_STATUSES
) -> QuerySet[Household]:
    """The households registry_section counts on as_of (registered by then, with a counted status
    on that day), narrowed to `statuses`."""
    return (
        households_in_area(area_code)
        .filter(registered_by(as_of))
        .annotate(status_on=status_on(as_of))
        .filter(status_on__in=sorted(statuses))
    )


# The status the figure counted the household by, beside its status now (they differ for a past date).
COUNTED_HOUSEHOLD_COLUMNS = (
    *common.HOUSEHOLD_COLUMNS,
    Column("截至日期的脱贫属性", lambda household: choice_label(PovertyStatus, household.status_on)),
)


def _counted_source(fetch: Fetch) -> RecordSource:
    return RecordSource(fetch, COUNTED_HOUSEHOLD_COLUMNS, common.HOUSEHOLD_LINK)


def _households_of(statuses: frozenset[str]) -> RecordSource:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
        return common.households(counted_households(area.code, as_of, statuses))

    return _counted_source(fetch)


def _members(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Member]:
    counted = counted_households(area.code, as_of).values("pk")
    return (
        Member.objects.filter(household_id__in=counted)
        .select_related("household")
        # A county has ~44,000 members: read only the columns shown.
        .only("name", "id_number", "relation", "household__code", "household__head_name")
        .order_by("household__area_code", "household__code", "pk")
    )


def _poor_villages(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Area]:
    return common.villages(
        Area.objects.filter(
            code__startswith=areacode.prefix_of(area.code), level=AreaLevel.VILLAGE, is_poor_village=True
        )
    )


def _active_pairings(area_code: str, as_of: dt.date) -> QuerySet[Pairing]:
    """Pairings duty_section counts: active on as_of, to a household the registry counts."""
    return Pairing.objects.filter(
        active_on(as_of),
        household__area_code__startswith=areacode.prefix_of(area_code),
        household_id__in=counted_households(area_code, as_of).values("pk"),
    )


def _paired_cadres(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Cadre]:
    return common.cadres(Cadre.objects.filter(pk__in=_active_pairings(area.code, as_of).values("cadre_id")))


def _poor_paired(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    paired = _active_pairings(area.code, as_of).values("household_id")
    return common.households(counted_households(area.code, as_of, POOR).filter(pk__in=paired))


def _poor_unpaired(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    paired = _active_pairings(area.code, as_of).values("household_id")
    return common.households(counted_households(area.code, as_of, POOR).exclude(pk__in=paired))


def _aid_units(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Unit]:
    assignments = UnitVillage.objects.filter(
        active_on(as_of), village__code__startswith=areacode.prefix_of(area.code)
    )
    return common.units(Unit.objects.filter(pk__in=assignments.values("unit_id")))


def _teams(area_code: str, as_of: dt.date) -> QuerySet[WorkTeamMember]:
    return WorkTeamMember.objects.filter(
        active_on(as_of), village__code__startswith=areacode.prefix_of(area_code)
    )


def _villages_with_first_secretary(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Area]:
    secretaries = _teams(area.code, as_of).filter(role__in=FIRST_SECRETARY_ROLES)
    return common.villages(Area.objects.filter(pk__in=secretaries.values("village_id")))


def _work_team_members(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Cadre]:
    return common.cadres(Cadre.objects.filter(pk__in=_teams(area.code, as_of).values("cadre_id")))


SOURCES: dict[str, RecordSource] = {
    "registry.households": _households_of(COUNTED_STATUSES),
    "registry.people": RecordSource(
        _members,
        (
            col("户编号", "household.code"),
            col("户主", "household.head_name"),
            col("姓名", "name"),
            Column("身份证号", masked_id("id_number")),
            col("与户主关系", "get_relation_display"),
        ),
        link_to("registry:household-detail", "household.code"),
    ),
    "registry.poor_households": _households_of(POOR),
    "registry.exited_households": _households_of(frozenset({PovertyStatus.OUT})),
    "registry.relapsed_households": _households_of(frozenset({PovertyStatus.RELAPSED})),
    "registry.poor_villages": RecordSource(_poor_villages, common.VILLAGE_COLUMNS, common.VILLAGE_LINK),
    "duty.paired_cadres": common.cadre_source(_paired_cadres),
    "duty.poor_households_paired": _counted_source(_poor_paired),
    "duty.poor_households_unpaired": _counted_source(_poor_unpaired),
    "duty.aid_units": RecordSource(_aid_units, common.UNIT_COLUMNS, common.UNIT_LINK),
    "duty.villages_with_first_secretary": RecordSource(
        _villages_with_first_secretary, common.VILLAGE_COLUMNS, common.VILLAGE_LINK
    ),
    "duty.work_team_members": common.cadre_source(_work_team_members),
}


CAUSE_STATUSES = {"poor": POOR, "exited": frozenset({PovertyStatus.OUT})}


def cause_source(cause_label: str, key: str) -> RecordSource | None:
    """The households behind `causes.<致贫原因>.poor|exited`: counted with those statuses on as_of and
    that main cause (recorded now)."""
    cause = next((value for value, label in PovertyCause.choices if str(label) == cause_label), None)
    statuses = CAUSE_STATUSES.get(key)
    if cause is None or statuses is None:
        return None

    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
        return common.households(counted_households(area.code, as_of, statuses).filter(main_cause=cause))

    return _counted_source(fetch)

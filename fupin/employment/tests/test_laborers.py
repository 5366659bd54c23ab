"""Laborers from the registry: who becomes one, what a sync follows and keeps, edits with a
version, and what each persona sees and may change."""

from __future__ import annotations

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.employment.models import Laborer
from fupin.employment.selectors.laborers import LaborerFilters, laborer_list, laborer_search
from fupin.employment.services.laborers import laborer_update, laborers_sync
from fupin.employment.tests.conftest import Emp
from fupin.registry.models import Member


def test_capable_members_become_laborers_and_others_do_not(emp: Emp) -> None:
    # Four households of two capable members each; the old father has no labour capacity.
    assert Laborer.objects.count() == 8
    assert not Laborer.objects.filter(name="王老汉").exists()
    head = emp.head(emp.h1)
    assert head.area_code == emp.personas.county.village_a1.code
    assert head.phone == "13912345678" and head.masked_phone == "139****5678"
    assert ChangeLog.objects.filter(object_type="employment.laborer", action="create").count() == 8


def test_a_sync_follows_the_member_and_keeps_what_the_office_recorded(emp: Emp) -> None:
    head = emp.head(emp.h1)
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=head,
        expected_version=head.version,
        changes={"skills": ["welding"]},
    )
    member = Member.objects.get(id_number=head.id_number)
    member.name = "王大名"
    member.save()
    spouse = Member.objects.get(household=emp.h1, relation="spouse")
    spouse.labour = "lost"
    spouse.save()
    result = laborers_sync(actor=SYSTEM, scope=EVERYTHING, area_code="610727000000")
    assert (result.created, result.updated) == (0, 2)
    head.refresh_from_db()
    assert head.name == "王大名" and head.skills == ["welding"]
    assert not Laborer.objects.get(id_number=spouse.id_number).active
    assert laborers_sync(actor=SYSTEM, scope=EVERYTHING, area_code="610727000000").updated == 0


def test_a_town_sync_follows_a_household_that_moved_to_another_town(emp: Emp) -> None:
    c = emp.personas.county
    emp.h1.village = c.village_b1
    emp.h1.area_code = c.village_b1.code
    emp.h1.save()
    result = laborers_sync(actor=SYSTEM, scope=emp.scope("town_official"), area_code=c.town_a.code)
    assert result.updated == 2
    head = emp.head(emp.h1)
    assert head.active and head.area_code == c.village_b1.code


def test_edits_are_validated_and_a_stale_version_is_refused(emp: Emp) -> None:
    head = emp.head(emp.h1)
    with pytest.raises(ApplicationError) as error:
        laborer_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            laborer=head,
            expected_version=head.version,
            changes={"phone": "12345"},
        )
    assert "phone" in error.value.field_errors
    with pytest.raises(ApplicationError, match="技能“magic”无效"):
        laborer_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            laborer=head,
            expected_version=head.version,
            changes={"skills": ["magic"]},
        )
    stale = head.version
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=head, expected_version=stale, changes={"wish_reach": "town"}
    )
    with pytest.raises(ConflictError):
        laborer_update(
            actor=SYSTEM, scope=EVERYTHING, laborer=head, expected_version=stale, changes={"note": "x"}
        )
    head.refresh_from_db()
    assert head.wish_reach == "town" and head.note == ""


def test_filters_of_the_laborer_list(emp: Emp) -> None:
    village = emp.personas.county.village_a1.code
    assert laborer_search(EVERYTHING, LaborerFilters(area_code=village)).count() == 4
    assert laborer_search(EVERYTHING, LaborerFilters(area_code=village, poor_only=True)).count() == 2
    head = emp.head(emp.h1)
    laborer_update(
        actor=SYSTEM,
        scope=EVERYTHING,
        laborer=head,
        expected_version=head.version,
        changes={"skills": ["sewing"]},
    )
    assert list(laborer_search(EVERYTHING, LaborerFilters(skill="sewing"))) == [head]
    assert laborer_search(EVERYTHING, LaborerFilters(lacking_skills=True)).count() == 7
    assert laborer_search(EVERYTHING, LaborerFilters(q="王大明")).get() == head


@pytest.mark.parametrize(
    ("persona", "seen", "may_edit"),
    [
        ("county_admin", 8, True),
        ("county_leader", 8, False),
        ("town_official", 6, True),  # town A: villages A1 and A2
        ("work_team", 4, True),  # village A1
        ("paired_cadre", 8, False),
        ("public", 0, False),
        ("outsider", 0, False),
    ],
)
def test_each_persona_sees_and_changes_only_its_area(
    emp: Emp, persona: str, seen: int, may_edit: bool
) -> None:
    scope = emp.scope(persona)
    assert laborer_list(scope).count() == seen
    head = emp.head(emp.h1)
    if may_edit:
        laborer_update(
            actor=SYSTEM, scope=scope, laborer=head, expected_version=None, changes={"note": "已走访"}
        )
    else:
        with pytest.raises(PermissionDenied):
            laborer_update(
                actor=SYSTEM, scope=scope, laborer=head, expected_version=None, changes={"note": "已走访"}
            )
    outside = emp.head(emp.h4)  # town B
    if persona in ("town_official", "work_team"):
        with pytest.raises(PermissionDenied):
            laborer_update(
                actor=SYSTEM, scope=scope, laborer=outside, expected_version=None, changes={"note": "x"}
            )

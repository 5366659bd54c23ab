"""The edit forms of the household file and the registration page, persona by persona: what each
form saves, what it refuses (saving nothing), and who is offered it at all."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from fupin.core.models import ChangeLog
from fupin.registry.models import (
    Household,
    IncomeItem,
    Member,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    ProcedureStep,
    StatusChange,
)
from fupin.registry.tests.conftest import TODAY, YEAR, Registry, person_id

pytestmark = pytest.mark.django_db

RECORDERS = ["county_admin", "office_staff", "town_official", "work_team"]
# Roles that see H1 but may not write to it.
READERS = ["county_leader", "unit_user", "paired_cadre"]


def body_of(response: Any) -> str:
    return str(response.content.decode())


def edit_data(household: Household, **overrides: Any) -> dict[str, Any]:
    """The household form as a browser posts it, unchanged, plus `overrides`."""
    data: dict[str, Any] = {
        "phone": "",
        "food_clothing_secure": "unknown",
        "housing_secure": "unknown",
        "water_secure": "unknown",
        "schooling_secure": "unknown",
        "medical_secure": "unknown",
        "cultivated_land_mu": "",
        "forest_land_mu": "",
        "housing_area_m2": "",
        "housing_structure": "",
        "dilapidated_house": "unknown",
        "tap_water": "unknown",
        "electricity": "unknown",
        "sanitary_toilet": "unknown",
        "road_distance_km": "",
        "relocation_mode": "",
        "relocation_site": "",
        "relocation_year": "",
        "longitude": "",
        "latitude": "",
        "version": household.version,
    }
    data.update(overrides)
    return data


def fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


# Who is offered the forms ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", RECORDERS + READERS)
def test_edit_forms_are_offered_only_to_recorders(registry: Registry, persona: str) -> None:
    client = registry.personas.client(persona)
    body = body_of(client.get("/households/H1/"))
    spouse = registry.h1.members.get(relation="spouse")
    allowed = persona in RECORDERS
    assert ('data-edit="household"' in body) == allowed
    assert (f'data-edit-member="{spouse.pk}"' in body) == allowed
    assert ('data-action="income"' in body) == allowed
    expected = 200 if allowed else 403
    assert client.get("/households/H1/edit/").status_code == expected
    assert client.get(f"/households/H1/members/{spouse.pk}/edit/").status_code == expected
    assert client.get("/households/H1/income-form/", {"year": YEAR}).status_code == expected
    assert client.get("/households/new/").status_code == expected
    assert client.get("/households/new/member-row/").status_code == expected
    assert ("登记新户" in body_of(client.get("/households/"))) == allowed


@pytest.mark.parametrize("persona", READERS)
def test_readers_posting_the_forms_change_nothing(registry: Registry, persona: str) -> None:
    client = registry.personas.client(persona)
    h1 = registry.h1
    spouse = h1.members.get(relation="spouse")
    logs = ChangeLog.objects.count()
    response = client.post("/households/H1/edit/", edit_data(h1, water_secure="true"))
    assert response.status_code == 403
    member = {"name": "改名", "version": spouse.version}
    assert client.post(f"/households/H1/members/{spouse.pk}/edit/", member).status_code == 403
    assert client.post("/households/new/", registration(registry)).status_code == 403
    assert ChangeLog.objects.count() == logs
    assert fresh(h1).water_secure is None
    assert Member.objects.get(pk=spouse.pk).name == spouse.name
    assert not Household.objects.filter(code="H9").exists()


def test_households_out_of_view_are_not_found(registry: Registry) -> None:
    town = registry.personas.client("town_official")
    h3_head = registry.h3.members.get(relation="head")
    assert town.post("/households/H3/edit/", edit_data(registry.h3, water_secure="true")).status_code == 404
    edit = f"/households/H3/members/{h3_head.pk}/edit/"
    assert town.post(edit, {"name": "x", "version": 1}).status_code == 404
    # A member of another household, asked for under a household in view.
    assert town.get(f"/households/H1/members/{h3_head.pk}/edit/").status_code == 404
    assert fresh(registry.h3).water_secure is None
    assert not ChangeLog.objects.filter(actor_name="town_official").exists()


# Household ----------------------------------------------------------------------------------------


def test_recorder_saves_the_household_form(registry: Registry) -> None:
    client = registry.personas.client("work_team")
    h1 = registry.h1
    data = edit_data(
        h1,
        food_clothing_secure="true",
        housing_secure="true",
        water_secure="false",
        cultivated_land_mu="3.5",
        housing_structure="brick_wood",
        sanitary_toilet="false",
        road_distance_km="0.8",
        relocated="on",
        relocation_mode="centralised",
        relocation_site="城关安置点",
        relocation_year="2018",
        longitude="106.156789",
        latitude="33.329876",
    )
    response = client.post("/households/H1/edit/", data, follow=True)
    assert "户信息已保存" in body_of(response)
    saved = fresh(h1)
    assert (saved.food_clothing_secure, saved.housing_secure, saved.water_secure) == (True, True, False)
    assert saved.schooling_secure is None and saved.medical_secure is None
    assert (saved.cultivated_land_mu, saved.road_distance_km) == (Decimal("3.50"), Decimal("0.80"))
    assert (saved.housing_structure, saved.sanitary_toilet) == ("brick_wood", False)
    assert (saved.relocated, saved.relocation_mode, saved.relocation_year) == (True, "centralised", 2018)
    assert (saved.longitude, saved.latitude) == (Decimal("106.156789"), Decimal("33.329876"))
    # The work team may not read the phone: its blank phone field leaves the number as it was.
    assert saved.phone == "13912345678"
    assert saved.version == h1.version + 1
    log = ChangeLog.objects.filter(object_type="registry.household", actor_name="work_team").get()
    assert log.after is not None and log.after["饮水安全有保障"] is False


def test_phone_is_masked_for_recorders_who_may_not_read_it(registry: Registry) -> None:
    work_team = body_of(registry.personas.client("work_team").get("/households/H1/edit/"))
    assert "13912345678" not in work_team and "当前 139****5678；留空则不修改" in work_team
    office = body_of(registry.personas.client("office_staff").get("/households/H1/edit/"))
    assert 'value="13912345678"' in office
    client = registry.personas.client("work_team")
    client.post("/households/H1/edit/", edit_data(registry.h1, phone="139 8765 4321"))
    assert fresh(registry.h1).phone == "13987654321"


def test_office_staff_may_clear_the_phone(registry: Registry) -> None:
    client = registry.personas.client("office_staff")
    client.post("/households/H1/edit/", edit_data(registry.h1, phone=""))
    assert fresh(registry.h1).phone == ""


def test_stale_version_is_refused_with_the_conflict_message(registry: Registry) -> None:
    h1 = registry.h1
    client = registry.personas.client("office_staff")
    stale = edit_data(h1, water_secure="true")
    assert client.post("/households/H1/edit/", edit_data(h1, tap_water="true")).status_code == 302
    logs = ChangeLog.objects.count()
    response = client.post("/households/H1/edit/", stale)
    assert response.status_code == 200
    assert "该记录已被他人修改，请刷新后重新编辑" in body_of(response)
    saved = fresh(h1)
    assert (saved.water_secure, saved.tap_water, saved.version) == (None, True, h1.version + 1)
    assert ChangeLog.objects.count() == logs


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"latitude": "95", "longitude": "106"}, "latitude", "小于或等于90"),
        ({"longitude": "106.1"}, "latitude", "经度和纬度须同时填写或同时留空"),
        ({"cultivated_land_mu": "-1"}, "cultivated_land_mu", "大于或等于0"),
        ({"phone": "12345"}, "phone", "手机号码应为以1开头的11位数字"),
        ({"relocation_site": "城关"}, "relocated", "请勾选易地扶贫搬迁户"),
        ({"housing_structure": "palace"}, "housing_structure", "选择一个有效的选项"),
    ],
)
def test_bad_household_input_shows_at_its_field_and_saves_nothing(
    registry: Registry, overrides: dict[str, str], field: str, message: str
) -> None:
    client = registry.personas.client("office_staff")
    logs = ChangeLog.objects.count()
    response = client.post("/households/H1/edit/", edit_data(registry.h1, water_secure="true", **overrides))
    assert response.status_code == 200
    errors = re.findall(rf'data-error="{field}">([^<]+)<', body_of(response))
    assert any(message in e for e in errors), errors
    assert fresh(registry.h1).water_secure is None
    assert ChangeLog.objects.count() == logs


# Members ------------------------------------------------------------------------------------------


def test_recorder_saves_a_member(registry: Registry) -> None:
    spouse = registry.h1.members.get(relation="spouse")
    client = registry.personas.client("town_official")
    data = {
        "name": "刘桂英",
        "sex": "female",
        "ethnicity": "汉族",
        "education": "初中",
        "schooling": "",
        "health": "chronic",
        "labour": "weak",
        "migrant_work": "in_county",
        "months_worked": "6",
        "version": spouse.version,
    }
    response = client.post(f"/households/H1/members/{spouse.pk}/edit/", data, follow=True)
    assert "已保存成员“刘桂英”" in body_of(response)
    saved = Member.objects.get(pk=spouse.pk)
    assert (saved.name, saved.health, saved.labour, saved.months_worked) == ("刘桂英", "chronic", "weak", 6)
    assert saved.search_key.startswith("liuguiying")
    assert ChangeLog.objects.filter(object_type="registry.member", actor_name="town_official").count() == 1


def test_renaming_the_head_renames_the_household(registry: Registry) -> None:
    head = registry.h1.members.get(relation="head")
    client = registry.personas.client("work_team")
    client.post(f"/households/H1/members/{head.pk}/edit/", {"name": "王明", "version": head.version})
    saved = fresh(registry.h1)
    assert saved.head_name == "王明"
    assert "王明" in body_of(client.get("/households/", {"q": "wm"}))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": " "}, "name", "必填"),
        ({"months_worked": "13"}, "months_worked", "小于或等于12"),
        ({"labour": "strong"}, "labour", "选择一个有效的选项"),
    ],
)
def test_bad_member_input_saves_nothing(
    registry: Registry, data: dict[str, str], field: str, message: str
) -> None:
    spouse = registry.h1.members.get(relation="spouse")
    client = registry.personas.client("work_team")
    posted = {"name": spouse.name, "version": spouse.version, "health": "serious"} | data
    response = client.post(f"/households/H1/members/{spouse.pk}/edit/", posted)
    errors = re.findall(rf'data-error="{field}">([^<]+)<', body_of(response))
    assert any(message in e for e in errors), errors
    assert Member.objects.get(pk=spouse.pk).health == ""
    assert not ChangeLog.objects.filter(object_type="registry.member").exists()


def test_stale_member_version_is_refused(registry: Registry) -> None:
    spouse = registry.h1.members.get(relation="spouse")
    client = registry.personas.client("work_team")
    url = f"/households/H1/members/{spouse.pk}/edit/"
    assert client.post(url, {"name": "新名", "version": spouse.version}).status_code == 302
    response = client.post(url, {"name": "旧表单", "version": spouse.version})
    assert "该记录已被他人修改" in body_of(response)
    assert Member.objects.get(pk=spouse.pk).name == "新名"


# Income with notes --------------------------------------------------------------------------------


def test_income_notes_are_shown_kept_and_changed(registry: Registry) -> None:
    h1 = registry.h1
    year = YEAR - 1
    IncomeItem.objects.create(household=h1, year=year, kind="wages", amount=Decimal(8000), note="外出务工")
    IncomeItem.objects.create(household=h1, year=year, kind="dibao", amount=Decimal(1200), note="低保A类")
    client = registry.personas.client("work_team")
    body = body_of(client.get("/households/H1/"))
    # The form opens filled with the latest year, notes included, so saving keeps them.
    assert 'name="note_wages" value="外出务工"' in body and 'name="amount_dibao" value="1200.00"' in body
    assert 'data-note="wages">外出务工<' in body
    posted = {
        "year": year,
        "amount_wages": "10000",
        "note_wages": "外出务工",
        "amount_dibao": "1200",
        "note_dibao": "低保B类",
        "amount_donation": "300",
        "note_donation": "春节慰问",
    }
    assert "已保存" in body_of(client.post("/households/H1/income/", posted, follow=True))
    notes = dict(IncomeItem.objects.filter(household=h1, year=year).values_list("kind", "note"))
    assert notes == {"wages": "外出务工", "dibao": "低保B类", "donation": "春节慰问"}
    assert fresh(h1).net_income_per_capita == Decimal("5600.00")  # (10000 + 1200) / 2


def test_a_note_without_an_amount_is_refused(registry: Registry) -> None:
    client = registry.personas.client("work_team")
    posted = {"year": YEAR - 1, "amount_wages": "5000", "note_dibao": "待核实"}
    body = body_of(client.post("/households/H1/income/", posted, follow=True))
    assert "填写了低保金的说明，请同时填写金额" in body
    assert not IncomeItem.objects.exists()


def test_income_form_for_another_year_is_filled_with_that_year(registry: Registry) -> None:
    h1 = registry.h1
    IncomeItem.objects.create(
        household=h1, year=YEAR - 2, kind="pension", amount=Decimal(900), note="城乡居民"
    )
    IncomeItem.objects.create(household=h1, year=YEAR - 1, kind="wages", amount=Decimal(7000))
    client = registry.personas.client("office_staff")
    partial = body_of(client.get("/households/H1/income-form/", {"year": YEAR - 2}))
    assert 'name="amount_pension" value="900.00"' in partial and 'value="城乡居民"' in partial
    assert 'name="amount_wages" value="7000.00"' not in partial
    asked = body_of(client.get("/households/H1/", {"income_year": YEAR - 2}))
    assert 'id="income-edit" open' in asked and 'name="amount_pension" value="900.00"' in asked


# Registration -------------------------------------------------------------------------------------


def registration(registry: Registry, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "village": registry.personas.county.village_a1.code,
        "code": "H9",
        "head_name": "陈建国",
        "head_id_number": person_id(901),
        "phone": "13800001111",
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "other_causes": ["no_skills"],
        "applied_on": TODAY.isoformat(),
        "member-name": ["王秀兰", "陈小军", ""],
        "member-id_number": [person_id(902), person_id(903), ""],
        "member-relation": ["spouse", "son", ""],
    }
    data.update(overrides)
    return data


def test_village_picker_is_limited_to_the_scope(registry: Registry) -> None:
    def villages(persona: str) -> set[str]:
        body = body_of(registry.personas.client(persona).get("/households/new/"))
        picker = body.split('name="village"', 1)[1].split("</select>", 1)[0]
        return set(re.findall(r'value="(\d{12})"', picker))

    c = registry.personas.county
    assert villages("office_staff") == {c.village_a1.code, c.village_a2.code, c.village_b1.code}
    assert villages("town_official") == {c.village_a1.code, c.village_a2.code}
    assert villages("work_team") == {c.village_a1.code}


def test_work_team_registers_a_household_with_its_family(registry: Registry) -> None:
    client = registry.personas.client("work_team")
    response = client.post("/households/new/", registration(registry), follow=True)
    assert "已登记陈建国户（3人），贫困户识别程序已启动" in body_of(response)
    household = Household.objects.get(code="H9")
    assert (household.size, household.poverty_status, household.other_cause_list) == (
        3,
        PovertyStatus.NEW,
        ["no_skills"],
    )
    members = dict(household.members.values_list("name", "relation"))
    assert members == {"陈建国": "head", "王秀兰": "spouse", "陈小军": "son"}
    assert household.members.get(name="王秀兰").search_key.startswith("wangxiulan")
    procedure = Procedure.objects.get(household=household)
    assert procedure.kind == ProcedureKind.IDENTIFICATION
    assert list(procedure.steps.values_list("kind", flat=True)) == ["application"]
    assert StatusChange.objects.filter(household=household, to_status=PovertyStatus.NEW).count() == 1
    assert ChangeLog.objects.filter(object_type="registry.member", actor_name="work_team").count() == 3


def _nothing_registered(counts: tuple[int, int, int, int]) -> None:
    assert (
        Household.objects.count(),
        Member.objects.count(),
        ProcedureStep.objects.count(),
        ChangeLog.objects.count(),
    ) == counts


def _counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        ProcedureStep.objects.count(),
        ChangeLog.objects.count(),
    )


def errors_in(body: str, field: str) -> list[str]:
    return re.findall(rf'data-error="{field}">([^<]+)<', body)


def test_household_and_member_errors_show_together_and_nothing_is_saved(registry: Registry) -> None:
    client = registry.personas.client("office_staff")
    before = _counts()
    bad_id = person_id(902)[:-1] + ("0" if person_id(902)[-1] != "0" else "1")
    data = registration(
        registry,
        code="H1",  # taken
        **{
            "member-id_number": [bad_id, registry.h2.head_id_number, ""],
            "member-relation": ["spouse", "son", ""],
        },
    )
    response = client.post("/households/new/", data)
    body = body_of(response)
    assert response.status_code == 200
    assert errors_in(body, "code") == ["户编号 H1 已存在"]
    assert "身份证号校验位错误" in body
    assert "该身份证号已是其他户的成员" in body
    assert 'value="王秀兰"' in body  # the rows keep what was typed
    _nothing_registered(before)
    # A second head is not offered for a row.
    body = body_of(
        client.post("/households/new/", registration(registry, **{"member-relation": ["head", "son"]}))
    )
    assert "选择一个有效的选项" in body.split('id="member-rows"', 1)[1]
    _nothing_registered(before)


def test_member_duplicating_the_head_and_missing_fields_are_refused(registry: Registry) -> None:
    client = registry.personas.client("work_team")
    before = _counts()
    data = registration(
        registry,
        head_name="",
        **{
            "member-name": ["王秀兰", ""],
            "member-id_number": [person_id(901), person_id(904)],
            "member-relation": ["spouse", "son"],
        },
    )
    body = body_of(client.post("/households/new/", data))
    assert errors_in(body, "head_name") == ["该字段是必填项。"]
    assert "该字段是必填项。" in body.split('id="member-rows"', 1)[1]  # the row without a name
    _nothing_registered(before)
    data = registration(registry, **{"member-id_number": [person_id(901), person_id(903), ""]})
    body = body_of(client.post("/households/new/", data))
    assert "身份证号与本户其他成员重复" in body
    _nothing_registered(before)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"village": "610727101200"}, "village", "选择一个有效的选项"),  # outside the work team's scope
        ({"head_id_number": "123"}, "head_id_number", "身份证号应为18位"),
        ({"other_causes": ["no_skills", "no_land", "disaster"]}, "other_causes", "最多选两项"),
        ({"other_causes": ["illness"]}, "other_causes", "不能与主要致贫原因相同"),
        ({"phone": "555"}, "phone", "手机号码应为"),
        ({"applied_on": "2999-01-01"}, "applied_on", "不能晚于今天"),
    ],
)
def test_bad_registration_input_shows_at_its_field(
    registry: Registry, overrides: dict[str, Any], field: str, message: str
) -> None:
    client = registry.personas.client("work_team")
    before = _counts()
    body = body_of(client.post("/households/new/", registration(registry, **overrides)))
    assert any(message in e for e in errors_in(body, field)), (field, errors_in(body, field))
    _nothing_registered(before)


def test_registration_with_the_head_alone(registry: Registry) -> None:
    client = registry.personas.client("town_official")
    data = registration(registry, **{"member-name": [""], "member-id_number": [""], "member-relation": [""]})
    assert client.post("/households/new/", data).status_code == 302
    household = Household.objects.get(code="H9")
    assert (household.size, household.members.count()) == (1, 1)


def test_member_row_partial_is_one_blank_row(registry: Registry) -> None:
    client: Client = registry.personas.client("work_team")
    body = body_of(client.get("/households/new/member-row/"))
    assert body.count("<tr data-member-row>") == 1
    assert 'name="member-name"' in body and 'name="member-relation"' in body and 'value="head"' not in body


def test_date_inputs_carry_iso_dates_that_a_browser_accepts(registry: Registry) -> None:
    body = body_of(registry.personas.client("work_team").get("/households/new/"))
    assert f'type="date" name="applied_on" value="{TODAY.isoformat()}"' in body

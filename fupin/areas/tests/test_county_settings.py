"""The county settings page: every staff user of the county reads it; only its managers change it, one
setting at a time, with per-field errors and the change history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fupin.areas.county_settings import CADRE_LOAD_LIMIT, MONITORING_THRESHOLD, POVERTY_LINE, SETTINGS
from fupin.areas.models import CountySetting
from fupin.areas.selectors import county_setting
from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.people.tests.helpers import FAST_HASHERS

pytestmark = pytest.mark.django_db

COUNTY = "610727000000"
OTHER_COUNTY = "610726000000"
URL = "/areas/settings/"
MANAGERS = ["county_admin", "office_staff"]
READERS = ["county_leader", "unit_user", "town_official", "work_team", "paired_cadre"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


def body_of(client: Client, url: str = URL, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return str(response.content.decode())


def yearly(name: str, rows: list[tuple[str, str]], blanks: int = 0) -> dict[str, Any]:
    """A yearly table as the page posts it: the formset's rows plus its management form."""
    all_rows = [*rows, *[("", "")] * blanks]
    data: dict[str, Any] = {
        "setting": name,
        f"{name}-TOTAL_FORMS": str(len(all_rows)),
        f"{name}-INITIAL_FORMS": "0",
        f"{name}-MIN_NUM_FORMS": "0",
        f"{name}-MAX_NUM_FORMS": "1000",
    }
    for index, (year, amount) in enumerate(all_rows):
        data[f"{name}-{index}-year"] = year
        data[f"{name}-{index}-amount"] = amount
    return data


def errors_in(body: str) -> list[str]:
    return re.findall(r'data-error="[^"]+">([^<]+)<', body)


@pytest.mark.parametrize("persona", MANAGERS + READERS)
def test_every_staff_user_of_the_county_reads_the_settings(personas: Personas, persona: str) -> None:
    CountySetting.objects.create(county=personas.county.county, name=CADRE_LOAD_LIMIT, value=7)
    body = body_of(personas.client(persona))
    assert "略阳县" in body
    for definition in SETTINGS.values():
        assert f'data-setting="{definition.name}"' in body and definition.label in body
    editable = persona in MANAGERS
    assert ('name="setting"' in body) == editable
    if editable:
        assert 'name="cadre_load_limit-value" value="7"' in body
        assert 'name="poverty_line-6-year" value="2020"' in body
    else:
        assert re.search(r'data-value="cadre_load_limit">7<', body)
        assert '<td>2020</td><td class="text-end">4000</td>' in body


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_see_the_nav_link(personas: Personas, persona: str) -> None:
    assert f'href="{URL}"' in body_of(personas.client(persona), "/")


@pytest.mark.parametrize("persona", READERS)
def test_readers_have_no_link_and_their_posts_change_nothing(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    assert f'href="{URL}"' not in body_of(client, "/")
    response = client.post(URL, {"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "9"})
    assert response.status_code == 403
    assert not CountySetting.objects.exists()
    assert not ChangeLog.objects.filter(object_type="areas.countysetting").exists()


def test_public_and_anonymous_are_refused(personas: Personas) -> None:
    assert personas.client("public").get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_manager_saves_a_yearly_table_with_history(personas: Personas) -> None:
    client = personas.client("office_staff")
    rows = [("2021", "4200"), ("2020", "4000.5"), ("", "")]
    response = client.post(URL, yearly(POVERTY_LINE, rows, blanks=1), follow=True)
    body = str(response.content.decode())
    assert "已保存“脱贫标准（年人均纯收入，元）”" in body
    setting = CountySetting.objects.get(county=personas.county.county, name=POVERTY_LINE)
    assert setting.value == {"2020": 4000.5, "2021": 4200}
    assert list(setting.value) == ["2020", "2021"]  # stored in year order
    assert county_setting("610727100200", POVERTY_LINE) == {"2020": 4000.5, "2021": 4200}
    # The other settings keep their defaults; the history shows who changed what.
    assert county_setting(COUNTY, MONITORING_THRESHOLD) == SETTINGS[MONITORING_THRESHOLD].default
    history = body.split('id="history"', 1)[1]
    assert "office_staff" in history and "4200" in history


def test_manager_saves_the_cadre_load_limit_and_an_unchanged_value_logs_nothing(personas: Personas) -> None:
    client = personas.client("county_admin")
    assert client.post(URL, {"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "8"}).status_code == 302
    assert county_setting(COUNTY, CADRE_LOAD_LIMIT) == 8
    client.post(URL, {"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "8"})
    assert ChangeLog.objects.filter(object_type="areas.countysetting").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (yearly(POVERTY_LINE, [("2020", "4000"), ("2020", "4100")]), "年度重复：2020"),
        (yearly(POVERTY_LINE, [("2020", "-5")]), "金额应为正数"),
        (yearly(POVERTY_LINE, [("2020", "")]), "请填写金额"),
        (yearly(POVERTY_LINE, [("", "4000")]), "请填写年度"),
        (yearly(POVERTY_LINE, [("1990", "4000")]), "大于或等于2000"),
        (yearly(MONITORING_THRESHOLD, [("", "")]), "至少填写一个年度"),
        (yearly(MONITORING_THRESHOLD, [("2020", "abc")]), "输入一个数字"),
        ({"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "0"}, "大于或等于1"),
        ({"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": ""}, "必填"),
    ],
)
def test_bad_values_show_their_error_and_save_nothing(
    personas: Personas, data: dict[str, Any], message: str
) -> None:
    response = personas.client("office_staff").post(URL, data)
    assert response.status_code == 200
    errors = errors_in(str(response.content.decode()))
    assert any(message in e for e in errors), errors
    assert not CountySetting.objects.exists()
    assert not ChangeLog.objects.filter(object_type="areas.countysetting").exists()


def test_unknown_setting_is_not_found(personas: Personas) -> None:
    assert personas.client("office_staff").post(URL, {"setting": "radius"}).status_code == 404


def test_each_county_sees_and_sets_only_its_own(personas: Personas) -> None:
    outsider = personas.client("outsider")
    assert "宁强县" in body_of(outsider) and "略阳县" not in body_of(outsider)
    outsider.post(URL, {"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "3"})
    assert county_setting(OTHER_COUNTY, CADRE_LOAD_LIMIT) == 3
    assert county_setting(COUNTY, CADRE_LOAD_LIMIT) == SETTINGS[CADRE_LOAD_LIMIT].default
    # A county user cannot reach the other county by asking for it.
    assert "宁强县" not in body_of(personas.client("county_admin"), county=OTHER_COUNTY)


def test_platform_administrator_picks_a_county(personas: Personas) -> None:
    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    assert "宁强县" in body_of(client, county=OTHER_COUNTY)
    response = client.post(
        f"{URL}?county={OTHER_COUNTY}", {"setting": CADRE_LOAD_LIMIT, "cadre_load_limit-value": "4"}
    )
    assert response["Location"] == f"{URL}?county={OTHER_COUNTY}#setting-{CADRE_LOAD_LIMIT}"
    assert county_setting(OTHER_COUNTY, CADRE_LOAD_LIMIT) == 4

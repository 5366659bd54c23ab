"""The field-work settings on the county settings page: the check-in radius and accuracy bound (whose
change judges the county's check-ins again), the DingTalk robot's address (kept from readers), and
the quota rules as a small formset, each refused with a Chinese error when wrong."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from fupin.areas.county_settings import (
    CHECKIN_ACCURACY_MAX_M,
    CHECKIN_RADIUS_M,
    DINGTALK_WEBHOOK,
    QUOTA_CATEGORIES,
    QUOTA_KINDS,
    QUOTA_RULES,
    SETTINGS,
)
from fupin.areas.forms import QUOTA_CATEGORY_LABELS, QUOTA_KIND_LABELS, revalidation_start
from fupin.areas.models import CountySetting
from fupin.areas.selectors import county_setting
from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import CheckInKind
from fupin.fieldwork.tests.conftest import H1_POINT, Field, field, north_of  # noqa: F401  (fixture)
from fupin.people.models import CadreCategory
from fupin.people.tests.helpers import FAST_HASHERS

pytestmark = pytest.mark.django_db

COUNTY = "610727000000"
URL = "/areas/settings/"
D = dt.date


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


def text_of(response: Any) -> str:
    return str(response.content.decode())


def errors_in(body: str) -> list[str]:
    return re.findall(r'data-error="[^"]+">([^<]+)<', body)


def rules_post(rows: list[dict[str, Any]], blanks: int = 0) -> dict[str, Any]:
    """The quota-rule formset as the page posts it."""
    all_rows = [*rows, *[{}] * blanks]
    data: dict[str, Any] = {
        "setting": QUOTA_RULES,
        f"{QUOTA_RULES}-TOTAL_FORMS": str(len(all_rows)),
        f"{QUOTA_RULES}-INITIAL_FORMS": "0",
        f"{QUOTA_RULES}-MIN_NUM_FORMS": "0",
        f"{QUOTA_RULES}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(all_rows):
        prefix = f"{QUOTA_RULES}-{index}-"
        data[prefix + "category"] = row.get("category", "")
        data[prefix + "kinds"] = row.get("kinds", [])
        data[prefix + "days"] = row.get("days", "")
        data[prefix + "period"] = row.get("period", "week")
    return data


def test_the_labels_spelled_in_areas_match_the_enumerations() -> None:
    assert set(QUOTA_CATEGORY_LABELS) == set(QUOTA_CATEGORIES)
    for code, label in QUOTA_CATEGORY_LABELS.items():
        assert label == CadreCategory(code).label
    assert list(QUOTA_KIND_LABELS) == list(QUOTA_KINDS)
    for code, label in QUOTA_KIND_LABELS.items():
        assert label == CheckInKind(code).label


def test_revalidation_starts_on_the_monday_of_the_months_first_week() -> None:
    assert revalidation_start(D(2019, 10, 20)) == D(2019, 9, 30)
    assert revalidation_start(D(2019, 7, 9)) == D(2019, 7, 1)  # July 1, 2019 was a Monday


def test_managers_see_the_new_editors(personas: Personas) -> None:
    body = text_of(personas.client("office_staff").get(URL))
    assert 'name="checkin_radius_m-value" value="2000"' in body
    assert 'name="checkin_accuracy_max_m-value" value="200"' in body
    since = revalidation_start(timezone.localdate()).isoformat()
    assert f'name="checkin_radius_m-revalidate_since" value="{since}"' in body
    assert 'name="dingtalk_webhook-value"' in body
    # The three default rules, then two empty rows.
    assert re.search(
        r'name="quota_rules-0-category"[^>]*>.*?<option value="county_leader" selected', body, re.S
    )
    assert 'name="quota_rules-TOTAL_FORMS" value="5"' in body
    assert re.search(r'name="quota_rules-1-kinds" value="village"[^>]*checked', body)


@pytest.mark.parametrize("persona", ["county_leader", "town_official", "unit_user", "paired_cadre"])
def test_readers_see_the_rules_in_words_and_no_access_token(personas: Personas, persona: str) -> None:
    CountySetting.objects.create(
        county=personas.county.county,
        name=DINGTALK_WEBHOOK,
        value="https://oapi.dingtalk.com/robot/send?access_token=SECRET123",
    )
    body = text_of(personas.client(persona).get(URL))
    assert "县级领导：每周至少3天（驻镇、驻村、入户）" in body
    assert "帮扶干部：每月至少8天（入户）" in body
    assert "已设置（https://oapi.dingtalk.com/robot/send?…）" in body
    assert "SECRET123" not in body
    assert 'name="setting"' not in body


def test_managers_history_shows_the_address_readers_history_does_not(personas: Personas) -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=SECRET123"
    client = personas.client("county_admin")
    assert client.post(URL, {"setting": DINGTALK_WEBHOOK, "dingtalk_webhook-value": url}).status_code == 302
    assert county_setting(COUNTY, DINGTALK_WEBHOOK) == url
    assert "SECRET123" in text_of(client.get(URL))
    assert "SECRET123" not in text_of(personas.client("county_leader").get(URL))


def test_the_webhook_may_be_cleared_but_not_set_to_another_scheme(personas: Personas) -> None:
    client = personas.client("office_staff")
    response = client.post(
        URL, {"setting": DINGTALK_WEBHOOK, "dingtalk_webhook-value": "ftp://robot.example/x"}
    )
    assert "钉钉机器人地址应以 http:// 或 https:// 开头" in errors_in(text_of(response))
    response = client.post(URL, {"setting": DINGTALK_WEBHOOK, "dingtalk_webhook-value": "not a url"})
    assert any("URL" in e for e in errors_in(text_of(response)))
    assert not CountySetting.objects.exists()
    assert client.post(URL, {"setting": DINGTALK_WEBHOOK, "dingtalk_webhook-value": ""}).status_code == 302
    assert county_setting(COUNTY, DINGTALK_WEBHOOK) == ""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (CHECKIN_RADIUS_M, "10", "应为50到50000之间的整数（米）"),
        (CHECKIN_RADIUS_M, "60000", "应为50到50000之间的整数（米）"),
        (CHECKIN_ACCURACY_MAX_M, "0", "应为1到5000之间的整数（米）"),
        (CHECKIN_ACCURACY_MAX_M, "", "必填"),
        (CHECKIN_ACCURACY_MAX_M, "一百", "输入整数"),
    ],
)
def test_bad_metres_are_refused_in_chinese(personas: Personas, name: str, value: str, message: str) -> None:
    response = personas.client("county_admin").post(URL, {"setting": name, f"{name}-value": value})
    assert response.status_code == 200
    assert any(message in e for e in errors_in(text_of(response))), errors_in(text_of(response))
    assert not CountySetting.objects.exists()


def test_a_wider_radius_judges_the_countys_checkins_again(
    field: Field,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = field.county
    old = field.checkin("G3", CheckInKind.HOUSEHOLD, c.village_a1, D(2019, 9, 2), household="H1",
                        at=north_of(H1_POINT, 2500))  # fmt: skip
    recent = field.checkin("G3", CheckInKind.HOUSEHOLD, c.village_a1, D(2019, 10, 8), household="H1",
                           at=north_of(H1_POINT, 2500))  # fmt: skip
    assert not old.valid and not recent.valid
    client = field.personas.client("office_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "setting": CHECKIN_RADIUS_M,
                "checkin_radius_m-value": "3000",
                "checkin_radius_m-revalidate_since": "2019-09-30",
            },
            follow=True,
        )
    body = text_of(response)
    assert "已保存“打卡有效范围（米）”" in body
    assert "已开始按新的“打卡有效范围（米）”重新核验略阳县2019-09-30以来的打卡" in body
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.valid, recent.valid) == (False, True)  # only those since the chosen day
    entry = ChangeLog.objects.filter(object_type="fieldwork.checkin", action="update").get()
    assert entry.actor_name == "office_staff"


def test_no_revalidation_when_the_day_is_left_empty_or_the_value_is_unchanged(
    field: Field,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    checkin = field.checkin("G3", CheckInKind.HOUSEHOLD, field.county.village_a1, D(2019, 10, 8),
                            household="H1", at=north_of(H1_POINT, 2500))  # fmt: skip
    client = field.personas.client("county_admin")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(URL, {"setting": CHECKIN_RADIUS_M, "checkin_radius_m-value": "3000"})
        client.post(
            URL,
            {
                "setting": CHECKIN_RADIUS_M,
                "checkin_radius_m-value": "3000",
                "checkin_radius_m-revalidate_since": "2019-01-01",
            },
        )
    assert callbacks == []
    assert county_setting(COUNTY, CHECKIN_RADIUS_M) == 3000
    checkin.refresh_from_db()
    assert not checkin.valid


def test_a_manager_sets_the_quota_rules(personas: Personas) -> None:
    rows = [
        {"category": "dept_head", "kinds": ["household", "village"], "days": "3", "period": "week"},
        {"category": "first_secretary", "kinds": ["village"], "days": "20", "period": "month"},
    ]
    response = personas.client("office_staff").post(URL, rules_post(rows, blanks=2), follow=True)
    assert "已保存“考勤规则”" in text_of(response)
    assert county_setting(COUNTY, QUOTA_RULES) == [
        {"category": "dept_head", "kinds": ["village", "household"], "days": 3, "period": "week"},
        {"category": "first_secretary", "kinds": ["village"], "days": 20, "period": "month"},
    ]
    assert SETTINGS[QUOTA_RULES].check(county_setting(COUNTY, QUOTA_RULES)) is None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"category": "dept_head", "kinds": ["village"], "days": "3"}] * 2,
            "每个干部类别只能有一条规则，重复：部门主要负责人",
        ),
        ([{"category": "dept_head", "kinds": [], "days": "3"}], "请至少选择一种打卡类型"),
        ([{"category": "dept_head", "kinds": ["village"], "days": ""}], "请填写最少天数"),
        (
            [{"category": "dept_head", "kinds": ["village"], "days": "8", "period": "week"}],
            "每周的天数应为1到7",
        ),
        ([{"category": "dept_head", "kinds": ["village"], "days": "0"}], "大于或等于1"),
        ([{"category": "", "kinds": ["village"], "days": "3"}], "请选择干部类别，或清空本行"),
        ([{"category": "mayor", "kinds": ["village"], "days": "3"}], "选择一个有效的选项"),
    ],
)
def test_bad_rules_are_refused_in_chinese(
    personas: Personas, rows: list[dict[str, Any]], message: str
) -> None:
    response = personas.client("county_admin").post(URL, rules_post(rows))
    assert response.status_code == 200
    errors = errors_in(text_of(response))
    assert any(message in e for e in errors), errors
    assert not CountySetting.objects.exists()


def test_all_rows_cleared_leaves_no_rules(personas: Personas) -> None:
    personas.client("county_admin").post(URL, rules_post([], blanks=2))
    assert county_setting(COUNTY, QUOTA_RULES) == []


@pytest.mark.parametrize(
    "persona", ["county_leader", "town_official", "unit_user", "work_team", "paired_cadre"]
)
def test_readers_cannot_change_the_new_settings(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    for data in (
        {"setting": CHECKIN_RADIUS_M, "checkin_radius_m-value": "3000"},
        {"setting": DINGTALK_WEBHOOK, "dingtalk_webhook-value": "https://example.com/robot"},
        rules_post([{"category": "dept_head", "kinds": ["village"], "days": "3"}]),
    ):
        assert client.post(URL, data).status_code == 403
    assert not CountySetting.objects.exists()


def test_the_outsider_changes_only_its_own_county(personas: Personas) -> None:
    client = personas.client("outsider")
    assert (
        client.post(URL, {"setting": CHECKIN_RADIUS_M, "checkin_radius_m-value": "3000"}).status_code == 302
    )
    assert county_setting(COUNTY, CHECKIN_RADIUS_M) == 2000
    assert county_setting("610726000000", CHECKIN_RADIUS_M) == 3000

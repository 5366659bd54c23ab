"""驻村日志: one entry a day on the village of the writer's work team that day, every refusal, edits with
the version read, who reads which diaries, the filters, and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import Diary
from fupin.fieldwork.selectors.diary import diary_list
from fupin.fieldwork.services.diary import diary_create, diary_update
from fupin.fieldwork.tests.factories import (
    STAFF,
    D,
    _fast_password_hashers,
    fits_the_phone,
    fw,
    phone,
    sign_in,
)
from fupin.fieldwork.tests.factories import FieldSetup as Field

__all__ = ["_fast_password_hashers", "fw", "phone"]


def write(fw: Field, persona: str, day: dt.date, content: str = "走访脱贫户，核实收入") -> Diary:
    return diary_create(
        actor=fw.actor(persona), scope=fw.scope(persona), day=day, content=content, plans="明日开会"
    )


@pytest.fixture
def diaries(fw: Field) -> dict[str, Diary]:
    g6 = fw.cadre_scope("G6", fw.county.village_b1)
    return {
        "d1": write(fw, "work_team", D(2024, 3, 4), "入户走访黄家坝村"),
        "d2": diary_create(
            actor=fw.actor("county_admin"), scope=g6, day=D(2024, 3, 5), content="青岗坪村修路"
        ),
        "d3": write(fw, "work_team", D(2024, 4, 1), "召开院坝会"),
    }


# -- writing --------------------------------------------------------------------------------------
def test_a_member_writes_the_days_entry_on_the_teams_village(fw: Field) -> None:
    diary = write(fw, "work_team", D(2024, 3, 4))
    assert diary.village == fw.county.village_a1 and diary.cadre.code == "G7" and diary.plans == "明日开会"
    entry = ChangeLog.objects.get(object_type="fieldwork.diary", object_id=diary.pk)
    assert entry.action == "create" and entry.after["村"] == "610727100200"


def test_no_entry_on_a_day_outside_a_work_team(fw: Field) -> None:
    with pytest.raises(ApplicationError, match="您2023-12-31不在驻村工作队，不能写驻村日志"):
        write(fw, "work_team", D(2023, 12, 31))  # the team starts on 2024-01-01
    with pytest.raises(ApplicationError, match="不在驻村工作队"):
        write(fw, "paired_cadre", D(2024, 3, 4))
    # After the membership ended, no more entries.
    fw.team("G3", fw.county.village_a2, D(2024, 2, 1), D(2024, 2, 29))
    assert write(fw, "paired_cadre", D(2024, 2, 29)).village == fw.county.village_a2
    with pytest.raises(ApplicationError, match="不在驻村工作队"):
        write(fw, "paired_cadre", D(2024, 3, 1))


@pytest.mark.parametrize("persona", ["county_admin", "office_staff", "unit_user", "outsider"])
def test_users_without_a_cadre_write_no_diary(fw: Field, persona: str) -> None:
    with pytest.raises(PermissionDenied, match="未关联干部"):
        write(fw, persona, D(2024, 3, 4))


def test_no_entry_for_a_day_still_to_come(fw: Field) -> None:
    with pytest.raises(ApplicationError, match="不能填写未来日期的日志"):
        write(fw, "work_team", timezone.localdate() + dt.timedelta(days=1))
    assert write(fw, "work_team", timezone.localdate()).pk


def test_one_entry_a_day(fw: Field) -> None:
    write(fw, "work_team", D(2024, 3, 4))
    with pytest.raises(ApplicationError, match="2024-03-04已写过日志，每天只能写一篇"):
        write(fw, "work_team", D(2024, 3, 4), "又一篇")
    with pytest.raises(ApplicationError, match="请填写工作内容"):
        write(fw, "work_team", D(2024, 3, 5), " ")
    assert Diary.objects.count() == 1


def test_the_days_entry_is_edited_by_its_author_with_the_version_read(
    fw: Field, diaries: dict[str, Diary]
) -> None:
    d1 = diaries["d1"]
    edited = diary_update(
        actor=fw.actor("work_team"),
        scope=fw.scope("work_team"),
        diary=d1,
        expected_version=1,
        content="改过的内容",
    )
    assert edited.content == "改过的内容" and edited.version == 2
    entry = ChangeLog.objects.get(object_type="fieldwork.diary", object_id=d1.pk, action="update")
    assert entry.before["工作内容"] == "入户走访黄家坝村" and entry.after["工作内容"] == "改过的内容"
    with pytest.raises(ConflictError, match="请刷新后重新编辑"):
        diary_update(
            actor=fw.actor("work_team"),
            scope=fw.scope("work_team"),
            diary=d1,
            expected_version=1,
            content="x",
        )
    with pytest.raises(PermissionDenied, match="只能修改本人的驻村日志"):
        diary_update(
            actor=fw.actor("town_official"),
            scope=fw.scope("town_official"),
            diary=d1,
            expected_version=2,
            content="镇里改的",
        )
    assert Diary.objects.get(pk=d1.pk).content == "改过的内容"


# -- who reads what -------------------------------------------------------------------------------
ALL = {"d1", "d2", "d3"}
VISIBLE = {
    "county_admin": ALL,
    "office_staff": ALL,
    "county_leader": ALL,
    "town_official": {"d1", "d3"},
    "work_team": {"d1", "d3"},
    "paired_cadre": set(),
    "unit_user": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", STAFF)
def test_each_persona_reads_only_the_diaries_of_its_area_or_its_own(
    fw: Field, diaries: dict[str, Diary], persona: str
) -> None:
    keys = {diary.pk: key for key, diary in diaries.items()}
    assert {keys[d.pk] for d in diary_list(fw.scope(persona))} == VISIBLE[persona]
    client = fw.client(persona)
    listed = client.get("/fieldwork/diary/").content.decode()
    for key, diary in diaries.items():
        seen = key in VISIBLE[persona]
        assert (f'data-diary="{diary.pk}"' in listed) is seen, key
        assert client.get(f"/fieldwork/diary/{diary.pk}/").status_code == (200 if seen else 404), key


def test_the_public_gets_nothing(fw: Field, diaries: dict[str, Diary]) -> None:
    client = fw.client("public")
    for url in ("/fieldwork/diary/", "/fieldwork/diary/write/", f"/fieldwork/diary/{diaries['d1'].pk}/"):
        assert client.get(url).status_code == 403, url


def test_filters_by_village_and_month(fw: Field, diaries: dict[str, Diary]) -> None:
    client = fw.client("county_admin")
    b1 = client.get("/fieldwork/diary/", {"village": "610727101200"}).content.decode()
    assert "青岗坪村" in b1 and f'data-diary="{diaries["d1"].pk}"' not in b1
    april = client.get("/fieldwork/diary/", {"month": "2024-04"}).content.decode()
    assert "召开院坝会" in april and f'data-diary="{diaries["d1"].pk}"' not in april
    # A village outside the town official's area widens nothing.
    outside = (
        fw.client("town_official").get("/fieldwork/diary/", {"village": "610727101200"}).content.decode()
    )
    assert f'data-diary="{diaries["d2"].pk}"' not in outside and f'data-diary="{diaries["d1"].pk}"' in outside


# -- the pages ------------------------------------------------------------------------------------
def test_a_member_writes_and_edits_the_days_entry_on_the_page(fw: Field) -> None:
    client = fw.client("work_team")
    assert "写今日日志" in client.get("/fieldwork/diary/").content.decode()
    page = client.get("/fieldwork/diary/write/", {"day": "2024-03-04"}).content.decode()
    assert "填写驻村日志" in page and "黄家坝村" in page
    data = {"day": "2024-03-04", "content": "入户走访5户", "problems": "", "plans": ""}
    response = client.post("/fieldwork/diary/write/?day=2024-03-04", data)
    diary = Diary.objects.get()
    assert response["Location"] == f"/fieldwork/diary/{diary.pk}/"
    again = client.get("/fieldwork/diary/write/", {"day": "2024-03-04"}).content.decode()
    assert "修改驻村日志" in again and "入户走访5户" in again and 'name="version" value="1"' in again
    client.post("/fieldwork/diary/write/?day=2024-03-04", data | {"content": "入户走访6户", "version": "1"})
    assert Diary.objects.get().content == "入户走访6户"
    stale = client.post(
        "/fieldwork/diary/write/?day=2024-03-04", data | {"content": "旧页面", "version": "1"}
    )
    assert "该记录已被他人修改" in stale.content.decode()
    twice = client.post("/fieldwork/diary/write/?day=2024-03-04", data | {"content": "新一篇"})
    assert "已写过日志" in twice.content.decode()
    detail = client.get(f"/fieldwork/diary/{diary.pk}/").content.decode()
    assert "入户走访6户" in detail and "修改" in detail and "<del>入户走访5户</del>" in detail


def test_the_page_refuses_days_outside_the_team_and_in_the_future(fw: Field) -> None:
    client = fw.client("paired_cadre")
    assert "写今日日志" not in client.get("/fieldwork/diary/").content.decode()
    page = client.get("/fieldwork/diary/write/", {"day": "2024-03-04"}).content.decode()
    assert "您2024-03-04不在驻村工作队，不能写驻村日志" in page
    refused = client.post("/fieldwork/diary/write/", {"day": "2024-03-04", "content": "x"}).content.decode()
    assert "未保存：您2024-03-04不在驻村工作队" in refused
    tomorrow = f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}"
    future = fw.client("work_team").post("/fieldwork/diary/write/", {"day": tomorrow, "content": "x"})
    assert "不能填写未来日期的日志" in future.content.decode()
    assert not Diary.objects.exists()


def test_the_list_keeps_a_query_budget(fw: Field, django_assert_max_num_queries: Any) -> None:
    for n in range(1, 15):
        write(fw, "work_team", D(2024, 5, n))
    client = fw.client("county_admin")
    with django_assert_max_num_queries(10):
        body = client.get("/fieldwork/diary/").content.decode()
    assert body.count("data-diary=") == 14


# -- on a phone -----------------------------------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_write_a_diary_on_a_phone(phone: Any, live_server: Any, fw: Field) -> None:
    base = live_server.url
    page = phone
    sign_in(page, base, "work_team")
    page.goto(f"{base}/fieldwork/diary/")
    page.get_by_role("link", name="写今日日志").click()
    assert "黄家坝村" in page.inner_text("h1") and fits_the_phone(page)
    page.get_by_label("工作内容").fill("入户走访5户")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("的日志已保存。").wait_for()
    assert "入户走访5户" in page.inner_text("#content") and fits_the_phone(page)
    sign_in(page, base, "town_official")
    page.goto(f"{base}/fieldwork/diary/")
    assert page.locator("[data-diary]").count() == 1 and fits_the_phone(page)

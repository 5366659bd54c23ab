"""梳理归纳 pages and services: suggestions, confirming and splitting groups, and workflow actions on
a group taken on every member, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.rectification.figures import rectification_section
from fupin.rectification.models import Evidence, Problem, ProblemGroup, ProblemStatus
from fupin.rectification.services.groups import (
    MemberRefused,
    group_apply,
    group_create,
    group_evidence_add,
    group_split,
)
from fupin.rectification.tests.conftest import Rect
from fupin.rectification.tests.test_editing import jpeg

D = dt.date
S = ProblemStatus


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def lamps(rect: Rect) -> list[Problem]:
    c = rect.county
    return [
        rect.file("村里路灯不亮", category="基础设施"),
        rect.file("村里的路灯晚上不亮", category="基础设施", area=c.village_a1),
        rect.file("青岗坪村路灯不亮，群众意见较大", category="基础设施", area=c.village_b1),
    ]


def _group(rect: Rect, problems: list[Problem], title: str = "部分村路灯不亮") -> ProblemGroup:
    return group_create(
        actor=SYSTEM,
        scope=rect.scope("office_staff"),
        county=rect.county.county,
        title=title,
        problems=problems,
    )


def _versions(problems: list[Problem]) -> str:
    return ",".join(f"{p.pk}:{Problem.objects.get(pk=p.pk).version}" for p in problems)


# -- suggestions and confirming ------------------------------------------------------------------
def test_the_suggestions_page_groups_near_duplicates(rect: Rect, lamps: list[Problem]) -> None:
    rect.file("村卫生室没有医生坐诊", category="医疗保障")
    rect.file("产业补助资金被挪用", category="产业发展")
    response = rect.personas.client("office_staff").get(reverse("rectification:group-suggestions"))
    assert response.status_code == 200
    [suggestion] = response.context["groups"]
    assert {p.code for p in suggestion["members"]} == {p.code for p in lamps}
    html = response.content.decode()
    assert "确认归纳" in html and "村里路灯不亮" in html
    assert "村卫生室没有医生坐诊" not in html


def test_a_stricter_threshold_suggests_less(rect: Rect, lamps: list[Problem]) -> None:
    client = rect.personas.client("office_staff")
    strict = client.get(reverse("rectification:group-suggestions"), {"threshold": "0.95"})
    assert strict.context["groups"] == []
    assert "没有发现相似的问题" in strict.content.decode()


def test_confirming_a_suggestion_creates_the_group(rect: Rect, lamps: list[Problem]) -> None:
    client = rect.personas.client("office_staff")
    response = client.post(
        reverse("rectification:group-create"),
        {"title": "部分村路灯不亮", "problems": [p.code for p in lamps[:2]]},
    )
    group = ProblemGroup.objects.get()
    assert response.status_code == 302
    assert group.title == "部分村路灯不亮"
    assert set(group.problems.values_list("code", flat=True)) == {lamps[0].code, lamps[1].code}
    page = client.get(reverse("rectification:group-detail", args=[group.pk]))
    assert "部分村路灯不亮" in page.content.decode() and lamps[1].code in page.content.decode()
    # Grouped problems are no longer suggested.
    suggestions = client.get(reverse("rectification:group-suggestions"))
    assert suggestions.context["groups"] == []
    # The member's page links its group; members still count one by one.
    assert (
        "部分村路灯不亮"
        in client.get(reverse("rectification:problem-detail", args=[lamps[0].code])).content.decode()
    )
    assert rectification_section("610727000000", D(2019, 10, 31))["found"] == 3


def test_a_group_needs_two_ungrouped_problems_of_the_county_and_a_title(
    rect: Rect, lamps: list[Problem]
) -> None:
    with pytest.raises(ApplicationError, match="至少选择两个问题才能归纳"):
        _group(rect, lamps[:1])
    with pytest.raises(ApplicationError, match="请填写归纳后的问题"):
        _group(rect, lamps, title=" ")
    _group(rect, lamps[:2])
    with pytest.raises(ApplicationError, match="已归入其他归纳组"):
        _group(rect, lamps[1:])
    client = rect.personas.client("office_staff")
    response = client.post(reverse("rectification:group-create"), {"title": "x", "problems": [lamps[2].code]})
    assert "至少选择两个问题才能归纳" in client.get(response.url).content.decode()


@pytest.mark.parametrize("persona", ["town_official", "unit_user", "paired_cadre", "county_leader"])
def test_only_county_managers_group(rect: Rect, lamps: list[Problem], persona: str) -> None:
    client = rect.personas.client(persona)
    assert client.get(reverse("rectification:group-suggestions")).status_code == 403
    assert client.post(reverse("rectification:group-create"), {"title": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        group_create(
            actor=SYSTEM, scope=rect.scope(persona), county=rect.county.county, title="x", problems=lamps
        )


def test_splitting_members_out_and_dissolving(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps)
    client = rect.personas.client("office_staff")
    response = client.post(
        reverse("rectification:group-split", args=[group.pk]), {"problems": [lamps[2].code]}
    )
    assert response.status_code == 302
    assert set(group.problems.values_list("code", flat=True)) == {lamps[0].code, lamps[1].code}
    assert Problem.objects.get(pk=lamps[2].pk).group is None
    client.post(reverse("rectification:group-split", args=[group.pk]), {"problems": [lamps[0].code]})
    assert not ProblemGroup.objects.exists()
    assert Problem.objects.filter(group__isnull=False).count() == 0


def test_splitting_needs_members_of_the_group(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps[:2])
    with pytest.raises(ApplicationError, match="请选择本组中要拆出的问题"):
        group_split(actor=SYSTEM, scope=EVERYTHING, group=group, problems=[lamps[2]])


# -- actions on a group --------------------------------------------------------------------------
def _start_form(**extra: str) -> dict[str, str]:
    return {
        "measures": "统一更换路灯",
        "deadline": "2019-11-30",
        "responsible_person": "G3",
        "on": "2019-10-09",
        **extra,
    }


def test_an_action_on_the_group_applies_to_every_member(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps)
    client = rect.personas.client("office_staff")
    page = client.get(reverse("rectification:group-detail", args=[group.pk])).content.decode()
    assert 'data-action="start"' in page
    response = client.post(
        reverse("rectification:group-action", args=[group.pk, "start"]),
        {"versions": _versions(lamps), **_start_form()},
    )
    assert response.status_code == 302
    for problem in lamps:
        problem.refresh_from_db()
        assert (problem.status, problem.measures, problem.responsible_person) == (
            S.IN_PROGRESS,
            "统一更换路灯",
            rect.cadre("G3"),
        )
        assert problem.events.filter(action="start").count() == 1
    # One photo for the group lands on every member; then the group is rectified as one.
    client.post(
        reverse("rectification:group-evidence", args=[group.pk]),
        {"file": SimpleUploadedFile("灯.jpg", jpeg())},
    )
    assert Evidence.objects.count() == 3
    response = client.post(
        reverse("rectification:group-action", args=[group.pk, "rectify"]),
        {"versions": _versions(lamps), "account": "已统一更换", "completed_date": "2019-10-20"},
    )
    assert response.status_code == 302
    assert set(Problem.objects.filter(group=group).values_list("status", flat=True)) == {S.RECTIFIED}


def test_if_any_member_refuses_nothing_changes_and_the_member_is_named(
    rect: Rect, lamps: list[Problem]
) -> None:
    group = _group(rect, lamps)
    for problem in (lamps[0], lamps[2]):
        rect.evidence(problem)
    client = rect.personas.client("office_staff")
    client.post(
        reverse("rectification:group-action", args=[group.pk, "start"]),
        {"versions": _versions(lamps), **_start_form()},
    )
    before = {p.pk: (p.status, p.version) for p in Problem.objects.filter(group=group)}
    response = client.post(
        reverse("rectification:group-action", args=[group.pk, "rectify"]),
        {"versions": _versions(lamps), "account": "已统一更换", "completed_date": "2019-10-20"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"问题{lamps[1].code}" in html
        and "请上传整改佐证照片或文件" in html
        and "未对任何问题执行操作" in html
    )
    assert {p.pk: (p.status, p.version) for p in Problem.objects.filter(group=group)} == before


def test_a_permission_refusal_of_one_member_rolls_back_the_others(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps)
    versions = {p.pk: p.version for p in Problem.objects.filter(group=group)}
    # The town official may work on the town's problems but not on village_b1's (another town).
    with pytest.raises(MemberRefused) as refused:
        group_apply(
            actor=SYSTEM,
            scope=rect.scope("town_official"),
            group=group,
            action="start",
            expected_versions=versions,
            measures="统一更换路灯",
            deadline=D(2019, 11, 30),
            on=D(2019, 10, 9),
            responsible_person=rect.cadre("G3"),
        )
    assert refused.value.problem.pk == lamps[2].pk
    assert "您无权整改该问题" in refused.value.message
    assert set(Problem.objects.filter(group=group).values_list("status", flat=True)) == {S.OPEN}


def test_a_stale_group_is_a_conflict(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps)
    stale = _versions(lamps)
    client = rect.personas.client("office_staff")
    client.post(
        reverse("rectification:problem-edit", args=[lamps[0].code]),
        {
            "version": Problem.objects.get(pk=lamps[0].pk).version,
            "description": "村里路灯不亮（已核实）",
            "category": lamps[0].category_id,
            "responsible_unit": "U2",
        },
    )
    response = client.post(
        reverse("rectification:group-action", args=[group.pk, "start"]), {"versions": stale, **_start_form()}
    )
    assert response.status_code == 409
    assert "该归纳组的问题已被他人修改" in response.content.decode()
    assert set(Problem.objects.filter(group=group).values_list("status", flat=True)) == {S.OPEN}
    with pytest.raises(ConflictError):
        group_apply(
            actor=SYSTEM, scope=EVERYTHING, group=group, action="reopen", expected_versions={}, reason="x"
        )


def test_a_group_page_for_someone_who_sees_only_some_members(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps)
    response = rect.personas.client("town_official").get(
        reverse("rectification:group-detail", args=[group.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "您只能查看其中部分问题" in html and lamps[2].code not in html
    assert 'data-action="start"' not in html
    refused = rect.personas.client("town_official").post(
        reverse("rectification:group-action", args=[group.pk, "start"]),
        {"versions": _versions(lamps), **_start_form()},
    )
    assert refused.status_code == 403
    assert (
        rect.personas.client("paired_cadre")
        .get(reverse("rectification:group-detail", args=[group.pk]))
        .status_code
        == 404
    )


def test_the_group_list_marks_cleared_groups(rect: Rect, lamps: list[Problem]) -> None:
    group = _group(rect, lamps[:2])
    Problem.objects.filter(group=group).update(status=S.CLOSED)
    html = rect.personas.client("county_admin").get(reverse("rectification:group-list")).content.decode()
    assert "部分村路灯不亮" in html and "清零" in html


def test_group_evidence_is_all_or_nothing(rect: Rect, lamps: list[Problem], settings: Any) -> None:
    group = _group(rect, lamps)
    with pytest.raises(MemberRefused, match=f"问题{lamps[2].code}") as refused:
        group_evidence_add(
            actor=SYSTEM,
            scope=rect.scope("town_official"),
            group=group,
            upload=SimpleUploadedFile("灯.jpg", jpeg()),
        )
    assert "您无权为该问题上传整改佐证" in refused.value.message
    assert not Evidence.objects.exists()
    stored = Path(settings.MEDIA_ROOT)
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))

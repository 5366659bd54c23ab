"""自查清单: the default "18个是否", county managers configuring a checklist, and a cadre's "no"
becoming a problem on the cadre's own list (自己找, 自查清单, in the cadre's area)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.conftest import SYSTEM
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.duty.models import TeamRole, WorkTeamMember
from fupin.rectification.models import (
    Checklist,
    ChecklistAnswer,
    ChecklistQuestion,
    ChecklistResponse,
    Intake,
    Origin,
    Problem,
    ProblemStatus,
)
from fupin.rectification.services.checklists import (
    DEFAULT_QUESTIONS,
    Answer,
    cadre_area,
    checklist_answer,
    checklist_create,
    checklist_ensure_default,
    question_add,
    question_delete,
    question_move,
)
from fupin.rectification.tests.conftest import Rect

D = dt.date


@pytest.fixture
def default(rect: Rect) -> Checklist:
    return checklist_ensure_default(rect.county.county)


def _answers(checklist: Checklist, no: dict[int, str]) -> dict[str, str]:
    """POST data: "no" with a note for the question numbers in `no`, "yes" for the others."""
    data = {}
    for q in checklist.questions.all():
        data[f"q{q.pk}"] = "no" if q.order in no else "yes"
        data[f"note{q.pk}"] = no.get(q.order, "")
    return data


def test_the_default_checklist_has_eighteen_yes_no_questions_once(rect: Rect, default: Checklist) -> None:
    questions = list(default.questions.order_by("order").select_related("category"))
    assert default.title == "18个是否"
    assert len(questions) == len(DEFAULT_QUESTIONS) == 18
    assert [q.order for q in questions] == list(range(1, 19))
    assert all(q.text.startswith("是否") and q.text.endswith("？") for q in questions)
    assert {q.category.name for q in questions} >= {
        "干部作风",
        "政策落实",
        "医疗保障",
        "教育保障",
        "住房安全",
    }
    assert checklist_ensure_default(rect.county.county) == default
    assert Checklist.objects.count() == 1


def test_a_no_becomes_a_problem_on_the_cadres_own_list(rect: Rect, default: Checklist) -> None:
    client = rect.personas.client("paired_cadre")
    page = client.get(reverse("rectification:checklist-answer", args=[default.pk]))
    assert page.status_code == 200
    assert "是否坚定理想信念" in page.content.decode()
    response = client.post(
        reverse("rectification:checklist-answer", args=[default.pk]),
        _answers(default, {4: "有两户半年未入户走访", 14: "王某户危房改造补助尚未到位"}),
    )
    assert response.status_code == 302
    answer_set = ChecklistResponse.objects.get()
    assert (answer_set.cadre, answer_set.answered_on) == (rect.cadre("G3"), timezone.localdate())
    problems = Problem.objects.order_by("category__order")
    assert problems.count() == 2
    cadre = rect.cadre("G3")
    for problem in problems:
        assert problem.origin == Origin.SELF
        assert problem.intake == Intake.CHECKLIST
        assert problem.responsible_person == cadre
        assert problem.status == ProblemStatus.OPEN
        # No work team: the unit's area (the agriculture bureau is a county department).
        assert problem.area == rect.county.county
    housing = Problem.objects.get(category__name="住房安全")
    assert "王某户危房改造补助尚未到位" in housing.description
    assert "是否确保结对户住房安全" in housing.description
    linked = ChecklistAnswer.objects.get(question__order=14)
    assert (linked.yes, linked.problem) == (False, housing)
    assert ChecklistAnswer.objects.filter(yes=True, problem__isnull=True).count() == 16
    # The response page links the problems; the problems are on the cadre's own list.
    page = client.get(response.url).content.decode()
    assert housing.code in page and "已列入问题清单" in page
    mine = client.get(reverse("rectification:problem-list"))
    assert {p.code for p in mine.context["page_obj"]} == set(problems.values_list("code", flat=True))


def test_a_work_team_members_problems_are_filed_in_its_village(rect: Rect, default: Checklist) -> None:
    c = rect.county
    secretary = rect.cadre("G7")
    WorkTeamMember.objects.create(
        village=c.village_a1,
        cadre=secretary,
        role=TeamRole.FIRST_SECRETARY,
        sending_unit=c.agriculture,
        start_date=D(2019, 1, 1),
    )
    checklist_answer(
        actor=Actor.of(rect.personas.users["work_team"]),
        scope=rect.scope("work_team"),
        checklist=default,
        answers={
            q.pk: Answer(yes=q.order != 1, note="理论学习不够深入" if q.order == 1 else "")
            for q in default.questions.all()
        },
    )
    problem = Problem.objects.get()
    assert (problem.area, problem.responsible_person, problem.origin) == (
        c.village_a1,
        secretary,
        Origin.SELF,
    )


def test_where_a_cadres_problems_are_filed(rect: Rect) -> None:
    c = rect.county
    day = D(2019, 10, 8)
    # A town cadre: the town of the unit.
    assert cadre_area(rect.cadre("G5"), c.county, day) == c.town_a
    # A sub-unit without an area of its own: the parent's area.
    assert cadre_area(rect.cadre("G4"), c.county, day) == c.county
    # Another county's cadre: the checklist's county.
    assert cadre_area(rect.cadre("G9"), c.county, day) == c.county


def test_every_question_needs_an_answer_and_every_no_a_note(rect: Rect, default: Checklist) -> None:
    client = rect.personas.client("paired_cadre")
    data = _answers(default, {3: ""})
    first = default.questions.get(order=1)
    del data[f"q{first.pk}"]
    response = client.post(reverse("rectification:checklist-answer", args=[default.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "第1条未作答" in html and "第3条答“否”，请写明存在的问题" in html
    assert not ChecklistResponse.objects.exists() and not Problem.objects.exists()


def test_a_checklist_is_answered_once_a_day(rect: Rect, default: Checklist) -> None:
    client = rect.personas.client("paired_cadre")
    url = reverse("rectification:checklist-answer", args=[default.pk])
    client.post(url, _answers(default, {}))
    again = client.post(url, _answers(default, {2: "学习不够"}))
    assert again.status_code == 400
    assert "已填写过“18个是否”" in again.content.decode()
    assert not Problem.objects.exists()


def test_who_may_answer(rect: Rect, default: Checklist) -> None:
    url = reverse("rectification:checklist-answer", args=[default.pk])
    # Accounts without a cadre, the public and another county's administrator.
    for persona in ("county_admin", "office_staff", "unit_user", "public", "outsider"):
        assert rect.personas.client(persona).get(url).status_code == 403, persona
    assert rect.personas.client("town_official").get(url).status_code == 200
    default.active = False
    default.save()
    assert rect.personas.client("paired_cadre").get(url).status_code == 403
    with pytest.raises(ApplicationError, match="已停用"):
        checklist_answer(actor=SYSTEM, scope=rect.scope("paired_cadre"), checklist=default, answers={})


# -- configuring ---------------------------------------------------------------------------------
def test_county_managers_configure_a_checklist(rect: Rect) -> None:
    client = rect.personas.client("office_staff")
    listing = reverse("rectification:checklist-list")
    response = client.post(listing, {"title": "驻村工作自查"})
    checklist = Checklist.objects.get(title="驻村工作自查")
    edit = reverse("rectification:checklist-edit", args=[checklist.pk])
    assert response.url == edit
    water = rect.categories["饮水安全"]
    client.post(
        edit, {"op": "add", "text": "是否每周驻村4天以上？", "category": rect.categories["干部作风"].pk}
    )
    client.post(edit, {"op": "add", "text": "是否掌握全村饮水安全情况？", "category": water.pk})
    second = ChecklistQuestion.objects.get(order=2)
    client.post(edit, {"op": "up", "question": second.pk})
    assert list(checklist.questions.order_by("order").values_list("text", flat=True)) == [
        "是否掌握全村饮水安全情况？",
        "是否每周驻村4天以上？",
    ]
    client.post(
        edit, {"op": "update", "question": second.pk, "text": "是否掌握全村饮水情况？", "category": water.pk}
    )
    second.refresh_from_db()
    assert second.text == "是否掌握全村饮水情况？"
    page = client.get(edit).content.decode()
    assert "是否掌握全村饮水情况？" in page and "是否每周驻村4天以上？" in page
    client.post(edit, {"op": "deactivate", "version": checklist.version})
    checklist.refresh_from_db()
    assert checklist.active is False
    log = ChangeLog.objects.filter(object_type="rectification.checklist", object_id=checklist.pk)
    assert log.count() >= 5
    assert any("1. 是否掌握全村饮水安全情况？（饮水安全）" in (e.after or {}).get("条目", []) for e in log)


def test_the_list_page_offers_the_default_and_answering(rect: Rect) -> None:
    manager = rect.personas.client("county_admin")
    page = manager.get(reverse("rectification:checklist-list")).content.decode()
    assert "建立“18个是否”清单" in page
    response = manager.post(reverse("rectification:checklist-list"), {"op": "default"})
    checklist = Checklist.objects.get()
    assert response.url == reverse("rectification:checklist-edit", args=[checklist.pk])
    cadre_page = (
        rect.personas.client("paired_cadre").get(reverse("rectification:checklist-list")).content.decode()
    )
    assert (
        "18个是否" in cadre_page
        and reverse("rectification:checklist-answer", args=[checklist.pk]) in cadre_page
    )
    assert "建立“18个是否”清单" not in cadre_page


def test_an_answered_question_is_not_deleted(rect: Rect, default: Checklist) -> None:
    office = rect.scope("office_staff")
    question = default.questions.get(order=18)
    checklist_answer(
        actor=SYSTEM,
        scope=rect.scope("paired_cadre"),
        checklist=default,
        answers={q.pk: Answer(yes=True) for q in default.questions.all()},
    )
    with pytest.raises(ApplicationError, match="第18条已有干部作答，不能删除"):
        question_delete(actor=SYSTEM, scope=office, question=question)
    fresh = question_add(
        actor=SYSTEM,
        scope=office,
        checklist=default,
        text="是否新增？",
        category=rect.categories["其他"] if "其他" in rect.categories else rect.categories["干部作风"],
    )
    question_move(actor=SYSTEM, scope=office, question=fresh, up=True)
    assert default.questions.get(pk=fresh.pk).order == 18
    question_delete(actor=SYSTEM, scope=office, question=fresh)
    assert default.questions.count() == 18


@pytest.mark.parametrize(
    "persona", ["town_official", "unit_user", "paired_cadre", "county_leader", "outsider"]
)
def test_only_county_managers_configure(rect: Rect, default: Checklist, persona: str) -> None:
    assert (
        rect.personas.client(persona)
        .get(reverse("rectification:checklist-edit", args=[default.pk]))
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied, match="只有县级管理员和扶贫办可以设置自查清单"):
        checklist_create(actor=SYSTEM, scope=rect.scope(persona), county=rect.county.county, title="x")


def test_a_response_is_seen_by_its_cadre_and_the_county_managers(rect: Rect, default: Checklist) -> None:
    response = checklist_answer(
        actor=SYSTEM,
        scope=rect.scope("paired_cadre"),
        checklist=default,
        answers={q.pk: Answer(yes=True) for q in default.questions.all()},
    )
    url = reverse("rectification:checklist-response", args=[response.pk])
    assert rect.personas.client("paired_cadre").get(url).status_code == 200
    assert rect.personas.client("office_staff").get(url).status_code == 200
    for persona in ("town_official", "unit_user", "outsider"):
        assert rect.personas.client(persona).get(url).status_code == 404, persona

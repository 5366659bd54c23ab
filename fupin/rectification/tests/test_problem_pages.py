"""The three lists (问题清单, 责任清单, 任务清单), the problem page and its workflow forms, the edit
form and the categories page: what each persona sees, every refusal shown in Chinese, and a stale
version refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.rectification.models import Channel, Origin, Problem, ProblemCategory, ProblemStatus, Task
from fupin.rectification.services.problems import categories_ensure_default, problem_create
from fupin.rectification.services.workflow import problem_rectify, problem_start
from fupin.rectification.tests.conftest import Rect

D = dt.date
S = ProblemStatus


def _client(rect: Rect, persona: str) -> Client:
    return rect.personas.client(persona)


def _detail(problem: Problem) -> str:
    return reverse("rectification:problem-detail", args=[problem.code])


def _action(problem: Problem, action: str) -> str:
    return reverse("rectification:problem-action", args=[problem.code, action])


def _started(rect: Rect, problem: Problem, person: str = "G3", **extra: Any) -> Problem:
    return problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=problem,
        expected_version=problem.version,
        measures="协调住建部门发放补助",
        deadline=extra.pop("deadline", D(2019, 11, 30)),
        on=D(2019, 10, 9),
        responsible_person=rect.cadre(person),
        **extra,
    )


def _rectified(rect: Rect, problem: Problem, person: str = "G3") -> Problem:
    problem = _started(rect, problem, person)
    rect.evidence(problem)
    return problem_rectify(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=problem,
        expected_version=problem.version,
        account="补助已发放到户",
        completed_date=D(2019, 10, 20),
    )


def _codes_on(response: Any) -> set[str]:
    return {p.code for p in response.context["page_obj"]}


# -- who sees what -------------------------------------------------------------------------------
@pytest.fixture
def spread(rect: Rect) -> dict[str, Problem]:
    """Problems across towns, units and people."""
    c = rect.county
    problems = {
        "a1_agri": rect.file("黄家坝村路灯不亮"),
        "b1_office": rect.file("青岗坪村饮水不安全", area=c.village_b1, responsible_unit=c.office_unit),
        "a2_station": rect.file(
            "石门沟村产业补助未兑现", area=c.village_a2, responsible_unit=c.agriculture_station
        ),
        "b1_g3": rect.file(
            "青岗坪村危房改造补助未到位",
            area=c.village_b1,
            responsible_unit=c.town_b_gov,
            responsible_person=rect.cadre("G3"),
        ),
    }
    other_categories = categories_ensure_default(actor=SYSTEM, county=c.other_county)
    problems["other"] = problem_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        channel=Channel.TALK,
        origin=Origin.PUBLIC,
        category=other_categories[0],
        description="宁强县的问题",
        area=c.other_county,
        found_date=D(2019, 10, 8),
        responsible_unit=c.other_unit,
    )
    return problems


def test_the_county_office_sees_every_problem_of_its_county(rect: Rect, spread: dict[str, Problem]) -> None:
    response = _client(rect, "office_staff").get(reverse("rectification:problem-list"))
    assert response.status_code == 200
    assert _codes_on(response) == {p.code for k, p in spread.items() if k != "other"}
    assert "黄家坝村路灯不亮" in response.content.decode()


def test_a_unit_user_sees_only_the_problems_of_its_units(rect: Rect, spread: dict[str, Problem]) -> None:
    response = _client(rect, "unit_user").get(reverse("rectification:problem-list"))
    # The agriculture bureau and its sub-unit, the extension station.
    assert _codes_on(response) == {spread["a1_agri"].code, spread["a2_station"].code}
    assert _client(rect, "unit_user").get(_detail(spread["b1_office"])).status_code == 404


def test_a_town_official_sees_only_its_town(rect: Rect, spread: dict[str, Problem]) -> None:
    response = _client(rect, "town_official").get(reverse("rectification:problem-list"))
    assert _codes_on(response) == {spread["a1_agri"].code, spread["a2_station"].code}
    assert _client(rect, "town_official").get(_detail(spread["b1_g3"])).status_code == 404


def test_a_paired_cadre_sees_only_its_own_problems_and_tasks(rect: Rect, spread: dict[str, Problem]) -> None:
    Task.objects.create(
        problem=spread["a2_station"], title="核实补助名单", owner=rect.cadre("G3"), deadline=D(2019, 11, 1)
    )
    client = _client(rect, "paired_cadre")
    response = client.get(reverse("rectification:problem-list"))
    assert _codes_on(response) == {spread["b1_g3"].code, spread["a2_station"].code}
    assert client.get(_detail(spread["a1_agri"])).status_code == 404
    tasks = client.get(reverse("rectification:task-list"))
    assert [t.title for t in tasks.context["page_obj"]] == ["核实补助名单"]


def test_outsiders_and_the_public_see_nothing(rect: Rect, spread: dict[str, Problem]) -> None:
    outsider = _client(rect, "outsider")
    assert _codes_on(outsider.get(reverse("rectification:problem-list"))) == {spread["other"].code}
    assert outsider.get(_detail(spread["a1_agri"])).status_code == 404
    public = _client(rect, "public")
    for name in ("problem-list", "responsibility-list", "task-list"):
        assert public.get(reverse(f"rectification:{name}")).status_code == 403
    assert public.get(_detail(spread["a1_agri"])).status_code == 403
    assert Client().get(reverse("rectification:problem-list")).status_code == 302


def test_the_problem_list_filters(rect: Rect, spread: dict[str, Problem]) -> None:
    rect.file("已逾期的问题", deadline=D(2019, 10, 9), fix_at_once=True)
    client = _client(rect, "office_staff")
    url = reverse("rectification:problem-list")
    overdue = client.get(url, {"overdue": "1"})
    assert [p.description for p in overdue.context["page_obj"]] == ["已逾期的问题"]
    assert "逾期" in overdue.content.decode()
    assert _codes_on(client.get(url, {"unit": "U1"})) == {spread["b1_office"].code}
    assert _codes_on(client.get(url, {"person": "G3"})) == {spread["b1_g3"].code}
    assert _codes_on(client.get(url, {"area": "610727101000"})) == {
        spread["b1_office"].code,
        spread["b1_g3"].code,
    }
    assert _codes_on(client.get(url, {"q": "饮水"})) == {spread["b1_office"].code}
    water = rect.categories["饮水安全"]
    spread["b1_office"].category = water
    spread["b1_office"].save()
    assert _codes_on(client.get(url, {"category": water.pk})) == {spread["b1_office"].code}
    assert len(_codes_on(client.get(url, {"fix_at_once": "1"}))) == 1
    assert _codes_on(client.get(url, {"status": "closed"})) == set()


def test_the_responsibility_list_shows_unit_leader_and_person(rect: Rect, spread: dict[str, Problem]) -> None:
    problem = spread["b1_g3"]
    problem.responsible_leader = rect.cadre("G6")
    problem.save()
    client = _client(rect, "office_staff")
    by_unit = client.get(reverse("rectification:responsibility-list"))
    html = by_unit.content.decode()
    assert by_unit.status_code == 200
    assert "接官亭镇人民政府" in html and "吴干事" in html and "孙科员" in html
    assert 'data-section="U5"' in html and 'data-section="U1"' in html
    by_person = client.get(reverse("rectification:responsibility-list"), {"by": "person", "person": "G3"})
    assert _codes_on(by_person) == {problem.code}
    assert 'data-section="G3"' in by_person.content.decode()


def test_the_task_list_shows_owners_deadlines_done_and_overdue(rect: Rect) -> None:
    problem = rect.file()
    Task.objects.create(problem=problem, title="入户核实", owner=rect.cadre("G3"), deadline=D(2019, 10, 10))
    Task.objects.create(
        problem=problem,
        title="发放补助",
        owner=rect.cadre("G4"),
        deadline=D(2019, 10, 12),
        done_on=D(2019, 10, 11),
    )
    client = _client(rect, "office_staff")
    response = client.get(reverse("rectification:task-list"))
    html = response.content.decode()
    assert "入户核实" in html and "孙科员" in html and "2019-10-10" in html and "已逾期" in html
    assert "发放补助" in html and "已完成" in html
    overdue = client.get(reverse("rectification:task-list"), {"state": "overdue"})
    assert [t.title for t in overdue.context["page_obj"]] == ["入户核实"]
    done = client.get(reverse("rectification:task-list"), {"state": "done"})
    assert [t.title for t in done.context["page_obj"]] == ["发放补助"]


def test_the_problem_list_costs_a_fixed_number_of_queries(
    rect: Rect, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        rect.file(f"问题{i}", responsible_person=rect.cadre("G3"))
    client = _client(rect, "office_staff")
    with django_assert_max_num_queries(12):
        client.get(reverse("rectification:problem-list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("rectification:responsibility-list"))


# -- the problem page ----------------------------------------------------------------------------
def test_the_problem_page_shows_fields_timeline_history_and_forms(rect: Rect) -> None:
    problem = _started(rect, rect.file("黄家坝村路灯不亮"))
    Task.objects.create(problem=problem, title="更换灯泡", owner=rect.cadre("G4"), deadline=D(2019, 10, 30))
    response = _client(rect, "office_staff").get(_detail(problem))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "黄家坝村路灯不亮",
        "住房安全",
        "个别谈话",
        "群众提",
        "县农业农村局",
        "孙科员",
        "2019-11-30",
    ):
        assert text in html
    assert "协调住建部门发放补助" in html and "更换灯泡" in html
    assert 'data-event="create"' in html and 'data-event="start"' in html
    assert "变更记录" in html
    assert 'data-action="rectify"' in html and 'data-action="start"' not in html
    assert 'data-form="task-add"' in html and 'data-form="evidence"' in html


def test_the_whole_workflow_through_the_page(rect: Rect) -> None:
    problem = rect.file()
    worker = _client(rect, "unit_user")
    response = worker.post(
        _action(problem, "start"),
        {
            "version": problem.version,
            "measures": "协调发放",
            "deadline": "2019-11-30",
            "responsible_person": "孙科员（G3）",
            "responsible_leader": "",
            "on": "2019-10-09",
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.responsible_person, problem.measures) == (
        S.IN_PROGRESS,
        rect.cadre("G3"),
        "协调发放",
    )
    rect.evidence(problem)
    response = worker.post(
        _action(problem, "rectify"),
        {"version": problem.version, "account": "已发放到户", "completed_date": "2019-10-20"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == S.RECTIFIED
    verifier = _client(rect, "office_staff")
    assert 'data-action="close"' in verifier.get(_detail(problem)).content.decode()
    response = verifier.post(
        _action(problem, "close"),
        {"version": problem.version, "closed_date": "2019-10-25", "note": "核验属实"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.closed_date) == (S.CLOSED, D(2019, 10, 25))
    page = verifier.get(_detail(problem)).content.decode()
    assert "已销号" in page and "核验属实" in page and 'data-action="reopen"' in page
    response = verifier.post(
        _action(problem, "reopen"), {"version": problem.version, "reason": "群众再次反映"}
    )
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS


def test_only_verifiers_see_the_close_and_reject_forms(rect: Rect) -> None:
    problem = _rectified(rect, rect.file(responsible_leader=rect.cadre("G1")))
    for persona in ("office_staff", "county_admin", "town_official", "county_leader"):
        html = _client(rect, persona).get(_detail(problem)).content.decode()
        assert 'data-action="close"' in html and 'data-action="reject"' in html, persona
    for persona in ("paired_cadre", "unit_user"):
        html = _client(rect, persona).get(_detail(problem)).content.decode()
        assert 'data-action="close"' not in html and 'data-action="reject"' not in html, persona


def test_the_responsible_person_cannot_close(rect: Rect) -> None:
    problem = _rectified(rect, rect.file())
    response = _client(rect, "paired_cadre").post(
        _action(problem, "close"), {"version": problem.version, "closed_date": "2019-10-25"}
    )
    assert response.status_code == 403
    assert "责任人不能核验销号自己负责的问题" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == S.RECTIFIED


@pytest.mark.parametrize(
    ("setup", "persona", "action", "data", "message", "status"),
    [
        ("open", "office_staff", "start", {"deadline": "2019-10-01"}, "整改时限不能早于发现日期", 400),
        ("started", "office_staff", "rectify", {}, "请上传整改佐证照片或文件", 400),
        ("open", "office_staff", "rectify", {}, "只有“即知即改”的问题可直接整改完成", 400),
        ("started", "office_staff", "close", {}, "当前为“整改中”，不能核验销号", 400),
        ("started", "office_staff", "reject", {}, "当前为“整改中”，不能核验退回", 400),
        ("rectified", "paired_cadre", "reopen", {}, "只有本级管理人员可以重新打开问题", 403),
        ("rectified", "paired_cadre", "reject", {}, "您无权核验该问题", 403),
        (
            "open",
            "office_staff",
            "start",
            {"responsible_person": "没有这个人"},
            "找不到干部“没有这个人”",
            400,
        ),
        (
            "rectified",
            "office_staff",
            "close",
            {"closed_date": "2019-10-19"},
            "销号日期不能早于完成日期",
            400,
        ),
    ],
)
def test_every_refusal_is_shown_on_the_page(
    rect: Rect, setup: str, persona: str, action: str, data: dict[str, str], message: str, status: int
) -> None:
    problem = rect.file()
    if setup == "started":
        problem = _started(rect, problem)
    elif setup == "rectified":
        problem = _rectified(rect, problem)
    before = (problem.status, problem.version)
    form = {
        "version": problem.version,
        "measures": "协调发放",
        "deadline": "2019-11-30",
        "responsible_person": "G3",
        "on": "2019-10-09",
        "account": "已发放",
        "completed_date": "2019-10-20",
        "closed_date": "2019-10-25",
        "reason": "整改不到位",
        **data,
    }
    response = _client(rect, persona).post(_action(problem, action), form)
    assert response.status_code == status
    assert message in response.content.decode()
    problem.refresh_from_db()
    assert (problem.status, problem.version) == before


def test_a_stale_version_gets_the_conflict_and_changes_nothing(rect: Rect) -> None:
    problem = rect.file()
    stale = problem.version
    _started(rect, problem, deadline=D(2019, 12, 1))
    problem.refresh_from_db()
    response = _client(rect, "office_staff").post(
        _action(problem, "start"),
        {
            "version": stale,
            "measures": "另一套措施",
            "deadline": "2019-11-30",
            "responsible_person": "G4",
            "on": "2019-10-09",
        },
    )
    assert response.status_code == 409
    assert "该问题已被他人修改" in response.content.decode()
    problem.refresh_from_db()
    assert (problem.measures, problem.deadline, problem.responsible_person) == (
        "协调住建部门发放补助",
        D(2019, 12, 1),
        rect.cadre("G3"),
    )


# -- the edit form -------------------------------------------------------------------------------
def _edit_form(rect: Rect, problem: Problem, **changes: str) -> dict[str, Any]:
    return {
        "version": problem.version,
        "description": problem.description,
        "category": problem.category_id,
        "responsible_unit": "县农业农村局（U2）",
        "responsible_leader": "",
        "responsible_person": "",
        "measures": problem.measures,
        **changes,
    }


def test_the_edit_form_saves_description_category_and_responsibility(rect: Rect) -> None:
    problem = rect.file()
    client = _client(rect, "unit_user")
    page = client.get(reverse("rectification:problem-edit", args=[problem.code]))
    assert page.status_code == 200 and "危房改造补助未到位" in page.content.decode()
    water = rect.categories["饮水安全"]
    response = client.post(
        reverse("rectification:problem-edit", args=[problem.code]),
        _edit_form(
            rect,
            problem,
            description="危房改造补助仍未到位",
            category=str(water.pk),
            responsible_unit="U3",
            responsible_leader="赵县长",
            responsible_person="李技术员（G4）",
            long_term="on",
        ),
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.description == "危房改造补助仍未到位"
    assert problem.category == water
    assert problem.responsible_unit == rect.county.agriculture_station
    assert (problem.responsible_leader, problem.responsible_person) == (rect.cadre("G1"), rect.cadre("G4"))
    assert problem.long_term is True
    assert problem.version == 2


def test_concurrent_edits_the_second_gets_a_conflict(rect: Rect) -> None:
    problem = rect.file()
    first, second = _client(rect, "office_staff"), _client(rect, "county_admin")
    url = reverse("rectification:problem-edit", args=[problem.code])
    assert first.post(url, _edit_form(rect, problem, description="第一人修改")).status_code == 302
    response = second.post(url, _edit_form(rect, problem, description="第二人修改"))
    assert response.status_code == 409
    assert "该记录已被他人修改" in response.content.decode()
    problem.refresh_from_db()
    assert problem.description == "第一人修改"


def test_the_edit_form_refuses_in_chinese(rect: Rect) -> None:
    problem = _started(rect, rect.file())
    client = _client(rect, "office_staff")
    url = reverse("rectification:problem-edit", args=[problem.code])
    response = client.post(url, _edit_form(rect, problem, measures="", responsible_person=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "整改已开始，须有责任人" in html and "整改已开始，须有整改措施" in html
    response = client.post(url, _edit_form(rect, problem, responsible_unit="U9", responsible_person="G3"))
    assert "责任单位不属于本县" in response.content.decode()
    assert _client(rect, "town_official").get(url).status_code == 200
    assert _client(rect, "county_leader").get(url).status_code == 403


def test_a_closed_problem_is_not_edited(rect: Rect) -> None:
    problem = _rectified(rect, rect.file())
    Problem.objects.filter(pk=problem.pk).update(status=S.CLOSED, closed_date=D(2019, 10, 25))
    response = _client(rect, "office_staff").post(
        reverse("rectification:problem-edit", args=[problem.code]),
        _edit_form(rect, problem, responsible_person="G3"),
    )
    assert "已销号，不能修改" in response.content.decode()


# -- tasks ---------------------------------------------------------------------------------------
def test_tasks_are_added_and_marked_done_by_their_owner(rect: Rect) -> None:
    problem = rect.file()
    response = _client(rect, "office_staff").post(
        reverse("rectification:task-add", args=[problem.code]),
        {"title": "入户核实", "owner": "孙科员", "deadline": "2019-10-30"},
    )
    assert response.status_code == 302
    task = Task.objects.get(problem=problem)
    assert (task.title, task.owner) == ("入户核实", rect.cadre("G3"))
    # The owner (a paired cadre, not otherwise working on the problem) marks it done.
    owner = _client(rect, "paired_cadre")
    page = owner.get(_detail(problem)).content.decode()
    assert "标记完成" in page and 'data-form="task-add"' not in page
    done = owner.post(
        reverse("rectification:task-done", args=[problem.code, task.pk]),
        {"version": task.version, "done_on": "2019-10-20"},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.done_on == D(2019, 10, 20)


def test_a_task_refusal_and_a_stale_task_are_shown(rect: Rect) -> None:
    problem = rect.file()
    client = _client(rect, "office_staff")
    response = client.post(
        reverse("rectification:task-add", args=[problem.code]),
        {"title": "入户核实", "owner": "G3", "deadline": "2019-10-01"},
    )
    assert response.status_code == 400
    assert "完成时限不能早于问题发现日期" in response.content.decode()
    task = Task.objects.create(
        problem=problem, title="入户核实", owner=rect.cadre("G3"), deadline=D(2019, 10, 30)
    )
    stale = task.version
    Task.objects.filter(pk=task.pk).update(version=stale + 1)
    response = client.post(
        reverse("rectification:task-done", args=[problem.code, task.pk]),
        {"version": stale, "done_on": "2019-10-20"},
    )
    assert response.status_code == 409
    assert "该任务已被他人修改" in response.content.decode()
    task.refresh_from_db()
    assert task.done_on is None


# -- categories ----------------------------------------------------------------------------------
def test_county_managers_add_rename_reorder_deactivate_and_delete_categories(rect: Rect) -> None:
    client = _client(rect, "county_admin")
    url = reverse("rectification:categories")
    page = client.get(url)
    assert page.status_code == 200 and "易地搬迁宅基地腾退" in page.content.decode()
    existing = list(rect.categories)
    assert client.post(url, {"op": "add", "name": "村容村貌"}).status_code == 302
    added = ProblemCategory.objects.get(name="村容村貌")
    assert added.order == len(existing) + 1
    client.post(url, {"op": "rename", "category": added.pk, "version": added.version, "name": "人居环境"})
    added.refresh_from_db()
    assert added.name == "人居环境"
    client.post(url, {"op": "up", "category": added.pk})
    names = list(
        ProblemCategory.objects.filter(county=rect.county.county)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert names[-2:] == ["人居环境", existing[-1]]
    client.post(url, {"op": "deactivate", "category": added.pk, "version": added.version + 1})
    added.refresh_from_db()
    assert added.active is False
    assert "已停用" in client.get(url).content.decode()
    client.post(url, {"op": "delete", "category": added.pk})
    assert not ProblemCategory.objects.filter(pk=added.pk).exists()


def test_a_category_in_use_is_never_deleted(rect: Rect) -> None:
    rect.file(category="医疗保障")
    used = rect.categories["医疗保障"]
    response = _client(rect, "office_staff").post(
        reverse("rectification:categories"), {"op": "delete", "category": used.pk}
    )
    assert response.status_code == 400
    assert "已被1个问题或自查条目使用，不能删除；可以停用" in response.content.decode()
    assert ProblemCategory.objects.filter(pk=used.pk).exists()


def test_a_duplicate_category_name_is_refused(rect: Rect) -> None:
    response = _client(rect, "county_admin").post(
        reverse("rectification:categories"), {"op": "add", "name": "医疗保障"}
    )
    assert "类别“医疗保障”已存在" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["town_official", "unit_user", "paired_cadre", "county_leader", "outsider"]
)
def test_only_county_managers_reach_the_categories(rect: Rect, persona: str) -> None:
    response = _client(rect, persona).get(reverse("rectification:categories"))
    if persona == "outsider":
        # An administrator of another county manages that county's categories, not these.
        assert "医疗保障" not in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_list_takes_several_statuses_as_the_board_links_them(rect: Rect) -> None:
    from fupin.rectification.services.workflow import problem_start

    waiting = rect.file("村道塌方")
    started = rect.file("饮水管道破损", category="饮水安全")
    problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=started,
        expected_version=1,
        measures="更换管道",
        deadline=dt.date(2019, 12, 1),
        responsible_person=rect.cadre("G3"),
    )
    body = rect.personas.client("office_staff").get("/rectification/problems/?status=open&status=in_progress")
    text = body.content.decode()
    assert waiting.code in text and started.code in text
    only_open = (
        rect.personas.client("office_staff").get("/rectification/problems/?status=open").content.decode()
    )
    assert waiting.code in only_open and started.code not in only_open

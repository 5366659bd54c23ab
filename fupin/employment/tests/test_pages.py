"""The employment pages as each persona opens them: what is listed, what may be changed, the
exports masked for readers, a stale edit refused, a placement recorded, query counts bounded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.employment.models import Laborer, Placement, TransferEmployment
from fupin.employment.services.laborers import laborer_update
from fupin.employment.tests.conftest import Emp
from fupin.employment.tests.test_figures import build

PAGES = [
    "employment:laborer-list",
    "employment:posting-list",
    "employment:worklist",
    "employment:training-list",
    "employment:welfare-post-list",
    "employment:factory-list",
    "employment:transfer-list",
    "employment:posting-create",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_for_staff_and_is_refused_to_the_public(emp: Emp, name: str) -> None:
    emp.posting("J1")
    assert emp.personas.client("county_admin").get(reverse(name)).status_code == 200
    assert emp.personas.client("work_team").get(reverse(name)).status_code == 200
    assert emp.personas.client("public").get(reverse(name)).status_code == 403


def test_the_laborer_list_shows_the_personas_area_masked(emp: Emp) -> None:
    page = emp.personas.client("work_team").get(reverse("employment:laborer-list")).content.decode()
    assert page.count("data-laborer=") == 4
    assert "王大明" in page and "张三" not in page
    assert emp.h1.head_id_number not in page and "139****5678" in page
    outsider = emp.personas.client("outsider").get(reverse("employment:laborer-list")).content.decode()
    assert "data-laborer=" not in outsider
    poor = (
        emp.personas.client("county_admin")
        .get(reverse("employment:laborer-list") + "?poor=1")
        .content.decode()
    )
    assert poor.count("data-laborer=") == 6


def test_the_export_masks_for_readers_and_not_for_the_office(emp: Emp) -> None:
    url = reverse("employment:laborer-list") + "?format=xlsx"
    for persona, full in (("county_leader", False), ("county_admin", True)):
        response = emp.personas.client(persona).get(url)
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        assert len(rows) == 9
        numbers = {row[3] for row in rows[1:]}
        assert (emp.h1.head_id_number in numbers) is full


def test_editing_a_laborer_with_a_stale_version_is_refused(emp: Emp) -> None:
    head = emp.head(emp.h1)
    url = reverse("employment:laborer-detail", args=[head.pk])
    form = {"status": "unemployed", "wish_reach": "anywhere", "skills": ["sewing"], "version": head.version}
    client = emp.personas.client("work_team")
    assert client.post(url, form).status_code == 302
    head.refresh_from_db()
    assert head.skills == ["sewing"] and head.wish_reach == "anywhere"
    stale = client.post(url, form | {"note": "再改"}, follow=True).content.decode()
    assert "已被他人修改" in stale
    assert Laborer.objects.get(pk=head.pk).note == ""
    # A leader reads but has no form; a post changes nothing.
    leader = emp.personas.client("county_leader")
    assert "修改就业信息" not in leader.get(url).content.decode()
    leader.post(url, form | {"note": "领导", "version": head.version + 1})
    assert Laborer.objects.get(pk=head.pk).note == ""
    # Another village's laborer is not found for the work team.
    assert client.get(reverse("employment:laborer-detail", args=[emp.head(emp.h4).pk])).status_code == 404


def test_posting_detail_ranks_and_places(emp: Emp) -> None:
    posting = emp.posting("J1", work_type="sewing", start_date=dt.date(2019, 1, 1))
    head = emp.head(emp.h1)
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=head, expected_version=None, changes={"skills": ["sewing"]}
    )
    client = emp.personas.client("work_team")
    page = client.get(reverse("employment:posting-detail", args=[posting.pk])).content.decode()
    assert page.index(f'data-candidate="{head.pk}"') < page.index(
        "data-candidate=", page.index(f'data-candidate="{head.pk}"') + 1
    )
    response = client.post(
        reverse("employment:placement-create", args=[posting.pk]), {"laborer": head.pk, "date": "2019-02-01"}
    )
    assert response.status_code == 302
    assert Placement.objects.get().laborer == head
    assert Laborer.objects.get(pk=head.pk).status == "local"


def test_the_worklist_of_the_work_teams_village(emp: Emp) -> None:
    emp.posting("J1", work_type="general")
    page = emp.personas.client("work_team").get(reverse("employment:worklist")).content.decode()
    assert page.count("data-laborer=") == 4 and "略阳建筑公司" in page
    # A village outside the scope shows nothing.
    other = emp.personas.client("work_team").get(reverse("employment:worklist") + "?village=610727101200")
    assert "data-laborer=" not in other.content.decode()


def test_the_laborer_list_costs_a_fixed_number_of_queries(emp: Emp) -> None:
    client = emp.personas.client("county_admin")
    client.get(reverse("employment:laborer-list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("employment:laborer-list")).status_code == 200
    assert len(queries) <= 12


def test_the_api_lists_postings_and_ranked_candidates_masked(emp: Emp) -> None:
    emp.posting("J1", work_type="general")
    client = emp.personas.client("work_team")
    postings = client.get("/api/employment/postings/").json()
    rows = postings["results"] if isinstance(postings, dict) else postings
    assert [p["code"] for p in rows] == ["J1"] and rows[0]["placed"] == 0
    candidates = client.get("/api/employment/postings/J1/candidates/").json()
    assert len(candidates) == 4
    assert all("*" in c["id_number"] for c in candidates)
    assert candidates[0]["poor"] and candidates[0]["score"] >= candidates[-1]["score"]
    assert emp.personas.client("public").get("/api/employment/postings/").status_code == 403
    assert emp.personas.client("outsider").get("/api/employment/postings/J1/candidates/").status_code == 404


def test_the_trainings_page_shows_person_times_and_coverage(emp: Emp) -> None:
    build(emp)
    page = emp.personas.client("county_admin").get(reverse("employment:training-list")).content.decode()
    assert 'data-figure="person_times">4<' in page and 'data-figure="sessions">3<' in page
    assert 'data-figure="lacking">5<' in page and 'data-figure="lacking_trained">3<' in page


def test_a_work_team_records_a_transfer_from_the_laborer_page(emp: Emp) -> None:
    head = emp.head(emp.h1)
    url = reverse("employment:transfer-record", args=[head.pk])
    row = {"year": 2019, "region": "out_of_province", "place": "广东东莞", "months": 8, "income": "28000"}
    client = emp.personas.client("work_team")
    assert client.post(url, row).status_code == 302
    assert TransferEmployment.objects.get(laborer=head).income == 28000
    assert client.post(url, row | {"months": 13}, follow=True).content.decode().count("务工月数") >= 1
    assert TransferEmployment.objects.get(laborer=head).months == 8
    assert emp.personas.client("county_leader").post(url, row | {"months": 3}).status_code == 403
    assert TransferEmployment.objects.get(laborer=head).months == 8
    page = client.get(reverse("employment:laborer-detail", args=[head.pk])).content.decode()
    assert "2019年 · 省外 广东东莞 · 8个月 · 28000元" in page


def test_editing_a_posting_from_its_page(emp: Emp) -> None:
    posting = emp.posting("J1", area=emp.personas.county.village_a1)
    url = reverse("employment:posting-edit", args=[posting.pk])
    form = {
        "employer": "略阳建筑公司",
        "title": "钢筋工",
        "work_type": "construction",
        "region": "in_county",
        "area_code": posting.area_code,
        "monthly_wage": "3800",
        "positions": 3,
        "start_date": "2019-11-01",
        "version": posting.version,
    }
    # The work team, the leader and another town's official may not open it; the public neither.
    for persona, status in (("work_team", 403), ("county_leader", 403), ("public", 403)):
        assert emp.personas.client(persona).get(url).status_code == status
    assert emp.personas.client("outsider").get(url).status_code == 404
    town = emp.personas.client("town_official")
    page = town.get(url).content.decode()
    assert "修改岗位" in page and 'name="code"' not in page
    assert town.post(url, form).status_code == 302
    posting.refresh_from_db()
    assert posting.title == "钢筋工" and posting.positions == 3
    # The same version again is stale: refused, nothing changed.
    stale = town.post(url, form | {"title": "木工"}).content.decode()
    assert "已被他人修改" in stale
    # A wrong value lands next to its field, in Chinese.
    bad = town.post(url, form | {"version": posting.version, "end_date": "2019-10-01"}).content.decode()
    assert "截止日期不能早于开始日期" in bad
    # The service's refusal of the area shows beside the area code field.
    away = town.post(url, form | {"version": posting.version, "region": "out_of_province"})
    assert away.context["form"].errors["area_code"] == ["县外岗位的区划应填发布岗位的县"]
    posting.refresh_from_db()
    assert posting.title == "钢筋工" and posting.end_date is None
    assert "修改岗位" in town.get(reverse("employment:posting-detail", args=[posting.pk])).content.decode()
    team_detail = emp.personas.client("work_team").get(
        reverse("employment:posting-detail", args=[posting.pk])
    )
    assert "修改岗位" not in team_detail.content.decode()


def test_ending_and_withdrawing_placements_from_the_posting_page(emp: Emp) -> None:
    posting = emp.posting("J1", work_type="general", start_date=dt.date(2019, 1, 1), positions=1)
    head = emp.head(emp.h1)
    team = emp.personas.client("work_team")
    team.post(
        reverse("employment:placement-create", args=[posting.pk]), {"laborer": head.pk, "date": "2019-02-01"}
    )
    placement = Placement.objects.get()
    detail = reverse("employment:posting-detail", args=[posting.pk])
    assert f'data-placement="{placement.pk}"' in team.get(detail).content.decode()
    end = reverse("employment:placement-end", args=[posting.pk, placement.pk])
    prefix = f"p{placement.pk}-"
    row = {
        prefix + "end_date": "2019-01-15",
        prefix + "end_reason": "",
        prefix + "version": placement.version,
    }
    # Errors in Chinese next to the fields; nothing saved.
    response = team.post(end, row)
    bad = response.content.decode()
    assert response.status_code == 400 and "离岗日期不能早于上岗日期" in bad and "请填写离岗原因" in bad
    assert Placement.objects.get().end_date is None
    # The leader reads the page without the forms and may not end it.
    leader = emp.personas.client("county_leader")
    assert "记录离岗" not in leader.get(detail).content.decode()
    ok = row | {prefix + "end_date": "2019-06-30", prefix + "end_reason": "季节工结束"}
    assert leader.post(end, ok).status_code == 403
    # Another village's team does not find it.
    assert emp.personas.client("outsider").post(end, ok).status_code == 404
    assert team.post(end, ok).status_code == 302
    assert Placement.objects.get().end_reason == "季节工结束"
    assert Laborer.objects.get(pk=head.pk).status == "unemployed"
    # Ending it again is refused.
    assert (
        "已于2019-06-30离岗"
        in team.post(end, ok | {prefix + "version": placement.version + 1}).content.decode()
    )
    page = team.get(detail).content.decode()
    assert "离岗 2019-06-30（季节工结束）" in page and "已上岗 0 人" in page
    # Withdraw: a stale version is refused, the right one removes the record.
    withdraw = reverse("employment:placement-withdraw", args=[posting.pk, placement.pk])
    stale = team.post(withdraw, {"version": placement.version}, follow=True).content.decode()
    assert "已被他人修改" in stale and Placement.objects.exists()
    assert leader.post(withdraw, {"version": placement.version + 1}).status_code == 403
    assert team.post(withdraw, {"version": placement.version + 1}).status_code == 302
    assert not Placement.objects.exists()

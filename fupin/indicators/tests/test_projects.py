"""Key projects: totals against the plan (a missing month listed, not read as zero), scope by area
and unit, progress with versions, milestones with photos checked by content, pages and export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.indicators.models import Industry, MilestonePhoto, Project, ProjectProgress
from fupin.indicators.selectors.projects import project_list, project_totals
from fupin.indicators.services.projects import (
    milestone_create,
    project_create,
    project_plan_set,
    project_progress_save,
)
from fupin.indicators.tests.conftest import Ind

pytestmark = pytest.mark.django_db
D = Decimal


def make(ind: Ind, code: str, area: object, unit: object, plan: int, months: dict[int, int]) -> Project:
    project = project_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code=code,
        name=f"项目{code}",
        industry=Industry.INDUSTRY,
        owner_unit=unit,  # type: ignore[arg-type]
        area=area,  # type: ignore[arg-type]
        start_date=dt.date(2019, 1, 1),
        end_date=None,
        total_investment=D(plan * 2),
    )
    project_plan_set(actor=SYSTEM, scope=EVERYTHING, project=project, year=2019, planned_investment=D(plan))
    for month, amount in months.items():
        project_progress_save(
            actor=SYSTEM,
            scope=EVERYTHING,
            project=project,
            year=2019,
            month=month,
            completed_investment=D(amount),
            progress="",
            expected_version=None,
        )
    return project


@pytest.fixture
def projects(ind: Ind) -> Ind:
    c = ind.county
    make(ind, "P1", c.town_a, c.agriculture, 600, {1: 100, 2: 100, 3: 150})
    make(ind, "P2", c.village_b1, c.town_b_gov, 300, {1: 50, 3: 30})  # February not reported
    return ind


def test_totals_sum_the_months_and_list_the_missing_one(projects: Ind) -> None:
    totals = project_totals(project_list(EVERYTHING), 2019, 3)
    assert (totals.planned, totals.completed) == (D(900), D(430))
    assert round(totals.completion or 0, 4) == D("0.4778")
    missing = {line.project.code: line.missing_months for line in totals.lines}
    assert missing == {"P1": [], "P2": [2]}
    assert totals.monthly == [D(150), D(100), D(180)]


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("county_admin", {"P1", "P2"}),
        ("town_official", {"P1"}),
        ("work_team", set()),
        ("unit_user", {"P1"}),  # 县农业农村局 owns P1
        ("outsider", set()),
    ],
)
def test_each_persona_sees_the_projects_of_its_area_or_unit(
    projects: Ind, persona: str, seen: set[str]
) -> None:
    assert {p.code for p in project_list(projects.scope(persona))} == seen
    body = projects.personas.client(persona).get(reverse("indicators:project-list") + "?year=2019&month=3")
    assert {code for code in ("P1", "P2") if f'data-project="{code}"' in body.content.decode()} == seen


def test_progress_is_versioned_and_reported_by_the_town_or_owner(projects: Ind) -> None:
    project = Project.objects.get(code="P1")
    row = ProjectProgress.objects.get(project=project, month=3)
    with pytest.raises(ConflictError):
        project_progress_save(
            actor=SYSTEM,
            scope=projects.scope("town_official"),
            project=project,
            year=2019,
            month=3,
            completed_investment=D(1),
            progress="",
            expected_version=row.version + 1,
        )
    project_progress_save(
        actor=SYSTEM,
        scope=projects.scope("unit_user"),
        project=project,
        year=2019,
        month=3,
        completed_investment=D(160),
        progress="主体完工",
        expected_version=row.version,
    )
    assert ProjectProgress.objects.get(pk=row.pk).completed_investment == D(160)
    with pytest.raises(PermissionDenied):
        project_progress_save(
            actor=SYSTEM,
            scope=projects.scope("town_official"),
            project=Project.objects.get(code="P2"),
            year=2019,
            month=4,
            completed_investment=D(1),
            progress="",
            expected_version=None,
        )
    with pytest.raises(ApplicationError, match="不能为负数"):
        project_progress_save(
            actor=SYSTEM,
            scope=EVERYTHING,
            project=project,
            year=2019,
            month=4,
            completed_investment=D(-1),
            progress="",
            expected_version=None,
        )


def test_only_the_county_office_registers_projects(projects: Ind) -> None:
    for persona in ("town_official", "unit_user", "outsider"):
        with pytest.raises(PermissionDenied):
            project_create(
                actor=SYSTEM,
                scope=projects.scope(persona),
                code="P9",
                name="新项目",
                industry=Industry.INDUSTRY,
                owner_unit=projects.county.agriculture,
                area=projects.county.town_a,
                start_date=dt.date(2019, 1, 1),
                end_date=None,
                total_investment=D(1),
            )
    with pytest.raises(ApplicationError, match="项目编号已存在"):
        make(projects, "P1", projects.county.town_a, projects.county.agriculture, 1, {})


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def test_milestone_photos_are_judged_by_content(projects: Ind) -> None:
    project = Project.objects.get(code="P1")
    milestone = milestone_create(
        actor=SYSTEM, scope=EVERYTHING, project=project, name="开工", planned_date=dt.date(2019, 3, 1)
    )
    client = projects.personas.client("town_official")
    url = reverse("indicators:milestone-photo", args=[milestone.pk])
    fake = SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg")
    client.post(url, {"photo": fake})
    assert not MilestonePhoto.objects.exists()
    client.post(url, {"photo": SimpleUploadedFile("site.jpg", _jpeg(), content_type="image/jpeg")})
    photo = MilestonePhoto.objects.get()
    assert photo.original_name == "site.jpg"
    assert ChangeLog.objects.filter(object_type="indicators.milestonephoto").count() == 1
    view = reverse("indicators:milestone-photo-view", args=[photo.pk])
    assert client.get(view).status_code == 200
    assert projects.personas.client("work_team").get(view).status_code == 404


def test_progress_page_form_and_export(projects: Ind) -> None:
    client = projects.personas.client("county_admin")
    url = reverse("indicators:project-progress", args=["P2"])
    response = client.post(url, {"year": 2019, "month": 2, "completed_investment": "20", "progress": "补报"})
    assert response.status_code == 302
    export = client.get(reverse("indicators:project-export") + "?year=2019&month=3")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[-1] == ["合计", None, None, None, None, 900, 450, "50.0%", None]


def _project_post(**changes: str) -> dict[str, str]:
    data = {
        "code": "P7",
        "name": "纳米碳酸钙二期",
        "industry": "industry",
        "owner_unit": "U2",
        "area": "610727100000",
        "start_date": "2019-04-01",
        "end_date": "2020-12-31",
        "total_investment": "8000",
        "description": "",
    }
    return data | changes


def test_the_county_office_registers_a_project_and_sets_its_plan_on_the_pages(projects: Ind) -> None:
    client = projects.personas.client("office_staff")
    response = client.post(reverse("indicators:project-new"), _project_post())
    assert response.status_code == 302
    project = Project.objects.get(code="P7")
    assert (project.owner_unit.code, project.area_code) == ("U2", "610727100000")
    plan_url = reverse("indicators:project-plan", args=["P7"])
    client.post(plan_url, {"year": 2019, "planned_investment": "3000", "version": "0"})
    assert project.plans.get(year=2019).planned_investment == D(3000)
    body = client.post(
        plan_url, {"year": 2019, "planned_investment": "4000", "version": "0"}
    ).content.decode()
    assert "已被他人修改" in body  # the page was read before the first plan was set
    client.post(plan_url, {"year": 2019, "planned_investment": "3500", "version": "1"})
    assert project.plans.get(year=2019).planned_investment == D(3500)


def test_a_bad_project_form_names_the_field_and_saves_nothing(projects: Ind) -> None:
    client = projects.personas.client("office_staff")
    body = client.post(
        reverse("indicators:project-new"), _project_post(owner_unit="NOPE", end_date="2019-01-01")
    ).content.decode()
    assert "单位编码不存在" in body
    body = client.post(
        reverse("indicators:project-new"), _project_post(end_date="2019-01-01")
    ).content.decode()
    assert "计划竣工日期不能早于开工日期" in body
    assert not Project.objects.filter(code="P7").exists()


@pytest.mark.parametrize("persona", ["town_official", "unit_user", "work_team"])
def test_others_cannot_register_nor_plan(projects: Ind, persona: str) -> None:
    client = projects.personas.client(persona)
    assert client.get(reverse("indicators:project-new")).status_code == 403
    client.post(reverse("indicators:project-plan", args=["P1"]), {"year": 2019, "planned_investment": "1"})
    assert Project.objects.get(code="P1").plans.get(year=2019).planned_investment == D(600)


def test_a_milestone_is_completed_once_with_its_version_and_never_in_the_future(projects: Ind) -> None:
    project = Project.objects.get(code="P1")
    milestone = milestone_create(
        actor=SYSTEM, scope=EVERYTHING, project=project, name="主体完工", planned_date=dt.date(2019, 10, 1)
    )
    client = projects.personas.client("unit_user")
    url = reverse("indicators:milestone-done", args=[milestone.pk])
    client.post(url, {"completed_date": "2999-01-01", "version": milestone.version})
    milestone.refresh_from_db()
    assert milestone.completed_date is None
    client.post(url, {"completed_date": "2019-10-20", "version": milestone.version})
    client.post(url, {"completed_date": "2019-10-25", "version": milestone.version})  # stale: refused
    milestone.refresh_from_db()
    assert milestone.completed_date == dt.date(2019, 10, 20)
    assert ChangeLog.objects.filter(object_type="indicators.milestone", action="update").count() == 1

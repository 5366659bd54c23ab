"""The create and edit pages of trainings (with trainees), public-welfare posts (with holders) and
community factories (with workers): who may open and post, the ledger's rules on each page, a
stale version refused, another area refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from fupin.conftest import SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    Laborer,
    SkillTraining,
    Trainee,
    WelfarePost,
)
from fupin.employment.services.programmes import training_create, training_update
from fupin.employment.tests.conftest import Emp


def _training(emp: Emp, **values: Any) -> dict[str, Any]:
    return {
        "code": "T1",
        "title": "缝纫工培训",
        "work_type": "sewing",
        "organizer": "县人社局",
        "area": emp.personas.county.town_a.code,
        "start_date": "2019-09-01",
        "end_date": "2019-09-10",
        "hours": 60,
    } | values


@pytest.mark.parametrize("name", ["training-create", "welfare-post-create", "factory-create"])
def test_who_may_open_the_new_pages(emp: Emp, name: str) -> None:
    url = reverse(f"employment:{name}")
    for persona in ("county_admin", "town_official"):
        assert emp.personas.client(persona).get(url).status_code == 200
    for persona in ("work_team", "county_leader", "public"):
        assert emp.personas.client(persona).get(url).status_code == 403


def test_a_training_from_new_to_edit_with_trainees(emp: Emp) -> None:
    town = emp.personas.client("town_official")
    new = reverse("employment:training-create")
    # The ledger's rules, in Chinese next to the field; nothing saved.
    bad = town.post(new, _training(emp, end_date="2019-08-01")).content.decode()
    assert "结束日期不能早于开始日期" in bad and not SkillTraining.objects.exists()
    # Another town's area is not the town official's.
    other = town.post(new, _training(emp, area=emp.personas.county.town_b.code)).content.decode()
    assert "不在您的管辖范围内" in other and not SkillTraining.objects.exists()
    assert town.post(new, _training(emp)).status_code == 302
    session = SkillTraining.objects.get()
    assert ChangeLog.objects.filter(object_type="employment.skilltraining", action="create").count() == 1
    assert "已存在" in town.post(new, _training(emp)).content.decode()
    edit = reverse("employment:training-edit", args=[session.pk])
    page = town.get(edit).content.decode()
    assert 'value="T1"' in page and "disabled" in page
    form = _training(emp, title="缝纫工培训（二期）", version=session.version)
    assert town.post(edit, form | {"code": "X9"}).status_code == 302
    session.refresh_from_db()
    assert session.title == "缝纫工培训（二期）" and session.code == "T1"
    assert "已被他人修改" in town.post(edit, form | {"hours": 80}).content.decode()
    assert SkillTraining.objects.get().hours == 60
    # Trainees: a certified one gains the skill; an unknown ID number is refused next to the field.
    members = reverse("employment:training-member-add", args=[session.pk])
    head = emp.head(emp.h1)
    assert town.post(members, {"laborer": head.id_number, "certified": "on"}).status_code == 302
    assert Trainee.objects.get().certified and Laborer.objects.get(pk=head.pk).skills == ["sewing"]
    missing = town.post(members, {"laborer": "610727199901010000"})
    assert missing.status_code == 400 and "未找到该身份证号的劳动力" in missing.content.decode()
    page = town.get(edit).content.decode()
    assert 'data-figure="members">1<' in page and head.id_number not in page
    trainee = Trainee.objects.get()
    remove = reverse("employment:training-member-remove", args=[session.pk, trainee.pk])
    assert town.post(remove, {"version": trainee.version}).status_code == 302
    assert not Trainee.objects.exists() and Laborer.objects.get(pk=head.pk).skills == ["sewing"]
    # Readers and other areas: refused or not found.
    assert emp.personas.client("county_leader").get(edit).status_code == 403
    # (A town's training is not the village team's to see.)
    assert emp.personas.client("work_team").post(members, {"laborer": head.id_number}).status_code == 404
    assert emp.personas.client("outsider").get(edit).status_code == 404
    listing = emp.personas.client("county_admin").get(reverse("employment:training-list")).content.decode()
    assert edit in listing
    assert (
        edit
        not in emp.personas.client("county_leader").get(reverse("employment:training-list")).content.decode()
    )


def test_the_training_services_share_the_ledgers_rules(emp: Emp) -> None:
    c = emp.personas.county
    values = {
        "title": "电工培训",
        "work_type": "electrician",
        "organizer": "",
        "area": c.town_a,
        "start_date": dt.date(2019, 9, 1),
        "end_date": dt.date(2019, 9, 10),
        "hours": None,
    }
    with pytest.raises(PermissionDenied):
        training_create(
            actor=SYSTEM, scope=emp.scope("work_team"), code="T1", **values | {"area": c.village_a1}
        )
    with pytest.raises(ApplicationError, match="培训工种无效"):
        training_create(
            actor=SYSTEM, scope=emp.scope("county_admin"), code="T1", **values | {"work_type": "x"}
        )
    session = training_create(actor=SYSTEM, scope=emp.scope("county_admin"), code="T1", **values)
    with pytest.raises(PermissionDenied):
        training_update(
            actor=SYSTEM,
            scope=emp.scope("town_official"),
            training=session,
            expected_version=session.version,
            **values | {"area": c.county},
        )
    with pytest.raises(ConflictError):
        training_update(
            actor=SYSTEM,
            scope=emp.scope("county_admin"),
            training=session,
            expected_version=session.version + 1,
            **values,
        )


def _post(emp: Emp, **values: Any) -> dict[str, Any]:
    return {
        "code": "GY1",
        "village": emp.personas.county.village_a1.code,
        "post_type": "cleaning",
        "holder": emp.h1.head_id_number,
        "monthly_wage": "500",
        "funding": "solar",
        "start_date": "2019-01-01",
    } | values


def test_a_welfare_post_with_its_holder(emp: Emp) -> None:
    town = emp.personas.client("town_official")
    new = reverse("employment:welfare-post-create")
    # The ledger's rule: the holder must be of a registered poor household of the village.
    bad = town.post(new, _post(emp, holder=emp.h2.head_id_number)).content.decode()
    assert "不是建档立卡贫困户劳动力" in bad and not WelfarePost.objects.exists()
    town_level = town.post(new, _post(emp, village=emp.personas.county.town_a.code)).content.decode()
    assert "公益岗位须设在村" in town_level
    assert town.post(new, _post(emp)).status_code == 302
    post = WelfarePost.objects.get()
    assert post.holder is not None and post.holder.status == "welfare_job"
    edit = reverse("employment:welfare-post-edit", args=[post.pk])
    assert emp.h1.head_id_number in town.get(edit).content.decode()
    assert town.post(edit, _post(emp, holder="", version=post.version)).status_code == 302
    post.refresh_from_db()
    assert post.holder is None
    # The holder who left it holds no other post: 未就业 again.
    assert Laborer.objects.get(id_number=emp.h1.head_id_number).status == "unemployed"
    assert "已被他人修改" in town.post(edit, _post(emp, version=post.version - 1)).content.decode()
    assert WelfarePost.objects.get().holder is None
    assert emp.personas.client("work_team").get(edit).status_code == 403
    assert emp.personas.client("outsider").get(edit).status_code == 404


def test_a_factory_with_its_workers(emp: Emp) -> None:
    admin = emp.personas.client("county_admin")
    new = reverse("employment:factory-create")
    factory = {"code": "F1", "name": " ", "area": emp.personas.county.town_a.code}
    assert "请填写工厂名称" in admin.post(new, factory | {"name": "  "}).content.decode()
    assert admin.post(new, factory | {"name": "毛绒玩具社区工厂"}).status_code == 302
    made = CommunityFactory.objects.get()
    edit = reverse("employment:factory-edit", args=[made.pk])
    form = factory | {"name": "毛绒玩具厂", "industry": "毛绒玩具", "version": made.version}
    assert admin.post(edit, form).status_code == 302
    assert CommunityFactory.objects.get().industry == "毛绒玩具"
    assert "已被他人修改" in admin.post(edit, form | {"industry": "服装"}).content.decode()
    members = reverse("employment:factory-member-add", args=[made.pk])
    head = emp.head(emp.h1)
    row = {"laborer": head.id_number, "start_date": "2019-03-01", "monthly_wage": "2200"}
    bad = admin.post(members, row | {"end_date": "2019-02-01"})
    assert bad.status_code == 400 and "离职日期早于入职日期" in bad.content.decode()
    assert admin.post(members, row).status_code == 302
    assert admin.post(members, row | {"end_date": "2019-10-31"}).status_code == 302
    assert FactoryWorker.objects.get().end_date is not None
    worker = FactoryWorker.objects.get()
    remove = reverse("employment:factory-member-remove", args=[made.pk, worker.pk])
    assert remove in admin.get(edit).content.decode()
    assert emp.personas.client("county_leader").post(remove, {"version": worker.version}).status_code == 403
    stale = admin.post(remove, {"version": worker.version - 1}, follow=True).content.decode()
    assert "已被他人修改" in stale and FactoryWorker.objects.exists()
    assert admin.post(remove, {"version": worker.version}).status_code == 302
    assert not FactoryWorker.objects.exists()
    assert ChangeLog.objects.filter(object_type="employment.factoryworker", action="delete").count() == 1
    # The town official of town A may edit it; the town of B may not see it.
    assert emp.personas.client("town_official").get(edit).status_code == 200
    assert emp.personas.client("county_leader").post(edit, form).status_code == 403

"""Trainings give certified trainees their skill; public-welfare posts go to poor laborers of the
post's village, one post each; factory workers and transfer records are checked and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.employment.models import FactoryWorker, SkillTraining, TransferEmployment, WelfarePost
from fupin.employment.services.programmes import (
    factory_create,
    factory_workers_upsert,
    trainees_upsert,
    trainings_upsert,
    transfers_upsert,
    welfare_posts_upsert,
)
from fupin.employment.tests.conftest import Emp

D = dt.date


def training(emp: Emp, code: str = "T1", **values: Any) -> SkillTraining:
    row = {
        "code": code,
        "title": "缝纫工培训",
        "work_type": "sewing",
        "organizer": "县人社局",
        "area": emp.personas.county.town_a,
        "start_date": D(2019, 9, 1),
        "end_date": D(2019, 9, 10),
        "hours": 60,
    }
    row.update(values)
    trainings_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[row])
    return SkillTraining.objects.get(code=code)


def test_a_certified_trainee_gains_the_skill(emp: Emp) -> None:
    session = training(emp)
    head, spouse = emp.head(emp.h1), emp.laborer(emp.h1.members.get(relation="spouse").id_number)
    rows = [
        {"training": session, "laborer": head, "certified": True},
        {"training": session, "laborer": spouse, "certified": False},
    ]
    assert trainees_upsert(actor=SYSTEM, scope=EVERYTHING, rows=rows).created == 2
    head.refresh_from_db()
    spouse.refresh_from_db()
    assert head.skills == ["sewing"] and spouse.skills == []
    gained = ChangeLog.objects.get(object_type="employment.laborer", object_id=head.pk, action="update")
    assert (gained.before["技能"], gained.after["技能"]) == ("", "缝纫")
    assert trainees_upsert(actor=SYSTEM, scope=EVERYTHING, rows=rows).unchanged == 2
    with pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        training(emp, "T2", end_date=D(2019, 8, 1))
    with pytest.raises(PermissionDenied):
        trainees_upsert(
            actor=SYSTEM,
            scope=emp.scope("work_team"),
            rows=[{"training": session, "laborer": emp.head(emp.h4), "certified": True}],
        )


def post_row(emp: Emp, code: str = "GY1", **values: Any) -> dict[str, Any]:
    row = {
        "code": code,
        "village": emp.personas.county.village_a1,
        "post_type": "cleaning",
        "holder": emp.head(emp.h1),
        "monthly_wage": Decimal("500"),
        "funding": "solar",
        "start_date": D(2019, 1, 1),
        "end_date": None,
    }
    row.update(values)
    return row


def test_a_welfare_post_goes_to_a_poor_laborer_of_its_village(emp: Emp) -> None:
    with pytest.raises(ApplicationError, match="不是建档立卡贫困户劳动力"):
        welfare_posts_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp, holder=emp.head(emp.h2))])
    with pytest.raises(ApplicationError, match="不是本村劳动力"):
        welfare_posts_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp, holder=emp.head(emp.h3))])
    with pytest.raises(ApplicationError, match="公益岗位须设在村"):
        welfare_posts_upsert(
            actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp, village=emp.personas.county.town_a)]
        )
    welfare_posts_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp)])
    assert emp.head(emp.h1).status == "welfare_job"
    with pytest.raises(ApplicationError, match="已在其他公益岗位在岗"):
        welfare_posts_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp, "GY2", post_type="roads")])
    # A post with no holder yet is fine; so is an ended one held by the same person.
    welfare_posts_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[post_row(emp, "GY3", holder=None), post_row(emp, "GY4", end_date=D(2019, 6, 30))],
    )
    assert WelfarePost.objects.count() == 3


def test_factory_workers_and_transfers(emp: Emp) -> None:
    c = emp.personas.county
    factory = factory_create(
        actor=SYSTEM, scope=EVERYTHING, code="F1", name="毛绒玩具社区工厂", area=c.town_a
    )
    with pytest.raises(PermissionDenied):
        factory_create(actor=SYSTEM, scope=emp.scope("work_team"), code="F2", name="某厂", area=c.village_b1)
    head = emp.head(emp.h1)
    row = {
        "factory": factory,
        "laborer": head,
        "start_date": D(2019, 3, 1),
        "end_date": None,
        "monthly_wage": None,
    }
    factory_workers_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[row])
    with pytest.raises(ApplicationError, match="离职日期不能早于入职日期"):
        factory_workers_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[row | {"end_date": D(2019, 1, 1)}])
    assert FactoryWorker.objects.count() == 1
    transfer = {
        "laborer": head,
        "year": 2019,
        "region": "out_of_province",
        "place": "广东东莞",
        "employer": "",
        "months": 10,
        "income": Decimal("36000"),
    }
    transfers_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[transfer])
    for bad, message in (
        ({"months": 13}, "务工月数"),
        ({"income": Decimal("-1")}, "务工收入"),
        ({"region": "moon"}, "务工地域"),
    ):
        with pytest.raises(ApplicationError, match=message):
            transfers_upsert(actor=SYSTEM, scope=EVERYTHING, rows=[transfer | bad])
    assert TransferEmployment.objects.get().income == Decimal("36000")


def test_a_holder_who_leaves_every_post_is_unemployed_again(emp: Emp) -> None:
    head = emp.head(emp.h1)
    welfare_posts_upsert(
        actor=SYSTEM, scope=EVERYTHING, rows=[post_row(emp, "GY1"), post_row(emp, "GY2", holder=None)]
    )
    assert emp.head(emp.h1).status == "welfare_job"
    # Moved from GY1 to GY2 in one file: still holds a post.
    welfare_posts_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[post_row(emp, "GY1", holder=None), post_row(emp, "GY2", holder=emp.head(emp.h1))],
    )
    assert emp.head(emp.h1).status == "welfare_job"
    # GY2 ends: no post left.
    welfare_posts_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[post_row(emp, "GY2", holder=emp.head(emp.h1), end_date=D(2019, 12, 31))],
    )
    assert emp.head(emp.h1).status == "unemployed" and head.pk == emp.head(emp.h1).pk

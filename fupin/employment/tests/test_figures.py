"""The `employment` section of the figures document on hand-built data: every field counts what
docs/figures.md says, inside the area, in the month or on the day it names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.employment.figures import employment_section
from fupin.employment.models import CommunityFactory, SkillTraining
from fupin.employment.services.laborers import laborer_update
from fupin.employment.services.postings import placement_record
from fupin.employment.services.programmes import (
    factories_upsert,
    factory_workers_upsert,
    trainees_upsert,
    trainings_upsert,
    transfers_upsert,
    welfare_posts_upsert,
)
from fupin.employment.tests.conftest import Emp
from fupin.reports.figures import figures_document

D = dt.date
COUNTY, TOWN_A, TOWN_B = "610727000000", "610727100000", "610727101000"
AS_OF = D(2019, 11, 30)


def build(emp: Emp) -> None:
    c = emp.personas.county
    h1, h3, h4 = emp.head(emp.h1), emp.head(emp.h3), emp.head(emp.h4)
    h2 = emp.head(emp.h2)
    # h1's spouse is recorded as skilled in the registry: not "lacking skills".
    spouse = emp.h1.members.get(relation="spouse")
    spouse.labour = "skilled"
    spouse.save()
    trainings_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {
                "code": "T1",
                "title": "缝纫",
                "work_type": "sewing",
                "organizer": "",
                "area": c.town_a,
                "start_date": D(2019, 11, 1),
                "end_date": D(2019, 11, 10),
                "hours": 40,
            },
            {
                "code": "T2",
                "title": "电工",
                "work_type": "electrician",
                "organizer": "",
                "area": c.county,
                "start_date": D(2019, 10, 1),
                "end_date": D(2019, 10, 5),
                "hours": 20,
            },
            {
                "code": "T3",
                "title": "厨师",
                "work_type": "cooking",
                "organizer": "",
                "area": c.town_b,
                "start_date": D(2019, 12, 1),
                "end_date": D(2019, 12, 5),
                "hours": 20,
            },
        ],
    )
    t = {s.code: s for s in SkillTraining.objects.all()}
    trainees_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {"training": t["T1"], "laborer": h1, "certified": True},
            {"training": t["T1"], "laborer": h3, "certified": False},
            {"training": t["T2"], "laborer": h3, "certified": True},
            {"training": t["T3"], "laborer": h4, "certified": True},  # after as_of
        ],
    )
    welfare_posts_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {
                "code": "G1",
                "village": c.village_a1,
                "post_type": "cleaning",
                "holder": emp.head(emp.h1),
                "monthly_wage": Decimal(500),
                "funding": "solar",
                "start_date": D(2019, 1, 1),
                "end_date": None,
            },
            {
                "code": "G2",
                "village": c.village_a1,
                "post_type": "roads",
                "holder": None,
                "monthly_wage": Decimal(400),
                "funding": "fiscal",
                "start_date": D(2019, 1, 1),
                "end_date": None,
            },
            {
                "code": "G3",
                "village": c.village_b1,
                "post_type": "water",
                "holder": h4,
                "monthly_wage": Decimal(450),
                "funding": "solar",
                "start_date": D(2019, 1, 1),
                "end_date": D(2019, 6, 30),
            },
        ],
    )
    factories_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {"code": "F1", "name": "玩具厂", "area": c.town_a, "industry": "", "opened": D(2018, 1, 1)},
            {"code": "F2", "name": "服装厂", "area": c.town_b, "industry": "", "opened": D(2020, 1, 1)},
        ],
    )
    f1 = CommunityFactory.objects.get(code="F1")
    factory_workers_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {
                "factory": f1,
                "laborer": h2,
                "start_date": D(2019, 1, 1),
                "end_date": None,
                "monthly_wage": None,
            },
            {
                "factory": f1,
                "laborer": h3,
                "start_date": D(2019, 1, 1),
                "end_date": None,
                "monthly_wage": None,
            },
            {
                "factory": f1,
                "laborer": h4,
                "start_date": D(2019, 1, 1),
                "end_date": D(2019, 3, 1),
                "monthly_wage": None,
            },
        ],
    )
    transfers_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {
                "laborer": emp.laborer(emp.h1.members.get(relation="spouse").id_number),
                "year": 2019,
                "region": "out_of_province",
                "place": "",
                "employer": "",
                "months": 10,
                "income": Decimal("30000.50"),
            },
            {
                "laborer": h4,
                "year": 2019,
                "region": "in_province",
                "place": "",
                "employer": "",
                "months": 6,
                "income": Decimal("12000"),
            },
            {
                "laborer": h4,
                "year": 2018,
                "region": "in_province",
                "place": "",
                "employer": "",
                "months": 6,
                "income": Decimal("11000"),
            },
        ],
    )
    posting = emp.posting("J1", positions=4, start_date=D(2019, 11, 1), end_date=D(2019, 12, 31))
    emp.posting("J2", positions=2, start_date=D(2019, 12, 1))  # not yet open on as_of
    laborer_update(
        actor=SYSTEM, scope=EVERYTHING, laborer=h2, expected_version=None, changes={"status": "unemployed"}
    )
    placement_record(
        actor=SYSTEM, scope=EVERYTHING, laborer=emp.head(emp.h2), posting=posting, date=D(2019, 11, 20)
    )


def test_the_county_section(emp: Emp) -> None:
    build(emp)
    section = employment_section(COUNTY, 2019, 11, AS_OF)
    assert section == {
        "laborers": 8,
        "poor_laborers": 6,  # h1, h3 (exited) and h4: two each; h2 is not registered
        "poor_lacking_skills": 5,  # h1's spouse is 技能劳动力
        "poor_lacking_skills_trained": 2,  # h1's and h3's heads; h4's was trained after as_of
        "training_sessions": 1,
        "training_person_times": 2,
        "training_person_times_to_date": 3,
        "welfare_jobs": 2,
        "welfare_jobs_held": 1,
        "welfare_jobs_by_funding": {"光伏收益": 1, "财政资金": 1},
        "community_factories": 1,
        "factory_workers": 2,
        "factory_poor_workers": 1,
        "transfer_employment": 2,
        "transfer_by_region": {"县外省内": 1, "省外": 1},
        "transfer_income": 42001,
        "job_postings_open": 1,
        "job_positions_open": 4,
        "placements": 1,
    }


def test_a_town_counts_only_its_own(emp: Emp) -> None:
    build(emp)
    town_b = employment_section(TOWN_B, 2019, 11, AS_OF)
    assert (town_b["laborers"], town_b["poor_laborers"], town_b["welfare_jobs"]) == (2, 2, 0)
    assert town_b["training_person_times_to_date"] == 0  # T2 was held by the county
    assert town_b["transfer_by_region"] == {"县外省内": 1}
    assert town_b["community_factories"] == 0 and town_b["placements"] == 0
    december = employment_section(TOWN_B, 2019, 12, D(2019, 12, 31))
    assert december["training_person_times"] == 1 and december["community_factories"] == 0


def test_the_document_serves_the_section(emp: Emp) -> None:
    build(emp)
    document = figures_document(emp.personas.county.county, "2019-11")
    assert document["employment"]["welfare_jobs"] == 2

"""A small county with figures on every chart of the dashboard: households of each status in three
villages, two of them with coordinates, and problems of two categories found in October and
November 2019, one rectified and one overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from fupin.areas.models import Area
from fupin.conftest import EVERYTHING, SYSTEM, Personas
from fupin.people.models import Cadre
from fupin.rectification.models import Channel, Evidence, Origin
from fupin.rectification.services.problems import categories_ensure_default, problem_create
from fupin.rectification.services.workflow import problem_rectify, problem_start
from fupin.registry.models import PovertyStatus
from fupin.reports.tests.test_figures import household

MONTH = "2019-11"
D = dt.date


def add_dashboard_data(personas: Personas) -> None:
    """The data, in the persona county; rectification evidence goes to MEDIA_ROOT."""
    county = personas.county
    responsible = Cadre.objects.get(code="G3")
    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    Area.objects.filter(pk=a1.pk).update(longitude=Decimal("106.15"), latitude=Decimal("33.33"))
    Area.objects.filter(pk=b1.pk).update(longitude=Decimal("106.02"), latitude=Decimal("33.41"))
    for code, village, status, members in [
        ("H1", a1, PovertyStatus.NOT_OUT, 3),
        ("H2", a1, PovertyStatus.OUT, 2),
        ("H3", a1, PovertyStatus.RELAPSED, 4),
        ("H4", a2, PovertyStatus.NOT_OUT, 1),
        ("H5", b1, PovertyStatus.NOT_OUT, 2),
        ("H6", b1, PovertyStatus.OUT, 5),
        ("H7", b1, PovertyStatus.NOT_OUT, 2),
    ]:
        household(code, village, status, members)
    categories = {c.name: c for c in categories_ensure_default(actor=SYSTEM, county=county.county)}
    problems = [
        ("危房改造补助未到位", "住房安全", a1, D(2019, 10, 8)),
        ("慢病签约服务未落实", "医疗保障", a1, D(2019, 11, 4)),
        ("饮水管道损坏", "饮水安全", b1, D(2019, 11, 12)),
    ]
    filed = [
        problem_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            channel=Channel.TALK,
            origin=Origin.PUBLIC,
            category=categories[category],
            description=text,
            area=area,
            found_date=found,
            responsible_unit=county.agriculture,
        )
        for text, category, area, found in problems
    ]
    # The first is rectified in October; the third is overdue by the end of November.
    first = problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=filed[0],
        expected_version=filed[0].version,
        measures="补助发放到户",
        deadline=D(2019, 10, 31),
        on=D(2019, 10, 8),
        responsible_person=responsible,
    )
    evidence = Evidence(
        problem=first, original_name="after.jpg", is_image=True, uploaded_by=personas.users["office_staff"]
    )
    evidence.file.save("after.jpg", ContentFile(b"\xff\xd8\xff\xe0 evidence"), save=False)
    evidence.save()
    problem_rectify(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=first,
        expected_version=first.version,
        account="已整改",
        completed_date=D(2019, 10, 20),
    )
    problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=filed[2],
        expected_version=filed[2].version,
        measures="更换管道",
        deadline=D(2019, 11, 20),
        on=D(2019, 11, 12),
        responsible_person=responsible,
    )

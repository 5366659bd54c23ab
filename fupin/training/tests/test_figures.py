"""The `training` section of the figures document (docs/figures.md) on hand-built data, and that
`fupin figures` and the API serve it."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fupin.conftest import SYSTEM
from fupin.duty.models import LeaderTown
from fupin.reports.figures import figures_document
from fupin.training.models import Attempt
from fupin.training.services.exams import answer_save, attempt_start, attempt_submit
from fupin.training.tests.conftest import RIGHT, Tr

D = dt.date
COUNTY, TOWN_A, TOWN_B = "610727000000", "610727100000", "610727101000"
OPENS = timezone.make_aware(dt.datetime(2019, 11, 1, 8))
CLOSES = timezone.make_aware(dt.datetime(2019, 12, 31, 18))


def sit(tr: Tr, exam_code: str, cadre: str, *, right: bool, on: dt.date) -> Attempt:
    """An attempt scored at noon of `on` (all right, or all wrong)."""
    from fupin.training.models import Exam, Question

    exam = Exam.objects.get(code=exam_code)
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre(cadre), now=noon)
    for pk in attempt.question_ids:
        code = Question.objects.get(pk=pk).code
        choice = RIGHT[code[0]] if right else "B" if code[0] == "J" else "D"
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=pk, choice=choice, now=noon)
    return attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre, now=noon)


def build(tr: Tr) -> None:
    c = tr.county
    # Trainings: two in November in town A (one in a village), one in November in town B, one in
    # October at the county, one in December, one in another county.
    tr.training("镇A十一月", day=D(2019, 11, 4), area=c.town_a, attendees=("G1", "G3", "G5"))
    tr.training("村A1十一月", day=D(2019, 11, 28), area=c.village_a1, attendees=("G3", "G7"))
    tr.training("镇B十一月", day=D(2019, 11, 30), area=c.town_b, attendees=("G6",))
    tr.training("县十月", day=D(2019, 10, 9), attendees=("G1", "G2", "G3", "G4"))
    tr.training("县十二月", day=D(2019, 12, 2), attendees=("G1",))
    tr.training("县去年", day=D(2018, 12, 2), attendees=("G1",))
    tr.training("外县", day=D(2019, 11, 4), area=c.other_county, organiser=c.other_unit, attendees=("G9",))
    # G1 leads town A from 2019-06-01: it belongs to town A as of November.
    LeaderTown.objects.create(cadre=tr.cadre("G1"), town=c.town_a, start_date=D(2019, 6, 1))
    tr.exam("KS1", max_attempts=2, opens_at=OPENS, closes_at=CLOSES)
    sit(tr, "KS1", "G1", right=True, on=D(2019, 11, 10))
    sit(tr, "KS1", "G2", right=False, on=D(2019, 11, 10))
    sit(tr, "KS1", "G2", right=True, on=D(2019, 11, 12))
    sit(tr, "KS1", "G3", right=False, on=D(2019, 11, 12))
    sit(tr, "KS1", "G4", right=True, on=D(2019, 12, 3))  # after as_of
    tr.exam("KS2", title="外县考试", area=c.other_county, opens_at=OPENS, closes_at=CLOSES)


def test_the_training_section_of_the_county_and_of_a_town(tr: Tr) -> None:
    build(tr)
    county = figures_document(tr.county.county, "2019-11")["training"]
    assert county == {
        "trainings": 3,
        "person_times": 6,
        "cadres_trained": 5,  # G1 G3 G5 G7 G6
        "trainings_ytd": 4,
        "person_times_ytd": 10,
        "exams": 1,
        "exam_results": 4,
        "cadres_examined": 3,
        "cadres_passed": 2,
    }
    town = figures_document(tr.county.town_a, "2019-11")["training"]
    assert town == {
        "trainings": 2,
        "person_times": 5,
        "cadres_trained": 4,
        "trainings_ytd": 2,
        "person_times_ytd": 5,
        "exams": 1,  # the county's exam is the town's too
        "exam_results": 1,  # only G1 belongs to town A (it leads it); G5's unit is no assignment
        "cadres_examined": 1,
        "cadres_passed": 1,
    }
    # As of a day before G1 took the town: nobody of town A was examined.
    early = figures_document(tr.county.town_a, "2019-11", "2019-05-31")["training"]
    assert (early["cadres_examined"], early["exams"]) == (0, 0)
    december = figures_document(tr.county.county, "2019-12")["training"]
    assert (december["trainings"], december["person_times_ytd"], december["cadres_examined"]) == (1, 11, 4)


def test_the_command_and_the_api_serve_the_section(tr: Tr) -> None:
    build(tr)
    out = StringIO()
    call_command("figures", "--area", COUNTY, "--month", "2019-11", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["training"]["person_times"] == 6
    api = tr.personas.client("office_staff").get(reverse("api-figures"), {"area": COUNTY, "month": "2019-11"})
    assert api.status_code == 200 and api.json()["training"]["cadres_passed"] == 2

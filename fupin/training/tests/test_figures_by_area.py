"""training_by_area gives every area of the county what training_section gives it, in a fixed
number of queries however many villages the county has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.by_area import assert_same_as_raw, grouped, more_villages, queries_of
from fupin.areas.tree import county_tree
from fupin.duty.models import Pairing
from fupin.duty.tests.conftest import make_household
from fupin.registry.figures import county_statuses
from fupin.training.figures import training_by_area, training_section
from fupin.training.models import Exam
from fupin.training.tests.conftest import Tr
from fupin.training.tests.test_figures import CLOSES, OPENS, build

D = dt.date
MONTH_END, MID_MONTH = D(2019, 11, 30), D(2019, 11, 11)


def build_more(tr: Tr) -> None:
    """The hand-counted trainings and county exam, plus exams held in town A (opening on the 20th) and
    in village B1, and cadres placed in villages by pairings so that villages have exam results."""
    build(tr)
    c = tr.county
    tr.exam("KS3", title="镇A考试", area=c.town_a, opens_at=OPENS + dt.timedelta(days=19), closes_at=CLOSES)
    tr.exam("KS4", title="村B1考试", area=c.village_b1, opens_at=OPENS, closes_at=CLOSES)
    h1 = make_household("H1", c.village_a1)
    h4 = make_household("H4", c.village_b1)
    Pairing.objects.create(cadre=tr.cadre("G3"), household=h1, start_date=D(2019, 1, 1))
    Pairing.objects.create(cadre=tr.cadre("G2"), household=h4, start_date=D(2019, 11, 12))


def raw(area: Area, as_of: dt.date) -> dict[str, Any]:
    return training_section(area.code, D(2019, 11, 1), D(2019, 11, 30), as_of)


@pytest.mark.parametrize("as_of", [MONTH_END, MID_MONTH])
def test_every_area_gets_what_the_raw_section_gives_it(tr: Tr, as_of: dt.date) -> None:
    build_more(tr)
    county = tr.county.county
    assert_same_as_raw(training_by_area, raw, county, 2019, 11, as_of)
    figures = grouped(training_by_area, county, 2019, 11, as_of)
    a1, b1 = figures[tr.county.village_a1.code], figures[tr.county.village_b1.code]
    # The county's exam is every village's; town A's from the 20th is A1's too; B1's own is B1's.
    assert (a1["exams"], b1["exams"]) == ((1, 2) if as_of == MID_MONTH else (2, 2))
    # G3 (paired in A1) failed on the 12th; G2 (paired in B1 from the 12th) passed on the 12th.
    assert (a1["exam_results"], a1["cadres_passed"]) == ((0, 0) if as_of == MID_MONTH else (1, 0))
    assert (b1["cadres_examined"], b1["cadres_passed"]) == ((0, 0) if as_of == MID_MONTH else (1, 1))
    # Trainings count where they were held: the county's own only in the county.
    assert figures[county.code]["trainings_ytd"] == 4
    assert figures[tr.county.town_a.code]["trainings_ytd"] == 2


def test_queries_do_not_grow_with_villages(tr: Tr, django_assert_max_num_queries: Any) -> None:
    build_more(tr)
    county = tr.county.county
    before = queries_of(training_by_area, county, 2019, 11, MONTH_END)
    for n, village in enumerate(more_villages(tr.county.town_b, 4)):
        tr.training(f"新村培训{n}", day=D(2019, 11, 6 + n), area=village, attendees=("G4", "G6"))
        tr.exam(f"KX{n}", title=f"新村考试{n}", area=village, opens_at=OPENS, closes_at=CLOSES)
        household = make_household(f"H{20 + n}", village)
        Pairing.objects.create(cadre=tr.cadre("G4"), household=household, start_date=D(2019, 1, 1))
    assert queries_of(training_by_area, county, 2019, 11, MONTH_END) == before
    tree, statuses = county_tree(county), county_statuses(county.code, MONTH_END)
    with django_assert_max_num_queries(8):
        figures = training_by_area(tree, 2019, 11, MONTH_END, statuses)
    town_b = figures[tr.county.town_b.code]
    assert (town_b["trainings"], town_b["person_times"], town_b["exams"]) == (1 + 4, 1 + 8, 1 + 1 + 4)
    assert_same_as_raw(training_by_area, raw, county, 2019, 11, MONTH_END)


def test_an_exam_held_above_the_county_counts_in_every_area(tr: Tr) -> None:
    build(tr)
    city = Area.objects.create(code="610700000000", name="汉中市", level="city")
    # The county's exam moved up to the city: still every area's exam, through its containing areas.
    Exam.objects.filter(code="KS1").update(area=city, area_code=city.code)
    county = tr.county.county
    figures = grouped(training_by_area, county, 2019, 11, MONTH_END)
    assert {figures[code]["exams"] for code in county_tree(county).codes} == {1}
    assert_same_as_raw(training_by_area, raw, county, 2019, 11, MONTH_END)

"""On a phone (390×844), a village work-team member opens the matching list of the village, sees
each free laborer with the postings that fit, opens a posting and records a placement; nothing on
these pages sticks out sideways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.employment.models import Placement
from fupin.employment.tests.conftest import Emp
from fupin.fieldwork.tests.factories import fits_the_phone, phone, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["phone"]  # the fixture, used by name


def test_a_work_team_member_places_a_laborer_from_a_phone(emp: Emp, live_server: Any, phone: Any) -> None:
    emp.posting("J1", title="安置点保洁员", work_type="general", start_date=dt.date(2019, 11, 1))
    base = live_server.url
    sign_in(phone, base, "work_team")
    phone.goto(f"{base}/employment/worklist/")
    rows = phone.locator("#worklist [data-laborer]")
    assert rows.count() == 4
    assert fits_the_phone(phone)
    phone.locator("#worklist").get_by_role("link", name="略阳建筑公司 · 安置点保洁员").first.click()
    phone.get_by_role("heading", name="安置点保洁员").wait_for()
    assert fits_the_phone(phone)
    first = phone.locator("#ranked tbody tr").first
    name = first.locator("td a").first.inner_text()
    first.get_by_role("button", name="上岗").click()
    phone.get_by_text(f"已记录 {name} 上岗").wait_for()
    assert Placement.objects.get().laborer.name == name
    phone.goto(f"{base}/employment/laborers/")
    assert fits_the_phone(phone)

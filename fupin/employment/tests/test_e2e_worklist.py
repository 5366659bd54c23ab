"""On a phone (390×844), a village work-team member opens the matching list of the village, sees
each free laborer with the postings that fit, opens a posting and records a placement; nothing on
these pages sticks out sideways. The county office's form pages (posting edit, 离岗, new training,
welfare post and factory) fit the phone too, with errors beside their fields."""

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


def test_the_new_form_pages_fit_a_phone(emp: Emp, live_server: Any, phone: Any) -> None:
    """The county office on a phone: a posting's edit page and its placement's 离岗 form, and the
    new-training, new-welfare-post and new-factory pages, with an error shown beside its field."""
    posting = emp.posting("J1", title="安置点保洁员", work_type="general", start_date=dt.date(2019, 11, 1))
    base = live_server.url
    sign_in(phone, base, "county_admin")
    phone.goto(f"{base}/employment/postings/{posting.pk}/")
    phone.locator("#ranked tbody tr").first.get_by_role("button", name="上岗").click()
    phone.get_by_text("上岗记录").wait_for()
    phone.get_by_text("离岗", exact=True).click()
    phone.get_by_label("离岗日期").fill("2019-10-01")
    phone.get_by_role("button", name="记录离岗").click()
    phone.locator("#placements .text-danger").get_by_text("离岗日期不能早于上岗日期", exact=True).wait_for()
    assert fits_the_phone(phone)
    assert Placement.objects.get().end_date is None
    phone.get_by_role("link", name="修改岗位").click()
    phone.get_by_role("heading", name="修改岗位 J1").wait_for()
    assert fits_the_phone(phone)
    for path, heading in (
        ("trainings/new/", "新增技能培训"),
        ("welfare-jobs/new/", "新增公益岗位"),
        ("factories/new/", "新增社区工厂"),
    ):
        phone.goto(f"{base}/employment/{path}")
        phone.get_by_role("heading", name=heading).wait_for()
        assert fits_the_phone(phone), path

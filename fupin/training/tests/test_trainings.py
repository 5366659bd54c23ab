"""Trainings: who may hold and edit them, QR sign-in on the phone and organiser marking, who sees
which, and person-times and coverage by unit and category with the Excel export."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fupin.conftest import SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.training.models import Attendance, SignInMethod, Training, TrainingKind
from fupin.training.selectors.trainings import Period, coverage, training_list
from fupin.training.services.trainings import (
    attendance_sign_in,
    attendances_mark,
    training_create,
    training_update,
)
from fupin.training.tests.conftest import Tr

D = dt.date


def codes(persona: str, tr: Tr) -> set[str]:
    return {t.topic for t in training_list(tr.scope(persona))}


@pytest.mark.parametrize("persona", ["county_admin", "office_staff"])
def test_the_county_office_holds_trainings_anywhere_in_the_county(tr: Tr, persona: str) -> None:
    training = training_create(
        actor=SYSTEM, scope=tr.scope(persona), topic="小额信贷政策", day=D(2019, 11, 5), place="县委党校",
        organiser=tr.county.office_unit, kind=TrainingKind.CLASSROOM, area=tr.county.village_b1,
    )  # fmt: skip
    assert training.area_code == tr.county.village_b1.code and training.sign_in_token
    assert ChangeLog.objects.filter(
        object_type="training.training", object_id=training.pk, action="create"
    ).exists()


def test_a_town_holds_trainings_only_in_its_town_and_others_not_at_all(tr: Tr) -> None:
    args = dict(
        topic="政策", day=D(2019, 11, 5), place="镇政府", organiser=tr.county.town_a_gov, kind="classroom"
    )
    training_create(actor=SYSTEM, scope=tr.scope("town_official"), area=tr.county.village_a1, **args)  # type: ignore[arg-type]
    for persona, area in [
        ("town_official", tr.county.town_b),
        ("county_leader", tr.county.county),
        ("unit_user", tr.county.county),
        ("paired_cadre", tr.county.county),
        ("work_team", tr.county.village_a1),
        ("outsider", tr.county.county),
    ]:
        with pytest.raises(PermissionDenied):
            training_create(actor=SYSTEM, scope=tr.scope(persona), area=area, **args)  # type: ignore[arg-type]
    assert Training.objects.count() == 1


def test_bad_input_is_refused_field_by_field_and_nothing_written(tr: Tr) -> None:
    with pytest.raises(ApplicationError) as refused:
        training_create(
            actor=SYSTEM, scope=tr.scope("office_staff"), topic=" ", day=D(2019, 11, 5), place="",
            organiser=tr.county.office_unit, kind="nonsense", area=tr.county.county,
        )  # fmt: skip
    assert refused.value.field_errors == {
        "topic": "请填写培训主题",
        "place": "请填写培训地点",
        "kind": "培训形式无效",
    }
    assert not Training.objects.exists()


def test_an_edit_with_a_stale_version_is_refused(tr: Tr) -> None:
    training = tr.training()
    fields = dict(
        day=training.date,
        place="县会议中心",
        organiser=tr.county.office_unit,
        kind="classroom",
        area=tr.county.county,
    )
    training_update(
        actor=SYSTEM, scope=tr.scope("office_staff"), training=training, version=1, topic="新主题", **fields
    )  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        training_update(
            actor=SYSTEM, scope=tr.scope("office_staff"), training=training, version=1, topic="再改", **fields
        )  # type: ignore[arg-type]
    training.refresh_from_db()
    assert (training.topic, training.place, training.version) == ("新主题", "县会议中心", 2)


def test_sign_in_with_the_qr_code_counts_once_and_a_wrong_code_or_day_is_refused(tr: Tr) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    training = tr.training(day=today)
    g3 = tr.cadre("G3")
    assert attendance_sign_in(actor=SYSTEM, training=training, cadre=g3, token=training.sign_in_token)
    assert not attendance_sign_in(actor=SYSTEM, training=training, cadre=g3, token=training.sign_in_token)
    with pytest.raises(ApplicationError, match="签到二维码无效"):
        attendance_sign_in(actor=SYSTEM, training=training, cadre=tr.cadre("G4"), token="guess")
    old = tr.training(day=today - dt.timedelta(days=10))
    with pytest.raises(ApplicationError, match="只能在培训当天签到"):
        attendance_sign_in(actor=SYSTEM, training=old, cadre=g3, token=old.sign_in_token)
    rows = list(Attendance.objects.values_list("training_id", "cadre__code", "method"))
    assert rows == [(training.pk, "G3", SignInMethod.PHONE)]


def test_the_organiser_marks_cadres_and_an_unknown_code_marks_nobody(tr: Tr) -> None:
    training = tr.training()
    with pytest.raises(ApplicationError, match="干部编号不存在：G404"):
        attendances_mark(
            actor=SYSTEM, scope=tr.scope("office_staff"), training=training, cadre_codes=["G3", "G404"]
        )
    assert not Attendance.objects.exists()
    added = attendances_mark(
        actor=SYSTEM, scope=tr.scope("office_staff"), training=training, cadre_codes=["G3", "G4", "G3"]
    )
    assert added == 2
    assert (
        attendances_mark(
            actor=SYSTEM, scope=tr.scope("office_staff"), training=training, cadre_codes=["G4", "G5"]
        )
        == 1
    )
    with pytest.raises(PermissionDenied):
        attendances_mark(actor=SYSTEM, scope=tr.scope("paired_cadre"), training=training, cadre_codes=["G3"])
    assert Attendance.objects.filter(training=training).count() == 3


def test_each_persona_sees_the_trainings_of_its_scope(tr: Tr) -> None:
    tr.training("县级培训", attendees=("G1", "G2"))
    tr.training("镇里培训", area=tr.county.village_a2)
    tr.training("镇干部参加的县培训", attendees=("G5",))
    tr.training("农业局办的培训", organiser=tr.county.agriculture, area=tr.county.town_b, attendees=("G6",))
    tr.training("孙科员参加的培训", area=tr.county.town_b, attendees=("G3",))
    tr.training("外县培训", area=tr.county.other_county, organiser=tr.county.other_unit, attendees=("G9",))
    county = {"县级培训", "镇里培训", "镇干部参加的县培训", "农业局办的培训", "孙科员参加的培训"}
    assert codes("county_admin", tr) == county
    assert codes("county_leader", tr) == county
    assert codes("town_official", tr) == {"镇里培训", "镇干部参加的县培训"}
    assert codes("unit_user", tr) == {"农业局办的培训", "孙科员参加的培训"}
    assert codes("paired_cadre", tr) == {"孙科员参加的培训"}
    assert codes("work_team", tr) == set()
    assert codes("outsider", tr) == {"外县培训"}


def test_coverage_counts_person_times_and_distinct_cadres_by_unit_and_category(tr: Tr) -> None:
    tr.training("十一月一", day=D(2019, 11, 5), attendees=("G1", "G3", "G5"))
    tr.training("十一月二", day=D(2019, 11, 20), attendees=("G3", "G4"))
    tr.training("十月", day=D(2019, 10, 9), attendees=("G2",))
    tr.training("外县", area=tr.county.other_county, organiser=tr.county.other_unit, attendees=("G9",))
    november = coverage(tr.scope("office_staff"), Period(2019, 11))
    assert november.trainings == 2
    assert (november.total.cadres, november.total.trained, november.total.person_times) == (7, 4, 5)
    units = {r.label: (r.cadres, r.trained, r.person_times) for r in november.by_unit}
    assert units == {
        "县扶贫开发局": (2, 1, 1), "县农业农村局": (2, 1, 2), "县农技推广站": (1, 1, 1),
        "兴州街道办事处": (1, 1, 1), "接官亭镇人民政府": (1, 0, 0),
    }  # fmt: skip
    categories = {r.label: (r.cadres, r.trained, r.person_times, r.coverage) for r in november.by_category}
    assert categories["帮扶干部"] == (5, 4, 5, 80.0)
    assert categories["镇干部"] == (2, 1, 1, 50.0)
    year = coverage(tr.scope("office_staff"), Period(2019))
    assert (year.trainings, year.total.trained, year.total.person_times) == (4 - 1, 5, 6)
    town = coverage(tr.scope("town_official"), Period(2019, 11))
    assert (town.total.cadres, town.total.trained, town.total.person_times) == (1, 1, 1)


def test_coverage_page_and_export_agree_and_a_cadre_is_refused(tr: Tr) -> None:
    tr.training("十一月一", day=D(2019, 11, 5), attendees=("G1", "G3", "G5"))
    client = tr.personas.client("office_staff")
    url = reverse("training:coverage")
    body = client.get(url, {"year": "2019", "month": "11"}).content.decode()
    assert re.search(r'data-figure="person_times">3<', body) and re.search(r'data-figure="trained">3<', body)
    export = client.get(url, {"year": "2019", "month": "11", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content))["按单位"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert rows[-1] == ["合计", 7, 3, 3, 42.9]
    assert tr.personas.client("paired_cadre").get(url).status_code == 403


def test_the_pages_sign_in_on_the_phone_and_organiser_marking(tr: Tr) -> None:
    from django.utils import timezone

    training = tr.training(day=timezone.localdate())
    office = tr.personas.client("office_staff")
    detail = reverse("training:training-detail", args=[training.code])
    body = office.get(detail).content.decode()
    assert "<svg" in body and training.sign_in_token in body
    response = office.post(detail, {"cadre_codes": "G1，G2\nG404"})
    assert "干部编号不存在：G404" in response.content.decode() and not Attendance.objects.exists()
    assert office.post(detail, {"cadre_codes": "G1，G2"}).status_code == 302
    # The cadre's phone opens the QR link, sees the session, taps 签到.
    sign_in = reverse("training:sign-in", args=[training.code, training.sign_in_token])
    phone = tr.personas.client("paired_cadre")
    assert "签到（孙科员）" in phone.get(sign_in).content.decode()
    assert "您已签到" in phone.post(sign_in).content.decode()
    assert set(Attendance.objects.values_list("cadre__code", flat=True)) == {"G1", "G2", "G3"}
    wrong = phone.post(reverse("training:sign-in", args=[training.code, "guess"]))
    assert wrong.status_code == 400 and "签到二维码无效" in wrong.content.decode()
    # The cadre now sees the training, but may not mark others or see the QR code.
    assert phone.get(detail).status_code == 200 and "<svg" not in phone.get(detail).content.decode()
    assert phone.post(detail, {"cadre_codes": "G4"}).status_code == 403
    assert tr.personas.client("work_team").get(detail).status_code == 404
    assert tr.personas.client("office_staff").get(sign_in).status_code == 403  # no cadre: nobody to sign in

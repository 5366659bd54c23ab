from django.test import Client
from django.urls import reverse

from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.people.models import Account, Cadre


def _create(client: Client, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "username": "g4",
        "password": "a-long-pass-1",
        "role": "paired_cadre",
        "area_code": "610727000000",
    }
    data.update(fields)
    return client.post(reverse("people:account-list"), data)


def test_county_admin_opens_a_login_for_a_cadre(personas: Personas) -> None:
    response = _create(personas.client("county_admin"), cadre_code="G4")
    assert response.status_code == 302
    cadre = Cadre.objects.select_related("user").get(code="G4")
    assert cadre.user is not None and cadre.user.username == "g4"
    account = Account.objects.get(user=cadre.user)
    assert account.unit == cadre.unit
    assert ChangeLog.objects.filter(
        object_type="people.account", object_id=account.pk, actor_name="county_admin"
    ).exists()
    client = Client()
    assert client.login(username="g4", password="a-long-pass-1")
    body = client.get(reverse("people:cadre-list")).content.decode()
    assert "G4" in body and "G3" not in body


def test_account_list_shows_only_the_county(personas: Personas) -> None:
    body = personas.client("county_admin").get(reverse("people:account-list")).content.decode()
    assert "office_staff" in body
    assert "outsider" not in body


def test_other_roles_cannot_manage_accounts(personas: Personas) -> None:
    for name in ["office_staff", "county_leader", "town_official", "paired_cadre"]:
        assert personas.client(name).get(reverse("people:account-list")).status_code == 403
        assert _create(personas.client(name)).status_code == 403
    assert not Account.objects.filter(user__username="g4").exists()


def test_refuses_area_outside_scope_duplicate_user_and_cadre_with_login(personas: Personas) -> None:
    client = personas.client("county_admin")
    response = _create(client, area_code="610726000000")
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    response = _create(client, username="office_staff")
    assert "该账号已存在" in response.content.decode()
    response = _create(client, cadre_code="G3")  # G3 already has the paired_cadre login
    assert "该干部已开通账号" in response.content.decode()
    response = _create(client, role="unit_user")
    assert "单位用户必须指定所属单位" in response.content.decode()
    assert not Account.objects.filter(user__username="g4").exists()

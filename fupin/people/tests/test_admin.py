import pytest
from django.contrib.auth.models import User
from django.test import Client

from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.people.models import Account


@pytest.fixture
def admin_client_(personas: Personas) -> Client:
    User.objects.create_superuser("root", password="root-pass-1")
    client = Client()
    client.login(username="root", password="root-pass-1")
    return client


def test_back_office_lists_cadres_with_masked_id_numbers(admin_client_: Client, personas: Personas) -> None:
    body = admin_client_.get("/admin/people/cadre/").content.decode()
    cadre = personas.cadres["agri_cadre"]
    assert cadre.code in body
    assert cadre.masked_id_number in body
    assert cadre.id_number not in body


def test_back_office_cannot_change_cadres_but_logs_account_changes(
    admin_client_: Client, personas: Personas
) -> None:
    cadre = personas.cadres["agri_cadre"]
    response = admin_client_.post(f"/admin/people/cadre/{cadre.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    account = Account.objects.get(user__username="county_leader")
    response = admin_client_.post(
        f"/admin/people/account/{account.pk}/change/",
        {"user": account.user_id, "role": "office_staff", "area": account.area_id, "unit": ""},
    )
    assert response.status_code == 302
    entry = ChangeLog.objects.get(object_type="people.account", object_id=account.pk, action="update")
    assert entry.before["角色"] == "县级领导"
    assert entry.after["角色"] == "扶贫办工作人员"
    assert entry.actor_name == "root"

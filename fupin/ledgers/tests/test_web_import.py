"""The web import: upload, validation report, confirm, progress; office staff only."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.conftest import Personas, make_id
from fupin.core.models import ChangeLog
from fupin.ledgers.models import ImportJob, ImportStatus
from fupin.people.models import Cadre


def _cadres_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["干部编号", "姓名", "身份证号", "单位编码", "干部类别"])
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")


def _upload(client, content: bytes, name: str = "cadres.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("ledgers:upload"), {"ledger": "cadres", "file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.django_db(transaction=True)
def test_upload_validate_then_confirm(personas: Personas) -> None:
    client = personas.client("office_staff")
    content = _cadres_csv(
        [["N1", "新干部甲", make_id(101), "U2", "帮扶干部"], ["N2", "新干部乙", make_id(102), "U4", "镇干部"]]
    )
    response = _upload(client, content)
    job = ImportJob.objects.get()
    assert response.url == reverse("ledgers:job", args=[job.pk])
    assert job.status == ImportStatus.VALID
    assert not Cadre.objects.filter(code__in=["N1", "N2"]).exists()  # validation wrote nothing

    page = client.get(reverse("ledgers:job", args=[job.pk])).content.decode()
    assert "校验通过" in page and "确认导入" in page

    client.post(reverse("ledgers:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.report["created"] == 2
    assert bytes(job.content) == b""  # the uploaded file is not kept after the import
    assert set(Cadre.objects.filter(code__in=["N1", "N2"]).values_list("name", flat=True)) == {
        "新干部甲",
        "新干部乙",
    }
    entry = ChangeLog.objects.get(object_type="people.cadre", action="create", after__干部编号="N1")
    assert entry.actor_name == "office_staff"
    assert entry.source == "web-import"

    progress = client.get(reverse("ledgers:job-progress", args=[job.pk]))
    assert "100%" in progress.content.decode()
    assert progress["HX-Refresh"] == "true"


@pytest.mark.django_db(transaction=True)
def test_rejected_upload_lists_every_error_and_writes_nothing(personas: Personas) -> None:
    client = personas.client("office_staff")
    before = Cadre.objects.count()
    content = _cadres_csv(
        [
            ["N1", "甲", "123", "U2", "帮扶干部"],
            ["N2", "乙", make_id(103), "NOPE", "帮扶干部"],
            ["N3", "丙", make_id(104), "U2", "宇航员"],
        ]
    )
    _upload(client, content)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    assert job.report["error_count"] == 3
    cells = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert cells == {(2, "身份证号"), (3, "单位编码"), (4, "干部类别")}
    page = client.get(reverse("ledgers:job", args=[job.pk])).content.decode()
    assert "未写入任何数据" in page and "单位编码不存在" in page
    assert "确认导入" not in page
    # Confirming a rejected job is refused.
    client.post(reverse("ledgers:job-confirm", args=[job.pk]))
    assert Cadre.objects.count() == before
    errors = client.get(reverse("ledgers:job-errors", args=[job.pk]))
    assert errors["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db(transaction=True)
def test_import_outside_scope_is_rejected(personas: Personas) -> None:
    client = personas.client("office_staff")
    _upload(client, _cadres_csv([["N9", "外县干部", make_id(105), "U9", "帮扶干部"]]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    assert job.report["errors"][0]["message"] == "该单位不在您的管辖范围内"


@pytest.mark.django_db
def test_another_users_job_is_not_visible(personas: Personas) -> None:
    office = personas.client("office_staff")
    _upload(office, _cadres_csv([["N1", "甲", make_id(106), "U2", "帮扶干部"]]))
    job = ImportJob.objects.get()
    assert personas.client("county_admin").get(reverse("ledgers:job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_template_download(personas: Personas) -> None:
    response = personas.client("office_staff").get(reverse("ledgers:template", args=["cadres"]))
    assert response.status_code == 200
    assert "cadres-template.xlsx" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"

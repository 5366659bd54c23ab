"""The service worker is served from the root with the field pages (check-in, an exam being taken)
and the assets they load."""

from __future__ import annotations

from django.test import Client


def test_the_service_worker_lists_the_field_pages_and_their_assets(db: None) -> None:
    response = Client().get("/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert 'const PAGES = ["/fieldwork/checkin/", "/fieldwork/checkin/mine/"];' in body
    assert "/static/web/checkin.js" in body and "/static/vendor/bootstrap/css/bootstrap.min.css" in body
    assert "fupin-field-" in body
    # An exam being taken is kept once opened, with its script.
    assert 'const PATTERNS = [new RegExp("^/exams/[^/]+/attempt/\\u005Cd+/$")];' in body
    assert "/static/training/exam.js" in body

"""The service worker is served from the root with the field pages and the assets they load."""

from __future__ import annotations

from django.test import Client


def test_the_service_worker_lists_the_check_in_pages_and_their_assets(db: None) -> None:
    response = Client().get("/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert 'const PAGES = ["/fieldwork/checkin/", "/fieldwork/checkin/mine/"];' in body
    assert "/static/web/checkin.js" in body and "/static/vendor/bootstrap/css/bootstrap.min.css" in body
    assert "fupin-field-" in body

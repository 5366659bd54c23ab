"""Token authentication for apps, and the OpenAPI schema that documents the API."""

import pytest
import yaml
from rest_framework.test import APIClient

from fupin.conftest import PASSWORD, Personas


def test_token_from_password_then_scoped_reads(personas: Personas) -> None:
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "town_official", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    codes = [row["code"] for row in client.get("/api/cadres/").json()["results"]]
    assert codes == ["G5"]
    units = [row["code"] for row in client.get("/api/units/").json()["results"]]
    assert units == ["U4"]


def test_wrong_password_and_bad_token_are_refused(personas: Personas) -> None:
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "town_official", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get("/api/cadres/").status_code == 401


def test_openapi_schema_documents_every_endpoint(personas: Personas) -> None:
    client = personas.client("office_staff")
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = set(schema["paths"])
    for expected in [
        "/api/areas/",
        "/api/areas/search/",
        "/api/areas/{code}/",
        "/api/units/",
        "/api/cadres/",
        "/api/cadres/{code}/",
    ]:
        assert expected in paths
    assert "patch" in schema["paths"]["/api/cadres/{code}/"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    docs = client.get("/api/docs/").content.decode()
    # Swagger UI is served by the platform itself, never from a CDN.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/cadres/"])
def test_anonymous_cannot_read_the_api(db: None, path: str) -> None:
    assert APIClient().get(path).status_code in {401, 403}


def test_api_root_links_every_collection(personas: Personas) -> None:
    links = personas.client("office_staff").get("/api/").json()
    assert links["cadres"].endswith("/api/cadres/")
    assert links["docs"].endswith("/api/docs/")
    assert set(links) >= {"areas", "area_search", "units", "cadres", "token", "schema", "docs"}

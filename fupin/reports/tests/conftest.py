"""Fixtures of the reports tests: the persona county with the dashboard's data."""

from __future__ import annotations

from typing import Any

import pytest

from fupin.conftest import Personas
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.reports.tests.helpers import add_dashboard_data


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def dashboard(personas: Personas, settings: Any, tmp_path: Any) -> Personas:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_dashboard_data(personas)
    return personas

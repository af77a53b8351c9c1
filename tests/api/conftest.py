"""Fixtures for the API tests: the desk's personas, a request of Anna's, a frozen clock
(the API reads ``timezone.now()`` itself) and a private media folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from pytest_django.fixtures import Settings

from supportdesk.tickets.models import Request
from tests.api.helpers import NOW, open_request
from tests.tickets import conftest as personas
from tests.tickets.conftest import Desk

desk = personas.desk  # the shared personas fixture


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def anna_request(desk: Desk) -> Request:
    return open_request(desk)

"""An Alertmanager integration of Alfa's, recorded payloads, and a client posting them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from supportdesk.channels.alertmanager.models import AlertIntegration
from supportdesk.customers.models import Contact
from tests.tickets.conftest import Desk

PAYLOADS = Path(__file__).parent / "payloads"
TOKEN = "am-token-of-alfa"
URL = "/api/v1/alerts/alertmanager/alfa-prod"


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


def with_alert(body: dict[str, Any], fingerprint: str, **labels: str) -> dict[str, Any]:
    """The body with one more alert of the group (another instance)."""
    changed = copy.deepcopy(body)
    alert = copy.deepcopy(changed["alerts"][0])
    alert["fingerprint"] = fingerprint
    alert["labels"] = {**alert["labels"], **labels}
    changed["alerts"].append(alert)
    return changed


@pytest.fixture
def monitoring(desk: Desk) -> AlertIntegration:
    contact = Contact.objects.create(
        organization=desk.alfa, name="Alfa monitoring", email="noc@alfa.example"
    )
    return AlertIntegration.objects.create(
        slug="alfa-prod", name="Alfa production", organization=desk.alfa, contact=contact,
        bearer_token=TOKEN, basic_username="am", basic_password="basic-secret",
    )  # fmt: skip


def post(body: dict[str, Any] | bytes, *, token: str | None = TOKEN, **headers: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if token is not None:
        headers.setdefault("Authorization", f"Bearer {token}")
    return Client().post(URL, raw, content_type="application/json", headers=headers)

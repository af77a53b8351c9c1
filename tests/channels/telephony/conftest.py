"""Telephony integrations (the neutral webhook and Mango Office), Alfa's Pavel with a phone
number written the way people write it, and helpers posting events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from supportdesk.channels.telephony.events import mango_signature
from supportdesk.channels.telephony.models import Provider, TelephonyIntegration
from supportdesk.customers.models import Contact
from tests.tickets.conftest import Desk

MANGO = Path(__file__).parent / "mango"
TOKEN = "pbx-token"
API_KEY, SALT = "mango-api-key", "mango-salt"
PAVEL = "+74951234567"


@pytest.fixture
def pbx(desk: Desk) -> TelephonyIntegration:
    return TelephonyIntegration.objects.create(
        slug="pbx", name="Office PBX", provider=Provider.NEUTRAL, token=TOKEN
    )


@pytest.fixture
def mango(desk: Desk) -> TelephonyIntegration:
    return TelephonyIntegration.objects.create(
        slug="mango", name="Mango Office", provider=Provider.MANGO, api_key=API_KEY,
        api_salt=SALT,
    )  # fmt: skip


@pytest.fixture
def pavel(desk: Desk) -> Contact:
    return Contact.objects.create(
        organization=desk.alfa, name="Pavel", email="pavel@alfa.example",
        phone="8 (495) 123-45-67",
    )  # fmt: skip


def event(kind: str, call_id: str = "c-1", **fields: Any) -> dict[str, Any]:
    return {"event": kind, "call_id": call_id, "from": "8 495 123 45 67", "to": "+74957654321",
            **fields}  # fmt: skip


def post_event(body: dict[str, Any] | bytes, *, token: str | None = TOKEN) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(
        "/api/v1/telephony/pbx/events", raw, content_type="application/json", headers=headers
    )


def mango_json(name: str) -> str:
    return (MANGO / f"{name}.json").read_text().strip()


def post_mango(path: str, json_text: str, *, key: str = API_KEY, salt: str = SALT) -> Any:
    form = {"vpbx_api_key": key, "sign": mango_signature(key, json_text, salt), "json": json_text}
    return Client().post(f"/api/v1/telephony/mango/events/{path}", form)

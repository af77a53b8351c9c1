"""Personas from the request tests, and requests on Beta's Premium contract."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request
from tests.tickets.conftest import DETAILED, Desk, desk

__all__ = ["Desk", "desk"]

MSK = ZoneInfo("Europe/Moscow")


def msk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def open_admin_request(
    desk: Desk, *, on: str = "2026-03-02 09:00", kind: RequestType = RequestType.ADMIN, user=None
) -> Request:  # type: ignore[no-untyped-def]
    user = user or desk.vera
    return actions.open_request(
        actor=user, contact=user.contact, request_type=kind,
        subject="Move the server to a new disk", description=DETAILED,
        requested_priority=Priority.P3, channel=Channel.PORTAL, now=msk(on),
    )  # fmt: skip


@pytest.fixture
def admin_request(desk: Desk) -> Request:
    return open_admin_request(desk)

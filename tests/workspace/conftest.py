"""Helpers for the workspace tests: requests opened through the actions, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets.conftest import DETAILED, Desk, at
from tests.tickets.conftest import desk as desk

NOW = at(23, 12)  # Monday 12:00 in Moscow


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def open_(
    desk: Desk,
    priority: Priority,
    subject: str = "",
    *,
    customer: User | None = None,
    when: datetime | None = None,
) -> Request:
    customer = customer or desk.anna
    return actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=RequestType.INCIDENT,
        subject=subject or f"{priority} case", description=DETAILED, requested_priority=priority,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS,
        now=when or at(23, 10),
    )  # fmt: skip


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client

"""The desk's personas (tests/tickets/conftest.py) and a bug of Anna's."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets import conftest as personas
from tests.tickets.conftest import DETAILED, Desk, at

desk = personas.desk  # the shared personas fixture

OPENED = at(23, 10)  # Monday


def open_bug(
    desk: Desk, customer: User | None = None, *, now: datetime = OPENED,
    request_type: RequestType = RequestType.BUG,
) -> Request:  # fmt: skip
    customer = customer or desk.anna
    return actions.open_request(
        actor=customer, contact=desk.contact(customer), request_type=request_type,
        subject="Messages vanish", description=DETAILED, requested_priority=Priority.P2,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=now,
    )  # fmt: skip

"""API test helpers: JSON clients signed in as a persona or holding a token, a request of
Anna's, and a snapshot of everything an endpoint could change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from supportdesk.api.models import ApiToken
from supportdesk.audit.models import AuditEvent
from supportdesk.channels.models import Receipt
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import (
    Attachment,
    Channel,
    DowngradeProposal,
    Message,
    PriorityChange,
    Request,
    Scope,
)
from tests.tickets.conftest import DETAILED, Desk, at

JSON = "application/json"
NOW = at(23, 12)  # Monday, two business hours after Anna's request; the frozen clock


class Api:
    """A test client speaking JSON to /api/v1/, signed in as ``user`` (a session) or
    carrying a bearer ``token``; neither for an anonymous caller."""

    def __init__(
        self, user: User | None = None, *, token: str | None = None, csrf: bool = False
    ) -> None:
        self.client = Client(enforce_csrf_checks=csrf)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self.headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body if body is not None else {},
            content_type=JSON,
            headers={**self.headers, **headers},
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def upload(self, path: str, file: Any) -> Any:
        return self.client.post(f"/api/v1{path}", {"file": file}, headers=self.headers)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        if method == "GET":
            return self.get(path)
        if method == "DELETE":
            return self.delete(path)
        if hasattr(body, "read"):
            return self.upload(path, body)
        return self.post(path, body)


def open_request(desk: Desk, user: User | None = None, **changes: Any) -> Request:
    user = user or desk.anna
    fields: dict[str, Any] = {
        "actor": user,
        "contact": desk.contact(user),
        "request_type": RequestType.INCIDENT,
        "subject": "Messages are delayed",
        "description": DETAILED,
        "requested_priority": Priority.P3,
        "channel": Channel.PORTAL,
        "component": desk.messaging,
        "scope": Scope.MASS,
        "now": at(23, 10),
    }
    fields.update(changes)
    return actions.open_request(**fields)


def snapshot() -> dict[str, Any]:
    """Everything an endpoint could change, to assert that a refused call changed nothing."""
    tables: list[Any] = [
        Request, Message, Attachment, PriorityChange, DowngradeProposal, SlaClock,
        SlaClockEvent, AuditEvent, ApiToken, Receipt,
    ]  # fmt: skip
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}

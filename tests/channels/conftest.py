"""Personas for intake: the desk's, plus Alfa's contact who writes only by e-mail, and a
private media folder for the files intake stores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from supportdesk.channels.inbound import Inbound
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets.models import Channel, Request, Scope
from tests.tickets import conftest as personas
from tests.tickets.conftest import DETAILED, Desk

desk = personas.desk  # the shared personas fixture


@pytest.fixture(autouse=True)
def _private_media(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def pavel(desk: Desk) -> Contact:
    """Alfa's contact with no portal account: he writes to support by e-mail."""
    return Contact.objects.create(organization=desk.alfa, name="Pavel", email="Pavel@Alfa.example")


def new_by_mail(
    address: str, message_id: str | None = "<m1@alfa.example>", **changes: Any
) -> Inbound:
    inbound = Inbound(
        channel=Channel.EMAIL,
        sender_scope=f"email:{address.lower()}",
        external_id=message_id,
        sender_address=address,
        request_type=RequestType.INCIDENT,
        subject="Messages are delayed",
        description=DETAILED,
        requested_priority=Priority.P2,
    )
    return replace(inbound, **changes)


def reply_by_mail(
    address: str, thread: Request, message_id: str | None = "<r1@alfa.example>", **changes: Any
) -> Inbound:
    return replace(
        new_by_mail(address, message_id), thread=thread, body="Here are the logs.", **changes
    )


def new_in_portal(desk: Desk, **changes: Any) -> Inbound:
    inbound = Inbound(
        channel=Channel.PORTAL,
        sender_scope=f"user:{desk.anna.pk}",
        external_id=None,
        actor=desk.anna,
        subject="Messages are delayed",
        description=DETAILED,
        requested_priority=Priority.P2,
        component=desk.messaging,
        scope=Scope.MASS,
    )
    return replace(inbound, **changes)

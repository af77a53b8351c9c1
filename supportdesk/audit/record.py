"""Writing audit events; called only from actions, inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import models

from supportdesk.audit.models import AuditEvent
from supportdesk.rows import insert


def record(
    *,
    at: datetime,
    actor: User | None,
    action: str,
    subject: models.Model,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at,
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        data=data or {},
    )
    insert([event])
    return event


def record_many(
    *,
    at: datetime,
    actor: User | None,
    action: str,
    subjects: Iterable[tuple[models.Model, dict[str, Any]]],
) -> list[AuditEvent]:
    """The same event about many subjects, in one insert (a job's batch)."""
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            at=at,
            actor=actor if actor is not None and actor.pk else None,
            action=action,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            data=data,
        )
        for subject, data in subjects
    )

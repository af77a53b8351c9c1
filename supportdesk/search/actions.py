"""Saved views and last looks: the only writers of ``search`` rows."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.search.models import LastSeen, SavedView
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import require_staff
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Request

# What a saved view may keep of the queue's query string (nothing else is stored).
VIEW_KEYS = frozenset(
    {"tab", "q", "status", "organization", "plan", "priority", "type", "component"}
)


def clean_query(pairs: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode([(key, value) for key, value in pairs if key in VIEW_KEYS and value])


def save_view(*, actor: User, name: str, query: str, now: datetime) -> SavedView:
    """Keep the queue's current filters under a name; the same name replaces the query."""
    require(actor, Capability.SAVE_QUEUE_VIEW)
    name = name.strip()
    if not name:
        raise ActionError(_("A saved view needs a name."))
    if len(name) > 80:
        raise ActionError(_("A view's name is at most 80 characters."))
    if len(query) > 1000:
        raise ActionError(_("These filters are too long to save."))
    with transaction.atomic():
        view, created = SavedView.objects.update_or_create(
            owner=actor, name=name, defaults={"query": query}, create_defaults={
                "query": query, "created_at": now,
            },
        )  # fmt: skip
        record(
            at=now, actor=actor, action="queue.view_saved", subject=view,
            data={"name": name, "query": query, "created": created},
        )  # fmt: skip
    return view


def delete_view(*, actor: User, view_id: int, now: datetime) -> None:
    """Forget one of the actor's own views (another's is not found)."""
    require(actor, Capability.SAVE_QUEUE_VIEW)
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(owner=actor, pk=view_id).first()
        if view is None:
            raise ActionError(_("There is no such saved view."))
        record(
            at=now, actor=actor, action="queue.view_deleted", subject=view,
            data={"name": view.name, "query": view.query},
        )  # fmt: skip
        view.delete()


def mark_seen(*, actor: User, request: Request, now: datetime) -> None:
    """The staff member opened the request's page. A read receipt, not a change to the
    request: one upserted row, no audit event (it would log every page view)."""
    require_staff(actor)
    LastSeen.objects.update_or_create(user=actor, request=request, defaults={"seen_at": now})

"""One merged timeline of everything that happened to a request, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from supportdesk.audit.labels import action_label
from supportdesk.audit.models import AuditEvent
from supportdesk.sla.models import SlaClock
from supportdesk.staff.models import Team
from supportdesk.tickets.models import MessageKind, Request, Status
from supportdesk.tickets.reasons import render
from supportdesk.web.display import hours_text

# Audit actions that the timeline already shows from their own rows (messages, priority
# changes) are left out so nothing appears twice.
SHOWN_ELSEWHERE = frozenset(
    {
        "request.replied",
        "request.noted",
        "request.priority_raised",
        "request.priority_corrected",
    }
)


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    kind: str  # css class: message, note, file, priority, status, assign, clock, warning, breach
    title: str
    detail: str = ""
    actor: str = ""
    order: int = 0


def _name(user: User | None) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()


def _status_label(value: object) -> str:
    try:
        return str(Status(str(value)).label)
    except ValueError:
        return str(value)


def _audit_entry(event: AuditEvent, names: dict[int, str], teams: dict[int, str]) -> Entry:
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    actor = _name(event.actor)
    action = event.action
    if action == "request.status":
        title = _("Status: %(from)s → %(to)s") % {
            "from": _status_label(data.get("from")),
            "to": _status_label(data.get("to")),
        }
        return Entry(event.at, "status", title, render(str(data.get("reason") or "")), actor, 3)
    if action == "request.assigned":
        to = data.get("to") or {}
        who = names.get(to.get("assignee") or 0, "—")
        team = teams.get(to.get("team") or 0, "—")
        title = _("Assigned to %(who)s, team %(team)s") % {"who": who, "team": team}
        return Entry(event.at, "assign", title, "", actor, 3)
    if action == "request.attachment_added":
        title = _("File attached: %(name)s") % {"name": data.get("name", "")}
        return Entry(event.at, "file", title, "", actor, 3)
    if action == "sla.breached":
        clocks = {"reaction": _("Reaction"), "resolution": _("Resolution")}
        clock = str(data.get("clock", ""))
        title = _("SLA breached: %(clock)s clock") % {"clock": clocks.get(clock, clock)}
        return Entry(event.at, "breach", title, "", actor, 5)
    detail = render(str(data.get("reason") or ""))
    return Entry(event.at, "status", action_label(action), detail, actor, 3)


def breach_instant(clock: SlaClock, now: datetime) -> datetime | None:
    """When the clock missed its target, as far as its stored columns tell: ``breached_at``
    is set when an event is evaluated after the due instant; a clock still running past
    its ``due_at`` has missed it too."""
    if clock.breached_at is not None and clock.breached_at <= now:
        return clock.breached_at
    if clock.status == "running" and clock.due_at is not None and clock.due_at <= now:
        return clock.due_at
    return None


def _clock_entries(clock: SlaClock, label: str, now: datetime) -> list[Entry]:
    entries = []
    for event in clock.events.all():
        title = _("%(clock)s clock: %(event)s") % {
            "clock": label,
            "event": event.get_kind_display(),
        }
        if event.target_seconds:
            target = hours_text(timedelta(seconds=event.target_seconds))
            title += " " + _("(target %(target)s)") % {"target": target}
        entries.append(Entry(event.at, "clock", title, render(event.reason), "", 4))
    for percent, instant in ((75, clock.warning_75_at), (90, clock.warning_90_at)):
        if instant is not None and instant <= now and clock.status in ("running", "stopped"):
            if clock.status == "stopped" and clock.evaluated_at and instant > clock.evaluated_at:
                continue
            title = _("%(clock)s clock: %(percent)s%% of the target used") % {
                "clock": label,
                "percent": percent,
            }
            entries.append(Entry(instant, "warning", title, "", "", 5))
    missed = breach_instant(clock, now)
    if missed is not None:
        title = _("%(clock)s clock: target missed") % {"clock": label}
        entries.append(Entry(missed, "breach", title, "", "", 5))
    return entries


def timeline(request: Request, *, now: datetime) -> list[Entry]:
    entries: list[Entry] = []
    for message in request.messages.select_related("author", "contact"):
        internal = message.kind == MessageKind.INTERNAL
        title = _("Internal note") if internal else _("Reply")
        entries.append(
            Entry(
                message.created_at,
                "note" if internal else "message",
                str(title),
                message.body,
                message.contact.name
                if message.author is None and message.contact
                else _name(message.author),
                1,
            )
        )
    for change in request.priority_changes.select_related("actor"):
        title = _("Priority %(from)s → %(to)s (%(kind)s)") % {
            "from": change.from_priority or "—",
            "to": change.to_priority,
            "kind": change.get_kind_display(),
        }
        entries.append(
            Entry(change.at, "priority", title, render(change.reason), _name(change.actor), 2)
        )
    events = list(
        AuditEvent.objects.filter(subject_type="tickets.request", subject_id=str(request.pk))
        .exclude(action__in=SHOWN_ELSEWHERE)
        .select_related("actor")
    )
    ids: set[int] = set()
    team_ids: set[int] = set()
    for event in events:
        if event.action == "request.assigned" and isinstance(event.data, dict):
            ids.add((event.data.get("to") or {}).get("assignee") or 0)
            team_ids.add((event.data.get("to") or {}).get("team") or 0)
    names = {user.pk: _name(user) for user in User.objects.filter(pk__in=ids)}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    # A breach the clock columns show is shown at its exact instant, not at the sweep's.
    shown_breaches = {
        kind
        for kind, clock in (
            ("reaction", request.reaction_clock),
            ("resolution", request.resolution_clock),
        )
        if clock is not None and breach_instant(clock, now) is not None
    }
    entries.extend(
        _audit_entry(event, names, teams)
        for event in events
        if not (
            event.action == "sla.breached"
            and isinstance(event.data, dict)
            and event.data.get("clock") in shown_breaches
        )
    )
    entries.extend(_clock_entries(request.reaction_clock, _("Reaction"), now))
    if request.resolution_clock is not None:
        entries.extend(_clock_entries(request.resolution_clock, _("Resolution"), now))
    entries.sort(key=lambda entry: (entry.at, entry.order))
    return entries

"""What each notification says and to whom. Plain text, in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.channels.rules import IntakeNotice
from supportdesk.notifications.links import downgrade_url
from supportdesk.notifications.outbox import Event
from supportdesk.staff.models import StaffRole
from supportdesk.tickets.models import DowngradeProposal, ProposalState, Request


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str


def _local(iso: str | None, zone: str) -> str:
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M %Z")


def _customer(request: Request, subject: str, lines: Iterable[str]) -> list[Mail]:
    contact = request.contact
    if not contact.email:
        return []
    return [Mail((contact.email,), f"[{request.reference}] {subject}", "\n".join(lines) + "\n")]


def _staff_people(request: Request, *, escalate: bool) -> list[str]:
    people: list[User | None] = [
        request.assignee,
        request.contract.dedicated_engineer,
        request.contract.personal_manager,
    ]
    if escalate:
        people.extend(User.objects.filter(staff__role=StaffRole.LEAD, is_active=True))
    return sorted({person.email for person in people if person is not None and person.email})


def compose(event: str, request: Request, data: dict[str, Any]) -> list[Mail]:
    zone = request.organization.time_zone
    language = request.contact.language or "ru"
    with translation.override(language):
        title = f"{request.reference}: {request.subject}"
        if event == Event.OPENED:
            lines = [
                _("We have registered your request %(title)s.") % {"title": title},
                _("Priority: %(priority)s (you asked for %(requested)s).")
                % {"priority": request.priority, "requested": request.requested_priority},
            ]
            # The intake rule's notice, word for word what the page showed.
            if data.get("notice_starts"):
                notice = IntakeNotice(starts_at=datetime.fromisoformat(data["notice_starts"]))
                lines.append(notice.text(zone))
            lines.append(
                _("Our reaction is due by %(due)s.")
                % {"due": _local(data.get("reaction_due"), zone)}
            )
            if not request.is_detailed:
                lines.append(
                    _(
                        "The description is not detailed (component, scope, what happened), so the request is registered with low priority P4. Reply with the details and we will review the priority."
                    )
                )
            return _customer(request, _("Request registered"), lines)
        if event == Event.PRIORITY_CORRECTED:
            lines = [
                _("The priority of %(title)s was corrected from %(before)s to %(after)s.")
                % {"title": title, "before": data["before"], "after": data["after"]},
                _("Reason: %(reason)s") % {"reason": data["reason"]},
            ]
            return _customer(request, _("Priority corrected"), lines)
        if event == Event.DOWNGRADE_PROPOSED:
            proposal = DowngradeProposal.objects.get(pk=data["proposal"])
            if proposal.state != ProposalState.PENDING:
                return []
            link = {"proposal_id": proposal.pk, "contact_id": request.contact_id}
            lines = [
                _(
                    "Service for %(title)s is partly restored. Our engineer proposes to lower the priority from %(before)s to %(after)s."
                )
                % {"title": title, "before": proposal.from_priority, "after": proposal.to_priority},
                _("Reason: %(reason)s") % {"reason": proposal.reason},
                _("The priority stays until you agree."),
                _("Accept: %(url)s") % {"url": downgrade_url(**link, accept=True)},
                _("Decline: %(url)s") % {"url": downgrade_url(**link, accept=False)},
            ]
            return _customer(request, _("Lower the priority?"), lines)
        if event == Event.RESOLVED:
            lines = [
                _("Your request %(title)s is resolved.") % {"title": title},
                _(
                    "Please confirm the resolution on the portal, or reopen the request if the problem remains."
                ),
            ]
            return _customer(request, _("Request resolved"), lines)
    if event in (Event.SLA_WARNING, Event.SLA_BREACH):
        breach = event == Event.SLA_BREACH
        recipients = _staff_people(request, escalate=breach)
        if not recipients:
            return []
        with translation.override("en"):
            clock = data["clock"]
            if breach:
                subject = _("SLA breached: %(clock)s of %(ref)s") % {
                    "clock": clock,
                    "ref": request.reference,
                }
            else:
                subject = _("SLA warning %(percent)s%%: %(clock)s of %(ref)s") % {
                    "percent": data["percent"],
                    "clock": clock,
                    "ref": request.reference,
                }
            body = "\n".join([
                f"{title}",
                f"{request.organization} · {request.priority} · {request.get_status_display()}",
                _("Due: %(due)s") % {"due": _local(data.get("due"), "Europe/Moscow")},
            ]) + "\n"  # fmt: skip
        return [Mail(tuple(recipients), subject, body)]
    raise ValueError(f"unknown notification {event!r}")

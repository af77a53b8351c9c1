"""The e-mails about requests: who is told what, in their own language.

The actions (and the SLA sweeper) call one ``notify_*`` function inside their transaction;
it renders each recipient's mail in their language and writes it to the outbox, which
sends it after the commit. The person who acted is not mailed about their own act (the
acknowledgement excepted: it is the requester's receipt). Customers get what concerns
their request; staff what concerns them and what they have not turned off
(``staff.preferences``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField, IntegerField, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supportdesk.channels.rules import IntakeNotice, OutsideContract
from supportdesk.notifications.models import Notification, NotificationChannel
from supportdesk.notifications.outbox import OutgoingMail, Queued, StoredFile, enqueue_many
from supportdesk.rows import Param, Prepared
from supportdesk.sla.models import ClockKind
from supportdesk.staff.models import StaffEvent, StaffRole
from supportdesk.staff.preferences import wants_mail
from supportdesk.tickets.access import is_lead, staff_member
from supportdesk.tickets.links import desk_url, downgrade_url, objection_url, portal_url
from supportdesk.tickets.models import (
    Attachment,
    Channel,
    DowngradeProposal,
    Message,
    ObjectionState,
    PriorityChange,
    PriorityDefinition,
    PriorityObjection,
    Request,
    Status,
    reference_of,
)

# Staff read times in the vendor's zone; customers in their organization's.
STAFF_ZONE = "Europe/Moscow"
# Staff people fetched with what deciding their mail needs, in the same query.
STAFF_RELATED = "staff__notification_preferences"
# The assignee, told of a customer's reply or of an assignment: compiled once.
_ASSIGNEE = Prepared(
    lambda: User.objects.filter(pk=Param("pk", IntegerField())).select_related(STAFF_RELATED)
)


class MailEvent(StrEnum):
    """Each mail's ``X-Supportdesk-Event``."""

    ACKNOWLEDGED = "request.acknowledged"
    VENDOR_REPLIED = "request.vendor_replied"
    WAITING_FOR_CUSTOMER = "request.waiting_for_customer"
    PRIORITY_CORRECTED = "request.priority_corrected"
    DOWNGRADE_PROPOSED = "request.downgrade_proposed"
    OBJECTION_DECIDED = "request.priority_objection_decided"
    PRIORITY_OBJECTION = "staff.priority_objection"
    RESOLVED = "request.resolved"
    CLOSED = "request.closed"
    OUT_OF_CONTRACT_ACCEPTED = "request.out_of_contract_accepted"
    OUT_OF_CONTRACT_DECLINED = "request.out_of_contract_declined"
    NEW_REQUEST = "staff.new_request"
    CUSTOMER_REPLIED = "staff.customer_replied"
    ASSIGNED = "staff.assigned"
    SLA_WARNING = "staff.sla_warning"
    SLA_BREACH = "staff.sla_breach"
    MERGED = "request.merged"
    MENTIONED = "staff.mentioned"


@dataclass(frozen=True)
class Person:
    address: str
    language: str


@dataclass(frozen=True)
class Thread:
    """What a mail about the request refers to: the acknowledgement (the thread's root)
    and the customer's latest e-mail, when the request has them."""

    root: str
    customer: str

    @property
    def in_reply_to(self) -> str:
        return self.customer or self.root

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref for ref in (self.root, self.customer) if ref))


@dataclass(frozen=True)
class SlaAlert:
    """A clock of a request past a threshold, with what its mail says and who gets it."""

    request_id: int
    subject: str
    organization: str
    priority: str
    status: str
    assignee_id: int | None
    engineer_id: int | None  # the contract's dedicated engineer
    manager_id: int | None  # and personal manager
    clock: ClockKind
    percent: int  # 75, 90 or 100 (the breach)
    due_at: datetime | None

    @property
    def reference(self) -> str:
        return reference_of(self.request_id)


# -- customers ------------------------------------------------------------------------------


def notify_opened(
    request: Request,
    *,
    actor: User | None,
    notice: IntakeNotice | None,
    reaction_due: datetime | None,
    now: datetime,
    outside: OutsideContract | None = None,
) -> None:
    """The requester's acknowledgement (the thread's root), with the intake rule's notice
    word for word as the page showed it when the reaction clock does not start at once, and the staff who take new
    requests: P1 and P2 at once to the team and the contract's dedicated engineer, P3 and
    P4 to the dedicated engineer, or to the team when the contract names none."""
    mails = []
    customer = _customer(request, actor=None)
    if customer is not None:
        with translation.override(customer.language):
            zone = request.organization.time_zone
            title = _title(request)
            lines = [
                _("We have registered your request %(title)s.") % {"title": title},
                _("Priority: %(priority)s (you asked for %(requested)s).")
                % {"priority": request.priority, "requested": request.requested_priority},
            ]
            if outside is not None:  # no clock runs: the plain word instead of a deadline
                lines.append(outside.text())
            else:
                if notice is not None:
                    lines.append(notice.text(zone))
                lines.append(
                    _("Our reaction is due by %(due)s.") % {"due": _local(reaction_due, zone)}
                )
            if not request.is_detailed and request.priority != request.requested_priority:
                lines.append(
                    _(
                        "The description is not detailed (component, scope, what happened), so the request is registered with low priority P4. Reply with the details and we will review the priority."
                    )
                )
            lines += ["", _reply_hint(request)]
            opening = request.customer_message_id  # the customer's e-mail that opened it
            mails += _to_customer(
                request,
                _mail(
                    customer, MailEvent.ACKNOWLEDGED, request.reference, _("Request registered"), lines,
                    thread=Thread(root="", customer=opening),
                ),
            )  # fmt: skip
    # A team may be many people: the text is the same for all who read one language.
    texts: dict[str, tuple[str, list[str]]] = {}
    for person in _new_request_staff(request, actor=actor):
        if person.language not in texts:
            with translation.override(person.language):
                subject = _("New request %(priority)s: %(subject)s") % {
                    "priority": request.priority,
                    "subject": request.subject,
                }
                texts[person.language] = (
                    subject,
                    [
                        _title(request),
                        _summary(request),
                        *(
                            [
                                _(
                                    "Outside the contract (needs the add-on “%(add_on)s”): no "
                                    "SLA clock runs until a support lead accepts or declines it."
                                )
                                % {"add_on": outside.add_on.label}
                            ]
                            if outside is not None
                            else []
                        ),
                        _("Requester: %(contact)s") % {"contact": request.contact.name},
                        "",
                        request.description,
                        "",
                        desk_url(request.pk),
                    ],
                )
        subject, lines = texts[person.language]
        mails.append(_mail(person, MailEvent.NEW_REQUEST, request.reference, subject, lines))
    enqueue_many(mails, now=now)


def notify_vendor_reply(request: Request, message: Message, *, actor: User, now: datetime) -> None:
    """A public reply of the vendor goes to the customer with its files, as a person's
    mail (not marked automatic: the customer's own auto-replies may answer it)."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    attached, linked = _files(message.attachments.all())
    with translation.override(customer.language):
        lines = [message.body, "", "-- ", _author(message)]
        if linked:
            lines += [
                "",
                _("Too large for e-mail, on the portal: %(files)s")
                % {"files": ", ".join(f.name for f in linked)},
            ]
        lines += ["", _reply_hint(request)]
        subject = f"Re: {request.subject}"
        mail = _mail(
            customer, MailEvent.VENDOR_REPLIED, request.reference, subject, lines,
            thread=thread_of(request), automatic=False, attachments=attached,
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_waiting(request: Request, *, actor: User, reason: str, now: datetime) -> None:
    """Support needs the customer's answer; their resolution clock is paused meanwhile."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    with translation.override(customer.language):
        lines = [
            _("Support needs your answer to go on with %(title)s.") % {"title": _title(request)},
        ]
        if reason.strip():
            lines.append(_("What we need: %(reason)s") % {"reason": reason.strip()})
        lines += [
            _("The resolution time does not count while we wait for you."),
            "",
            _reply_hint(request),
        ]
        mail = _mail(
            customer, MailEvent.WAITING_FOR_CUSTOMER, request.reference, _("We need your answer"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_priority_corrected(
    request: Request,
    *,
    actor: User,
    before: str,
    after: str,
    reason: str,
    now: datetime,
    definition: PriorityDefinition | None = None,
    objection_for: PriorityChange | None = None,
) -> None:
    """Rule 3's notice; when it lowered the customer's own priority, with a signed
    one-click objection link made for the requester."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    with translation.override(customer.language):
        lines = [
            _("The priority of %(title)s was corrected from %(before)s to %(after)s.")
            % {"title": _title(request), "before": before, "after": after},
            _("Reason: %(reason)s") % {"reason": reason},
        ]
        if definition is not None:
            lines.append(
                _("The request matches the definition: %(definition)s")
                % {"definition": PriorityDefinition(definition).label}
            )
        if objection_for is not None:
            url = objection_url(correction_id=objection_for.pk, contact_id=request.contact_id)
            lines += [
                _(
                    "If you disagree, object: your priority %(before)s is restored at once "
                    "and a support lead decides."
                )
                % {"before": before},
                _("Object: %(url)s") % {"url": url},
            ]
        lines += ["", _reply_hint(request)]
        mail = _mail(
            customer, MailEvent.PRIORITY_CORRECTED, request.reference, _("Priority corrected"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_priority_objection(
    request: Request, objection: PriorityObjection, *, now: datetime
) -> None:
    """The support leads decide an objection: each is told, in their language."""
    leads = User.objects.filter(is_active=True, staff__role=StaffRole.LEAD).select_related(
        STAFF_RELATED
    )
    mails = []
    for user in leads:
        member = staff_member(user)
        if member is None or not user.email:
            continue
        with translation.override(member.language):
            lines = [
                _("The customer objects to the priority correction of %(title)s.")
                % {"title": _title(request)},
                _("Their priority %(priority)s is restored until you decide.")
                % {"priority": request.priority},
                _("Reason: %(reason)s") % {"reason": objection.reason or "-"},
                desk_url(request.pk),
            ]
            person = Person(user.email, member.language)
            subject = _("Priority objection")
            mails.append(
                _mail(person, MailEvent.PRIORITY_OBJECTION, request.reference, subject, lines)
            )
    enqueue_many(mails, now=now)


def notify_objection_decided(
    request: Request, objection: PriorityObjection, *, actor: User, now: datetime
) -> None:
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    with translation.override(customer.language):
        if objection.state == ObjectionState.UPHELD:
            first = _("A support lead upheld the correction of %(title)s: the priority is %(p)s.")
        else:
            first = _("A support lead reverted the correction of %(title)s: the priority is %(p)s.")
        lines = [
            first % {"title": _title(request), "p": request.priority},
            _("Reason: %(reason)s") % {"reason": objection.decision_note},
            "",
            _reply_hint(request),
        ]
        mail = _mail(
            customer, MailEvent.OBJECTION_DECIDED, request.reference, _("Objection decided"),
            lines, thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_out_of_contract_decided(
    request: Request, *, actor: User, accepted: bool, reason: str, now: datetime
) -> None:
    """The requester is told plainly what a support lead decided about a request outside
    the contract: accepted as a billable exception (the SLA times run from now on, with the
    reaction due), or declined and closed."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    with translation.override(customer.language):
        zone = request.organization.time_zone
        if accepted:
            due = request.reaction_clock.due_at if request.reaction_clock else None
            lines = [
                _(
                    "Your request %(title)s is outside your contract; support has accepted it as "
                    "a billable exception. Our reaction and resolution times count from now."
                )
                % {"title": _title(request)},
                _("Our reaction is due by %(due)s.") % {"due": _local(due, zone)},
            ]
            event, subject = MailEvent.OUT_OF_CONTRACT_ACCEPTED, _("Request accepted")
        else:
            lines = [
                _(
                    "Your request %(title)s is outside your contract and support has declined "
                    "it: the request is closed."
                )
                % {"title": _title(request)},
            ]
            event, subject = MailEvent.OUT_OF_CONTRACT_DECLINED, _("Request declined")
        if reason.strip():
            lines.append(_("Reason: %(reason)s") % {"reason": reason})
        lines += ["", _reply_hint(request)]
        mail = _mail(customer, event, request.reference, subject, lines, thread=thread_of(request))
    enqueue_many(_to_customer(request, mail), now=now)


def notify_downgrade_proposed(
    request: Request, proposal: DowngradeProposal, *, actor: User, now: datetime
) -> None:
    """With signed accept and decline links made for the requester."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    link = {"proposal_id": proposal.pk, "contact_id": request.contact_id}
    with translation.override(customer.language):
        lines = [
            _(
                "Service for %(title)s is partly restored. Our engineer proposes to lower the priority from %(before)s to %(after)s."
            )
            % {
                "title": _title(request),
                "before": proposal.from_priority,
                "after": proposal.to_priority,
            },
            _("Reason: %(reason)s") % {"reason": proposal.reason},
            _("The priority stays until you agree."),
            _("Accept: %(url)s") % {"url": downgrade_url(**link, accept=True)},
            _("Decline: %(url)s") % {"url": downgrade_url(**link, accept=False)},
        ]
        mail = _mail(
            customer, MailEvent.DOWNGRADE_PROPOSED, request.reference, _("Lower the priority?"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_resolved(request: Request, *, actor: User, summary: str, now: datetime) -> None:
    """The resolution summary, and where to confirm or reopen."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    page = portal_url(request.pk)
    with translation.override(customer.language):
        lines = [
            _("Your request %(title)s is resolved.") % {"title": _title(request)},
            "",
            summary,
            "",
            _(
                "Please confirm the resolution on the portal, or reopen the request if the problem remains."
            ),
            _("Confirm: %(url)s") % {"url": f"{page}#confirm"},
            _("Reopen: %(url)s") % {"url": f"{page}#reopen"},
            ngettext(
                "Without an answer the request closes by itself after %(days)s business day.",
                "Without an answer the request closes by itself after %(days)s business days.",
                settings.AUTO_CLOSE_BUSINESS_DAYS,
            )
            % {"days": settings.AUTO_CLOSE_BUSINESS_DAYS},
        ]
        mail = _mail(
            customer, MailEvent.RESOLVED, request.reference, _("Request resolved"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_closed(request: Request, *, actor: User | None, now: datetime) -> None:
    """Closed by the customer's confirmation (unless they confirmed it themself) or by the
    job after the business days without an answer (``actor`` None)."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    with translation.override(customer.language):
        lines = [_("Your request %(title)s is closed.") % {"title": _title(request)}]
        if actor is None:
            days = settings.AUTO_CLOSE_BUSINESS_DAYS
            lines.append(
                ngettext(
                    "It was resolved %(days)s business day ago and had no answer from you.",
                    "It was resolved %(days)s business days ago and had no answer from you.",
                    days,
                )
                % {"days": days}
            )
        lines.append(_("If the problem comes back, please open a new request."))
        mail = _mail(
            customer, MailEvent.CLOSED, request.reference, _("Request closed"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


def notify_merged(request: Request, *, into: Request, actor: User, now: datetime) -> None:
    """The duplicate's customer hears that it is closed and where the work goes on: the
    other request's page when they may open it (their own, or they are the customer
    admin), else its reference alone (a colleague's request)."""
    customer = _customer(request, actor=actor)
    if customer is None:
        return
    contact = request.contact
    sees = into.contact_id == contact.pk or contact.is_customer_admin
    with translation.override(customer.language):
        lines = [
            _("Your request %(title)s repeats %(other)s, which support is working on.")
            % {"title": _title(request), "other": into.reference},
            _("It is closed; the work goes on in %(other)s.") % {"other": into.reference},
        ]
        if sees:
            lines.append(portal_url(into.pk))
        else:
            lines.append(_("%(other)s is a colleague's request in your organization.")
                         % {"other": into.reference})  # fmt: skip
        mail = _mail(
            customer, MailEvent.MERGED, request.reference, _("Request merged"), lines,
            thread=thread_of(request),
        )  # fmt: skip
    enqueue_many(_to_customer(request, mail), now=now)


# -- staff ----------------------------------------------------------------------------------


def notify_mentioned(
    request: Request, message: Message, *, mentioned: Iterable[User], actor: User, now: datetime
) -> None:
    """Colleagues named with @ in an internal note, unless they turned this mail off."""
    people = _staff(mentioned, StaffEvent.MENTIONED, actor=actor)
    thread = thread_of(request) if people else None
    mails = []
    for person in people:
        with translation.override(person.language):
            subject = _("%(actor)s mentioned you: %(subject)s") % {
                "actor": actor.get_full_name() or actor.username,
                "subject": request.subject,
            }
            lines = [_title(request), _summary(request), "", message.body, "", desk_url(request.pk)]
            mails.append(
                _mail(person, MailEvent.MENTIONED, request.reference, subject, lines,
                      thread=thread)
            )  # fmt: skip
    enqueue_many(mails, now=now)


def notify_customer_reply(
    request: Request, message: Message, *, actor: User | None, now: datetime
) -> None:
    """The customer answered (or reopened): the assignee hears of it."""
    if request.assignee_id is None:
        return
    people = _staff(
        _ASSIGNEE(pk=request.assignee_id),
        StaffEvent.CUSTOMER_REPLIED,
        actor=actor,
    )
    thread = thread_of(request) if people else None
    mails = []
    for person in people:
        with translation.override(person.language):
            subject = _("Customer replied: %(subject)s") % {"subject": request.subject}
            lines = [
                _title(request),
                _summary(request),
                _("Author: %(author)s") % {"author": _author(message)},
                "",
                message.body,
                "",
                desk_url(request.pk),
            ]
            mails.append(
                _mail(person, MailEvent.CUSTOMER_REPLIED, request.reference, subject, lines,
                      thread=thread)
            )  # fmt: skip
    enqueue_many(mails, now=now)


def notify_assigned(request: Request, *, actor: User, now: datetime) -> None:
    if request.assignee_id is None:
        return
    people = _staff(
        _ASSIGNEE(pk=request.assignee_id),
        StaffEvent.ASSIGNED,
        actor=actor,
    )
    thread = thread_of(request) if people else None
    mails = []
    for person in people:
        with translation.override(person.language):
            subject = _("Assigned to you: %(subject)s") % {"subject": request.subject}
            lines = [
                _title(request),
                _summary(request),
                _("Assigned by %(actor)s.") % {"actor": actor.get_full_name() or actor.username},
                "",
                desk_url(request.pk),
            ]
            mails.append(
                _mail(person, MailEvent.ASSIGNED, request.reference, subject, lines,
                      thread=thread)
            )  # fmt: skip
    enqueue_many(mails, now=now)


def notify_sla_alerts(alerts: Sequence[SlaAlert], *, now: datetime) -> list[Queued]:
    """The sweeper's batch, in one insert: each warning to the assignee, the dedicated
    engineer and the personal manager; a breach also to the support leads. The people come
    in one query, and each alert's text is rendered once per language it is read in."""
    if not alerts:
        return []
    breach = any(alert.percent == 100 for alert in alerts)
    named = {
        person
        for alert in alerts
        for person in (alert.assignee_id, alert.engineer_id, alert.manager_id)
        if person is not None
    }
    who = Q(pk__in=named) | Q(staff__role=StaffRole.LEAD) if breach else Q(pk__in=named)
    people = {user.pk: user for user in User.objects.filter(who).select_related(STAFF_RELATED)}
    leads = [user for user in people.values() if is_lead(user)]
    roots = _roots([alert.reference for alert in alerts])
    recipients = []
    for alert in alerts:
        ids = (alert.assignee_id, alert.engineer_id, alert.manager_id)
        candidates = [people.get(pk) for pk in ids if pk is not None]
        if alert.percent == 100:
            recipients.append(_staff([*candidates, *leads], StaffEvent.SLA_BREACH, actor=None))
        else:
            recipients.append(_staff(candidates, StaffEvent.SLA_WARNING, actor=None))
    languages = {person.language for people_ in recipients for person in people_}
    words = {}
    for language in languages:
        with translation.override(language):
            words[language] = _SlaWords.active()
    mails = []
    for alert, people_ in zip(alerts, recipients, strict=True):
        if not people_:
            continue
        event = MailEvent.SLA_BREACH if alert.percent == 100 else MailEvent.SLA_WARNING
        thread = Thread(root=roots.get(alert.reference, ""), customer="")
        link = desk_url(alert.request_id)
        texts: dict[str, tuple[str, list[str]]] = {}
        for person in people_:
            if person.language not in texts:
                texts[person.language] = words[person.language].render(alert, link)
            subject, lines = texts[person.language]
            mails.append(_mail(person, event, alert.reference, subject, lines, thread=thread))
    return enqueue_many(mails, now=now)


@dataclass(frozen=True)
class _SlaWords:
    """An SLA mail's words in one language, looked up once for the sweeper's batch."""

    breached: str
    warning: str
    due: str
    clocks: dict[str, str]
    statuses: dict[str, str]

    @classmethod
    def active(cls) -> _SlaWords:
        """In the active language."""
        return cls(
            breached=_("SLA breached: %(clock)s of %(ref)s"),
            warning=_("SLA warning %(percent)s%%: %(clock)s of %(ref)s"),
            due=_("Due: %(due)s"),
            clocks={kind.value: str(kind.label) for kind in ClockKind},
            statuses={status.value: str(status.label) for status in Status},
        )

    def render(self, alert: SlaAlert, link: str) -> tuple[str, list[str]]:
        values = {
            "clock": self.clocks[alert.clock],
            "ref": alert.reference,
            "percent": alert.percent,
        }
        subject = (self.breached if alert.percent == 100 else self.warning) % values
        lines = [
            f"{alert.reference}: {alert.subject}",
            " · ".join([alert.organization, alert.priority, self.statuses[alert.status]]),
            self.due % {"due": _local(alert.due_at, STAFF_ZONE)},
            "",
            link,
        ]
        return subject, lines


# -- threads ---------------------------------------------------------------------------------


def thread_of(request: Request) -> Thread:
    """The request's thread: its acknowledgement's Message-ID (one indexed read) and the
    customer's latest e-mail."""
    return Thread(
        root=_roots([request.reference]).get(request.reference, ""),
        customer=request.customer_message_id,
    )


def _roots(references: Iterable[str]) -> dict[str, str]:
    """The acknowledgement's Message-ID of each request that has one."""
    references = list(references)
    # The first acknowledgement wins: the dict keeps the last value written for a key.
    if len(references) == 1:  # a mail on one request: compiled once
        return dict(_ROOT(reference=references[0]))
    return dict(_acknowledgements(references))


def _acknowledgements(
    references: list[str] | list[Param],
) -> QuerySet[Notification, tuple[str, str]]:
    return (
        Notification.objects.filter(thread__in=references, event=MailEvent.ACKNOWLEDGED)
        .order_by("-pk")
        .values_list("thread", "message_id")
    )


_ROOT = Prepared(lambda: _acknowledgements([Param("reference", CharField())]))


# -- recipients ------------------------------------------------------------------------------

# A request that came from a channel that answers back also hears there: the customer's
# mails go to the chat as well, as rows of that channel addressed to the request (its
# transport finds the chat).
ANSWERING = {Channel.EXPRESS: NotificationChannel.EXPRESS}


def _to_customer(request: Request, mail: OutgoingMail) -> list[OutgoingMail]:
    mails = [mail] if mail.to else []
    if (channel := ANSWERING.get(Channel(request.channel))) is not None:
        mails.append(replace(mail, channel=channel, to=request.reference))
    return mails


def _customer(request: Request, *, actor: User | None) -> Person | None:
    """The requester, when they hear of it: by e-mail, or in the chat the request came
    from (then the address may be empty)."""
    contact = request.contact
    if not contact.is_active or not (contact.email or request.channel in ANSWERING):
        return None
    if actor is not None and contact.user_id is not None and actor.pk == contact.user_id:
        return None
    return Person(contact.email, contact.language or settings.LANGUAGE_CODE)


def _new_request_staff(request: Request, *, actor: User | None) -> list[Person]:
    """``_staff`` for a new request, read as plain values (who, their address, language and
    whether they turned this mail off) in one query compiled once per shape: the dedicated
    engineer and, for P1/P2 or a contract without one, the team: the request's team when
    it has one, else the agents (L1), who triage new requests; the support leads too when
    the request is outside the contract."""
    engineer = request.contract.dedicated_engineer_id
    urgent = request.priority in ("P1", "P2")
    query = _new_request_query(
        engineer=engineer is not None,
        urgent=urgent,
        team=request.team_id is not None,
        leads=request.out_of_contract == "pending",  # a support lead decides if it is taken
    )
    found = []
    for pk, address, language, wanted in query(engineer=engineer, team=request.team_id):
        if language is None or not address or wanted is False:  # not staff, no address, off
            continue
        if actor is not None and pk == actor.pk:
            continue
        found.append(Person(address, language))
    return found


@functools.cache
def _new_request_query(
    *, engineer: bool, urgent: bool, team: bool, leads: bool
) -> Prepared[tuple[int, str, str | None, bool | None]]:
    def build() -> QuerySet[User, tuple[int, str, str | None, bool | None]]:
        group = (
            Q(staff__teams=Param("team", IntegerField()))
            if team
            else Q(staff__role=StaffRole.AGENT)
        )
        own = Q(pk=Param("engineer", IntegerField()))
        who = (own if not urgent else own | group) if engineer else group
        if leads:
            who |= Q(staff__role=StaffRole.LEAD)
        return (
            User.objects.filter(who, is_active=True)
            .order_by("pk")
            .values_list(
                "pk",
                "email",
                "staff__language",
                f"staff__notification_preferences__{StaffEvent.NEW_REQUEST.value}",
            )
            .distinct()
        )

    return Prepared(build)


def _staff(people: Iterable[User | None], event: StaffEvent, *, actor: User | None) -> list[Person]:
    """Active staff with an address who want ``event``, once each, not the actor."""
    found: dict[int, Person] = {}
    for user in people:
        if user is None or user.pk in found or not user.is_active or not user.email:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        member = staff_member(user)
        if member is None or not wants_mail(member, event):
            continue
        found[user.pk] = Person(user.email, member.language)
    return list(found.values())


# -- text ------------------------------------------------------------------------------------


def _mail(
    person: Person,
    event: MailEvent,
    reference: str,
    subject: str,
    lines: Iterable[str],
    *,
    thread: Thread | None = None,
    automatic: bool = True,
    attachments: Sequence[StoredFile] = (),
) -> OutgoingMail:
    return OutgoingMail(
        to=person.address,
        language=person.language,
        event=event,
        subject=f"[{reference}] {subject}",
        body="\n".join(lines) + "\n",
        thread=reference,
        automatic=automatic,
        in_reply_to=thread.in_reply_to if thread else "",
        references=thread.references if thread else (),
        attachments=tuple(attachments),
    )


def _title(request: Request) -> str:
    return f"{request.reference}: {request.subject}"


def _summary(request: Request) -> str:
    return " · ".join(
        [str(request.organization), request.priority, str(Status(request.status).label)]
    )


def _local(at: datetime | None, zone: str) -> str:
    if at is None:
        return "-"
    return at.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M %Z")


def _reply_hint(request: Request) -> str:
    return _("Reply to this e-mail or on the portal: %(url)s") % {"url": portal_url(request.pk)}


def _author(message: Message) -> str:
    author = message.author
    if author is None:
        contact = message.contact or message.request.contact
        return contact.name
    return author.get_full_name() or author.username


def _files(attachments: Iterable[Attachment]) -> tuple[list[StoredFile], list[Attachment]]:
    """The files that fit the e-mail's budget, in order, and those left for the portal."""
    budget = settings.MAIL_ATTACHMENTS_MAX_BYTES
    attached: list[StoredFile] = []
    linked: list[Attachment] = []
    for attachment in attachments:
        if attachment.size <= budget:
            budget -= attachment.size
            attached.append(
                StoredFile(
                    path=str(attachment.file.name),
                    name=attachment.name,
                    content_type=attachment.content_type,
                    size=attachment.size,
                )
            )
        else:
            linked.append(attachment)
    return attached, linked

"""The e-mails about development items, feature requests and client releases, each in
its recipient's language (Russian by default), written to the outbox in the action's
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.customers.models import Contact
from supportdesk.development.models import (
    ClientRelease,
    DevelopmentItem,
    FeatureRequest,
    ItemStatus,
    PublicationTask,
)
from supportdesk.notifications.outbox import OutgoingMail, enqueue_many
from supportdesk.tickets.links import absolute, portal_url
from supportdesk.tickets.notifications import thread_of


class MailEvent(StrEnum):
    DEVELOPMENT_STATUS = "request.development_status"
    WORKAROUND = "request.workaround"
    FEATURE_RELEASED = "feature.released"
    PUBLICATION_TASK = "release.publication_task"


def _language(contact: Contact) -> str:
    return contact.language or settings.LANGUAGE_CODE


def _reachable(contacts: Iterable[Contact | None], actor: User | None) -> list[Contact]:
    """Active contacts with an address, once each, not the person who acted."""
    found: dict[int, Contact] = {}
    for contact in contacts:
        if contact is None or not contact.is_active or not contact.email:
            continue
        if actor is not None and contact.user_id is not None and contact.user_id == actor.pk:
            continue
        found.setdefault(contact.pk, contact)
    return list(found.values())


def status_text(item: DevelopmentItem) -> str:
    """The item's status as the customer reads it (in the active language)."""
    if item.status in (ItemStatus.FIXED, ItemStatus.RELEASED) and item.fix_version:
        if item.status == ItemStatus.FIXED:
            return _("fixed in version %(version)s") % {"version": item.fix_version}
        return _("released in version %(version)s") % {"version": item.fix_version}
    return str(ItemStatus(item.status).label)


def notify_development_status(
    item: DevelopmentItem, *, actor: User | None, note: str, now: datetime
) -> None:
    """The requester learns the bug's status at development (hand-off and every change)."""
    request = item.request
    mails = []
    thread = thread_of(request)
    for contact in _reachable([request.contact], actor):
        with translation.override(_language(contact)):
            lines = [
                _("Your request %(reference)s: %(subject)s")
                % {"reference": request.reference, "subject": request.subject},
                _("Status at the vendor's development: %(status)s.")
                % {"status": status_text(item)},
            ]
            if note:
                lines += ["", note]
            lines += ["", _("The request on the portal: %(url)s") % {"url": portal_url(request.pk)}]
            mails.append(
                OutgoingMail(
                    to=contact.email,
                    language=_language(contact),
                    event=MailEvent.DEVELOPMENT_STATUS,
                    subject=f"[{request.reference}] "
                    + _("Development status: %(status)s") % {"status": status_text(item)},
                    body="\n".join(lines) + "\n",
                    thread=request.reference,
                    in_reply_to=thread.in_reply_to,
                    references=thread.references,
                )
            )
    enqueue_many(mails, now=now)


def notify_workaround(
    request_contact: Contact, reference: str, request_id: int, text: str, *,
    actor: User | None, now: datetime,
) -> None:  # fmt: skip
    mails = []
    for contact in _reachable([request_contact], actor):
        with translation.override(_language(contact)):
            lines = [
                _("A workaround for your request %(reference)s:") % {"reference": reference},
                "",
                text,
                "",
                _("The request on the portal: %(url)s") % {"url": portal_url(request_id)},
            ]
            mails.append(
                OutgoingMail(
                    to=contact.email,
                    language=_language(contact),
                    event=MailEvent.WORKAROUND,
                    subject=f"[{reference}] " + _("Workaround"),
                    body="\n".join(lines) + "\n",
                    thread=reference,
                )
            )
    enqueue_many(mails, now=now)


def notify_feature_released(
    feature: FeatureRequest, contacts: Iterable[Contact | None], *, actor: User | None,
    now: datetime,
) -> None:  # fmt: skip
    """Everyone who voted for it, filed it or asked for it in a request."""
    mails = []
    for contact in _reachable(contacts, actor):
        with translation.override(_language(contact)):
            lines = [
                _("The feature you asked for is released in version %(version)s:")
                % {"version": feature.released_version},
                "",
                feature.title,
                "",
                _("Feature requests on the portal: %(url)s")
                % {"url": absolute("/portal/features/")},
            ]
            mails.append(
                OutgoingMail(
                    to=contact.email,
                    language=_language(contact),
                    event=MailEvent.FEATURE_RELEASED,
                    subject=_("Released: %(title)s") % {"title": feature.title},
                    body="\n".join(lines) + "\n",
                )
            )
    enqueue_many(mails, now=now)


def notify_publication_tasks(
    release: ClientRelease, tasks: Iterable[PublicationTask], *, now: datetime
) -> None:
    """Each task's organization's customer admins: a release to publish."""
    organizations = {task.contract.organization_id for task in tasks}
    admins = Contact.objects.filter(
        organization_id__in=organizations, is_customer_admin=True, is_active=True
    ).exclude(email="")
    mails = []
    for contact in admins:
        with translation.override(_language(contact)):
            lines = [
                _("A new client-app release to publish on your internal resources:"),
                f"{release.get_platform_display()} {release.version}",
                "",
                release.notes,
                "",
                _("Publication tasks on the portal: %(url)s")
                % {"url": absolute("/portal/publications/")},
            ]
            mails.append(
                OutgoingMail(
                    to=contact.email,
                    language=_language(contact),
                    event=MailEvent.PUBLICATION_TASK,
                    subject=_("Client-app release to publish: %(release)s")
                    % {"release": f"{release.get_platform_display()} {release.version}"},
                    body="\n".join(lines) + "\n",
                )
            )
    enqueue_many(mails, now=now)

"""A customer admin manages their organization's people: invite by e-mail, deactivate.
The invited person accepts by choosing a password (which activates them)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.customers.invitations import invitation_url
from supportdesk.customers.models import Contact, Organization
from supportdesk.notifications.outbox import OutgoingMail, enqueue
from supportdesk.staff.permissions import ActionDenied, Capability, Role, require

INVITED = "contact.invited"
ACCEPTED = "contact.invitation_accepted"
DEACTIVATED = "contact.deactivated"
INVITATION_MAIL = "contact.invitation"


class InvitationError(ValueError):
    """Bad input (an address in use, an invitation already accepted): nothing changed."""


def _require_for(actor: User, organization_id: int) -> Role:
    role = require(actor, Capability.MANAGE_ORGANIZATION_USERS)
    if role != Role.LEAD and actor.contact.organization_id != organization_id:
        raise ActionDenied(_("A customer admin manages their own organization's users only."))
    return role


def invite_user(
    *, actor: User, organization: Organization, name: str, email: str, now: datetime,
    language: str = "ru",
) -> Contact:  # fmt: skip
    """An inactive contact with an account that cannot sign in yet, and an invitation
    mail with a signed link where they set the password."""
    _require_for(actor, organization.pk)
    email, name = email.strip().lower(), name.strip()
    if not name or "@" not in email:
        raise InvitationError(_("An invitation needs a name and an e-mail address."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        if (
            User.objects.filter(username__iexact=email).exists()
            or Contact.objects.filter(email__iexact=email, organization=organization).exists()
        ):
            raise InvitationError(_("%(email)s already has an account.") % {"email": email})
        user = User(username=email, email=email, first_name=name[:150], is_active=False)
        user.set_unusable_password()
        user.save()
        contact = Contact.objects.create(
            organization=organization, user=user, name=name, email=email, language=language,
            is_active=False,
        )  # fmt: skip
        record(
            at=now, actor=actor, action=INVITED, subject=contact,
            data={"organization": organization.pk, "email": email},
        )  # fmt: skip
        with translation.override(language):
            body = "\n".join(
                [
                    _("%(name)s invites you to the support portal of %(organization)s.")
                    % {"name": actor.get_full_name() or actor.get_username(),
                       "organization": organization.name},
                    _("Choose your password here (the link is valid for 14 days):"),
                    invitation_url(contact.pk),
                ]
            ) + "\n"  # fmt: skip
            mail = OutgoingMail(
                to=email, language=language, event=INVITATION_MAIL,
                subject=_("Invitation to the support portal"), body=body,
            )  # fmt: skip
        enqueue(mail, now=now)
    return contact


def accept_invitation(*, contact: Contact, password: str, now: datetime) -> Contact:
    """The invited person sets their password: the account and the contact become active.
    Callers establish ``contact`` from the signed link."""
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=contact.pk)
        )
        user = contact.user
        if contact.is_active or user is None or user.has_usable_password():
            raise InvitationError(_("This invitation was already used."))
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        contact.is_active = True
        contact.save(update_fields=["is_active"])
        record(at=now, actor=user, action=ACCEPTED, subject=contact, data={})
    return contact


def deactivate_user(*, actor: User, contact: Contact, now: datetime) -> Contact:
    """The person can no longer sign in nor be named on requests; their history stays."""
    _require_for(actor, contact.organization_id)
    if contact.user_id == actor.pk:
        raise InvitationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if not contact.is_active:
            raise InvitationError(_("%(name)s is already inactive.") % {"name": contact.name})
        contact.is_active = False
        contact.save(update_fields=["is_active"])
        if contact.user_id is not None:
            User.objects.filter(pk=contact.user_id).update(is_active=False)
        record(at=now, actor=actor, action=DEACTIVATED, subject=contact, data={})
    return contact

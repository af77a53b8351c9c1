"""Which e-mails a staff member wants, and the action that changes it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.staff.models import NotificationPreferences, StaffEvent, StaffMember
from supportdesk.staff.permissions import Capability, require

PREFERENCES_CHANGED = "staff.notification_preferences_changed"


def wants_mail(member: StaffMember, event: StaffEvent) -> bool:
    """True unless the member turned this e-mail off. Reads the preferences through the
    member's cache: select ``staff__notification_preferences`` with the users."""
    try:
        preferences = member.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return True
    return preferences.wants(event)


def set_notification_preferences(
    *,
    actor: User,
    member: StaffMember,
    language: str,
    wanted: Collection[StaffEvent],
    now: datetime,
) -> NotificationPreferences:
    """A staff member chooses the language of their e-mails and which of them they get."""
    require(actor, Capability.SET_NOTIFICATION_PREFERENCES)
    if actor.pk != member.user_id:
        raise PermissionError(_("Staff choose their own e-mails."))
    if language not in dict(settings.LANGUAGES):
        raise ValueError(_("%(language)s is not a language of the desk.") % {"language": language})
    choices = {event.value: event in wanted for event in StaffEvent}
    with transaction.atomic():
        member = StaffMember.objects.select_for_update().get(pk=member.pk)
        member.language = language
        member.save(update_fields=["language"])
        preferences, _created = NotificationPreferences.objects.update_or_create(
            member=member, defaults={**choices, "updated_at": now}
        )
        record(
            at=now,
            actor=actor,
            action=PREFERENCES_CHANGED,
            subject=member,
            data={"language": language, "off": sorted(k for k, on in choices.items() if not on)},
        )
    return preferences

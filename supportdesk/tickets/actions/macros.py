"""Canned replies (macros): support leads keep them; staff send them as replies."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.actions.conversation import reply
from supportdesk.tickets.actions.workflow import set_status
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.macros import fill, unknown_placeholders
from supportdesk.tickets.models import Macro, Message, Request, Status

MACRO_STATUSES = (Status.IN_PROGRESS, Status.WAITING)


def save_macro(
    *,
    actor: User,
    name: str,
    body: str,
    status: Status | None,
    now: datetime,
    macro: Macro | None = None,
) -> Macro:
    """Create a canned reply, or edit ``macro``. The text may use only the known
    placeholders; the status, when given, is one a reply can lead to."""
    require(actor, Capability.MANAGE_MACROS)
    name, body = name.strip(), body.strip()
    if not name or not body:
        raise ActionError(_("A canned reply needs a name and a text."))
    unknown = unknown_placeholders(body)
    if unknown:
        raise ActionError(
            _("Unknown placeholders: %(names)s.") % {"names": ", ".join(sorted(set(unknown)))}
        )
    if status is not None and status not in MACRO_STATUSES:
        raise ActionError(_("A canned reply may set the request in progress or waiting only."))
    with transaction.atomic():
        if macro is None:
            macro = Macro(updated_by=actor, updated_at=now)
            before = None
        else:
            macro = Macro.objects.select_for_update().get(pk=macro.pk)
            before = {"name": macro.name, "body": macro.body, "status": macro.status}
        macro.name, macro.body, macro.status = name, body, status.value if status else ""
        macro.updated_by, macro.updated_at = actor, now
        macro.save()
        record(
            at=now, actor=actor, action="macro.saved", subject=macro,
            data={"before": before, "name": name, "status": macro.status},
        )  # fmt: skip
    return macro


def retire_macro(*, actor: User, macro: Macro, now: datetime) -> Macro:
    """No longer offered; kept, so the audit log still names it."""
    require(actor, Capability.MANAGE_MACROS)
    with transaction.atomic():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        if not macro.is_active:
            raise ActionError(_("The canned reply is already retired."))
        macro.is_active, macro.updated_by, macro.updated_at = False, actor, now
        macro.save(update_fields=["is_active", "updated_by", "updated_at"])
        record(at=now, actor=actor, action="macro.retired", subject=macro, data={})
    return macro


def apply_macro(*, actor: User, request: Request, macro: Macro, now: datetime) -> Message:
    """Send the canned reply, its placeholders filled, through ``reply``; then its status
    through ``set_status``. Both or neither."""
    if not macro.is_active:
        raise ActionError(_("The canned reply is retired."))
    with transaction.atomic():
        message = reply(
            actor=actor, request=request, body=fill(macro.body, request=request, agent=actor),
            now=now,
        )  # fmt: skip
        if macro.status:
            set_status(
                actor=actor, request=request, status=Status(macro.status), now=now,
                reason=macro.name,
            )  # fmt: skip
        record(
            at=now, actor=actor, action="request.macro_applied", subject=request,
            data={"macro": macro.pk, "message": message.pk, "reason": macro.name},
        )  # fmt: skip
    return message

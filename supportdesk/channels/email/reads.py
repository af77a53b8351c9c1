"""Read helpers for received mail, with the permission check built in: staff read every
stored message (its raw bytes too); the quarantine list is a support lead's."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from supportdesk.channels.email.actions import mail_rules, read_raw
from supportdesk.channels.email.models import InboundMail, Outcome, QuarantineState
from supportdesk.channels.email.parsing import ParsedMail, parse
from supportdesk.tickets.access import NotFound, is_lead, is_staff


def quarantined(user: User, *, state: str = QuarantineState.HELD) -> QuerySet[InboundMail]:
    """Quarantined mail in ``state`` ("" for every state), the newest first."""
    if not is_lead(user):
        raise NotFound("no quarantine")
    mails = InboundMail.objects.filter(outcome=Outcome.QUARANTINED)
    if state:
        mails = mails.filter(state=state)
    return mails.select_related("request").order_by("-received_at", "-pk")


def get_mail(user: User, mail_id: int) -> InboundMail:
    if not is_staff(user):
        raise NotFound(f"no mail {mail_id}")
    mail = (
        InboundMail.objects.select_related("request", "handled_by", "added_message")
        .filter(pk=mail_id)
        .first()
    )
    if mail is None:
        raise NotFound(f"no mail {mail_id}")
    return mail


def parsed(mail: InboundMail) -> ParsedMail:
    """The stored message read again, as the reader read it."""
    return parse(read_raw(mail), rules=mail_rules())

"""The e-mail about entitlements: an estimate above the hours left, to the engineers on
the request and the contract's personal manager, before the work starts."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.entitlements.models import Estimate
from supportdesk.notifications.outbox import OutgoingMail, enqueue_many
from supportdesk.tickets.access import staff_member
from supportdesk.tickets.links import desk_url
from supportdesk.tickets.models import Request

ESTIMATE_EXCEEDS = "staff.estimate_exceeds_balance"


def _hours(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def notify_estimate_exceeds(request: Request, estimate: Estimate, *, now: datetime) -> None:
    contract = request.contract
    ids = {contract.dedicated_engineer_id, contract.personal_manager_id, request.assignee_id}
    ids.add(estimate.set_by_id)
    people = User.objects.filter(pk__in=[pk for pk in ids if pk], is_active=True).select_related(
        "staff"
    )
    mails = []
    for person in people.order_by("pk"):
        member = staff_member(person)
        if member is None or not person.email:
            continue
        with translation.override(member.language):
            subject = _("Estimate above the hours left: %(subject)s") % {"subject": request.subject}
            body = [
                f"{request.reference}: {request.subject}",
                str(request.organization),
                _(
                    "The estimate is %(estimate)s h; the contract has %(left)s h of "
                    "administration left this contract year (pending entries counted)."
                )
                % {
                    "estimate": _hours(estimate.seconds),
                    "left": _hours(estimate.balance_seconds),
                },
                _("Agree the extra hours with the customer before the work starts."),
                "",
                desk_url(request.pk),
            ]
        mails.append(
            OutgoingMail(
                to=person.email,
                language=member.language,
                event=ESTIMATE_EXCEEDS,
                subject=f"[{request.reference}] {subject}",
                body="\n".join(body) + "\n",
                thread=request.reference,
            )
        )
    enqueue_many(mails, now=now)

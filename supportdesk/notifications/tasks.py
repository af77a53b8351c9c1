"""The job that sends notifications; queued after commit by ``outbox``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from huey.contrib.djhuey import db_task

from supportdesk.notifications.emails import compose
from supportdesk.tickets.models import Request

log = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=60)
def send_notification(event: str, request_id: int, data: dict[str, Any]) -> int:
    request = (
        Request.objects.select_related(
            "organization",
            "contact",
            "assignee",
            "contract__dedicated_engineer",
            "contract__personal_manager",
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    mails = compose(event, request, data)
    if not mails:
        return 0
    with mailers.default as connection:
        sent = connection.send_messages(
            [
                EmailMessage(
                    subject=mail.subject,
                    body=mail.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=list(mail.to),
                    headers={
                        "X-Supportdesk-Event": event,
                        "X-Supportdesk-Request": request.reference,
                    },
                )
                for mail in mails
            ]
        )
    log.info("sent %s notification(s) %s for %s", sent, event, request.reference)
    return sent or 0

"""The bot's job: act on one stored command. Queued after the commit that stored it; the
periodic pickup takes any command whose kick the queue did not take, and the retries of a
command that failed (``actions.MAX_ATTEMPTS`` tries, backing off)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from supportdesk.channels.express.actions import process_command
from supportdesk.channels.express.models import Command, CommandState

# A command still pending this long after it came was not kicked (or its job died).
STRANDED_AFTER = timedelta(minutes=1)


@db_task()
def handle_command(command_id: int) -> None:
    process_command(command_id, now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def handle_stranded_commands() -> int:
    now = timezone.now()
    never_tried = Q(attempts=0, received_at__lte=now - STRANDED_AFTER)
    retry_due = Q(attempts__gt=0, next_attempt_at__lte=now)
    pending = (
        Command.objects.filter(never_tried | retry_due, state=CommandState.PENDING)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for command_id in list(pending[:100]):
        process_command(command_id, now=timezone.now())
        done += 1
    return done

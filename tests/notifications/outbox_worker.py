"""A sender in a process of its own, for the crash test::

    python -m tests.notifications.outbox_worker [--create N] [--now ISO]

``--create`` writes N notifications first (and prints "created"); then it sends batches
as of ``--now`` (default: the clock) until nothing is due, and prints every row's id,
Message-ID, state and attempts as one JSON line. Settings come from the environment."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--create", type=int, default=0)
    parser.add_argument("--now", type=datetime.fromisoformat)
    args = parser.parse_args()
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from supportdesk.notifications.models import Notification
    from supportdesk.notifications.outbox import OutgoingMail, enqueue_many
    from supportdesk.notifications.sender import send_batch

    if args.create:
        mails = [
            OutgoingMail(to=f"person{n}@alfa.example", language="ru", event="test.event",
                         subject=f"Mail {n}", body=f"Text {n}\n", thread=f"SD-{n}")
            for n in range(1, args.create + 1)
        ]  # fmt: skip
        with transaction.atomic():
            enqueue_many(mails, now=timezone.now())
        print("created", flush=True)
    while send_batch(now=args.now or timezone.now()).claimed:
        pass
    rows = Notification.objects.order_by("pk").values("pk", "message_id", "state", "attempts")
    print(json.dumps(list(rows)), flush=True)


if __name__ == "__main__":
    main()

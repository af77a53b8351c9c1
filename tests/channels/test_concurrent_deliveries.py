"""Deliveries of the same id at the same moment (a client's retry racing its first try, two
mail readers) meet on the unique receipt: one registers, the others are rolled back whole
and answered with its outcome."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Received
from supportdesk.channels.models import Receipt
from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Message, Request
from tests.channels.conftest import new_by_mail, reply_by_mail
from tests.tickets.conftest import Desk, at

WORKERS = 4


def _race(inbound_of: object) -> list[Received]:
    results: list[Received] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            start.wait()
            results.append(receive(inbound_of, now=at(23, 11)))  # type: ignore[arg-type]
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers are PostgreSQL's; the embedded SQLite runs one at a time",
)
@pytest.mark.django_db(transaction=True)
def test_four_deliveries_of_one_message_open_one_request(desk: Desk, pavel: Contact) -> None:
    results = _race(new_by_mail("pavel@alfa.example"))
    request = Request.objects.get()
    assert {result.request for result in results} == {request}
    assert sorted(result.duplicate for result in results) == [False, True, True, True]
    assert Receipt.objects.count() == 1

    replies = _race(reply_by_mail("pavel@alfa.example", request))
    message = Message.objects.get()
    assert {result.message for result in replies} == {message}
    assert sorted(result.duplicate for result in replies) == [False, True, True, True]

"""``settings_for``: PostgreSQL settings (planner switches, sort memory) for the statements
of one block, put back afterwards.

``SET LOCAL`` or ``set_config(..., true)`` alone would last to the end of the transaction,
which may be a caller's (a page's request in ``ATOMIC_REQUESTS``, a job's batch), so the
values before are read first and restored at the end of the block. On other databases the
block just gets a cursor. No app is imported here: any app's reads may use it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction


@contextmanager
def settings_for(alias: str, settings: Mapping[str, str]) -> Iterator[Any]:
    """A cursor on ``alias`` inside a transaction, with ``settings`` in force (PostgreSQL)."""
    connection = connections[alias]
    postgresql = connection.vendor == "postgresql" and bool(settings)
    names = list(settings)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            before = cursor.fetchone() or ()
            _set(cursor, list(settings.items()))
        yield cursor
        if postgresql:
            _set(cursor, list(zip(names, before, strict=True)))


def _set(cursor: Any, pairs: list[tuple[str, str]]) -> None:
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(pairs)),
        [value for pair in pairs for value in pair],
    )

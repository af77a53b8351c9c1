"""``insert``: new model rows written with one INSERT whose text is built once per model and
row count, for the hottest writes (a request's registration: its clocks and their events,
the request, its intake priority record, the audit event, the outbox rows).

It does what ``QuerySet.bulk_create`` does for objects without a primary key (each field's
``pre_save`` and ``get_db_prep_save``, the new ids read back with ``RETURNING`` and set on
the objects, which then count as saved), without the query compiler: Django builds and
compiles an INSERT anew for every call, about 0.2-0.4 ms of Python per statement, which was
most of a create's CPU (docs/benchmarks.md, "API create"). Database triggers (the search
columns and tables) fire as for any INSERT; like ``bulk_create`` it sends no signals.

No app is imported here: any app's actions may use it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Field, Model


def insert[M: Model](objects: Sequence[M]) -> Sequence[M]:
    """Write ``objects`` (all of one model, none saved yet, no primary key set) and set
    their ids. Where the database cannot return the ids of a multi-row INSERT, this is
    ``bulk_create``."""
    if not objects:
        return objects
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        return model._default_manager.using(alias).bulk_create(objects)
    fields = _fields(model)
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            batch = objects[start : start + size]
            values = [
                field.get_db_prep_save(field.pre_save(obj, True), connection)
                for obj in batch
                for field in fields
            ]
            cursor.execute(_sql(model, alias, len(batch)), values)
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = alias
    return objects


@functools.cache
def _fields(model: type[Model]) -> tuple[Field, ...]:  # type: ignore[type-arg]
    """What ``bulk_create`` writes for a new object: every stored field but the primary
    key the database numbers."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.generated and not field.primary_key
    )


@functools.cache
def _sql(model: type[Model], alias: str, rows: int) -> str:
    quote = connections[alias].ops.quote_name
    fields = _fields(model)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = quote(str(model._meta.pk.column))
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 (the model's names)
        f"VALUES {', '.join([row] * rows)} RETURNING {pk}"
    )

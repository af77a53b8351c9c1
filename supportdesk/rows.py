"""``insert`` and ``insert_values``: new model rows written with one INSERT whose text is
built once per model and row count, for the hottest writes (a request's registration: its
clocks and their events, the request, its intake priority record, the audit event, the
outbox rows).

It does what ``QuerySet.bulk_create`` does for objects without a primary key (each field's
``pre_save`` and ``get_db_prep_save``, the new ids read back with ``RETURNING`` and set on
the objects, which then count as saved), without the query compiler: Django builds and
compiles an INSERT anew for every call, about 0.2-0.4 ms of Python per statement, which was
most of a create's CPU (docs/benchmarks.md, "API create"). Database triggers (the search
columns and tables) fire as for any INSERT; like ``bulk_create`` it sends no signals.

``Prepared``: the same for the hottest reads (the token, the contract in force, an
e-mail's sender and thread, ...): a SELECT of a fixed shape whose SQL is compiled once,
with ``Param`` where each call's values go. Only the SQL text is kept, never what it read.

No app is imported here: any app's actions may use it.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import (
    BooleanField,
    CharField,
    EmailField,
    Expression,
    Field,
    Model,
    QuerySet,
    SlugField,
    TextField,
)
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.transaction import TransactionManagementError


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
    fields, plain = _fields(model), _plain(model)

    def values_of(batch: Sequence[M]) -> list[Any]:
        values: list[Any] = []
        for obj in batch:
            for field, kind in zip(fields, plain, strict=True):
                if kind is not None:
                    value = getattr(obj, field.attname)
                    if type(value) is kind:  # what preparing it would give back
                        values.append(value)
                        continue
                values.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        return values

    for obj, pk in zip(objects, _write(model, alias, objects, values_of), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
    return objects


def insert_values(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Write ``rows`` of ``model`` (each a mapping of every field ``insert`` writes, by
    attribute name, to its value) with one INSERT and return their new ids, in order.
    ``insert`` without the model instances: building one costs a call per field, which
    for a create's ten or so outbox rows was a tenth of its CPU. No field's ``pre_save``
    runs (an ``auto_now`` field takes the value given); each value is prepared as its field
    prepares it, a ``str`` or ``bool`` for a text or flag field as it is."""
    if not rows:
        return []
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        objects = [model(**row) for row in rows]
        model._default_manager.using(alias).bulk_create(objects)
        return [obj.pk for obj in objects]
    fields, plain = _fields(model), _plain(model)

    def values_of(batch: Sequence[Mapping[str, Any]]) -> list[Any]:
        values: list[Any] = []
        for row in batch:
            for field, kind in zip(fields, plain, strict=True):
                value = row[field.attname]
                if kind is not None and type(value) is kind:
                    values.append(value)
                else:
                    values.append(field.get_db_prep_save(value, connection))
        return values

    return _write(model, alias, rows, values_of)


def _write[T](
    model: type[Model], alias: str, rows: Sequence[T], values_of: Callable[[Sequence[T]], list[Any]]
) -> list[int]:
    """INSERT ``rows`` in batches the database takes, each batch's parameters from
    ``values_of``; the new ids, in order."""
    connection = connections[alias]
    count = len(rows)
    size = (count > 1 and connection.ops.bulk_batch_size(_fields(model), rows)) or count
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, count, size):
            batch = rows[start : start + size]
            cursor.execute(_sql(model, alias, len(batch)), values_of(batch))
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


@functools.cache
def _fields(model: type[Model]) -> tuple[Field, ...]:  # type: ignore[type-arg]
    """What ``bulk_create`` writes for a new object: every stored field but the primary
    key the database numbers."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.generated and not field.primary_key
    )


# Fields whose ``pre_save`` reads the attribute and whose preparation gives a value of
# this exact type back unchanged, on every database: no call needed for them.
_PLAIN: dict[type[Field], type] = {  # type: ignore[type-arg]
    CharField: str,
    TextField: str,
    SlugField: str,
    EmailField: str,
    BooleanField: bool,
}


@functools.cache
def _plain(model: type[Model]) -> tuple[type | None, ...]:
    """Per field of ``_fields``, the type that goes in as it is (``_PLAIN``), else None."""
    return tuple(_PLAIN.get(type(field)) for field in _fields(model))


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


class Param(Expression):
    """A named parameter of a ``Prepared`` query: where the value goes in its SQL. The value
    is prepared for the database as ``field`` prepares it (a date becomes text on SQLite)."""

    def __init__(self, name: str, field: Field) -> None:  # type: ignore[type-arg]
        super().__init__(output_field=field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self,)

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class Prepared[R]:
    """A SELECT of a fixed shape, built by ``build`` with ``Param`` where the values go, and
    compiled once per database: each call executes the same SQL text with new values and
    makes the rows what the queryset would give (model instances with what was selected
    with them and the annotations, or ``values_list``'s tuples). The ORM builds and compiles
    a query anew for every call (0.2-0.4 ms of Python); this skips that, not the database:
    nothing read is kept between calls."""

    def __init__(self, build: Callable[[], QuerySet[Any, R]]) -> None:
        self._build = build
        self._model: type[Model] | None = None
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, using: str | None = None, **values: Any) -> list[R]:
        """The rows for these values of the ``Param``s (each by its name), from the
        database ``using`` (the router's for reading by default)."""
        if self._model is None:
            self._model = self._build().model
        alias = using or router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = _Compiled(self._build().using(alias))
        return compiled.run(values)


class _Compiled:
    def __init__(self, queryset: QuerySet[Any, Any]) -> None:
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.alias = alias
        self.params = list(params)
        self.slots = [(index, p) for index, p in enumerate(self.params) if isinstance(p, Param)]
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        self.columns = compiler.col_count
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            start, *_rest = klass_info["select_fields"]
            end = klass_info["select_fields"][-1] + 1
            self.model = klass_info["model"]
            self.span = (start, end)
            self.init_list = [f[0].target.attname for f in compiler.select[start:end]]
            self.fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
            self.related = get_related_populators(
                klass_info, compiler.select, alias, self.fetch_mode
            )
            self.annotations = list(compiler.annotation_col_map.items())
        elif queryset._iterable_class is ValuesListIterable and not queryset.query.annotations:
            self.model = None
        else:
            raise TypeError("Prepared reads model instances or values_list() of fields")
        if queryset._known_related_objects:  # type: ignore[attr-defined]
            raise TypeError("Prepared reads no known related objects")
        self.for_update = (
            queryset.query.select_for_update and connections[alias].features.has_select_for_update
        )

    def run(self, values: dict[str, Any]) -> list[Any]:
        connection = connections[self.alias]
        if self.for_update and connection.get_autocommit():
            # What the ORM says: a row lock ends with the statement outside a transaction.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(self.params)
        for index, param in self.slots:
            params[index] = param.output_field.get_db_prep_value(
                values[param.name], connection, prepared=False
            )
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: list[Any] = cursor.fetchall()
        if self.converters:
            rows = [self._convert(list(row), connection) for row in rows]
        if self.model is None:
            return [tuple(row[: self.columns]) for row in rows]
        start, end = self.span
        found = []
        for row in rows:
            obj = self.model.from_db(
                self.alias, self.init_list, row[start:end], fetch_mode=self.fetch_mode
            )
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        if found and self.fetch_mode.track_peers:
            peers = [weakref.ref(obj) for obj in found]
            for obj in found:
                obj._state.peers = peers
        return found

    def _convert(self, row: list[Any], connection: Any) -> list[Any]:
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row

"""The cache of the embedded default: Django's database cache, with a counter that counts.

Every process of the site sees the same table, so the sign-in counters are shared without
an extra server. Django's own ``incr`` reads the entry, then writes it back with the
default timeout: two workers counting at the same moment lose a count, and every count
pushes the end of the window further away. Here ``incr`` locks the live entry first (a row
lock on PostgreSQL, the write lock on SQLite), adds, and keeps the entry's expiry.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(db.DatabaseCache):
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self.cache_model_class._meta.db_table)
        cache_key, value_column, expires = quote("cache_key"), quote("value"), quote("expires")
        now = connection.ops.adapt_datetimefield_value(tz_now())
        # The statements name only this cache's own table and columns, quoted.
        lock = (
            f"UPDATE {table} SET {expires} = {expires} WHERE {cache_key} = %s AND {expires} >= %s"  # noqa: S608
        )
        read = f"SELECT {value_column} FROM {table} WHERE {cache_key} = %s"  # noqa: S608
        write = f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s"  # noqa: S608
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(lock, [key, now])
            if cursor.rowcount != 1:
                raise ValueError(f"Key '{key}' not found.")
            cursor.execute(read, [key])
            (stored,) = cursor.fetchone()
            stored = connection.ops.process_clob(stored)
            # Entries of this table are written only by this cache, as Django's are.
            value = pickle.loads(base64.b64decode(stored.encode(), validate=True)) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(write, [encoded, key])
        return int(value)

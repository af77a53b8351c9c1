"""Full-text search: GIN expression indexes on PostgreSQL, FTS5 tables and their triggers
on SQLite (``search.fulltext``); nothing on another database."""

from typing import Any

from django.db import migrations

from supportdesk.search import fulltext


def forwards(apps: Any, schema_editor: Any) -> None:
    fulltext.create(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    fulltext.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("tickets", "0011_out_of_contract"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""The search columns' statistics target 1,000 (PostgreSQL only): ANALYZE keeps their
10,000 most common words instead of 1,000, so the planner's estimate of a word of the
long tail (host and module names) is its own, not the default of a word it does not know;
``search.reads`` chooses between the GIN index and the walk newest first on it."""

from typing import Any

from django.db import migrations

TARGET = 1000
COLUMNS = ("search_public", "search_staff")


def _set(schema_editor: Any, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in COLUMNS)
    schema_editor.execute(f"ALTER TABLE tickets_request {columns}")


def forwards(apps: Any, schema_editor: Any) -> None:
    _set(schema_editor, TARGET)


def backwards(apps: Any, schema_editor: Any) -> None:
    _set(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""A new request's search documents made once from its subject and description, without the
query over its messages (PostgreSQL only; ``search.fulltext.REQUEST_WRITTEN``)."""

from typing import Any

from django.db import migrations

from supportdesk.search import fulltext


def forwards(apps: Any, schema_editor: Any) -> None:
    fulltext.replace_on_postgresql(schema_editor, fulltext.REQUEST_WRITTEN)


def backwards(apps: Any, schema_editor: Any) -> None:
    fulltext.replace_on_postgresql(schema_editor, fulltext.REQUEST_WRITTEN_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_statistics")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

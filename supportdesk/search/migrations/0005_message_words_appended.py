"""A new message's words appended to its request's search documents instead of the query
over all the request's messages (PostgreSQL only; ``search.fulltext.MESSAGE_WRITTEN``)."""

from typing import Any

from django.db import migrations

from supportdesk.search import fulltext


def forwards(apps: Any, schema_editor: Any) -> None:
    fulltext.replace_on_postgresql(schema_editor, fulltext.MESSAGE_WRITTEN)


def backwards(apps: Any, schema_editor: Any) -> None:
    fulltext.replace_on_postgresql(schema_editor, fulltext.MESSAGE_WRITTEN_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_request_documents_at_insert")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

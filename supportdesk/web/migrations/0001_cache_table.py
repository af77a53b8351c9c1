"""The table of the database cache (``SUPPORTDESK_CACHE_URL=database://``, the default),
made by Django's own ``createcachetable`` code so its shape is Django's. It is created
whatever cache is configured, so switching to the database cache later needs no step."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "supportdesk_cache"  # supportdesk.env.DATABASE_CACHE_TABLE


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]

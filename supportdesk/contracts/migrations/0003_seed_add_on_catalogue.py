"""The add-on catalogue, seeded from its codes (``contracts.seed``)."""

from django.db import migrations

from supportdesk.contracts.seed import seed_add_on_catalogue


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_add_on_catalogue_and_servers")]

    operations = [migrations.RunPython(seed_add_on_catalogue, migrations.RunPython.noop)]

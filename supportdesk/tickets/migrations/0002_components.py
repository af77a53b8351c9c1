from django.db import migrations

from supportdesk.tickets.seed import seed_components


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed_components, migrations.RunPython.noop)]

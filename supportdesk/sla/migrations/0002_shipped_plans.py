from django.db import migrations

from supportdesk.sla.seed import seed_shipped_plans


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial"), ("calendars", "0002_shipped_calendars")]

    operations = [migrations.RunPython(seed_shipped_plans, migrations.RunPython.noop)]

from django.db import migrations

from supportdesk.calendars.seed import seed_russian_production_calendar, seed_shipped_calendars


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [
        migrations.RunPython(seed_russian_production_calendar, migrations.RunPython.noop),
        migrations.RunPython(seed_shipped_calendars, migrations.RunPython.noop),
    ]

from django.db import migrations

from supportdesk.billing.seed import seed_price_list


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed_price_list, migrations.RunPython.noop)]

"""``tickets.Reopening``: one row per RESUME of a stopped resolution clock, back-filled
from the stored clock events in one statement (the same on SQLite and PostgreSQL): a
resume whose clock's previous event, TARGET events aside (they never change a clock's
status), is a STOP, on a clock that is a request's resolution clock."""

import django.db.models.deletion
from django.db import migrations, models

# Also run by bench/report_bench.py after it loads its generated clocks.
BACKFILL_SQL = """
INSERT INTO tickets_reopening (event_id, request_id, contract_id, "at")
SELECT event.id, request.id, request.contract_id, event."at"
FROM (
    SELECT id, clock_id, kind, "at",
        lag(kind) OVER (PARTITION BY clock_id ORDER BY "at", id) AS before
    FROM sla_slaclockevent
    WHERE kind <> 'target'
        AND clock_id IN (SELECT clock_id FROM sla_slaclockevent WHERE kind = 'resume')
) AS event
JOIN tickets_request AS request ON request.resolution_clock_id = event.clock_id
WHERE event.kind = 'resume' AND event.before = 'stop'
"""


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0003_seed_add_on_catalogue'),
        ('sla', '0006_policyversion_bug_clock_stop'),
        ('tickets', '0015_outcome_report_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='Reopening',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contracts.contract')),
                ('event', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sla.slaclockevent')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reopenings', to='tickets.request')),
            ],
            options={
                'verbose_name': 'reopening',
                'verbose_name_plural': 'reopenings',
                'ordering': ('at', 'id'),
                'indexes': [models.Index(fields=['contract', 'at'], include=('request_id',), name='reopening_contract_at')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]

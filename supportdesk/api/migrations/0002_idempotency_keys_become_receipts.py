"""Idempotency keys become receipts of intake (``channels.Receipt``): channel ``api``,
sender ``user:<id>``, the key as the id, the body's fingerprint, outcome ``opened``. Every
key stored before keeps working: a retry with it returns the same request. The table goes."""

from django.db import migrations

def keys_to_receipts(apps, schema_editor):
    IdempotencyKey = apps.get_model("api", "IdempotencyKey")
    Receipt = apps.get_model("channels", "Receipt")
    receipts = (
        Receipt(
            channel="api", sender_scope=f"user:{key.user_id}", external_id=key.key,
            fingerprint=key.fingerprint, outcome="opened", request_id=key.request_id,
            received_at=key.created_at,
        )
        for key in IdempotencyKey.objects.order_by("pk").iterator(chunk_size=1000)
    )
    batch = []
    for receipt in receipts:
        batch.append(receipt)
        if len(batch) == 1000:
            Receipt.objects.bulk_create(batch)
            batch = []
    Receipt.objects.bulk_create(batch)


def receipts_to_keys(apps, schema_editor):
    IdempotencyKey = apps.get_model("api", "IdempotencyKey")
    Receipt = apps.get_model("channels", "Receipt")
    rows = Receipt.objects.filter(channel="api", sender_scope__startswith="user:", outcome="opened")
    IdempotencyKey.objects.bulk_create(
        IdempotencyKey(
            user_id=int(row.sender_scope.removeprefix("user:")), key=row.external_id[:255],
            fingerprint=row.fingerprint, request_id=row.request_id, created_at=row.received_at,
        )
        for row in rows.iterator(chunk_size=1000)
    )
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("channels", "0001_receipts"),
    ]

    operations = [
        migrations.RunPython(keys_to_receipts, receipts_to_keys),
        migrations.DeleteModel(name="IdempotencyKey"),
    ]

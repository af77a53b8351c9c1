"""The shipped illustrative price list (``pricing/data/illustrative.json``), in force.
Called by the data migration ``0002_shipped_price_list`` and by tests whose database is
emptied between tests; idempotent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from supportdesk.pricing.pricelist import shipped_document

ITEM_KEYS = ("plans", "fault_tolerance", "add_ons")


def seed_price_list(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("billing", "PriceList")
    document = shipped_document()
    if model.objects.filter(version=document["version"]).exists():
        return
    at = datetime(2025, 1, 1, tzinfo=UTC)
    in_force = not model.objects.filter(status="in_force").exists()
    model.objects.create(
        version=document["version"],
        currency=document["currency"],
        valid_from=document["valid_from"],
        valid_until=document["valid_until"],
        illustrative=document["illustrative"],
        note=document.get("note", ""),
        items={key: document[key] for key in ITEM_KEYS},
        status="in_force" if in_force else "draft",
        created_at=at,
        in_force_at=at if in_force else None,
    )

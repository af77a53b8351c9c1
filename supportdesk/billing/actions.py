"""Every change to price lists: a lead loads (or replaces) a draft and puts it in force.

A list in force or retired is read-only: these refuse to touch it, and the admin offers no
change. Each action checks ``MANAGE_PRICE_LISTS`` first, owns its transaction and records
an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.billing.models import PriceList, PriceListStatus
from supportdesk.contracts.models import AddOn
from supportdesk.pricing import pricelist
from supportdesk.staff.permissions import Capability, require

ITEM_KEYS = ("plans", "fault_tolerance", "add_ons")


class PriceListRefused(ValueError):
    """The change cannot happen as asked (a form error, exit 2 for the command)."""


def check_document(document: Mapping[str, Any]) -> pricelist.PriceList:
    """The document parsed, or ``PriceListRefused`` with the first fault."""
    try:
        parsed = pricelist.parse(document)
    except pricelist.PriceListError as error:
        raise PriceListRefused(str(error)) from None
    if unknown := sorted(set(parsed.add_ons) - set(AddOn.values)):
        raise PriceListRefused(
            _("Unknown add-on codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return parsed


def load_draft(*, actor: User, document: Mapping[str, Any], now: datetime) -> PriceList:
    """A new draft from the document, or the draft of the same version replaced by it."""
    require(actor, Capability.MANAGE_PRICE_LISTS)
    parsed = check_document(document)
    fields = {
        "currency": parsed.currency,
        "valid_from": parsed.valid_from,
        "valid_until": parsed.valid_until,
        "illustrative": parsed.illustrative,
        "note": str(document.get("note", "")),
        "items": {key: document[key] for key in ITEM_KEYS},
    }
    with transaction.atomic():
        row = PriceList.objects.select_for_update().filter(version=parsed.version).first()
        if row is None:
            row = PriceList.objects.create(version=parsed.version, created_at=now, **fields)
            action = "price_list.draft_loaded"
        elif row.status != PriceListStatus.DRAFT:
            raise PriceListRefused(
                _("Price list %(version)s is %(status)s: it cannot be changed.")
                % {"version": row.version, "status": row.get_status_display()}
            )
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=list(fields))
            action = "price_list.draft_edited"
        record(at=now, actor=actor, action=action, subject=row, data={"version": row.version})
    return row


def put_in_force(*, actor: User, price_list: PriceList, now: datetime) -> PriceList:
    """The draft in force from now on; the list in force before is retired."""
    require(actor, Capability.MANAGE_PRICE_LISTS)
    with transaction.atomic():
        row = PriceList.objects.select_for_update().get(pk=price_list.pk)
        if row.status != PriceListStatus.DRAFT:
            raise PriceListRefused(
                _("Only a draft can be put in force; %(version)s is %(status)s.")
                % {"version": row.version, "status": row.get_status_display()}
            )
        check_document(row.document())
        retired = list(
            PriceList.objects.select_for_update()
            .filter(status=PriceListStatus.IN_FORCE)
            .values_list("version", flat=True)
        )
        PriceList.objects.filter(status=PriceListStatus.IN_FORCE).update(
            status=PriceListStatus.RETIRED
        )
        row.status = PriceListStatus.IN_FORCE
        row.in_force_at = now
        row.save(update_fields=["status", "in_force_at"])
        record(
            at=now, actor=actor, action="price_list.put_in_force", subject=row,
            data={"version": row.version, "retired": retired},
        )  # fmt: skip
    return row

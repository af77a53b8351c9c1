"""The price list to compute with: the one in force, as ``pricing`` data, with the plans
that include each add-on taken from the add-on catalogue (``contracts.AddOnDefinition``)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from supportdesk.billing.models import PriceList, PriceListStatus
from supportdesk.contracts.models import AddOnDefinition
from supportdesk.pricing import pricelist


class NoPriceList(LookupError):
    """No price list in force for the day."""


def as_data(row: PriceList) -> pricelist.PriceList:
    """The row as pricing data; add-ons in the catalogue's order (PostgreSQL's ``jsonb``
    keeps no key order, and the lines follow this one)."""
    catalogue = list(
        AddOnDefinition.objects.order_by("position", "code").values_list(
            "code", "included_in_plans"
        )
    )
    position = {code: index for index, (code, _plans) in enumerate(catalogue)}
    document = row.document()
    document["add_ons"] = dict(
        sorted(
            document["add_ons"].items(),
            key=lambda item: (position.get(item[0], len(position)), item[0]),
        )
    )
    return pricelist.parse(document).with_inclusions(dict(catalogue))


def in_force(day: date) -> tuple[PriceList, pricelist.PriceList]:
    row = PriceList.objects.filter(status=PriceListStatus.IN_FORCE).first()
    if row is None:
        raise NoPriceList(_("No price list is in force."))
    if row.valid_from > day or (row.valid_until is not None and row.valid_until < day):
        raise NoPriceList(
            _("The price list in force (%(version)s) is not valid on %(day)s.")
            % {"version": row.version, "day": day.isoformat()}
        )
    return row, as_data(row)

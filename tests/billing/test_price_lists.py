"""Price lists in the database: the shipped illustrative list is in force; a lead loads and
edits drafts and puts one in force (the one before retires); a list in force is read only
in the actions and the admin; other roles are refused and nothing changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.billing import actions, reads
from supportdesk.billing.models import PriceList, PriceListStatus
from supportdesk.pricing.pricelist import shipped_document
from supportdesk.staff.permissions import ActionDenied
from tests.billing.conftest import NOW
from tests.tickets.conftest import Desk


def document(version: str = "2027-1", **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(shipped_document())
    data.update({"version": version, "illustrative": False, "valid_from": "2027-01-01", **changes})
    return data


def state() -> list[tuple[str, str]]:
    return list(PriceList.objects.order_by("version").values_list("version", "status"))


@pytest.mark.django_db
def test_the_shipped_illustrative_list_is_in_force() -> None:
    row, data = reads.in_force(NOW.date())
    assert (row.version, row.status, row.illustrative, data.currency) == (
        "illustrative-1", PriceListStatus.IN_FORCE, True, "RUB",
    )  # fmt: skip
    # the catalogue decides which plans include an add-on, the list how many units
    assert data.add_ons["administration"].included == {"premium": 120}
    assert data.add_ons["dedicated_engineer"].included == {"premium": None}
    assert data.add_ons["remote_access"].included == {}


def test_a_lead_loads_edits_and_puts_a_draft_in_force(desk: Desk) -> None:
    draft = actions.load_draft(actor=desk.lead, document=document(), now=NOW)
    assert (draft.status, draft.illustrative, str(draft.valid_from)) == (
        PriceListStatus.DRAFT, False, "2027-01-01",
    )  # fmt: skip
    edited = document(currency="RUB", valid_from="2026-12-01")
    edited["plans"]["8x5"]["base"] = "310000.00"
    again = actions.load_draft(actor=desk.lead, document=edited, now=NOW)
    assert again.pk == draft.pk
    assert again.items["plans"]["8x5"]["base"] == "310000.00"
    actions.put_in_force(actor=desk.lead, price_list=draft, now=NOW)
    assert state() == [("2027-1", "in_force"), ("illustrative-1", "retired")]
    assert list(
        AuditEvent.objects.filter(subject_type="billing.pricelist")
        .order_by("id")
        .values_list("action", "data")
    ) == [
        ("price_list.draft_loaded", {"version": "2027-1"}),
        ("price_list.draft_edited", {"version": "2027-1"}),
        ("price_list.put_in_force", {"version": "2027-1", "retired": ["illustrative-1"]}),
    ]


def test_a_list_in_force_is_read_only(desk: Desk) -> None:
    before = state()
    with pytest.raises(actions.PriceListRefused, match="in force: it cannot be changed"):
        actions.load_draft(
            actor=desk.lead, document=document("illustrative-1", illustrative=True), now=NOW
        )
    shipped = PriceList.objects.get(version="illustrative-1")
    with pytest.raises(actions.PriceListRefused, match="Only a draft can be put in force"):
        actions.put_in_force(actor=desk.lead, price_list=shipped, now=NOW)
    assert state() == before
    assert PriceList.objects.get(version="illustrative-1").items == {
        key: shipped_document()[key] for key in ("plans", "fault_tolerance", "add_ons")
    }
    assert not AuditEvent.objects.filter(subject_type="billing.pricelist").exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"currency": "rub"}, "currency: an ISO 4217 code such as RUB"),
        (
            {"add_ons": {"gold": {"unit": "year", "unit_price": "1.00"}}},
            "Unknown add-on codes: gold.",
        ),
        ({"fault_tolerance": {"kind": "multiplier", "value": "0.9"}}, "fault_tolerance.value"),
        ({"valid_until": "2026-01-01"}, "valid_until is before valid_from"),
    ],
)
def test_a_bad_document_is_refused_whole(desk: Desk, change: dict[str, Any], reason: str) -> None:
    before = state()
    with pytest.raises(actions.PriceListRefused) as refused:
        actions.load_draft(actor=desk.lead, document=document(**change), now=NOW)
    assert str(refused.value).startswith(reason)
    assert state() == before


def test_a_bad_tier_is_refused() -> None:
    data = document()
    data["plans"]["24x7"]["users"][1]["up_to"] = 400  # below the first tier's 500
    with pytest.raises(actions.PriceListRefused, match=r"plans.24x7.users\[1\]: up_to must be"):
        actions.check_document(data)


@pytest.mark.parametrize("who", ["agent", "engineer", "manager", "anna", "alfa_admin"])
def test_only_a_lead_manages_price_lists(desk: Desk, who: str) -> None:
    actor = getattr(desk, who)
    draft = actions.load_draft(actor=desk.lead, document=document(), now=NOW)
    events = AuditEvent.objects.count()
    before = state()
    with pytest.raises(ActionDenied):
        actions.load_draft(actor=actor, document=document("2027-2"), now=NOW)
    with pytest.raises(ActionDenied):
        actions.put_in_force(actor=actor, price_list=draft, now=NOW)
    assert state() == before
    assert AuditEvent.objects.count() == events


def test_the_admin_offers_no_change_of_a_list_in_force(desk: Desk) -> None:
    desk.lead.is_staff = True
    desk.lead.is_superuser = True
    desk.lead.save()
    client = Client()
    client.force_login(desk.lead)
    shipped = PriceList.objects.get(version="illustrative-1")
    url = f"/admin/billing/pricelist/{shipped.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="items"' not in page.content  # view only
    posted = client.post(url, {"currency": "EUR", "items": "{}", "valid_from": "2025-01-01"})
    assert posted.status_code == 403
    assert PriceList.objects.get(pk=shipped.pk).currency == "RUB"


def test_the_admin_edits_a_draft_through_the_action(desk: Desk) -> None:
    import json

    desk.lead.is_staff = True
    desk.lead.is_superuser = True
    desk.lead.save()
    draft = actions.load_draft(actor=desk.lead, document=document(), now=NOW)
    client = Client()
    client.force_login(desk.lead)
    items = {key: draft.items[key] for key in ("plans", "fault_tolerance", "add_ons")}
    items["plans"]["premium"]["base"] = "5000000.00"
    posted = client.post(
        f"/admin/billing/pricelist/{draft.pk}/change/",
        {"currency": "RUB", "valid_from": "2027-01-01", "valid_until": "", "note": "n",
         "items": json.dumps(items)},
    )  # fmt: skip
    assert posted.status_code == 302, posted.content
    draft.refresh_from_db()
    assert draft.items["plans"]["premium"]["base"] == "5000000.00"
    assert AuditEvent.objects.filter(action="price_list.draft_edited").count() == 1
    bad = dict(items, fault_tolerance={"kind": "triple", "value": "3"})
    refused = client.post(
        f"/admin/billing/pricelist/{draft.pk}/change/",
        {"currency": "RUB", "valid_from": "2027-01-01", "items": json.dumps(bad)},
    )
    assert refused.status_code == 200
    assert "fault_tolerance.kind: multiplier or per_server" in refused.content.decode()

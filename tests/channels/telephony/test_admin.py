"""The admin lists integrations, calls and events (the quarantine of malformed events);
calls and events are evidence, not edited by hand."""

from __future__ import annotations

from django.test import Client

from supportdesk.channels.telephony.models import TelephonyIntegration
from tests.channels.telephony.conftest import post_event
from tests.tickets.conftest import Desk


def test_the_admin_shows_integrations_calls_and_kept_events(
    desk: Desk, pbx: TelephonyIntegration
) -> None:
    post_event(b"{broken")
    desk.lead.is_staff = desk.lead.is_superuser = True
    desk.lead.save()
    client = Client()
    client.force_login(desk.lead)
    for path in ("telephonyintegration", "call", "callevent"):
        assert client.get(f"/admin/telephony/{path}/").status_code == 200
    assert "not JSON" in client.get("/admin/telephony/callevent/").content.decode()
    for path in ("alertintegration", "alertgroup", "alertdelivery"):
        assert client.get(f"/admin/alertmanager/{path}/").status_code == 200
    assert client.get("/admin/telephony/callevent/add/").status_code == 403

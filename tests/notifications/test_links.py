"""The links in e-mails are written out (no URLconf at a lean start); they must stay the
paths the URLconf serves."""

from __future__ import annotations

from django.urls import reverse

from supportdesk.tickets.links import (
    desk_url,
    downgrade_token,
    downgrade_url,
    portal_url,
    read_downgrade_token,
)


def test_the_written_out_paths_are_the_urlconfs(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://desk.example/"
    assert portal_url(123) == "https://desk.example" + reverse("portal:request", args=[123])
    assert desk_url(123) == "https://desk.example" + reverse("workspace:request", args=[123])
    token = downgrade_token(proposal_id=7, contact_id=9, accept=True)
    assert downgrade_url(proposal_id=7, contact_id=9, accept=True) == (
        "https://desk.example" + reverse("downgrade-link", args=[token])
    )
    assert read_downgrade_token(token) == (7, 9, True)

"""The links in e-mails are written out (no URLconf at a lean start); they must stay the
paths the URLconf serves."""

from __future__ import annotations

from django.urls import reverse

from supportdesk.customers.invitations import invitation_url, read_invitation_token
from supportdesk.tickets.links import (
    desk_url,
    downgrade_token,
    downgrade_url,
    objection_token,
    objection_url,
    portal_url,
    read_downgrade_token,
    read_objection_token,
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


def test_the_objection_link_is_the_urlconfs(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://desk.example/"
    token = objection_token(correction_id=5, contact_id=8)
    assert objection_url(correction_id=5, contact_id=8) == (
        "https://desk.example" + reverse("objection-link", args=[token])
    )
    assert read_objection_token(token) == (5, 8)
    invitation = invitation_url(3)
    token = invitation.rstrip("/").rsplit("/", 1)[1]
    assert invitation == "https://desk.example" + reverse("portal:invitation", args=[token])
    assert read_invitation_token(token) == 3

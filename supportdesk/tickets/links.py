"""Links in e-mails: the request's pages, and signed, expiring links with which a customer
decides a downgrade in one click."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "supportdesk.downgrade-decision"


class BadLink(ValueError):
    pass


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def portal_url(request_id: int) -> str:
    """The request's page for customers."""
    return absolute(reverse("portal:request", args=[request_id]))


def desk_url(request_id: int) -> str:
    """The request's page for staff."""
    return absolute(reverse("workspace:request", args=[request_id]))


def downgrade_token(*, proposal_id: int, contact_id: int, accept: bool) -> str:
    return signing.dumps(
        {"p": proposal_id, "c": contact_id, "a": accept}, salt=_SALT, compress=True
    )


def read_downgrade_token(token: str) -> tuple[int, int, bool]:
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=timedelta(days=settings.DOWNGRADE_LINK_MAX_AGE_DAYS)
        )
    except signing.SignatureExpired:
        raise BadLink("the link has expired; decide on the portal instead") from None
    except signing.BadSignature:
        raise BadLink("the link is not valid") from None
    return int(data["p"]), int(data["c"]), bool(data["a"])


def downgrade_url(*, proposal_id: int, contact_id: int, accept: bool) -> str:
    token = downgrade_token(proposal_id=proposal_id, contact_id=contact_id, accept=accept)
    return absolute(reverse("downgrade-link", args=[token]))

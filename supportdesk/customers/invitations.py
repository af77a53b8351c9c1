"""The invitation a customer admin sends a colleague: a signed, expiring link to the
portal page where they choose a password (the link is the authority, no sign-in)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from supportdesk.tickets.links import BadLink, absolute

_SALT = "supportdesk.invitation"
INVITATION_LINK = "/portal/invitation/{token}/"
MAX_AGE = timedelta(days=14)


def invitation_url(contact_id: int) -> str:
    token = signing.dumps({"c": contact_id}, salt=_SALT)
    return absolute(INVITATION_LINK.format(token=token))


def read_invitation_token(token: str) -> int:
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink("the invitation has expired; ask your administrator for a new one") from None
    except signing.BadSignature:
        raise BadLink("the link is not valid") from None
    return int(data["c"])

"""Links in e-mails: the request's pages, and signed, expiring links with which a customer
decides a downgrade in one click."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing

_SALT = "supportdesk.downgrade-decision"


class BadLink(ValueError):
    pass


# The paths are written out rather than reversed: reversing loads the whole URLconf (the
# API with django-ninja and pydantic), which the mail reader and `mail ingest` would pay
# at every start for three links. tests/notifications/test_links.py holds them to the
# URLconf.
PORTAL_REQUEST = "/portal/requests/{request_id}/"
DESK_REQUEST = "/desk/requests/{request_id}/"
DOWNGRADE_LINK = "/links/downgrade/{token}"
OBJECTION_LINK = "/links/objection/{token}"
_OBJECTION_SALT = "supportdesk.priority-objection"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def portal_url(request_id: int) -> str:
    """The request's page for customers."""
    return absolute(PORTAL_REQUEST.format(request_id=int(request_id)))


def desk_url(request_id: int) -> str:
    """The request's page for staff."""
    return absolute(DESK_REQUEST.format(request_id=int(request_id)))


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
    # Signed tokens are URL-safe base64 with ":" separators: nothing to quote.
    return absolute(DOWNGRADE_LINK.format(token=token))


def objection_token(*, correction_id: int, contact_id: int) -> str:
    """The customer's one-click objection to a rule-3 correction of their priority."""
    return signing.dumps({"k": correction_id, "c": contact_id}, salt=_OBJECTION_SALT)


def read_objection_token(token: str) -> tuple[int, int]:
    try:
        data = signing.loads(
            token,
            salt=_OBJECTION_SALT,
            max_age=timedelta(days=settings.DOWNGRADE_LINK_MAX_AGE_DAYS),
        )
    except signing.SignatureExpired:
        raise BadLink("the link has expired; reply on the request to object") from None
    except signing.BadSignature:
        raise BadLink("the link is not valid") from None
    return int(data["k"]), int(data["c"])


def objection_url(*, correction_id: int, contact_id: int) -> str:
    token = objection_token(correction_id=correction_id, contact_id=contact_id)
    return absolute(OBJECTION_LINK.format(token=token))

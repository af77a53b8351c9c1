"""Who is calling: a personal API token (``Authorization: Bearer <token>``) or the Django
session of the pages, with CSRF enforced on unsafe methods.

A bearer token that is unknown or revoked is answered 401 with the reason, even when a
session cookie is present too: a client that sends a token means that token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from supportdesk.api.actions import hash_token, mark_token_used
from supportdesk.api.models import ApiToken
from supportdesk.rows import Param, Prepared

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


# The user's staff membership and contact (with its organization) come along: the
# permission checks and the intake rules read them without a query of their own. Compiled
# once (every API call reads it); the token is read from the database on every call.
_TOKEN = Prepared(
    lambda: (
        ApiToken.objects.select_related("user__staff", "user__contact__organization")
        .filter(token_hash=Param("hash", CharField()))
        .order_by()[:1]
    )
)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        rows = _TOKEN(hash=hash_token(token))
        if not rows:
            raise AuthenticationError(message="unknown API token")
        found = rows[0]
        if found.revoked_at is not None:
            raise AuthenticationError(message="the API token was revoked")
        if not found.user.is_active:
            raise AuthenticationError(message="the API token's user is inactive")
        mark_token_used(token=found, now=timezone.now())
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in user of the pages. Unlike ninja's own, an anonymous call is a 401 (not
    a CSRF failure) and CSRF is checked only once the session is known to be signed in."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie as X-CSRFToken")
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
ANY_AUTH: list[Any] = [token_auth, session_auth]


def acting_user(request: HttpRequest) -> User:
    """The authenticated caller; every endpoint runs behind one of the auths above."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user

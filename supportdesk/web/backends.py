"""The one door for passwords: Django's model backend behind the sign-in throttle.

It is the only authentication backend (``AUTHENTICATION_BACKENDS``), so every sign-in path
(``/login/``, ``/admin/login/``, anything ``django.contrib.auth.authenticate`` serves
later) is throttled, whatever view it comes through. A refused attempt raises
``PermissionDenied``, which stops ``authenticate`` before any password is checked; the
views then answer 429 (``throttle.refused``). API tokens are not passwords and do not
come here.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from supportdesk.web import throttle
from supportdesk.web.client import client_address


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else ""
        now = timezone.now()
        ceiling = throttle.refusal(username, address, now=now)
        if ceiling is not None:
            if request is not None:
                throttle.mark_refused(request, ceiling)
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.record_failure(username, address)
        else:
            throttle.record_success(user=user, account=username, address=address, now=now)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend's own async path would skip the throttle.
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)

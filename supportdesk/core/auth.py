from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def acting_user(request: HttpRequest) -> User:
    """The signed-in person doing something; anonymous requests never reach an action."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user

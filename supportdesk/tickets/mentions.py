"""@mentions in internal notes: which colleagues a note names.

``@name`` is a staff member's user name (case-insensitive), at the start of the text or
after a space or punctuation (an e-mail address is not a mention). A name that is no
active staff member's stays as typed and tells nobody."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

MENTION = re.compile(r"(?<![\w@.])@([\w][\w.-]*[\w]|[\w])")


def mentioned_names(body: str) -> list[str]:
    """The names after an @, in order, once each (lower-cased)."""
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(body)))


def mentioned_staff(body: str) -> QuerySet[User]:
    names = mentioned_names(body)
    if not names:
        return User.objects.none()
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    return (
        User.objects.filter(match, is_active=True, staff__isnull=False)
        .select_related("staff__notification_preferences")
        .order_by("pk")
    )

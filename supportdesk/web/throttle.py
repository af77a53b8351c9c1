"""Login throttling: a few failed sign-ins per account and per address, then a pause.

Counts live in Django's cache (per process on the embedded default, Redis in production
via ``SUPPORTDESK_CACHE_URL``), so a restart forgives; that is acceptable for throttling.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


def is_throttled(username: str, address: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])

"""The sign-in throttle: three ceilings on failed sign-ins, shared by every sign-in path.

Within ``LOGIN_FAILURE_WINDOW_SECONDS`` (15 minutes) of the first failure counted:

- ``LOGIN_PAIR_FAILURE_LIMIT`` (5) failures of one account from one address refuse that
  account from that address;
- ``LOGIN_ACCOUNT_FAILURE_LIMIT`` (50) failures of one account, from anywhere, refuse that
  account from every address without a successful sign-in to it in the last
  ``LOGIN_KNOWN_ADDRESS_DAYS`` (30) days;
- ``LOGIN_ADDRESS_FAILURE_LIMIT`` (100) failures from one address, whatever the accounts,
  refuse every sign-in from that address (password spraying).

Failures of one account never refuse another below these ceilings. A refused attempt is
not a failure: its password is never checked. A successful sign-in forgets the failures of
its (account, address) pair and remembers the address for the account.

The counters live in the default cache, which every process sees (the database table by
default, Redis when configured); each window opens at its first failure and closes whole.
An IPv6 client counts as its /64 network, which is what one subscriber gets. The known
addresses are rows of ``KnownAddress``: they must outlive a cache flush or eviction, since
they are what lets the owner in while the account is under attack.

``ThrottledModelBackend`` calls this module for every password sign-in; the views only
present its refusal.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest

from supportdesk.web.models import KnownAddress

logger = logging.getLogger(__name__)


class Ceiling(StrEnum):
    PAIR = "pair"
    ACCOUNT = "account"
    ADDRESS = "address"


# Where the backend leaves its refusal for the view that answers (a WSGI-style extension
# key: no header can produce it).
_REFUSED = "supportdesk.sign_in_refused"


def mark_refused(request: HttpRequest, ceiling: Ceiling) -> None:
    request.META[_REFUSED] = ceiling


def refused(request: HttpRequest) -> Ceiling | None:
    """The ceiling that refused this request's sign-in, if one did."""
    ceiling = request.META.get(_REFUSED)
    return ceiling if isinstance(ceiling, Ceiling) else None


def source_of(address: str) -> str:
    """What one client is, for counting: an IPv4 address, or an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _account_key(account: str) -> str:
    # Hashed: any text fits a cache key, and the cache holds no account names.
    return hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]


def _keys(account: str, source: str) -> dict[Ceiling, str]:
    name = _account_key(account)
    return {
        Ceiling.PAIR: f"sign-in:pair:{name}:{source}",
        Ceiling.ACCOUNT: f"sign-in:account:{name}",
        Ceiling.ADDRESS: f"sign-in:address:{source}",
    }


def _limits() -> dict[Ceiling, int]:
    return {
        Ceiling.PAIR: settings.LOGIN_PAIR_FAILURE_LIMIT,
        Ceiling.ACCOUNT: settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        Ceiling.ADDRESS: settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }


def refusal(account: str, address: str, *, now: datetime) -> Ceiling | None:
    """The ceiling that refuses this sign-in attempt, or None when it may be checked."""
    source = source_of(address)
    keys = _keys(account, source)
    counts = cache.get_many(list(keys.values()))
    limits = _limits()
    for ceiling in (Ceiling.ADDRESS, Ceiling.PAIR):
        if counts.get(keys[ceiling], 0) >= limits[ceiling]:
            return ceiling
    if counts.get(keys[Ceiling.ACCOUNT], 0) >= limits[Ceiling.ACCOUNT] and not _known(
        account, source, now=now
    ):
        return Ceiling.ACCOUNT
    return None


def _known(account: str, source: str, *, now: datetime) -> bool:
    since = now - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return KnownAddress.objects.filter(
        user__username=account, address=source, last_success_at__gte=since
    ).exists()


def record_failure(account: str, address: str) -> None:
    source = source_of(address)
    limits = _limits()
    for ceiling, key in _keys(account, source).items():
        if _count(key) == limits[ceiling]:
            logger.warning(
                "sign-in refused from now on: %s ceiling reached (account %r, address %s)",
                ceiling,
                account,
                source,
            )


def _count(key: str) -> int:
    """Add one failure to the window at ``key``, opening the window if there is none."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for _attempt in range(3):
        opened = cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window closed between add and incr: open the next one
            continue
        if count == 1 and not opened:
            # Redis's INCR re-creates a key that expired an instant earlier, without expiry.
            cache.touch(key, timeout=window)
        return count
    raise RuntimeError(f"the cache lost the sign-in counter {key} three times in a row")


def record_success(*, user: User, account: str, address: str, now: datetime) -> None:
    source = source_of(address)
    cache.delete(_keys(account, source)[Ceiling.PAIR])
    KnownAddress.objects.bulk_create(
        [KnownAddress(user=user, address=source, last_success_at=now)],
        update_conflicts=True,
        unique_fields=["user", "address"],
        update_fields=["last_success_at"],
    )
    forgotten = now - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    KnownAddress.objects.filter(user=user, last_success_at__lt=forgotten).delete()

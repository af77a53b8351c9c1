"""Who is on the other end of a request: the one place that reads the client's address.

``REMOTE_ADDR`` is the peer of the socket. Only when that peer is inside one of
``settings.TRUSTED_PROXIES`` (``SUPPORTDESK_TRUSTED_PROXIES``) is ``X-Forwarded-For``
believed, and then only from the right: each trusted proxy appends the address it received
the request from, so the right-most address that is not itself a trusted proxy is the
client. Anything further left was written by the client and may be forged.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> str:
    """The client's IP address in canonical form, or ``""`` when the server gave none."""
    peer = _parse(str(request.META.get("REMOTE_ADDR", "")))
    if peer is None:
        return ""
    client = peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",")] if forwarded else []
    while _trusted(client) and hops:
        hop = _parse(hops.pop())
        if hop is None:  # a proxy wrote nothing usable: its own peer is all we know
            break
        client = hop
    return str(client)


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def _parse(text: str) -> Address | None:
    """An address as servers and proxies write it: bare, ``1.2.3.4:port`` or ``[v6]:port``."""
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
    return address

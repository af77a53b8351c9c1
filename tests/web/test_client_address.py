"""Who the client is: X-Forwarded-For is believed only from a trusted proxy
(SUPPORTDESK_TRUSTED_PROXIES), and then only its right-most untrusted address."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from supportdesk.web.client import client_address


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("192.0.2.10", "203.0.113.7", "192.0.2.10"),  # not a trusted proxy: header ignored
        ("10.0.0.2", "", "10.0.0.2"),  # the proxy's own request
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        ("10.0.0.2", "10.0.0.3, 10.0.0.1", "10.0.0.3"),  # all trusted: the left-most hop
        ("10.0.0.2", "203.0.113.7:51234", "203.0.113.7"),
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.2", "2001:DB8:0::7", "2001:db8::7"),
        ("10.0.0.2", "1.1.1.1, unknown", "10.0.0.2"),  # a proxy wrote nothing usable
        ("::ffff:192.0.2.10", "", "192.0.2.10"),
        ("", "203.0.113.7", ""),  # no peer address at all
    ],
)
def test_client_address(remote: str, forwarded: str, client: str, settings: Settings) -> None:
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/8")]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client

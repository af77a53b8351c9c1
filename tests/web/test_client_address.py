"""Whose failures are counted: X-Forwarded-For is believed only from a trusted proxy
(SUPPORTDESK_TRUSTED_PROXIES), and then only its right-most untrusted address."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from supportdesk.web.client import client_address
from tests.web.conftest import PASSWORD
from tests.web.visitor import Visitor


@pytest.mark.usefixtures("forget_counters")
def test_forwarded_for_is_ignored_without_trusted_proxies(
    live_server: LiveServer, anna: User, boris: User
) -> None:
    visitor = Visitor(live_server.url)
    for attempt in range(5):
        forged = f"198.51.100.{attempt}"  # a new "address" each time: all of them 127.0.0.1
        assert visitor.sign_in("anna", "wrong", forwarded_for=forged).status == 200
    refused = visitor.sign_in("anna", PASSWORD, forwarded_for="192.0.2.1")
    assert refused.status == 429
    assert visitor.sign_in("boris", PASSWORD, forwarded_for="192.0.2.1").status == 302


@pytest.mark.usefixtures("forget_counters")
def test_a_trusted_proxy_names_the_client_and_forged_hops_are_ignored(
    live_server: LiveServer, anna: User, settings: Settings
) -> None:
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.0/8"), ip_network("10.0.0.0/8")]
    visitor = Visitor(live_server.url)
    for _ in range(5):
        assert visitor.sign_in("anna", "wrong", forwarded_for="203.0.113.7").status == 200
    # The client behind the proxy is refused, whatever it writes further left ...
    for forwarded in ("203.0.113.7", "192.0.2.1, 203.0.113.7", "192.0.2.1, 203.0.113.7, 10.1.2.3"):
        assert visitor.sign_in("anna", PASSWORD, forwarded_for=forwarded).status == 429
    # ... while another client behind the same proxy is not.
    signed_in = Visitor(live_server.url).sign_in("anna", PASSWORD, forwarded_for="198.51.100.4")
    assert signed_in.status == 302


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

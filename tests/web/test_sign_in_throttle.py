"""One sign-in throttle for /login/ and /admin/login/: 5 failures per (account, address),
50 per account (only from addresses without a recent successful sign-in), 100 per
address, each in 15 minutes. The counters are in the database cache here, as on the
embedded default; each test's rows roll back with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from supportdesk.web.models import KnownAddress
from supportdesk.web.throttle import Ceiling, refused
from tests.web.conftest import PASSWORD

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

HERE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
REFUSED_RU = "Слишком много неудачных попыток. Повторите через несколько минут."
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def sign_in(
    username: str,
    password: str,
    *,
    address: str = HERE,
    path: str = "/login/",
    browser: Client | None = None,
) -> Response:
    browser = browser or Client()
    return browser.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(username: str, times: int, *, address: str = HERE, path: str = "/login/") -> None:
    for _ in range(times):
        assert sign_in(username, "wrong", address=address, path=path).status_code == 200


def signed_in(response: Response) -> bool:
    return response.status_code == 302


def test_admin_sign_in_is_refused_after_five_failures_even_with_the_right_password(
    admin: User,
) -> None:
    fail("admin", 5, path="/admin/login/")
    browser = Client()
    for _ in range(15):
        response = sign_in("admin", "wrong", path="/admin/login/", browser=browser)
        assert response.status_code == 429
    response = sign_in("admin", PASSWORD, path="/admin/login/", browser=browser)
    assert response.status_code == 429
    assert REFUSED_RU in response.text
    assert 'name="password"' in response.text  # the admin's own sign-in page
    assert "_auth_user_id" not in browser.session
    assert browser.get("/desk/").status_code == 302
    assert signed_in(sign_in("admin", PASSWORD, path="/admin/login/", address=ELSEWHERE))


def test_both_sign_in_pages_share_one_count(admin: User, anna: User) -> None:
    fail("admin", 3, path="/login/")
    fail("admin", 2, path="/admin/login/")
    assert sign_in("admin", PASSWORD, path="/login/").status_code == 429
    assert sign_in("admin", PASSWORD, path="/admin/login/").status_code == 429
    fail("anna", 4, path="/admin/login/")  # a customer guessed at on the admin's page
    fail("anna", 1, path="/login/")
    assert sign_in("anna", PASSWORD, path="/login/").status_code == 429


def test_the_refusal_is_the_sign_in_page_in_the_readers_language(anna: User) -> None:
    fail("anna", 5)
    page = sign_in("anna", PASSWORD)
    assert page.status_code == 429
    assert REFUSED_RU in page.text
    assert 'id="id_password"' in page.text
    english = Client()
    english.cookies["django_language"] = "en"
    page = sign_in("anna", PASSWORD, browser=english)
    assert page.status_code == 429
    assert "Too many failed attempts. Try again in a few minutes." in page.text


def test_failures_of_one_account_do_not_refuse_another_from_the_same_address(
    anna: User, boris: User
) -> None:
    fail("anna", 5)
    assert sign_in("anna", PASSWORD).status_code == 429
    assert signed_in(sign_in("boris", PASSWORD))
    assert signed_in(sign_in("anna", PASSWORD, address=ELSEWHERE))


def test_a_successful_sign_in_forgets_the_failures_of_its_pair(anna: User) -> None:
    fail("anna", 4)
    assert signed_in(sign_in("anna", PASSWORD))
    fail("anna", 4)
    assert signed_in(sign_in("anna", PASSWORD))


def test_an_ipv6_client_counts_as_its_64_network(anna: User) -> None:
    for host in range(1, 6):
        fail("anna", 1, address=f"2001:db8:1:2::{host}")
    assert sign_in("anna", PASSWORD, address="2001:db8:1:2:ffff::9").status_code == 429
    assert signed_in(sign_in("anna", PASSWORD, address="2001:db8:1:3::1"))


def test_the_account_ceiling_refuses_only_addresses_without_a_recent_sign_in(
    anna: User, boris: User
) -> None:
    with time_machine.travel(NOW - timedelta(days=31), tick=False):
        assert signed_in(sign_in("anna", PASSWORD, address="192.0.2.31"))
    with time_machine.travel(NOW - timedelta(days=29), tick=False):
        assert signed_in(sign_in("anna", PASSWORD, address="192.0.2.29"))
    with time_machine.travel(NOW, tick=False):
        for attacker in range(49):  # from 49 addresses, once each: no pair is near its 5
            fail("anna", 1, address=f"10.9.0.{attacker}")
        assert signed_in(sign_in("anna", PASSWORD, address="192.0.2.49"))  # 49 < 50
        fail("anna", 1, address="10.9.1.0")  # the 50th failure of the account
        assert sign_in("anna", PASSWORD, address="192.0.2.50").status_code == 429
        assert sign_in("anna", PASSWORD, address="192.0.2.31").status_code == 429  # 31 days
        assert signed_in(sign_in("anna", PASSWORD, address="192.0.2.29"))
        assert signed_in(sign_in("anna", PASSWORD, address="192.0.2.49"))
        assert signed_in(sign_in("boris", PASSWORD, address="192.0.2.50"))
    assert set(KnownAddress.objects.filter(user=anna).values_list("address", flat=True)) == {
        "192.0.2.29",
        "192.0.2.49",
    }  # the 31-day-old address was forgotten at the next success


def test_the_address_ceiling_refuses_every_account_from_a_spraying_address(
    anna: User, boris: User
) -> None:
    for account in range(33):  # 3 guesses at each of 33 accounts: 99 failures
        fail(f"user{account}", 3)
    assert signed_in(sign_in("anna", PASSWORD))  # below the ceiling; it forgets only anna's 0
    fail("user33", 1)  # the 100th failure from this address
    assert sign_in("boris", PASSWORD).status_code == 429
    assert sign_in("anna", PASSWORD).status_code == 429
    assert signed_in(sign_in("boris", PASSWORD, address=ELSEWHERE))


def test_the_window_closes_fifteen_minutes_after_the_first_failure(anna: User) -> None:
    with time_machine.travel(NOW, tick=False):
        fail("anna", 5)
    with time_machine.travel(NOW + timedelta(minutes=14, seconds=59), tick=False):
        assert sign_in("anna", PASSWORD).status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        fail("anna", 4)  # a new window: four failures are not five
        assert signed_in(sign_in("anna", PASSWORD))


def test_the_account_window_closes_too(anna: User) -> None:
    with time_machine.travel(NOW, tick=False):
        for attacker in range(50):
            fail("anna", 1, address=f"10.9.0.{attacker}")
        assert sign_in("anna", PASSWORD).status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        assert signed_in(sign_in("anna", PASSWORD))


def test_the_async_authentication_path_is_throttled_too(anna: User) -> None:
    fail("anna", 5)
    request = RequestFactory().post("/login/", REMOTE_ADDR=HERE)
    user = async_to_sync(aauthenticate)(request, username="anna", password=PASSWORD)
    assert user is None
    assert refused(request) == Ceiling.PAIR
    other = RequestFactory().post("/login/", REMOTE_ADDR=ELSEWHERE)
    assert async_to_sync(aauthenticate)(other, username="anna", password=PASSWORD) == anna

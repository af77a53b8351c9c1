from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import Settings

# Property tests run against a minute-stepping reference: slow per example, so no deadline.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "120")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """Real hashing costs ~0.3 s a user; tests create many users and test no hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Code called directly (actions, jobs) speaks English in tests, as the API does; pages
    choose their language per request (Russian by default)."""
    with translation.override("en"):
        yield

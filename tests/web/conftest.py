"""Personas of the sign-in tests: the support lead who configures the site, two customers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

PASSWORD = "a-long-password-1"


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser("admin", "admin@vendor.example", PASSWORD)


@pytest.fixture
def anna(db: None) -> User:
    return User.objects.create_user("anna", "anna@alfa.example", PASSWORD)


@pytest.fixture
def boris(db: None) -> User:
    return User.objects.create_user("boris", "boris@alfa.example", PASSWORD)


@pytest.fixture
def forget_counters(transactional_db: None) -> Iterator[None]:
    """A transactional test commits its counters to the cache table, which Django's flush
    between tests does not empty (it is no model's table)."""
    yield
    cache.clear()

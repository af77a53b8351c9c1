"""The desk's personas (tests/tickets/conftest.py)."""

from collections.abc import Iterator

import pytest

from supportdesk.sla import policies
from tests.tickets import conftest as personas

desk = personas.desk  # the shared personas fixture


@pytest.fixture(autouse=True)
def _forget_cached_versions() -> Iterator[None]:
    """These tests put new policy versions in force; the per-process cache keys them by
    id, which a later test's rolled-back database gives out again."""
    yield
    policies._in_force.clear()

"""The desk's personas (tests/tickets/conftest.py)."""

from tests.tickets import conftest as personas

desk = personas.desk  # the shared personas fixture

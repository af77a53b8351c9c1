from tests.tickets.conftest import desk  # noqa: F401 - the personas

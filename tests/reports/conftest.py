from __future__ import annotations

from tests.tickets.conftest import desk as desk

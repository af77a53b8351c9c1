from __future__ import annotations

from tests.channels.conftest import _private_media as _private_media
from tests.channels.conftest import desk as desk

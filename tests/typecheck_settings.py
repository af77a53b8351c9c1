"""The settings mypy's Django plugin loads: the real ones with a placeholder secret key,
so that type-checking needs none (without one, every real start stops)."""

import os

os.environ.setdefault("SUPPORTDESK_SECRET_KEY", "type-checking-only")

from supportdesk.settings import *  # noqa: F403

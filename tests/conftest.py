from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Property tests run against a minute-stepping reference: slow per example, so no deadline.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "120")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("default")

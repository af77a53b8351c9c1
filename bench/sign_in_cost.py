"""What a password sign-in costs on this machine: Django's PBKDF2 check (the hasher the
product uses, at Django's iteration count), the median of 20 checks, and the whole
sign-in (``authenticate`` through the throttled backend, on the embedded database).

    SUPPORTDESK_SECRET_KEY=bench .venv/bin/python -m bench.sign_in_cost
"""

from __future__ import annotations

import os
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

    hasher = PBKDF2PasswordHasher()
    encoded = make_password("a-long-password-1", hasher="pbkdf2_sha256")
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        if not hasher.verify("a-long-password-1", encoded):
            raise SystemExit("the password did not check")
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings) * 1000
    print(
        f"PBKDF2-SHA256, {hasher.iterations} iterations: median {median:.0f} ms"
        f" (min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over 20 checks"
    )


if __name__ == "__main__":
    main()

"""The quote page's what-if on the demo data: the last 12 full months of an organization's
requests replayed on the quoted plan next to their actual clocks (``plan_against_actual``),
and the whole quote page with it.

    SUPPORTDESK_STATIC_MANIFEST=false DATABASE_URL=postgres://... \
        python -m bench.quote_what_if_bench [--runs 20]

Loads the demo (``supportdesk demo``) into the database if it is not there, drafts one
quote per demo organization on another plan than its own, and reports the median and the
worst wall-clock time of each over ``--runs`` runs. The database must be migrated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils import timezone

    from supportdesk.billing import quotes
    from supportdesk.billing.quote_pages import what_if_of
    from supportdesk.core.demo import DEMO_LEAD, load_demo
    from supportdesk.customers.models import Organization
    from supportdesk.pricing.calculator import Inputs
    from supportdesk.tickets.models import Request

    now = timezone.now()
    load_demo(now=now, password="bench-only-password-1")  # noqa: S106 (a local demo)
    lead = User.objects.get(username=DEMO_LEAD)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(lead)
    for organization in Organization.objects.filter(contracts__isnull=False).distinct():
        own = organization.contracts.first().policy_version.plan.code  # type: ignore[union-attr]
        plan = "24x7" if own != "24x7" else "premium"
        inputs = Inputs(plan=plan, users=500, servers=1, period_start=date(now.year + 1, 1, 1))
        quote = quotes.draft_quote(actor=lead, organization=organization, inputs=inputs, now=now)
        requests = Request.objects.filter(organization=organization).count()
        replay, page = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = what_if_of(lead, quote, now=timezone.now())
            replay.append(time.perf_counter() - started)
            started = time.perf_counter()
            answer = client.get(f"/desk/price/quotes/{quote.pk}/", secure=True)
            page.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.status_code  # noqa: S101
        replayed = result.requests if result else 0
        print(
            f"{organization.name} ({own} → {plan}): {requests} requests, {replayed} in the "
            f"12 months; what-if median {statistics.median(replay) * 1000:.1f} ms, worst "
            f"{max(replay) * 1000:.1f} ms; quote page median "
            f"{statistics.median(page) * 1000:.1f} ms, worst {max(page) * 1000:.1f} ms"
        )
        quote.delete()


if __name__ == "__main__":
    main()

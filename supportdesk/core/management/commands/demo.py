from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from supportdesk.core.demo import DEMO_LEAD, load_demo
from supportdesk.env import env_str


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        password = env_str("SUPPORTDESK_DEMO_PASSWORD", "supportdesk-demo")
        for line in load_demo(now=timezone.now(), password=password):
            self.stdout.write(f"demo: created {line}")
        self.stdout.write(
            f"demo: sign in at /admin/ as {DEMO_LEAD} (support lead); agent, engineer, manager "
            f"(staff); alfa, alfa-admin, beta (customers); password {password}"
        )

"""The database alias reports read through (docs/reports.md)."""

from __future__ import annotations

from django.conf import settings

# Configured by SUPPORTDESK_REPORTING_DATABASE_URL, e.g. a read replica.
REPORTING_ALIAS = "reporting"


def reporting_database() -> str:
    """``reporting`` when it is configured; otherwise the main database, through the very
    connection the caller already uses (a page's report then sees what its request sees,
    and no second connection is opened per process for the rare report)."""
    return REPORTING_ALIAS if REPORTING_ALIAS in settings.DATABASES else "default"

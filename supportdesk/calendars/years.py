"""Which years of the production calendars in use still lack official data, and the daily
job that drafts them and tells the support leads once per (production calendar, year).

The decree «О переносе выходных дней» for a year comes out in August-October of the year
before, so from 1 October (Moscow) next year's calendar is due; a year already under way
without official data is due too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from supportdesk.calendars.engine import official_years
from supportdesk.calendars.models import MissingYearNotice, ProductionCalendar

MOSCOW = ZoneInfo("Europe/Moscow")
NEXT_YEAR_DUE_FROM = (10, 1)  # month, day: from 1 October next year's calendar is due


@dataclass(frozen=True, slots=True)
class MissingYear:
    production: ProductionCalendar
    year: int


def years_due(*, now: datetime) -> tuple[int, ...]:
    """This year and, from 1 October (Moscow), the next one."""
    today = now.astimezone(MOSCOW).date()
    if today >= date(today.year, *NEXT_YEAR_DUE_FROM):
        return (today.year, today.year + 1)
    return (today.year,)


def missing_years(*, now: datetime) -> list[MissingYear]:
    """The due years without official data, per production calendar that a business
    calendar follows; oldest first. One query per production calendar in use."""
    due = years_due(now=now)
    in_use = ProductionCalendar.objects.filter(business_calendars__isnull=False).distinct()
    missing = []
    for production in in_use.order_by("code"):
        official = official_years(production)
        missing += [MissingYear(production, year) for year in due if year not in official]
    return missing


def prepare_missing_years(*, now: datetime) -> list[MissingYear]:
    """The daily job: draft each missing year from `holidays` (once) and tell the support
    leads about it (once per production calendar and year, even with several workers:
    the notice row is claimed by its unique insert). Returns the years told about now."""
    from supportdesk.calendars.actions import draft_production_year
    from supportdesk.calendars.notifications import missing_year_mails
    from supportdesk.notifications.outbox import enqueue_many

    told = []
    for missing in missing_years(now=now):
        draft_production_year(production=missing.production, year=missing.year, actor=None, now=now)
        mails = missing_year_mails(missing.production, missing.year)
        if not mails:
            continue  # nobody to tell yet: the banner shows it, a later run mails it
        with transaction.atomic():
            try:
                with transaction.atomic():
                    MissingYearNotice.objects.create(
                        production_calendar=missing.production,
                        year=missing.year,
                        notified_at=now,
                        recipients=len(mails),
                    )
            except IntegrityError:
                continue  # told already, by an earlier run or another worker
            enqueue_many(mails, now=now)
        told.append(missing)
    return told

"""The monthly run: on the first business day of a month, last month's SLA report of every
active contract, stored as PDF with its SHA-256 and mailed to the organization's customer
admins and the contract's personal manager.

- **When.** The first business day is the vendor's: the first local date of the month
  with working time on the Russian production calendar (``ru-production``), from the
  moment that working time starts; a run that was missed that day catches up on the next
  one. The period must also have ended in the organization's own time zone.
- **Once.** Each (contract, month) is claimed by inserting a ``MonthlyRun`` row in the
  transaction that stores the PDF and writes the outbox rows: a second worker's insert
  waits for the first transaction and fails on the unique key; a crash rolls back the
  claim with the rest, so the next run does it again. Nothing is ever sent twice.
- **What.** One PDF per language among the recipients (Russian when there are none), the
  same file for everyone reading that language; the mail carries it as an attachment
  when it fits the mail budget, and always the report page's link and the SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from supportdesk.calendars.engine import Calendars
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Contact
from supportdesk.notifications.outbox import OutgoingMail, StoredFile, enqueue_many
from supportdesk.reports.figures import SlaReport
from supportdesk.reports.models import MonthlyRun, ReportFormat, StoredReport
from supportdesk.reports.sla_report import build_sla_report, next_month, previous_month
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.tickets.access import staff_member
from supportdesk.tickets.links import absolute

log = logging.getLogger(__name__)

BUSINESS_CALENDAR = "ru-production"
MAIL_EVENT = "report.sla_monthly"
# Written out, not reversed (as tickets/links.py): tests/reports hold them to the URLconf.
PORTAL_REPORT = "/portal/reports/{number}/{month}/"
DESK_REPORT = "/desk/reports/{number}/{month}/"


def report_path(template: str, number: str, period_start: date) -> str:
    return template.format(number=number, month=f"{period_start:%Y-%m}")


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str
    staff: bool  # the personal manager: gets the desk's link


def first_business_moment(calendar: WorkCalendar, month: date) -> datetime:
    """When working time first starts in ``month`` on ``calendar`` (its local date is the
    month's first business day)."""
    return calendar.next_open(datetime.combine(month, time(0), tzinfo=calendar.zone))


def due_period(calendar: WorkCalendar, *, now: datetime) -> date | None:
    """The month whose report is due at ``now``: last month, once this month's first
    business day has begun; None before that."""
    this_month = now.astimezone(calendar.zone).date().replace(day=1)
    if now < first_business_moment(calendar, this_month):
        return None
    return previous_month(this_month)


def run_monthly(*, now: datetime) -> int:
    """Report every active contract whose last month is due and not yet done; returns how
    many this call did (0 on a rerun)."""
    period = due_period(Calendars()(BUSINESS_CALENDAR), now=now)
    if period is None:
        return 0
    end = next_month(period)
    done = set(MonthlyRun.objects.filter(period_start=period).values_list("contract_id", flat=True))
    contracts = (
        Contract.objects.filter(
            organization__is_active=True, valid_from__lt=end, valid_until__gte=period
        )
        .exclude(pk__in=done)
        .select_related("organization", "personal_manager__staff")
        .order_by("pk")
    )
    # A random order: several workers then share the month's contracts instead of each
    # waiting on the other's claim, contract after contract.
    shuffled = list(contracts)
    random.shuffle(shuffled)
    count = 0
    for contract in shuffled:
        try:
            zone = ZoneInfo(contract.organization.time_zone)
            if now < datetime.combine(end, time(0), tzinfo=zone):
                continue  # the month has not ended yet where the customer is
            reported = report_contract(contract, period, now=now)
        except Exception:
            # One contract's failure (rolled back with its claim) must not hold up the
            # others; it is tried again at the next run.
            log.exception("SLA report %s %s failed", contract.number, f"{period:%Y-%m}")
            continue
        count += reported
    return count


def report_contract(contract: Contract, period: date, *, now: datetime) -> bool:
    """Claim, build, store and mail one (contract, month); False when another run has it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = MonthlyRun.objects.create(contract=contract, period_start=period, done_at=now)
        except IntegrityError:
            return False
        report = build_sla_report(contract, period, now=now)
        recipients = recipients_of(contract)
        languages = sorted({r.language for r in recipients}) or [settings.LANGUAGE_CODE]
        stored = {
            language: store_pdf(contract, report, language=language) for language in languages
        }
        mails = [mail(contract, report, stored[r.language], r) for r in recipients]
        enqueue_many(mails, now=now)
        run.mails = len(mails)
        run.save(update_fields=["mails"])
    log.info("SLA report %s %s: %d mails", contract.number, f"{period:%Y-%m}", len(mails))
    return True


def store_pdf(contract: Contract, report: SlaReport, *, language: str) -> StoredReport:
    # Imported here: matplotlib and Typst's wrapper are not loaded by every process that
    # autodiscovers the job modules.
    from supportdesk.reports.pdf import render_pdf

    pdf = render_pdf(report, language=language)
    name = f"sla-{slugify(contract.number)}-{report.period_start:%Y-%m}-{language}.pdf"
    return StoredReport.objects.create(
        contract=contract,
        period_start=report.period_start,
        format=ReportFormat.PDF,
        language=language,
        file=ContentFile(pdf, name=name),
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        generated_at=report.generated_at,
    )


def recipients_of(contract: Contract) -> list[Recipient]:
    """The organization's active customer admins with an address that does not bounce, and
    the contract's personal manager; each address once."""
    found: dict[str, Recipient] = {}
    admins = Contact.objects.filter(
        organization_id=contract.organization_id,
        is_customer_admin=True,
        is_active=True,
        email_bounced_at__isnull=True,
    ).exclude(email="")
    for contact in admins.order_by("pk"):
        found.setdefault(
            contact.email.lower(),
            Recipient(contact.email, contact.language or settings.LANGUAGE_CODE, staff=False),
        )
    manager = contract.personal_manager
    member = staff_member(manager) if manager is not None else None
    if manager is not None and member is not None and manager.is_active and manager.email:
        found.setdefault(manager.email.lower(), Recipient(manager.email, member.language, True))
    return list(found.values())


def mail(
    contract: Contract, report: SlaReport, stored: StoredReport, recipient: Recipient
) -> OutgoingMail:
    month = f"{report.period_start:%Y-%m}"
    page = absolute(
        report_path(
            DESK_REPORT if recipient.staff else PORTAL_REPORT, contract.number, report.period_start
        )
    )
    fits = stored.size <= settings.MAIL_ATTACHMENTS_MAX_BYTES
    with translation.override(recipient.language):
        subject = _("SLA quality report for %(month)s, contract %(number)s") % {
            "month": month,
            "number": contract.number,
        }
        lines: Iterable[str] = [
            _("The SLA quality report of contract %(number)s (%(organization)s) for %(month)s.")
            % {"number": contract.number, "organization": report.organization, "month": month},
            "",
            _("Reaction within SLA: %(met)d of %(total)d.")
            % {"met": report.reaction.met, "total": report.reaction.total},
            _("Resolution within SLA: %(met)d of %(total)d.")
            % {"met": report.resolution.met, "total": report.resolution.total},
            "",
            (_("The report is attached as PDF.") if fits else _("The PDF is on the report page.")),
            _("The report page: %(url)s") % {"url": page},
            _("This PDF's SHA-256 is %(sha)s.") % {"sha": stored.sha256},
        ]
    attachments = (
        (
            StoredFile(
                path=str(stored.file.name),
                name=f"sla-{slugify(contract.number)}-{month}.pdf",
                content_type="application/pdf",
                size=stored.size,
            ),
        )
        if fits
        else ()
    )
    return OutgoingMail(
        to=recipient.address,
        language=recipient.language,
        event=MAIL_EVENT,
        subject=subject,
        body="\n".join(lines) + "\n",
        attachments=attachments,
    )

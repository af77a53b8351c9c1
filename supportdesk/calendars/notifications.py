"""The e-mail that tells the support leads a production calendar year must be loaded."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.calendars.models import ProductionCalendar
from supportdesk.notifications.outbox import OutgoingMail
from supportdesk.staff.models import StaffRole

MISSING_YEAR_EVENT = "staff.production_year_missing"


def missing_year_mails(production: ProductionCalendar, year: int) -> list[OutgoingMail]:
    """One mail per active support lead with an address, in the lead's language; the text
    is rendered once per language."""
    leads = User.objects.filter(staff__role=StaffRole.LEAD, is_active=True).exclude(email="")
    people = list(leads.order_by("pk").values_list("email", "staff__language"))
    texts: dict[str, tuple[str, str]] = {}
    for _address, language in people:
        if language not in texts:
            with translation.override(language):
                texts[language] = _missing_year_text(production, year)
    return [
        OutgoingMail(
            to=address,
            language=language,
            event=MISSING_YEAR_EVENT,
            subject=texts[language][0],
            body=texts[language][1],
        )
        for address, language in people
    ]


def _missing_year_text(production: ProductionCalendar, year: int) -> tuple[str, str]:
    """Subject and body in the active language."""
    values = {"year": year, "title": production.title}
    subject = _("The %(year)s production calendar is not loaded") % values
    lines = [
        _("The production calendar “%(title)s” has no official data for %(year)s.") % values,
        _(
            "Deadlines and reports that reach %(year)s follow a draft from the holidays "
            "package (no shortened pre-holiday days, no transfers the decree may add) and are "
            "marked as drafts until the official calendar is loaded."
        )
        % values,
        "",
        _(
            "When the Government's transfer decree for %(year)s is published, draft the "
            "year, complete it from the official production calendar (the act, the shortened "
            "days) and load it:"
        )
        % values,
        "",
        f"  supportdesk calendar draft-year --year {year} > ru-{year}.json",
        f"  supportdesk calendar load-production --code {production.code} --file ru-{year}.json",
        "",
        _("Loading the year recomputes the open deadlines and removes the draft marks."),
        _("How to check the year: docs/ru-production-calendar.md, “Adding a new year”."),
    ]
    return subject, "\n".join(lines) + "\n"

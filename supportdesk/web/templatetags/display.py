"""``{% load display %}``: the one way a page shows a duration or a staff-facing instant."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from supportdesk.web.display import duration_text, when_parts, when_text

register = template.Library()


@register.filter
def when(at: datetime | None, customer_zone: str | None = None) -> SafeString | str:
    """``{{ value|when }}``: "01.12.2026 10:00 MSK"; ``{{ value|when:zone }}`` adds the
    customer's local time where it differs: "… MSK (12:00 UTC+5 at the customer)"."""
    if at is None or not isinstance(at, datetime):
        return "—"
    main, theirs = when_parts(at, customer_zone)
    if not theirs:
        return format_html('<time datetime="{}">{}</time>', at.isoformat(), main)
    return format_html(
        '<time datetime="{}">{}</time> <span class="muted local-time">({})</span>',
        at.isoformat(),
        main,
        theirs,
    )


@register.filter
def when_plain(at: datetime | None, customer_zone: str | None = None) -> str:
    """The same as text, for an attribute (``title="..."``)."""
    return when_text(at if isinstance(at, datetime) else None, customer_zone)


@register.filter
def duration(value: timedelta | int | None) -> str:
    """A timedelta or seconds as "1 h 05 min" in the reader's language."""
    if value is None:
        return "—"
    if isinstance(value, int):
        value = timedelta(seconds=value)
    return duration_text(value)

"""How the pages show durations and instants: one formatter each, in the reader's language.

- ``duration_text``: "0 ч 55 мин" / "0 h 55 min" (a countdown, a target); never "0h 55m".
- ``when``: an instant on the staff's clock (Moscow, ``settings.TIME_ZONE``) with its zone
  named, and the customer's local time beside it when their zone's offset differs then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import gettext as _


def duration_text(value: timedelta) -> str:
    """Whole minutes of a (possibly negative) duration: "1 h 05 min", "−0 h 12 min"."""
    sign = "−" if value < timedelta(0) else ""
    minutes = int(abs(value).total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return sign + _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


def hours_text(value: timedelta) -> str:
    """A target in hours: "4 h", "1.5 h" / "4 ч", "1,5 ч"."""
    hours = f"{value.total_seconds() / 3600:g}".replace(".", get_format("DECIMAL_SEPARATOR"))
    return _("%(hours)s h") % {"hours": hours}


def staff_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_label(at: datetime, zone: ZoneInfo) -> str:
    """The zone's abbreviation when it has a real one (MSK, UTC, CET), else its offset
    ("UTC+5"), never the bare "+05" the tz database uses for most of Russia."""
    local = at.astimezone(zone)
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def when_parts(at: datetime, customer_zone: str | None = None) -> tuple[str, str]:
    """(staff time with its zone, the customer's local time with its zone or "")."""
    staff = staff_zone()
    local = at.astimezone(staff)
    main = f"{local:%d.%m.%Y %H:%M} {zone_label(at, staff)}"
    if not customer_zone:
        return main, ""
    try:
        zone = ZoneInfo(customer_zone)
    except (KeyError, ValueError):
        return main, ""
    theirs = at.astimezone(zone)
    if theirs.utcoffset() == local.utcoffset():
        return main, ""
    shown = f"{theirs:%H:%M}" if theirs.date() == local.date() else f"{theirs:%d.%m.%Y %H:%M}"
    return main, _("%(time)s %(zone)s at the customer") % {
        "time": shown,
        "zone": zone_label(at, zone),
    }


def when_text(at: datetime | None, customer_zone: str | None = None) -> str:
    if at is None:
        return "—"
    main, theirs = when_parts(at, customer_zone)
    return f"{main} ({theirs})" if theirs else main

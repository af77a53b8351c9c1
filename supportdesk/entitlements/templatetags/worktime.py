from __future__ import annotations

from datetime import datetime

from django import template

from supportdesk.entitlements.reads import estimate_warning as read_warning
from supportdesk.entitlements.reads import hours_text, local_day
from supportdesk.slamath.policy import RequestType
from supportdesk.tickets.models import Request

register = template.Library()


@register.filter
def hours(seconds: int | None) -> str:
    """Seconds as ``h:mm`` (whole minutes; the stored figure stays in seconds)."""
    return hours_text(int(seconds or 0))


@register.inclusion_tag("entitlements/_warning.html")
def estimate_warning(item: Request, now: datetime) -> dict[str, object]:
    """The request page's warning: an administration estimate above the hours left."""
    if item.request_type != RequestType.ADMIN:
        return {"warning": None}
    today = local_day(item.contract, now)
    return {"warning": read_warning(item, today=today)}

"""Canned replies' text: the placeholders a macro may use and how they are filled."""

from __future__ import annotations

import string

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportdesk.tickets.models import Request

PLACEHOLDERS = {
    "customer_name": gettext_lazy("the requester's name"),
    "reference": gettext_lazy("the request's reference, e.g. SD-12"),
    "subject": gettext_lazy("the request's subject"),
    "organization": gettext_lazy("the customer's organization"),
    "agent_name": gettext_lazy("the name of the staff member who sends it"),
}


def unknown_placeholders(body: str) -> list[str]:
    """Names in {braces} that are not placeholders; a stray brace is refused as well."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(body)]
    except ValueError:
        return [_("unbalanced { or }")]
    return [str(name) for name in fields if name is not None and name not in PLACEHOLDERS]


def fill(body: str, *, request: Request, agent: User) -> str:
    values = {
        "customer_name": request.contact.name,
        "reference": request.reference,
        "subject": request.subject,
        "organization": request.organization.name,
        "agent_name": agent.get_full_name() or agent.get_username(),
    }
    return body.format_map(values)

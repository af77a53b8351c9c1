"""Reasons the system writes (a clock event's, a priority change's): stored as data, a code
with its parameters, and rendered in the reader's language; what people type stays as typed.

A stored reason is one of:

- a bare code (``first_response``, ``waiting_for_customer``, ``resolved`` ...): what the
  rules in ``slamath.request_clocks`` and the request actions write;
- a JSON object ``{"code": ..., <parameters>}`` (``encode``): a reason with parameters,
  e.g. ``{"code": "intake.as_requested", "priority": "P1"}``; a person's words travel in
  its ``note`` parameter and are shown as typed;
- anything else: text a person typed (a status change's reason), shown as it is.

Sentences stored before (English) were mapped to codes by ``tickets/0013``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.tickets.models import Status


def encode(code: str, **params: Any) -> str:
    """A reason with parameters, as stored; without parameters, the bare code."""
    if not params:
        return code
    return json.dumps({"code": code, **params}, ensure_ascii=False, sort_keys=True)


def decode(stored: str) -> tuple[str, dict[str, Any]] | None:
    """(code, parameters) of a reason the system wrote; None for typed text."""
    text = stored.strip()
    if text in _PLAIN:
        return text, {}
    if text.startswith("{") and text.endswith("}"):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if isinstance(value, dict) and value.get("code") in _WITH_PARAMS:
            code = str(value.pop("code"))
            return code, value
    return None


def gap_codes(gaps: list[str]) -> list[Any]:
    """``DetailRule.missing``'s gaps as data: "component", "scope", or the description's
    minimum length ``{"code": "description", "count": 20}``."""
    codes: list[Any] = []
    for gap in gaps:
        if gap.startswith("description"):
            count = int("".join(ch for ch in gap if ch.isdigit()) or 0)
            codes.append({"code": "description", "count": count})
        else:
            codes.append(gap)
    return codes


def _note(params: dict[str, Any], text: str) -> str:
    note = str(params.get("note") or "").strip()
    return f"{text}: {note}" if note else text


def _gap(gap: Any) -> str:
    if isinstance(gap, dict) and gap.get("code") == "description":
        return _("a description of at least %(count)d characters") % {
            "count": int(gap.get("count") or 0)
        }
    if gap == "component":
        return _("the component")
    if gap == "scope":
        return _("who is affected (many or individual users)")
    return str(gap)


def _priority(p: dict[str, Any]) -> str:
    text = f"{p.get('from') or '—'} → {p.get('to') or '—'}"
    note = render(str(p.get("note") or "")).strip()  # a reason the system wrote, or typed
    return f"{text}: {note}" if note else text


def _as_requested(p: dict[str, Any]) -> str:
    return _("registered as requested (%(priority)s)") % {"priority": p.get("priority", "")}


def _rule_one(p: dict[str, Any]) -> str:
    return _(
        "requested %(requested)s; registered P4: no detailed description (missing: %(gaps)s)"
    ) % {
        "requested": p.get("requested", ""),
        "gaps": ", ".join(_gap(gap) for gap in p.get("missing") or []),
    }


def _staff(p: dict[str, Any]) -> str:
    if p.get("rule_one") and p.get("rule_one") != p.get("priority"):
        text = _("set by staff at registration: %(priority)s (rule 1 gives %(rule_one)s)") % {
            "priority": p.get("priority", ""),
            "rule_one": p["rule_one"],
        }
        return _note(p, text)
    text = _("set by staff at registration: %(priority)s") % {"priority": p.get("priority", "")}
    note = str(p.get("note") or "").strip()
    return f"{text} ({note})" if note else text


def _channel(p: dict[str, Any]) -> str:
    text = _("set by the channel's mapping: %(priority)s") % {"priority": p.get("priority", "")}
    note = str(p.get("note") or "").strip()
    return f"{text} ({note})" if note else text


def _auto_closed(p: dict[str, Any]) -> str:
    return _("closed automatically after %(days)s business days") % {"days": p.get("days", "")}


def _objection(p: dict[str, Any]) -> str:
    text = _("objection by %(name)s") % {"name": p.get("by", "")}
    return _note(p, text)


def _upheld(p: dict[str, Any]) -> str:
    return _note(p, _("correction upheld"))


def _downgrade_accepted(p: dict[str, Any]) -> str:
    return _note(p, _("accepted by %(name)s") % {"name": p.get("by", "")})


_PLAIN: dict[str, Callable[[], str]] = {
    "first_response": lambda: _("first response"),
    "waiting_for_customer": lambda: _("waiting for customer"),
    "customer_replied": lambda: _("customer replied"),
    "reopened": lambda: _("reopened"),
    "workaround_given": lambda: _("workaround given"),
    "handed_to_development": lambda: _("handed to development"),
    "merged_as_duplicate": lambda: _("merged as a duplicate"),
    "confirmed_by_customer": lambda: _("confirmed by the customer"),
    "accepted_outside_contract": lambda: _("accepted outside the contract"),
    "declined_outside_contract": lambda: _("declined outside the contract"),
}


def _status_label(status: Status) -> Callable[[], str]:
    return lambda: str(status.label)


for _status in Status:  # a status change without a typed reason carries the status
    _PLAIN.setdefault(_status.value, _status_label(_status))

_WITH_PARAMS: dict[str, Callable[[dict[str, Any]], str]] = {
    "priority": _priority,
    "intake.as_requested": _as_requested,
    "intake.rule_one": _rule_one,
    "intake.staff": _staff,
    "intake.channel": _channel,
    "auto_closed": _auto_closed,
    "objection": _objection,
    "correction_upheld": _upheld,
    "downgrade_accepted": _downgrade_accepted,
}

CODES = frozenset(_PLAIN) | frozenset(_WITH_PARAMS)


def render(stored: str) -> str:
    """A stored reason in the active language; typed text as it is."""
    decoded = decode(stored)
    if decoded is None:
        return stored
    code, params = decoded
    if not params and code in _PLAIN:
        return _PLAIN[code]()
    return _WITH_PARAMS[code](params)


def render_in(language: str, stored: str) -> str:
    """``render`` in a given language (a mail's recipient's, a test's)."""
    with translation.override(language):
        return render(stored)

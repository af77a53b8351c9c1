"""Call events read as pure functions: the neutral JSON format and Mango Office's form
posts, both to ``CallEventData``; numbers normalized with ``phonenumbers``. No Django.

Mango Office (its VPBX API): an event is a form post of ``vpbx_api_key``, ``sign`` and
``json``, where ``sign`` is the SHA-256 hex of API key + json + salt. Call events
(``/events/call``) carry ``entry_id`` (the call, across its legs), ``call_id`` (a leg),
``call_state`` (Appeared, Connected, OnHold, Disconnected), ``from``/``to`` objects with a
``number``, ``timestamp`` (Unix seconds) and ``seq``; the summary (``/events/summary``)
``entry_id``, ``create_time``, ``talk_time`` (when the talk began, 0 for none),
``end_time`` and ``entry_result`` (1 answered, 0 not). Its recording needs a signed
download: the neutral format's ``recording_url`` serves other providers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import phonenumbers

KINDS = ("incoming", "answered", "hung_up", "missed", "recording_ready", "summary")


class Malformed(ValueError):
    """Not a call event; the reason is answered (400) and the event kept."""


@dataclass(frozen=True)
class CallEventData:
    call_id: str
    kind: str  # one of KINDS
    key: str  # unique per integration: "<call id>/<event>"
    at: datetime
    from_number: str = ""
    to_number: str = ""
    duration: int | None = None
    recording_url: str = ""
    answered_at: datetime | None = None  # a summary's
    ended_at: datetime | None = None  # a summary's


def normalize(number: str, region: str = "RU") -> str:
    """E.164 when the number parses as a possible one, else its digits (an extension, a
    withheld number): ``8 (495) 123-45-67`` -> ``+74951234567``."""
    raw = number.strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if raw.isdigit() and len(raw) > 10:  # Mango writes 74951234567 without the plus
        return normalize("+" + raw, region)
    return "".join(ch for ch in raw if ch.isdigit() or ch == "+")


def _text(data: dict[str, object], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Malformed(f"{name} is missing")
        return ""
    if not isinstance(value, str | int):
        raise Malformed(f"{name} must be a string")
    return str(value)[:1000]


def _iso(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise Malformed(f"{name} must be an ISO 8601 time with a zone")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Malformed(f"{name} must be an ISO 8601 time with a zone") from None
    if parsed.tzinfo is None:
        raise Malformed(f"{name} must have a time zone")
    return parsed


def _unix(value: object, name: str) -> datetime:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Malformed(f"{name} must be Unix seconds")
    return datetime.fromtimestamp(value, UTC)


def _object(body: bytes | str) -> dict[str, object]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Malformed(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise Malformed("the body must be a JSON object")
    return data


def neutral(body: bytes, region: str) -> CallEventData:
    """``{"event", "call_id", "at", "from", "to", "duration", "recording_url"}``."""
    data = _object(body)
    kind = data.get("event")
    if kind not in KINDS or kind == "summary":
        raise Malformed(f"event must be one of {', '.join(KINDS[:5])}")
    call_id = _text(data, "call_id", required=True)
    duration = data.get("duration")
    if duration is not None and (not isinstance(duration, int) or duration < 0):
        raise Malformed("duration must be whole seconds")
    url = _text(data, "recording_url")
    if kind == "recording_ready" and not url.startswith(("https://", "http://")):
        raise Malformed("recording_ready needs an http(s) recording_url")
    return CallEventData(
        call_id=call_id[:128], kind=str(kind), key=f"{call_id[:128]}/{kind}",
        at=_iso(data.get("at"), "at"), from_number=normalize(_text(data, "from"), region),
        to_number=normalize(_text(data, "to"), region), duration=duration, recording_url=url,
    )  # fmt: skip


def mango_signature(api_key: str, json_text: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{json_text}{salt}".encode()).hexdigest()


def mango_signed(form: dict[str, str], api_key: str, salt: str) -> bool | None:
    """True: signed by this integration; False: wrongly; None: no signature at all."""
    sign, key = form.get("sign", ""), form.get("vpbx_api_key", "")
    if not sign or not key:
        return None
    expected = mango_signature(api_key, form.get("json", ""), salt)
    return (
        bool(api_key)
        and hmac.compare_digest(key, api_key)
        and hmac.compare_digest(sign.lower(), expected)
    )


_MANGO_STATES = {"Appeared": "incoming", "Connected": "answered", "Disconnected": "hung_up"}


def _number(data: dict[str, object], side: str, region: str) -> str:
    party = data.get(side)
    if isinstance(party, dict):
        return normalize(str(party.get("number") or ""), region)
    return ""


def mango(kind: str, json_text: str, region: str) -> CallEventData | None:
    """A Mango event (``kind``: the path's last part, ``call`` or ``summary``); None for
    one the desk does not use (OnHold, recordings, DTMF)."""
    data = _object(json_text)
    entry = _text(data, "entry_id", required=True)[:128]
    if kind == "call":
        state = _text(data, "call_state", required=True)
        if state not in _MANGO_STATES:
            return None
        seq = _text(data, "seq") or "0"
        return CallEventData(
            call_id=entry, kind=_MANGO_STATES[state], key=f"{entry}/call/{state}/{seq}",
            at=_unix(data.get("timestamp"), "timestamp"),
            from_number=_number(data, "from", region), to_number=_number(data, "to", region),
        )  # fmt: skip
    if kind == "summary":
        created = _unix(data.get("create_time"), "create_time")
        ended = _unix(data.get("end_time"), "end_time")
        talk = data.get("talk_time")
        answered = _unix(talk, "talk_time") if talk not in (None, 0, "0") else None
        result = str(data.get("entry_result", "0"))
        if result == "1" and answered is None:
            raise Malformed("entry_result 1 needs talk_time")
        return CallEventData(
            call_id=entry, kind="summary", key=f"{entry}/summary", at=created,
            from_number=_number(data, "from", region), to_number=_number(data, "to", region),
            answered_at=answered if result == "1" else None, ended_at=ended,
            duration=int((ended - answered).total_seconds()) if answered and result == "1" else 0,
        )  # fmt: skip
    return None

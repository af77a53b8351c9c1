"""Alertmanager's webhook body (``version: "4"``) read as a pure function: a ``Notification``
or ``Malformed`` with the reason. No Django."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime


class Malformed(ValueError):
    """The body is not an Alertmanager notification; the reason is answered (400)."""


@dataclass(frozen=True)
class Alert:
    fingerprint: str
    firing: bool
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None


@dataclass(frozen=True)
class Notification:
    group_key: str
    alerts: tuple[Alert, ...]
    common_labels: dict[str, str]
    common_annotations: dict[str, str]
    external_url: str

    @property
    def firing(self) -> frozenset[str]:
        return frozenset(a.fingerprint for a in self.alerts if a.firing)

    @property
    def resolved(self) -> frozenset[str]:
        return frozenset(a.fingerprint for a in self.alerts if not a.firing)


def _strings(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise Malformed(f"{where} must be an object of strings")
    return dict(value)


def _time(value: object, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Malformed(f"{where} must be an RFC 3339 time")
    text = value.replace("Z", "+00:00")
    # Go writes nanoseconds; Python reads at most microseconds.
    if "." in text:
        head, _dot, tail = text.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Malformed(f"{where} must be an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise Malformed(f"{where} must have a time zone")
    return parsed


def _alert(raw: object, index: int) -> Alert:
    where = f"alerts[{index}]"
    if not isinstance(raw, dict):
        raise Malformed(f"{where} must be an object")
    fingerprint = raw.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint.strip():
        raise Malformed(f"{where}.fingerprint is missing")
    status = raw.get("status")
    if status not in ("firing", "resolved"):
        raise Malformed(f"{where}.status must be firing or resolved")
    return Alert(
        fingerprint=fingerprint.strip()[:64],
        firing=status == "firing",
        labels=_strings(raw.get("labels"), f"{where}.labels"),
        annotations=_strings(raw.get("annotations"), f"{where}.annotations"),
        starts_at=_time(raw.get("startsAt"), f"{where}.startsAt"),
    )


def parse(body: bytes) -> Notification:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Malformed(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise Malformed("the body must be a JSON object")
    if data.get("version") != "4":
        raise Malformed('version must be "4"')
    group_key = data.get("groupKey")
    if not isinstance(group_key, str) or not group_key:
        raise Malformed("groupKey is missing")
    alerts = data.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise Malformed("alerts must be a non-empty list")
    parsed = tuple(_alert(raw, index) for index, raw in enumerate(alerts))
    url = data.get("externalURL")
    return Notification(
        group_key=group_key,
        alerts=parsed,
        common_labels=_strings(data.get("commonLabels"), "commonLabels"),
        common_annotations=_strings(data.get("commonAnnotations"), "commonAnnotations"),
        external_url=url if isinstance(url, str) else "",
    )

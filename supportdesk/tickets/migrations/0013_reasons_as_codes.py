"""Reasons the system wrote as English sentences (clock events, priority changes) become
codes with parameters (``tickets.reasons``), so every reader sees them in their language.
Text people typed is left as it is. Irreversible only in form: ``tickets.reasons.render``
shows the same sentence in English."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import migrations

_PLAIN = {
    "first response": "first_response",
    "waiting for customer": "waiting_for_customer",
    "customer replied": "customer_replied",
    "workaround given": "workaround_given",
    "handed to development": "handed_to_development",
    "confirmed by the customer": "confirmed_by_customer",
    "accepted outside the contract": "accepted_outside_contract",
    "declined outside the contract": "declined_outside_contract",
}
_P = r"(P[1-4])"


def _encode(code: str, **params: Any) -> str:
    return json.dumps({"code": code, **params}, ensure_ascii=False, sort_keys=True)


def _gaps(text: str) -> list[Any]:
    out: list[Any] = []
    for gap in (part.strip() for part in text.split(",")):
        found = re.fullmatch(r"description of at least (\d+) characters", gap)
        out.append({"code": "description", "count": int(found[1])} if found else gap)
    return out


def code_of(sentence: str) -> str:
    """The stored form of an English sentence the system wrote; anything else unchanged."""
    text = sentence.strip()
    if text in _PLAIN:
        return _PLAIN[text]
    if found := re.fullmatch(r"auto-closed after (\d+) business days", text):
        return _encode("auto_closed", days=int(found[1]))
    if found := re.fullmatch(rf"registered as requested \({_P}\)", text):
        return _encode("intake.as_requested", priority=found[1])
    if found := re.fullmatch(
        rf"requested {_P}; registered P4: no detailed description \(missing: (.*)\)", text
    ):
        return _encode("intake.rule_one", requested=found[1], missing=_gaps(found[2]))
    if found := re.fullmatch(
        rf"set by staff at registration: {_P} \(rule 1 gives {_P}\): (.*)", text, re.S
    ):
        return _encode("intake.staff", priority=found[1], rule_one=found[2], note=found[3])
    if found := re.fullmatch(rf"set by staff at registration: {_P}(?: \((.*)\))?", text, re.S):
        return _encode("intake.staff", priority=found[1], rule_one=found[1], note=found[2] or "")
    if found := re.fullmatch(rf"set by the channel's mapping: {_P} \((.*)\)", text, re.S):
        return _encode("intake.channel", priority=found[1], note=found[2])
    if found := re.fullmatch(r"objection by (.*?): (.*)", text, re.S):
        note = "" if found[2] == "-" else found[2]
        return _encode("objection", by=found[1], note=note)
    if found := re.fullmatch(r"correction upheld: (.*)", text, re.S):
        return _encode("correction_upheld", note=found[1])
    if found := re.fullmatch(r"accepted by (.*?): (.*)", text, re.S):
        return _encode("downgrade_accepted", by=found[1], note=found[2])
    if found := re.fullmatch(rf"{_P} -> {_P}(?:: (.*))?", text, re.S):
        note = code_of(found[3]) if found[3] else ""
        return _encode("priority", note=note, to=found[2], **{"from": found[1]})
    return sentence


def forwards(apps: Any, schema_editor: Any) -> None:
    for app, model in (("sla", "SlaClockEvent"), ("tickets", "PriorityChange")):
        rows = apps.get_model(app, model).objects.exclude(reason="")
        changed = []
        for row in rows.only("pk", "reason").iterator(chunk_size=2000):
            stored = code_of(row.reason)
            if stored != row.reason:
                row.reason = stored
                changed.append(row)
        rows.model.objects.bulk_update(changed, ["reason"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_merge_incidents_macros"), ("sla", "0006_policyversion_bug_clock_stop")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

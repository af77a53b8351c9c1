"""Every change to a request, one function each. Views, the API, mail ingestion, bots and
jobs call these; none of them changes a request any other way.

Each action checks permission, runs in one transaction, writes the audit event, keeps the
SLA clocks in step (through the private ``_lifecycle``) and queues notifications. Split by
topic: ``intake``, ``conversation``, ``workflow``, ``priority``, ``out_of_contract``,
``merge`` (duplicates), ``incidents`` (platform-wide), ``macros`` (canned replies).
"""

from supportdesk.tickets.actions.calls import count_call_as_first_response
from supportdesk.tickets.actions.conversation import add_internal_note, reply
from supportdesk.tickets.actions.incidents import (
    broadcast_incident_update,
    link_to_incident,
    open_incident,
    resolve_incident,
)
from supportdesk.tickets.actions.intake import open_request
from supportdesk.tickets.actions.macros import apply_macro, retire_macro, save_macro
from supportdesk.tickets.actions.merge import merge_duplicate
from supportdesk.tickets.actions.out_of_contract import (
    accept_out_of_contract,
    decline_out_of_contract,
)
from supportdesk.tickets.actions.priority import (
    correct_priority,
    decide_downgrade,
    decide_priority_objection,
    object_to_correction,
    propose_downgrade,
    raise_priority,
)
from supportdesk.tickets.actions.workflow import (
    assign,
    auto_close_resolved,
    confirm_resolution,
    exclude_from_sla,
    reopen,
    resolve,
    set_status,
)

__all__ = [
    "accept_out_of_contract",
    "add_internal_note",
    "apply_macro",
    "assign",
    "auto_close_resolved",
    "broadcast_incident_update",
    "confirm_resolution",
    "correct_priority",
    "count_call_as_first_response",
    "decide_downgrade",
    "decide_priority_objection",
    "decline_out_of_contract",
    "exclude_from_sla",
    "link_to_incident",
    "merge_duplicate",
    "object_to_correction",
    "open_incident",
    "open_request",
    "propose_downgrade",
    "raise_priority",
    "reopen",
    "reply",
    "resolve",
    "resolve_incident",
    "retire_macro",
    "save_macro",
    "set_status",
]

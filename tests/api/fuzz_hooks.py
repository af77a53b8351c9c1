"""Schemathesis hooks for ``test_schema_fuzzing`` (loaded through ``SCHEMATHESIS_HOOKS``)."""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

SEEDED: dict[str, Any] = json.loads(os.environ.get("SUPPORTDESK_FUZZ_SEEDED", "{}"))
PROTECTED = {str(token_id) for token_id in SEEDED.get("protected_token_ids", [])}


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """The fuzzer does not revoke its own tokens (the other tokens are fair game). The
    coverage phase sends path values as text, hence ``str``."""
    return str((case.path_parameters or {}).get("token_id")) not in PROTECTED


MAX_ID = 2**63 - 1


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: Any) -> Any:
    """Two valid ids in three become the id of a real object, so generated calls reach the
    actions instead of stopping at a 404. Only a valid id is replaced, by another valid
    one: a case that is invalid because of its path stays invalid."""
    if not isinstance(path_parameters, dict):
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        real = SEEDED.get("ids", {}).get(name)
        try:
            number = int(str(value))
        except ValueError:
            continue
        if real and 1 <= number <= MAX_ID and number % 3:
            chosen = real[number % len(real)]
            mapped[name] = str(chosen) if isinstance(value, str) else chosen
    return mapped

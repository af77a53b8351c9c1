"""The entitlement figures the SLA report shows (filled by ``entitlements.report``). They
live here, not in ``reports``, so that the report may read the ledgers without the ledgers
importing the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class EntitlementFigures:
    """Administration hours in the contract year that holds the period's last day, and the
    on-site visits of that day's quarter (``entitlements.report``)."""

    year_start: date
    year_end: date  # exclusive
    hours_available_seconds: int  # the quota, grants and purchases
    hours_used_seconds: int  # approved, as charged
    hours_left_seconds: int
    in_hours_seconds: int  # approved work inside business hours: counted 1x
    off_hours_seconds: int  # approved work outside them: counted 2x
    off_hours_charged_seconds: int
    quarter_start: date
    quarter_end: date  # exclusive
    visits_used: int
    visits_left: int

"""The offer's four priority rules (SPEC section 6), as pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk.slamath.policy import Priority


class PriorityRuleError(ValueError):
    """A priority change the offer's rules do not allow."""


def rank(priority: Priority) -> int:
    """1 is the most urgent."""
    return int(priority.value[1])


@dataclass(frozen=True, slots=True)
class DetailRule:
    """What makes a description "detailed" (rule 1); configuration, not code."""

    min_description_length: int = 50
    needs_component: bool = True
    needs_scope: bool = True

    def missing(self, *, has_component: bool, has_scope: bool, description: str) -> list[str]:
        """What is missing for a detailed description; empty when detailed."""
        gaps = []
        if self.needs_component and not has_component:
            gaps.append("component")
        if self.needs_scope and not has_scope:
            gaps.append("scope")
        if len(description.strip()) < self.min_description_length:
            gaps.append(f"description of at least {self.min_description_length} characters")
        return gaps


def intake_priority(requested: Priority, *, detailed: bool) -> Priority:
    """Rule 1: without a detailed description a request is registered P4."""
    return requested if detailed else Priority.P4


def check_raise(current: Priority, new: Priority) -> None:
    """Rule 2: raising means a more urgent priority."""
    if rank(new) >= rank(current):
        raise PriorityRuleError(f"{new} is not higher than {current}")


def check_correction(current: Priority, new: Priority) -> None:
    """Rule 3: a correction, up or down, must change the priority."""
    if new == current:
        raise PriorityRuleError(f"the priority is already {current}")


DOWNGRADE_STEPS = frozenset({(Priority.P1, Priority.P2), (Priority.P2, Priority.P3)})


def check_downgrade(current: Priority, new: Priority) -> None:
    """Rule 4: after partial restoration only P1->P2 or P2->P3, with the customer's agreement."""
    if (current, new) not in DOWNGRADE_STEPS:
        raise PriorityRuleError(f"a downgrade goes P1->P2 or P2->P3 only, not {current}->{new}")

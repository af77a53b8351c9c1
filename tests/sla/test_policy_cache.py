"""The policy in force is read once per process (it never changes); a draft is read afresh,
so an edit made before it comes into force is what requests get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_django import DjangoAssertNumQueries

from supportdesk.sla.models import PolicyTarget
from supportdesk.sla.policies import as_policy, policy_rule, version_in_force
from supportdesk.sla.policy_actions import draft_policy_version
from supportdesk.slamath.policy import Priority, RequestType

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_an_edit_of_a_draft_is_what_the_next_read_sees() -> None:
    draft = draft_policy_version(source=version_in_force("8x5", NOW), actor=None, now=NOW)
    before = policy_rule(draft.pk, "incident", "P1", now=NOW)
    assert before.reaction.duration == timedelta(hours=1)

    PolicyTarget.objects.filter(version=draft, request_type="incident", priority="P1").update(
        reaction_minutes=30
    )

    assert policy_rule(draft.pk, "incident", "P1", now=NOW).reaction.duration == timedelta(
        minutes=30
    )


def test_once_in_force_a_draft_is_read_once(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    draft = draft_policy_version(source=version_in_force("8x5", NOW), actor=None, now=NOW)
    in_force = draft.effective_from
    matrix = as_policy(draft)
    assert policy_rule(draft.pk, "incident", "P1", now=in_force) == matrix.rule(
        RequestType.INCIDENT, Priority.P1
    )
    with django_assert_num_queries(0):
        rule = policy_rule(draft.pk, "bug", "P4", now=in_force + timedelta(days=1))
    assert rule == matrix.rule(RequestType.BUG, Priority.P4)

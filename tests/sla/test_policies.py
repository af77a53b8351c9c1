from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.policies import as_policy, version_in_force
from supportdesk.sla.policy_actions import draft_policy_version
from supportdesk.slamath.policy import PolicyError, shipped_plans

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize("plan", ["8x5", "24x7", "premium"])
def test_the_seeded_policy_is_the_shipped_matrix(plan: str) -> None:
    assert as_policy(version_in_force(plan, NOW)) == shipped_plans()[plan]


def test_a_draft_is_not_in_force_until_its_date() -> None:
    first = version_in_force("8x5", NOW)
    draft = draft_policy_version(source=first, actor=None, now=NOW)
    assert draft.number == 2
    assert version_in_force("8x5", NOW) == first
    assert version_in_force("8x5", draft.effective_from) == draft
    assert as_policy(draft) == as_policy(first)


def test_no_policy_before_the_first_version() -> None:
    with pytest.raises(PolicyError, match="no SLA policy"):
        version_in_force("8x5", datetime(2010, 1, 1, tzinfo=UTC))
    assert PolicyVersion.objects.count() == 3

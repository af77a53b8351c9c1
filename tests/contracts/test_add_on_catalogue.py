"""The add-on catalogue is data and complete; platform versions compare as numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.contracts.models import AddOn, AddOnDefinition
from supportdesk.contracts.reads import included_add_ons
from supportdesk.contracts.versions import Version, VersionError, is_below
from tests.tickets.conftest import Desk


@pytest.mark.django_db
def test_every_add_on_code_has_a_catalogue_row_with_a_unit() -> None:
    rows = {row.code: row for row in AddOnDefinition.objects.all()}  # seeded by the migration
    assert set(rows) == set(AddOn.values)
    assert all(row.unit for row in rows.values())


@pytest.mark.django_db
def test_the_gates_are_data() -> None:
    rows = {row.code: row for row in AddOnDefinition.objects.all()}
    assert rows[AddOn.TEST_DEV].gated_environments == ["test", "development"]
    assert rows[AddOn.CHATBOT_SMARTAPP].gated_concerns == ["custom_chatbot_smartapp"]
    assert rows[AddOn.REMOTE_ACCESS].gated_concerns == ["remote_access"]
    assert rows[AddOn.ONSITE].gated_request_types == ["onsite"]


def test_premium_includes_what_the_offer_says(desk: Desk) -> None:
    premium = {row.code for row in included_add_ons(desk.beta_contract)}
    assert premium == {
        AddOn.ADMINISTRATION, AddOn.DEDICATED_ENGINEER, AddOn.PERSONAL_MANAGER, AddOn.ONSITE,
        AddOn.PERFORMANCE_ANALYSIS, AddOn.CLIENT_APP_PUBLICATION,
    }  # fmt: skip
    assert included_add_ons(desk.alfa_contract) == []  # 8x5 with nothing bought
    desk.alfa_contract.add_ons = [AddOn.TEST_DEV.value]
    assert [row.code for row in included_add_ons(desk.alfa_contract)] == [AddOn.TEST_DEV]


parts = st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=4)


def _padded(numbers: list[int]) -> tuple[int, ...]:
    return tuple(numbers + [0] * (4 - len(numbers)))


@given(parts, parts)
def test_versions_compare_as_padded_number_tuples(a: list[int], b: list[int]) -> None:
    left, right = ".".join(map(str, a)), ".".join(map(str, b))
    assert is_below(left, right) == (_padded(a) < _padded(b))
    assert (Version(left) == Version(right)) == (_padded(a) == _padded(b))


@given(parts)
def test_a_pre_release_comes_before_its_release(a: list[int]) -> None:
    text = ".".join(map(str, a))
    assert is_below(f"{text}-rc1", text)
    assert not is_below(text, f"{text}-rc1")


@pytest.mark.parametrize("text", ["", "v3.1", "3..1", "3.1.2.3.4", "3.x", "3.1-", " "])
def test_what_is_not_a_version_is_refused(text: str) -> None:
    with pytest.raises(VersionError):
        Version(text)

"""The hot reads compiled once (``supportdesk.rows.Prepared``) give what the ORM's query
gives, with new values on every call and nothing kept between calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db.models import DateField, IntegerField, Model

from supportdesk.channels.rules import contract_for
from supportdesk.contracts.models import Contract
from supportdesk.rows import Param, Prepared
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff.models import NotificationPreferences, StaffEvent
from supportdesk.tickets.actions import open_request
from supportdesk.tickets.models import Channel, Component, Request, Scope
from supportdesk.tickets.notifications import _new_request_staff
from tests.tickets.conftest import DETAILED, Desk, at

REQUEST = Prepared(
    lambda: Request.objects.select_related("contract__policy_version__plan", "team").filter(
        organization_id=Param("organization", IntegerField())
    )
)
CONTRACT_DAYS = Prepared(
    lambda: (
        Contract.objects.filter(
            valid_from__lte=Param("day", DateField()), valid_until__gte=Param("day", DateField())
        )
        .order_by("number")
        .values_list("number", "valid_from")
    )
)


def fields(obj: Model) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def register(desk: Desk, subject: str, hour: int = 11) -> Request:
    return open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(24, hour),
    )  # fmt: skip


def test_a_prepared_read_gives_the_orms_rows_with_what_was_selected_with_them(
    desk: Desk, django_assert_num_queries: Any
) -> None:
    first, second = register(desk, "Calls drop"), register(desk, "Pushes late", hour=12)
    orm = list(
        Request.objects.select_related("contract__policy_version__plan", "team").filter(
            organization_id=desk.alfa.pk
        )
    )

    with django_assert_num_queries(1):
        rows = REQUEST(organization=desk.alfa.pk)
        plans = [row.contract.policy_version.plan.code for row in rows]

    assert [fields(row) for row in rows] == [fields(row) for row in orm]
    assert [row.pk for row in rows] == [second.pk, first.pk]  # the model's ordering
    assert isinstance(rows[0].registered_at, datetime)
    assert rows[0].registered_at.tzinfo is not None
    assert plans == ["8x5", "8x5"]
    assert REQUEST(organization=desk.beta.pk) == []


def test_each_call_reads_the_database_anew(desk: Desk) -> None:
    january = date(2026, 1, 1)
    assert CONTRACT_DAYS(day=date(2026, 6, 1)) == [("A-1", january), ("B-1", january)]
    Contract.objects.filter(number="B-1").update(valid_from=date(2026, 7, 1))

    assert CONTRACT_DAYS(day=date(2026, 6, 1)) == [("A-1", date(2026, 1, 1))]
    assert CONTRACT_DAYS(day=date(2026, 7, 1)) == [
        ("A-1", date(2026, 1, 1)), ("B-1", date(2026, 7, 1)),
    ]  # fmt: skip
    assert CONTRACT_DAYS(day=date(2028, 1, 1)) == []


def test_the_contract_in_force_is_read_anew_with_its_related_rows(
    desk: Desk, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        contract = contract_for(desk.alfa, at(24, 11), related=True)
        assert contract is not None
        named = (contract.dedicated_engineer, contract.personal_manager)
        calendar = contract.policy_version.plan.intake_calendar

    assert contract == desk.alfa_contract
    assert named == (desk.engineer, desk.manager)
    assert calendar is not None
    Contract.objects.filter(pk=desk.alfa_contract.pk).update(valid_until=date(2026, 11, 23))
    assert contract_for(desk.alfa, at(24, 11)) is None


def test_a_component_switched_off_is_not_found_on_the_next_read(desk: Desk) -> None:
    from supportdesk.api.reads import get_component
    from supportdesk.tickets.access import NotFound

    assert get_component("messaging") == desk.messaging
    Component.objects.filter(code="messaging").update(is_active=False)

    with pytest.raises(NotFound):
        get_component("messaging")


def test_the_staff_told_of_a_new_request_follow_their_preferences(desk: Desk) -> None:
    request = register(desk, "Calls drop")  # P3 on a contract with a dedicated engineer
    assert _new_request_staff(request, actor=None) == [_person(desk.engineer)]

    NotificationPreferences.objects.create(
        member=desk.engineer.staff, updated_at=at(24, 11),
        **{StaffEvent.NEW_REQUEST.value: False},
    )  # fmt: skip
    assert _new_request_staff(request, actor=None) == []

    Contract.objects.update(dedicated_engineer=None)
    request = Request.objects.select_related("contract").get(pk=request.pk)
    assert _new_request_staff(request, actor=desk.agent) == []  # the team's agent acted
    assert _new_request_staff(request, actor=None) == [_person(desk.agent)]


def _person(user: Any) -> Any:
    from supportdesk.tickets.notifications import Person

    return Person(user.email, user.staff.language)

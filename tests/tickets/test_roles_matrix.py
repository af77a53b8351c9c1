"""The permission matrix, walked: every capability × every role drives the real action.

Allowed: the action goes through. Refused: ActionDenied, and nothing in the database
changed (no row, no audit event, no mail in the outbox). The expectation is the matrix
itself (docs/roles.md is generated from it); the rows the issue names are pinned below
by hand so that a careless change of the matrix fails too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from supportdesk.billing import actions as billing_actions
from supportdesk.billing import quotes as billing_quotes
from supportdesk.calendars import actions as calendar_actions
from supportdesk.calendars.models import BusinessCalendar
from supportdesk.channels.email import actions as mail_actions
from supportdesk.channels.email.actions import process_message
from supportdesk.channels.email.models import InboundMail
from supportdesk.customers import actions as customer_actions
from supportdesk.customers.models import Contact
from supportdesk.pricing.calculator import Inputs
from supportdesk.pricing.pricelist import shipped_document
from supportdesk.sla import policy_actions
from supportdesk.sla.models import PolicyVersion
from supportdesk.slamath.hours import DayKind
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.staff import absences
from supportdesk.staff.models import StaffEvent, StaffMember
from supportdesk.staff.permissions import MATRIX, ActionDenied, Capability, Role, may, role_of
from supportdesk.staff.preferences import set_notification_preferences
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, PriorityDefinition, Request, Scope, Status
from tests.channels.email.mail import corpus
from tests.tickets.conftest import DETAILED, Desk, at

NOW = at(23, 12)
C = Capability
Run = Callable[[], Any]

# Capabilities whose actions live in apps this branch does not have yet: their own apps'
# tests drive them (worktime/entitlements, contracts, development); here only `may`.
EXERCISED_BY_THEIR_OWN_APPS = frozenset(
    {
        C.LOG_TIME,
        C.APPROVE_TIME,
        C.GRANT_QUOTA,
        C.SEE_ENTITLEMENTS,
        C.ACCEPT_OUT_OF_CONTRACT,
        C.MOVE_POLICY_VERSION,
        C.EDIT_INSTALLATION,
        C.HAND_TO_DEVELOPMENT,
        C.UPDATE_DEVELOPMENT_ITEM,
        C.MANAGE_FEATURE_REQUESTS,
        C.VOTE_FEATURE_REQUEST,
        C.PUBLISH_CLIENT_RELEASE,
        C.COMPLETE_PUBLICATION_TASK,
        C.LINK_MESSENGER_USER,  # tests/channels/express/test_bot.py
        C.HANDLE_CALLS,  # tests/channels/telephony/test_agent_actions.py
    }
)
# Reading: the read helpers ask these (tests/workspace/test_manager_view.py,
# tests/portal/test_organization_users.py); not a state change to walk here.
READ_CAPABILITIES = frozenset(
    {C.SEE_ALL_ORGANIZATIONS, C.SEE_ORGANIZATION_REQUESTS, C.SEE_MANAGED_CUSTOMERS, C.SEE_CONTRACT}
    | {C.SEE_PRICES}  # tests/billing/test_pages.py, test_api.py
)


def person(desk: Desk, role: Role) -> User:
    return {
        Role.AGENT: desk.agent,
        Role.ENGINEER: desk.engineer,
        Role.MANAGER: desk.manager,
        Role.LEAD: desk.lead,
        Role.CUSTOMER_USER: desk.anna,
        Role.CUSTOMER_ADMIN: desk.alfa_admin,
    }[role]


def request_of_anna(
    desk: Desk, priority: Priority = Priority.P3, *, detailed: bool = True
) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED if detailed else "calls drop",
        requested_priority=priority, channel=Channel.PORTAL,
        component=desk.messaging if detailed else None, scope=Scope.MASS if detailed else None,
        now=at(23, 10),
    )  # fmt: skip


def contact_of(desk: Desk, actor: User) -> Contact:
    """Actions a contact takes (deciding a downgrade, objecting) are offered to staff too
    through a contact row of their own: their role still refuses them."""
    contact = Contact.objects.filter(user=actor).first()
    if contact is None:
        contact = Contact.objects.create(
            organization=desk.alfa, user=actor, name=actor.username, email=actor.email,
            is_customer_admin=True,
        )  # fmt: skip
    return contact


def resolved(desk: Desk) -> Request:
    request = request_of_anna(desk)
    return actions.resolve(actor=desk.engineer, request=request, summary="Fixed.", now=at(23, 11))


def corrected(desk: Desk) -> Any:
    request = request_of_anna(desk, Priority.P2)
    actions.correct_priority(
        actor=desk.engineer, request=request, to=Priority.P3, reason="a workaround exists",
        definition=PriorityDefinition.P3_WORKAROUND, now=at(23, 11),
    )  # fmt: skip
    return request.priority_changes.order_by("-at", "-id").first()


def member_of(user: User) -> StaffMember | None:
    return StaffMember.objects.filter(user=user).first()


def setup_for(capability: Capability, desk: Desk, actor: User) -> Run:
    """What exercises ``capability`` for ``actor``: the state is made here, before the
    snapshot; the returned callable only calls the action."""
    if capability == C.REGISTER_REQUEST:
        staff = member_of(actor) is not None
        contact = desk.contact(desk.anna) if staff else Contact.objects.get(user=actor)
        return lambda: actions.open_request(
            actor=actor, contact=contact, request_type=RequestType.INCIDENT, subject="Down",
            description=DETAILED, requested_priority=Priority.P3,
            channel=Channel.PHONE if staff else Channel.PORTAL, component=desk.messaging,
            scope=Scope.MASS, now=NOW,
        )  # fmt: skip
    if capability == C.REPLY:
        request = request_of_anna(desk)
        return lambda: actions.reply(actor=actor, request=request, body="Hello", now=NOW)
    if capability == C.WRITE_INTERNAL_NOTE:
        request = request_of_anna(desk)
        return lambda: actions.add_internal_note(actor=actor, request=request, body="n", now=NOW)
    if capability == C.ASSIGN:
        request = request_of_anna(desk)
        return lambda: actions.assign(
            actor=actor, request=request, assignee=desk.agent, team=None, now=NOW
        )
    if capability == C.CHANGE_STATUS:
        request = request_of_anna(desk)
        return lambda: actions.set_status(
            actor=actor, request=request, status=Status.IN_PROGRESS, now=NOW
        )
    if capability == C.RESOLVE:
        request = request_of_anna(desk)
        return lambda: actions.resolve(actor=actor, request=request, summary="Done.", now=NOW)
    if capability == C.CONFIRM_RESOLUTION:
        request = resolved(desk)
        return lambda: actions.confirm_resolution(actor=actor, request=request, now=NOW)
    if capability == C.REOPEN:
        request = resolved(desk)
        return lambda: actions.reopen(actor=actor, request=request, reason="again", now=NOW)
    if capability == C.EXCLUDE_FROM_SLA:
        request = request_of_anna(desk)
        return lambda: actions.exclude_from_sla(
            actor=actor, request=request, reason="duplicate", now=NOW
        )
    if capability == C.RAISE_PRIORITY:
        request = request_of_anna(desk)
        return lambda: actions.raise_priority(
            actor=actor, request=request, to=Priority.P2, reason="mass", now=NOW
        )
    if capability == C.CORRECT_STAFF_PRIORITY:
        request = request_of_anna(desk, Priority.P2, detailed=False)  # rule 1 set P4
        return lambda: actions.correct_priority(
            actor=actor, request=request, to=Priority.P3, reason="a team", now=NOW
        )
    if capability == C.CORRECT_CUSTOMER_PRIORITY_DOWN:
        request = request_of_anna(desk, Priority.P2)
        return lambda: actions.correct_priority(
            actor=actor, request=request, to=Priority.P3, reason="a workaround exists",
            definition=PriorityDefinition.P3_WORKAROUND, now=NOW,
        )  # fmt: skip
    if capability == C.PROPOSE_DOWNGRADE:
        request = request_of_anna(desk, Priority.P2)
        return lambda: actions.propose_downgrade(
            actor=actor, request=request, to=Priority.P3, reason="partly restored", now=NOW
        )
    if capability == C.DECIDE_DOWNGRADE:
        request = request_of_anna(desk, Priority.P2)
        proposal = actions.propose_downgrade(
            actor=desk.engineer, request=request, to=Priority.P3, reason="partly", now=at(23, 11)
        )
        by = contact_of(desk, actor)
        return lambda: actions.decide_downgrade(by=by, proposal=proposal, accept=True, now=NOW)
    if capability == C.OBJECT_TO_PRIORITY_CORRECTION:
        correction = corrected(desk)
        by = contact_of(desk, actor)
        return lambda: actions.object_to_correction(
            by=by, correction=correction, reason="it is P2", now=NOW
        )
    if capability == C.DECIDE_PRIORITY_OBJECTION:
        correction = corrected(desk)
        objection = actions.object_to_correction(
            by=desk.contact(desk.anna), correction=correction, reason="P2", now=at(23, 11, 30)
        )
        return lambda: actions.decide_priority_objection(
            actor=actor, objection=objection, uphold=True, note="matches P3", now=NOW
        )
    if capability == C.SET_ABSENCE:
        member = member_of(actor) or StaffMember.objects.get(user=desk.engineer)
        return lambda: absences.set_absence(
            actor=actor, member=member, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 5),
            note="leave", now=NOW,
        )  # fmt: skip
    if capability == C.SET_OTHERS_ABSENCE:
        colleague = desk.agent if actor == desk.engineer else desk.engineer
        other = StaffMember.objects.get(user=colleague)
        return lambda: absences.set_absence(
            actor=actor, member=other, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 5),
            note="leave", now=NOW,
        )  # fmt: skip
    if capability == C.MANAGE_ORGANIZATION_USERS:
        return lambda: customer_actions.invite_user(
            actor=actor, organization=desk.alfa, name="Dina", email="dina@alfa.example", now=NOW
        )
    if capability == C.MANAGE_CALENDARS:
        calendar = BusinessCalendar.objects.get(name="ru-support")
        return lambda: calendar_actions.set_calendar_exception(
            calendar=calendar, day=date(2026, 12, 2), kind=DayKind.HOLIDAY, actor=actor, now=NOW
        )
    if capability == C.MANAGE_POLICIES:
        source = PolicyVersion.objects.get(plan__code="8x5", number=1)
        return lambda: policy_actions.draft_policy_version(source=source, actor=actor, now=NOW)
    if capability == C.RELEASE_QUARANTINED_MAIL:
        process_message(corpus("unknown_sender.eml"), mailbox="support", now=at(23, 11))
        mail = InboundMail.objects.get()
        return lambda: mail_actions.discard(actor=actor, mail=mail, note="spam", now=NOW)
    if capability == C.SET_NOTIFICATION_PREFERENCES:
        member = member_of(actor) or StaffMember.objects.get(user=desk.engineer)
        return lambda: set_notification_preferences(
            actor=actor, member=member, language="en", wanted={StaffEvent.SLA_BREACH}, now=NOW
        )
    if capability == C.MERGE_DUPLICATE:
        duplicate, into = request_of_anna(desk), request_of_anna(desk)
        return lambda: actions.merge_duplicate(actor=actor, duplicate=duplicate, into=into, now=NOW)
    if capability == C.MANAGE_INCIDENTS:
        return lambda: actions.open_incident(
            actor=actor, title="Push delays", description="", now=NOW
        )
    if capability == C.MANAGE_MACROS:
        return lambda: actions.save_macro(
            actor=actor, name="Logs", body="Hello {customer_name}", status=None, now=NOW
        )
    if capability == C.MANAGE_PRICE_LISTS:
        document = {**shipped_document(), "version": "walk", "illustrative": False}
        return lambda: billing_actions.load_draft(actor=actor, document=document, now=NOW)
    if capability == C.MANAGE_QUOTES:
        inputs = Inputs(plan="8x5", users=10, servers=1, period_start=date(2027, 1, 1))
        return lambda: billing_quotes.draft_quote(
            actor=actor, organization=desk.alfa, inputs=inputs, now=NOW
        )
    if capability == C.SAVE_QUEUE_VIEW:
        from supportdesk.search.actions import save_view

        return lambda: save_view(actor=actor, name="P1", query="tab=all&priority=P1", now=NOW)
    raise AssertionError(f"no exercise for {capability}")


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the project (and the users): what 'nothing changed'
    compares."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "admin", "contenttypes"):
            continue
        rows = model._default_manager.order_by("pk").values_list()
        tables[model._meta.label] = [tuple(map(repr, row)) for row in rows]
    return tables


WALKED = sorted(set(Capability) - EXERCISED_BY_THEIR_OWN_APPS - READ_CAPABILITIES)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("capability", WALKED, ids=str)
def test_every_action_for_every_role(desk: Desk, capability: Capability, role: Role) -> None:
    actor = person(desk, role)
    assert role_of(actor) == role
    run = setup_for(capability, desk, actor)
    if role in MATRIX[capability]:
        run()
        return
    before = snapshot()
    with pytest.raises(ActionDenied):
        run()
    assert snapshot() == before


@pytest.mark.parametrize("capability", sorted(EXERCISED_BY_THEIR_OWN_APPS | READ_CAPABILITIES))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_rest_of_the_matrix_through_may(desk: Desk, capability: Capability, role: Role) -> None:
    """Exercised by their own apps' tests (or read helpers); here, what `may` answers."""
    assert may(person(desk, role), capability) is (role in MATRIX[capability])


def test_every_capability_is_walked_or_listed() -> None:
    assert set(WALKED) | EXERCISED_BY_THEIR_OWN_APPS | READ_CAPABILITIES == set(Capability)
    assert set(MATRIX) == set(Capability)


# The rows issue 10 names, pinned by hand.
PINNED = {
    C.CORRECT_CUSTOMER_PRIORITY_DOWN: {Role.ENGINEER, Role.LEAD},
    C.PROPOSE_DOWNGRADE: {Role.AGENT, Role.ENGINEER, Role.MANAGER, Role.LEAD},
    C.RESOLVE: {Role.AGENT, Role.ENGINEER, Role.LEAD},
    C.LOG_TIME: {Role.ENGINEER, Role.LEAD},
    C.APPROVE_TIME: {Role.LEAD},
    C.GRANT_QUOTA: {Role.LEAD},
    C.HAND_TO_DEVELOPMENT: {Role.ENGINEER, Role.LEAD},
    C.DECIDE_PRIORITY_OBJECTION: {Role.LEAD},
    C.SET_OTHERS_ABSENCE: {Role.LEAD},
    C.MANAGE_ORGANIZATION_USERS: {Role.CUSTOMER_ADMIN, Role.LEAD},
    # Issue 12: canned replies are the leads'; merging is a resolver's; incidents L2 up.
    C.MANAGE_MACROS: {Role.LEAD},
    C.MERGE_DUPLICATE: {Role.AGENT, Role.ENGINEER, Role.LEAD},
    C.MANAGE_INCIDENTS: {Role.ENGINEER, Role.LEAD},
}


@pytest.mark.parametrize("capability", list(PINNED), ids=str)
def test_the_rows_the_issue_names(capability: Capability) -> None:
    assert MATRIX[capability] == PINNED[capability]


def test_nobody_without_a_role_may_anything(desk: Desk) -> None:
    desk.anna.is_active = False
    desk.anna.save(update_fields=["is_active"])
    assert role_of(desk.anna) is None
    assert not any(may(desk.anna, capability) for capability in Capability)

"""A chat is a channel like any: its first message opens a request through intake (same
priority, clocks and notifications as the portal's), a post sent twice is taken once, an
agent takes a waiting chat, and outside support hours the chat says when the clock starts."""

from __future__ import annotations

import pytest

from supportdesk.channels.actions import receive
from supportdesk.channels.chat import actions, reads
from supportdesk.channels.chat.models import ChatState
from supportdesk.channels.inbound import Inbound, InboundFile
from supportdesk.channels.models import Receipt
from supportdesk.contracts.models import Contract
from supportdesk.notifications.models import Notification
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Message, Request
from tests.tickets.conftest import Desk, at

TEXT = "The mail server rejects every message since 9:40, users see error 550."


def _facts(request: Request) -> dict[str, object]:
    request.refresh_from_db()
    reaction, resolution = request.reaction_clock, request.resolution_clock
    assert reaction is not None
    assert resolution is not None
    return {
        "priority": request.priority,
        "type": request.request_type,
        "registered": request.registered_at,
        "reaction_due": reaction.due_at,
        "resolution_due": resolution.due_at,
        "notified": sorted(
            (n.event, n.recipient) for n in Notification.objects.filter(thread=request.reference)
        ),
    }


def test_a_chat_request_gets_the_portals_priority_clocks_and_notifications(desk: Desk) -> None:
    started = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    )
    in_portal = receive(
        Inbound(channel=Channel.PORTAL, sender_scope=f"user:{desk.anna.pk}", external_id=None,
                actor=desk.anna, subject=TEXT, description=TEXT),
        now=at(23, 11),
    ).request  # fmt: skip
    assert in_portal is not None
    by_chat = started.chat.request
    assert by_chat.channel == Channel.CHAT
    chat_facts, portal_facts = _facts(by_chat), _facts(in_portal)
    assert chat_facts["priority"] == "P4"  # rule 1: free text names no component, no scope
    assert chat_facts == portal_facts
    assert chat_facts["notified"]  # the acknowledgement, as in the portal
    assert (started.chat.state, started.chat.after_message, started.chat.clock_starts_at) == (
        ChatState.WAITING, 0, None,
    )  # fmt: skip


def test_a_post_sent_twice_is_taken_once(desk: Desk) -> None:
    chat = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat
    again = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11, 1)
    ).chat
    assert (again.pk, Request.objects.count()) == (chat.pk, 1)
    post = actions.Post(text="Any news?", post_id="second-post")
    first = actions.post(actor=desk.anna, chat=chat, post=post, now=at(23, 11, 5))
    second = actions.post(actor=desk.anna, chat=chat, post=post, now=at(23, 11, 6))
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.message == second.message
    assert Message.objects.filter(request=chat.request).count() == 1
    assert Receipt.objects.filter(channel=Channel.CHAT).count() == 2


def test_an_agent_takes_a_waiting_chat_and_answers_with_a_file(desk: Desk) -> None:
    # No dedicated engineer: intake leaves the request unassigned, so taking the chat
    # gives the agent the request too (with one, it stays theirs: the next test).
    Contract.objects.filter(pk=desk.alfa_contract.pk).update(dedicated_engineer=None)
    chat = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat
    assert list(reads.waiting(desk.agent)) == [chat]
    taken = actions.take(actor=desk.agent, chat=chat, now=at(23, 11, 3))
    assert (taken.state, taken.agent) == (ChatState.ACTIVE, desk.agent)
    with pytest.raises(ActionError):
        actions.take(actor=desk.engineer, chat=chat, now=at(23, 11, 4))
    chat.request.refresh_from_db()
    assert chat.request.assignee == desk.agent
    answer = actions.Post(
        text="Please try now.", post_id="agent-post-1",
        files=(InboundFile(name="fix.txt", content_type="text/plain", data=b"restart"),),
    )  # fmt: skip
    received = actions.post(actor=desk.agent, chat=taken, post=answer, now=at(23, 11, 10))
    assert received.message is not None
    assert received.message.from_vendor
    assert [a.name for a in received.message.attachments.all()] == ["fix.txt"]
    reaction = chat.request.reaction_clock
    assert reaction is not None
    reaction.refresh_from_db()
    assert reaction.status == "stopped"  # the agent's chat answer is the first response
    assert [m.pk for m in reads.transcript(taken)] == [received.message.pk]


def test_taking_a_chat_leaves_the_dedicated_engineer_their_request(desk: Desk) -> None:
    chat = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat
    actions.take(actor=desk.agent, chat=chat, now=at(23, 11, 3))
    chat.request.refresh_from_db()
    assert chat.request.assignee == desk.engineer
    assert list(reads.waiting(desk.agent)) == []


def test_a_chat_about_an_existing_request_adds_to_it(desk: Desk) -> None:
    first = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat
    actions.close(actor=desk.anna, chat=first, now=at(23, 12))
    again = actions.start(
        actor=desk.anna, post=actions.Post(text="It is back.", post_id="again-post-1"),
        thread=first.request, now=at(23, 14),
    ).chat  # fmt: skip
    assert again.pk != first.pk
    assert again.request == first.request
    assert [m.body for m in reads.transcript(again)] == ["It is back."]


def test_out_of_hours_the_chat_says_when_the_clock_starts_and_takes_the_request(
    desk: Desk,
) -> None:
    saturday = at(28, 11)
    chat = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=saturday
    ).chat
    assert chat.clock_starts_at is not None
    assert chat.clock_starts_at > saturday
    assert Request.objects.filter(pk=chat.request_id).exists()


def test_customers_see_only_their_chats(desk: Desk) -> None:
    chat = actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat
    assert list(reads.visible_chats(desk.vera)) == []
    assert list(reads.visible_chats(desk.boris)) == []
    assert list(reads.visible_chats(desk.alfa_admin)) == [chat]

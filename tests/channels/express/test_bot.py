from __future__ import annotations

import json
import uuid

import jwt
from pytest_django.fixtures import Settings

from supportdesk.channels.express.models import (
    ChatThread,
    Command,
    Delivery,
    MessengerUser,
    RejectedDelivery,
    UserState,
)
from supportdesk.tickets.models import Channel, Request
from tests.channels.express.conftest import SECRET, Messenger
from tests.tickets.conftest import DETAILED, Desk


def test_a_request_made_step_by_step(anna_in_chat: Messenger, desk: Desk) -> None:
    chat = anna_in_chat
    assert chat.send("/new").status_code == 202
    asked = chat.answers()
    assert len(asked) == 1
    buttons = asked[0]["notification"]["bubble"]
    types = [b["data"]["value"] for row in buttons for b in row]
    assert "incident" in types
    chat.send("/pick", data={"field": "type", "value": "incident"})
    chat.send("/pick", data={"field": "component", "value": str(desk.messaging.pk)})
    chat.send("/pick", data={"field": "scope", "value": "mass"})
    chat.send(DETAILED)
    priorities = chat.answers()[-1]
    assert "P2" in priorities["notification"]["body"]
    chat.send("/pick", data={"field": "priority", "value": "P2"})
    request = Request.objects.get()
    assert (request.channel, request.priority, request.contact) == (
        Channel.EXPRESS, "P2", desk.anna.contact,
    )  # fmt: skip
    assert ChatThread.objects.get(request=request).chat_id == chat.chat_id
    sent = chat.answers()
    bodies = [s["notification"]["body"] for s in sent]
    assert any(request.reference in body for body in bodies)
    assert all(s["group_chat_id"] == str(chat.chat_id) for s in sent)
    # BotX calls back for each message: the outcome is recorded
    responses = chat.post_callbacks()
    assert {r.status_code for r in responses} == {200}
    assert Delivery.objects.exclude(callback_status="ok").count() == 0


def test_unsigned_and_badly_signed_commands_change_nothing(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    payload = chat.botx.command("/new", huid=chat.huid, chat_id=chat.chat_id)
    body = json.dumps(payload)
    unsigned = chat.client.post("/botx/command", data=body, content_type="application/json")
    forged = chat.client.post(
        "/botx/command", data=body, content_type="application/json",
        **chat.botx.headers(secret="not-the-secret-but-as-long-as-the-real-one"),
    )  # fmt: skip
    assert (unsigned.status_code, forged.status_code) == (401, 401)
    assert Command.objects.count() == RejectedDelivery.objects.count() == 0


def test_a_malformed_command_is_refused_and_kept(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    response = chat.client.post(
        "/botx/command", data='{"sync_id": "x"}', content_type="application/json",
        **chat.botx.headers(),
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["detail"]
    kept = RejectedDelivery.objects.get()
    assert kept.body == '{"sync_id": "x"}'
    assert Command.objects.count() == 0


def test_a_replayed_command_acts_once(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    payload = chat.botx.command("/new", huid=chat.huid, chat_id=chat.chat_id)
    assert chat.deliver(payload).status_code == 202
    assert chat.deliver(payload).status_code == 202
    assert Command.objects.count() == 1
    assert len(chat.answers()) == 1


def test_an_unknown_user_is_quarantined_for_a_lead(
    anna_in_chat: Messenger, desk: Desk, settings: Settings
) -> None:
    chat = anna_in_chat
    chat.ad_login = "stranger"
    chat.send("/new")
    user = MessengerUser.objects.get()
    assert user.state == UserState.HELD
    assert "руководитель поддержки" in chat.answers()[0]["notification"]["body"]  # Russian first


def test_the_status_menu(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    query = {"bot_id": str(chat.botx.bot_id), "chat_type": "chat", "user_huid": str(chat.huid),
             "ad_login": "anna", "ad_domain": "", "username": "Anna", "is_admin": "false",
             "is_creator": "false"}  # fmt: skip
    response = chat.client.get("/botx/status", query, **chat.botx.headers())
    assert response.status_code == 200, response.content
    commands = [c["body"] for c in response.json()["result"]["commands"]]
    assert "/new" in commands
    assert chat.client.get("/botx/status", query).status_code == 401


def test_the_bot_signs_with_its_secret(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    chat.send("/my")
    chat.answers()
    token = chat.botx.sent[-1].authorization.split()[-1]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="127.0.0.1")
    assert claims["iss"] == str(chat.botx.bot_id)
    assert uuid.UUID(claims["iss"])


def _open_p2(chat: Messenger, desk: Desk) -> Request:
    chat.send("/new")
    chat.send("/pick", data={"field": "type", "value": "incident"})
    chat.send("/pick", data={"field": "component", "value": str(desk.messaging.pk)})
    chat.send("/pick", data={"field": "scope", "value": "mass"})
    chat.send(DETAILED)
    chat.send("/pick", data={"field": "priority", "value": "P2"})
    chat.answers()
    return Request.objects.get(channel=Channel.EXPRESS)


def test_the_same_priority_clocks_and_notifications_as_the_portal(
    anna_in_chat: Messenger, desk: Desk
) -> None:
    import time_machine
    from django.utils import timezone

    from supportdesk.channels.actions import receive
    from supportdesk.notifications.models import Notification
    from tests.channels.conftest import new_in_portal

    with time_machine.travel("2026-03-03 10:00 +03:00", tick=False):
        bot = _open_p2(anna_in_chat, desk)
        portal = receive(new_in_portal(desk), now=timezone.now()).request
    assert portal is not None
    assert (bot.priority, bot.registered_at) == (portal.priority, portal.registered_at)
    assert bot.reaction_clock.due_at == portal.reaction_clock.due_at
    assert bot.resolution_clock.due_at == portal.resolution_clock.due_at

    def mails(request: Request) -> list[tuple[str, str]]:
        rows = Notification.objects.filter(thread=request.reference, channel="email")
        return sorted(rows.values_list("event", "recipient"))

    assert mails(bot) == mails(portal)
    # ... and the customer's acknowledgement also went to the chat
    assert Notification.objects.filter(
        thread=bot.reference, channel="express", event="request.acknowledged"
    ).exists()


def test_downgrade_buttons_decide_the_proposal(anna_in_chat: Messenger, desk: Desk) -> None:
    from django.utils import timezone

    from supportdesk.slamath.policy import Priority
    from supportdesk.tickets import actions
    from supportdesk.tickets.models import DowngradeProposal, ProposalState

    chat = anna_in_chat
    request = _open_p2(chat, desk)
    actions.propose_downgrade(
        actor=desk.engineer, request=request, to=Priority.P3, reason="Partly restored",
        now=timezone.now(),
    )  # fmt: skip
    proposal_message = chat.answers()[-1]
    bubbles = proposal_message["notification"]["bubble"]
    agree = bubbles[0][0]
    assert agree["command"] == "/downgrade"
    assert agree["data"]["accept"] is True
    chat.send(agree["command"], data=agree["data"])
    proposal = DowngradeProposal.objects.get()
    assert proposal.state == ProposalState.ACCEPTED
    request.refresh_from_db()
    assert request.priority == "P3"


def test_a_reply_and_a_file_go_to_the_request(anna_in_chat: Messenger, desk: Desk) -> None:
    chat = anna_in_chat
    request = _open_p2(chat, desk)
    chat.send("/reply", data={"request": request.pk})
    chat.send("Here are the logs")
    chat.send("/file", data={"request": request.pk})
    chat.send("", file=("log.txt", b"line 1\n"))
    bodies = list(request.messages.values_list("body", flat=True))
    assert "Here are the logs" in bodies
    from supportdesk.tickets.models import Attachment

    assert Attachment.objects.get(message__request=request).name == "log.txt"


def test_a_lead_links_a_quarantined_user(anna_in_chat: Messenger, desk: Desk) -> None:
    import pytest
    from django.utils import timezone

    from supportdesk.channels.express.actions import link_user
    from supportdesk.staff.permissions import ActionDenied

    chat = anna_in_chat
    chat.ad_login = "a.ivanova"
    chat.send("/my")
    user = MessengerUser.objects.get()
    contact = desk.anna.contact
    with pytest.raises(ActionDenied):
        link_user(actor=desk.agent, user=user, contact=contact, now=timezone.now())
    link_user(actor=desk.lead, user=user, contact=contact, now=timezone.now())
    chat.answers()
    chat.send("/my")
    assert "нет открытых обращений" in chat.answers()[-1]["notification"]["body"]

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
    assert "lead" in chat.answers()[0]["notification"]["body"]


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

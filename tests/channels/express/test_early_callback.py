"""BotX may call back about a message before our transport has recorded sending it (BotX
answers the send, posts the callback, and our row commits after both). The verdict is
kept and meets the message when the transport records it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.express.models import CallbackStatus, Delivery
from supportdesk.notifications.models import Notification
from tests.channels.express.conftest import Messenger


def _call_back(chat: Messenger, body: Mapping[str, object]) -> int:
    response = chat.client.post(
        "/botx/notification/callback", data=json.dumps(body),
        content_type="application/json", **chat.botx.headers(),
    )  # fmt: skip
    return int(response.status_code)


def test_a_callback_before_the_delivery_is_kept_and_matched(
    anna_in_chat: Messenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = anna_in_chat
    monkeypatch.setattr("supportdesk.notifications.outbox._kick", lambda: None)
    chat.send("/my")  # the answer waits in the outbox
    answer = Notification.objects.get(channel="express")
    sync_id = uuid.uuid4()

    # given BotX's verdict arrives before the message is recorded as sent
    refused = {"sync_id": str(sync_id), "status": "error", "reason": "chat_not_found",
               "errors": ["chat_not_found"], "error_data": {}}  # fmt: skip
    assert _call_back(chat, refused) == 200
    waiting = Delivery.objects.get(sync_id=sync_id)
    assert (waiting.notification, waiting.callback_status) == (None, CallbackStatus.ERROR)
    assert not AuditEvent.objects.filter(action="express.callback").exists()

    # when the transport records the message BotX answered with that sync_id
    chat.botx.next_sync_ids.append(str(sync_id))
    assert len(chat.answers()) == 1

    # then the verdict belongs to the message, and the refusal is on its audit trail
    delivery = Delivery.objects.get()
    assert delivery.pk == waiting.pk
    assert (delivery.notification, delivery.callback_status, delivery.callback_reason) == (
        answer, CallbackStatus.ERROR, "chat_not_found",
    )  # fmt: skip
    assert delivery.sent_at is not None
    event = AuditEvent.objects.get(action="express.callback")
    assert (event.subject_id, event.data["reason"]) == (str(answer.pk), "chat_not_found")


def test_a_callback_after_the_delivery_is_recorded_once(anna_in_chat: Messenger) -> None:
    chat = anna_in_chat
    chat.send("/my")
    chat.answers()
    sent = Delivery.objects.get()
    assert _call_back(chat, {"sync_id": str(sent.sync_id), "status": "ok", "result": {}}) == 200
    sent.refresh_from_db()
    assert sent.callback_status == CallbackStatus.OK
    assert Delivery.objects.count() == 1

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from supportdesk.channels.express.models import BotAccount
from supportdesk.notifications.sender import send_batch
from tests.channels.express.fake_botx import FakeBotX
from tests.tickets.conftest import Desk

SECRET = "a-bot-secret-long-enough-for-hs256-keys"


@pytest.fixture(scope="session")
def fake_botx() -> Iterator[FakeBotX]:
    fake = FakeBotX(bot_id=uuid.uuid4(), secret=SECRET)
    server = fake.start()
    yield fake
    server.should_exit = True


@pytest.fixture
def botx(fake_botx: FakeBotX) -> FakeBotX:
    fake_botx.sent.clear()
    fake_botx.callbacks.clear()
    fake_botx.next_sync_ids.clear()
    fake_botx.next_status_codes.clear()
    fake_botx.verdict, fake_botx.status_code = "ok", 202
    return fake_botx


@pytest.fixture
def account(desk: Desk, botx: FakeBotX) -> BotAccount:
    return BotAccount.objects.create(
        name="Alfa CTS", organization=desk.alfa, bot_id=botx.bot_id, secret_key=SECRET,
        cts_url=botx.url,
    )  # fmt: skip


@dataclass
class Messenger:
    """One messenger user in one chat, talking to the bot through BotX."""

    client: Client
    botx: FakeBotX
    huid: uuid.UUID
    chat_id: uuid.UUID
    ad_login: str
    capture: Any
    seen: int = 0

    def send(self, body: str, **options: Any) -> Any:
        payload = self.botx.command(
            body, huid=self.huid, chat_id=self.chat_id, ad_login=self.ad_login, **options
        )
        return self.deliver(payload)

    def deliver(self, payload: dict[str, Any]) -> Any:
        with self.capture(execute=True):  # the job runs after the commit (immediate in tests)
            return self.client.post(
                "/botx/command", data=json.dumps(payload), content_type="application/json",
                **self.botx.headers(),
            )  # fmt: skip

    def answers(self) -> list[dict[str, Any]]:
        """Send what the outbox holds and return what BotX received since last asked."""
        while send_batch(now=_now()).claimed:
            pass
        before, self.seen = self.seen, len(self.botx.sent)
        return [sent.body for sent in self.botx.sent[before:]]

    def post_callbacks(self) -> list[Any]:
        return self.botx.post_callbacks(
            lambda body, auth: self.client.post(
                "/botx/notification/callback", data=json.dumps(body),
                content_type="application/json", HTTP_AUTHORIZATION=auth,
            )
        )  # fmt: skip


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def anna_in_chat(
    account: BotAccount, botx: FakeBotX, desk: Desk, django_capture_on_commit_callbacks: Any
) -> Messenger:
    return Messenger(Client(), botx, uuid.uuid4(), uuid.uuid4(), "anna",
                     django_capture_on_commit_callbacks)  # fmt: skip

"""A fake BotX server on loopback: a small ASGI app under uvicorn on a free port. It signs
commands as BotX does (the bot's JWT), records what the bot sends (token requests and
messages) and posts each message's callback back to the product when asked (BotX posts
it some time after it answered the send)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from pybotx.auth import build_botx_jwt_v2

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Sent:
    path: str
    authorization: str
    body: dict[str, Any]
    sync_id: str


@dataclass
class FakeBotX:
    bot_id: uuid.UUID
    secret: str
    port: int = field(default_factory=free_port)
    sent: list[Sent] = field(default_factory=list)
    token_requests: list[str] = field(default_factory=list)
    # How BotX answers each message in its callback: "ok" or an error reason.
    verdict: str = "ok"
    status_code: int = 202
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    # The sync_ids to answer the next messages with (else fresh ones), and the statuses
    # (else ``status_code``).
    next_sync_ids: list[str] = field(default_factory=list)
    next_status_codes: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    # -- what BotX sends the bot ----------------------------------------------------------

    def token(self, *, secret: str | None = None, bot_id: uuid.UUID | None = None) -> str:
        return build_botx_jwt_v2(
            bot_id=bot_id or self.bot_id, bot_host=HOST, secret_key=secret or self.secret
        )

    def headers(self, **options: Any) -> dict[str, Any]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(**options)}"}

    def command(
        self,
        body: str,
        *,
        huid: uuid.UUID,
        chat_id: uuid.UUID,
        data: dict[str, Any] | None = None,
        ad_login: str = "",
        sync_id: uuid.UUID | None = None,
        file: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        attachments = []
        if file is not None:
            import base64

            name, content = file
            encoded = base64.b64encode(content).decode()
            attachments.append({
                "type": "document",
                "data": {"content": f"data:application/octet-stream;base64,{encoded}",
                         "file_name": name},
            })  # fmt: skip
        return {
            "bot_id": str(self.bot_id),
            "sync_id": str(sync_id or uuid.uuid4()),
            "source_sync_id": None,
            "proto_version": 4,
            "command": {"body": body, "command_type": "user", "data": data or {}, "metadata": {}},
            "attachments": attachments,
            "entities": [],
            "from": {
                "user_huid": str(huid), "group_chat_id": str(chat_id), "chat_type": "chat",
                "ad_login": ad_login or None, "ad_domain": None, "username": "User",
                "is_admin": False, "is_creator": False, "host": HOST, "device": None,
                "device_software": None, "device_meta": None, "platform": "web",
                "platform_package_id": None, "app_version": None, "locale": "ru",
                "manufacturer": None, "user_udid": None,
            },
        }  # fmt: skip

    # -- the server -------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        path = scope["path"]
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if path.endswith("/token"):
            self.token_requests.append(path)
            await self._answer(send, 200, {"status": "ok", "result": "cts-token"})
            return
        sync_id = self.next_sync_ids.pop(0) if self.next_sync_ids else str(uuid.uuid4())
        self.sent.append(Sent(path, headers.get("authorization", ""), json.loads(body), sync_id))
        status_code = self.next_status_codes.pop(0) if self.next_status_codes else self.status_code
        if status_code != 202:
            await self._answer(send, status_code, {"status": "error", "reason": "x"})
            return
        await self._answer(send, 202, {"status": "ok", "result": {"sync_id": sync_id}})
        callback: dict[str, Any] = (
            {"sync_id": sync_id, "status": "ok", "result": {}}
            if self.verdict == "ok"
            else {"sync_id": sync_id, "status": "error", "reason": self.verdict,
                  "errors": [self.verdict], "error_data": {}}
        )  # fmt: skip
        self.callbacks.append(callback)

    def post_callbacks(self, post: Callable[[dict[str, Any], str], Any]) -> list[Any]:
        """Post each waiting callback back, signed: ``post(body, authorization)``."""
        waiting, self.callbacks = self.callbacks, []
        return [post(callback, f"Bearer {self.token()}") for callback in waiting]

    @staticmethod
    async def _answer(send: Any, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": data})

    def start(self) -> uvicorn.Server:
        server = uvicorn.Server(
            uvicorn.Config(self, host=HOST, port=self.port, log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return server

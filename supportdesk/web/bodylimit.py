"""The request-size limit, in the ASGI layer, before Django reads a byte of the body.

Django's ASGI handler spools the whole body to a temporary file before any view or upload
handler runs, so a limit checked there comes after the disk has filled. This wrapper
answers 413 at once when the declared ``Content-Length`` is over the limit, and when a
streamed (chunked) body passes it, stops reading, tells Django the client is gone and
answers 413; the connection is closed, so the rest is never read.

The limit: ``DATA_UPLOAD_MAX_REQUEST_SIZE`` for multipart uploads (every file at its limit
plus the form), ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for every other body (JSON, forms), which
is what Django would refuse anyway once it had read it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext

type Scope = dict[str, Any]
type Receive = Callable[[], Awaitable[Mapping[str, Any]]]
type Send = Callable[[Mapping[str, Any]], Awaitable[None]]
type App = Callable[[Scope, Receive, Send], Awaitable[None]]

DISCONNECT = {"type": "http.disconnect"}


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def body_limit(scope: Scope) -> int:
    content_type = (_header(scope, b"content-type") or b"").lower()
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type.startswith(b"multipart/form-data") or fields is None:
        return int(settings.DATA_UPLOAD_MAX_REQUEST_SIZE)
    return int(fields)


def _declared_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


def _language(scope: Scope) -> str:
    """The language the pages would speak by the switch's cookie, else the default; no
    database here, so a customer's profile language is not asked."""
    cookies = parse_cookie((_header(scope, b"cookie") or b"").decode("latin-1"))
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else str(settings.LANGUAGE_CODE)


def _refusal(scope: Scope, limit: int) -> tuple[bytes, bytes]:
    path = str(scope.get("path", "")).removeprefix(str(scope.get("root_path", "")))
    if path.startswith("/api/"):
        detail = f"the request body is larger than {limit} bytes"
        return json.dumps({"detail": detail}).encode(), b"application/json"
    from django.template.defaultfilters import filesizeformat

    with translation.override(_language(scope)):
        text = gettext(
            "The request is larger than %(limit)s and was refused; nothing was saved. "
            "A file may be at most %(file_limit)s."
        ) % {
            "limit": filesizeformat(limit),
            "file_limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
    return text.encode(), b"text/plain; charset=utf-8"


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    body, content_type = _refusal(scope, limit)
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the server closes instead of reading the rest
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Wraps the Django ASGI application (``supportdesk.asgi``)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        received = 0
        over = False
        started = False

        async def receive_within_limit() -> Mapping[str, Any]:
            nonlocal received, over
            if over:
                return DISCONNECT
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return DISCONNECT  # Django stops reading and answers nothing
            return message

        async def send_watched(message: Mapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, receive_within_limit, send_watched)
        if over and not started:
            await _refuse(scope, send, limit)

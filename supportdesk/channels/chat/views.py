"""The chat pages of the portal and the workspace, thin over ``chat.actions`` and
``chat.reads``: plain form posts (htmx sends them without reloading the page; without
JavaScript they post and come back), and the live stream, an async view sending
server-sent events that htmx's SSE extension swaps into the page.

The stream is the database read again from the last message id the page has: on a
wake-up from Redis pub/sub (``fanout``) or every poll interval without Redis. A page that
reconnects sends that id (``Last-Event-ID``, or ``?after=`` which ``chat.js`` keeps up to
date), so nothing is lost and nothing is sent twice.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, Literal
from zoneinfo import ZoneInfo

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, TooManyFilesSent
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from supportdesk.calendars.engine import Calendars
from supportdesk.channels import rules
from supportdesk.channels.chat import actions, fanout, reads
from supportdesk.channels.chat.forms import ChatPostForm
from supportdesk.channels.chat.models import Chat, ChatState
from supportdesk.channels.inbound import InboundFile
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets.access import (
    NotFound,
    contact_of,
    get_request,
    is_staff,
)
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Message

type Side = Literal["portal", "desk"]
type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 1000


def _plain(status: int, reason: str) -> HttpResponse:
    return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")


def _allowed(user: object, side: Side) -> HttpResponse | None:
    """401 for a visitor who has not signed in, 403 for the wrong side's account."""
    if not isinstance(user, User) or not user.is_authenticated:
        return _plain(401, _("Sign in first."))
    if side == "desk" and not is_staff(user):
        return _plain(403, _("Only support staff may do this."))
    if side == "portal" and contact_of(user) is None:
        return _plain(403, _("Only customers use the portal's chat."))
    return None


def chat_view[**P](side: Side) -> Callable[[View[P]], View[P]]:
    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.method == "GET" and not request.user.is_authenticated:
                return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
            refused = _allowed(request.user, side)
            return refused if refused is not None else view(request, *args, **kwargs)

        return wrapper

    return decorate


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # _allowed answered 401 before
        raise PermissionDenied
    return request.user


def _zone(chat: Chat) -> ZoneInfo:
    return ZoneInfo(chat.request.organization.time_zone)


def _notice(chat: Chat) -> str:
    if chat.clock_starts_at is None:
        return ""
    zone = chat.request.organization.time_zone
    return rules.IntakeNotice(starts_at=chat.clock_starts_at).text(zone)


def _fetch(request: HttpRequest, chat_id: int) -> Chat | HttpResponse:
    try:
        return reads.chat_for(_user(request), chat_id)
    except NotFound:
        return _plain(404, _("No such chat."))


def _page(
    request: HttpRequest, chat: Chat, side: Side, form: ChatPostForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    transcript = reads.transcript(chat)
    last = transcript[-1].pk if transcript else chat.after_message
    prefix = "chat-portal" if side == "portal" else "chat-desk"
    return render(
        request,
        f"chat/{side}_chat.html",
        {
            "chat": chat,
            "ticket": chat.request,
            "side": side,
            "transcript": transcript,
            "opened_here": chat.after_message == 0,
            "stream_url": f"{reverse(f'{prefix}:stream', args=[chat.pk])}?after={last}",
            "post_url": reverse(f"{prefix}:post", args=[chat.pk]),
            "close_url": reverse(f"{prefix}:close", args=[chat.pk]),
            "form": form or ChatPostForm(initial={"post_id": _new_post_id()}),
            "notice": _notice(chat),
            "zone": _zone(chat),
            "closed": chat.state == ChatState.CLOSED,
        },
        status=status,
    )


def _new_post_id() -> str:
    return secrets.token_urlsafe(16)


def _csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """The CSRF check of a view exempted so that its form is read first (a post with too
    many files would otherwise fail in the middleware with Django's own 400 page)."""
    return CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(
        request, lambda _request: HttpResponse(), (), {}
    )


def _form_fields(request: HttpRequest) -> dict[str, Any]:
    """What was posted, for the rejected post's record: fields, and files by name and size."""
    fields: dict[str, Any] = {
        name: [value[:2000] for value in request.POST.getlist(name)]
        for name in request.POST
        if name != "csrfmiddlewaretoken"
    }
    uploads = request.FILES.getlist("attachments")
    fields["files"] = [{"name": upload.name, "size": upload.size} for upload in uploads]

    return fields


def _rejected(
    request: HttpRequest, chat: Chat | None, reason: str, fields: dict[str, Any]
) -> HttpResponse:
    actions.reject(actor=_user(request), chat=chat, reason=reason, fields=fields,
                   now=timezone.now())  # fmt: skip
    return _plain(400, reason)


def _read_post(request: HttpRequest, chat: Chat | None) -> actions.Post | HttpResponse:
    """The posted message, or a 400 with the reason (the post kept as a RejectedPost)."""
    try:
        request.FILES  # noqa: B018 -- parses the form, counting its files
    except TooManyFilesSent:
        return _rejected(request, chat, _("Too many files in one message."), {})
    form = ChatPostForm(request.POST, request.FILES)
    if not form.is_valid():
        reasons = [str(error) for errors in form.errors.values() for error in errors]
        names = ", ".join(str(form.fields[name].label or name) for name in form.errors
                          if name != "__all__")  # fmt: skip
        reason = "; ".join(reasons) + (f" ({names})" if names else "")
        return _rejected(request, chat, reason, _form_fields(request))
    return actions.Post(
        text=form.cleaned_data["text"],
        post_id=form.cleaned_data["post_id"],
        files=tuple(InboundFile.uploaded(upload) for upload in form.cleaned_data["attachments"]),
    )


def _answer(request: HttpRequest, chat: Chat, side: Side, refused: list[str]) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return _plain(200, "\n".join(refused)) if refused else HttpResponse(status=204)
    for reason in refused:
        messages.error(request, reason)
    prefix = "chat-portal" if side == "portal" else "chat-desk"
    return HttpResponseRedirect(reverse(f"{prefix}:chat", args=[chat.pk]), status=303)


def _post(request: HttpRequest, chat_id: int, side: Side) -> HttpResponseBase:
    if (refused := _allowed(request.user, side)) is not None:
        return refused
    found = _fetch(request, chat_id)
    if isinstance(found, HttpResponse):
        return found
    post = _read_post(request, found)
    if isinstance(post, HttpResponse):
        return post
    if (csrf := _csrf_refusal(request)) is not None:
        return csrf
    try:
        received = actions.post(actor=_user(request), chat=found, post=post, now=timezone.now())
    except ActionDenied as error:
        return _plain(403, str(error))
    except ActionError as error:
        return _plain(409, str(error))
    refused_files = [f"{file.name}: {file.reason}" for file in received.refused_files]
    return _answer(request, found, side, refused_files)


@csrf_exempt  # checked in _post once the form is read: see web.uploads.files_within_limit
@require_POST
def portal_post(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return _post(request, chat_id, "portal")


@csrf_exempt
@require_POST
def desk_post(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return _post(request, chat_id, "desk")


# -- the portal -------------------------------------------------------------------------


@csrf_exempt  # checked once the form is read, as in _post
@chat_view("portal")
def portal_start(request: HttpRequest) -> HttpResponseBase:
    """GET: the customer's open chats and the form of a new one (``?request=<id>``: about
    that request). POST: the first message, which opens the chat."""
    user = _user(request)
    contact = contact_of(user)
    if contact is None:  # chat_view answered 403 before
        raise PermissionDenied
    thread = None
    raw_thread = request.POST.get("request") or request.GET.get("request")
    if raw_thread:
        try:
            thread = get_request(user, int(raw_thread))
        except (NotFound, ValueError):
            return _plain(404, _("No such request."))
    now = timezone.now()
    form = ChatPostForm(initial={"post_id": _new_post_id()})
    status = 200
    if request.method == "POST":
        post = _read_post(request, None)
        if isinstance(post, HttpResponse):
            return post
        if (csrf := _csrf_refusal(request)) is not None:
            return csrf
        try:
            started = actions.start(actor=user, post=post, thread=thread, now=now)
        except (ActionDenied, ActionError) as error:
            form.add_error(None, str(error))
            status = 409
        else:
            for file in started.received.refused_files:
                messages.error(request, f"{file.name}: {file.reason}")
            return HttpResponseRedirect(
                reverse("chat-portal:chat", args=[started.chat.pk]), status=303
            )
    contract = rules.contract_for(contact.organization, now)
    notices = []
    if contract is not None:
        zone = contact.organization.time_zone
        notices = [
            notice.preview_text(zone, [str(priority) for priority in priorities])
            for notice, priorities in rules.notices_before_sending(
                contract, at=now, calendars=Calendars(), request_type=RequestType.INCIDENT
            )
        ]
    return render(
        request,
        "chat/portal_start.html",
        {"form": form, "thread": thread, "chats": reads.open_chats(user),
         "notices": notices, "has_contract": contract is not None},
        status=status,
    )  # fmt: skip


@require_GET
@chat_view("portal")
def portal_chat(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    found = _fetch(request, chat_id)
    return found if isinstance(found, HttpResponse) else _page(request, found, "portal")


def _close(request: HttpRequest, chat_id: int, side: Side) -> HttpResponseBase:
    found = _fetch(request, chat_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        actions.close(actor=_user(request), chat=found, now=timezone.now())
    except ActionDenied as error:
        return _plain(403, str(error))
    prefix = "chat-portal" if side == "portal" else "chat-desk"
    return HttpResponseRedirect(reverse(f"{prefix}:chat", args=[found.pk]), status=303)


@require_POST
@chat_view("portal")
def portal_close(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return _close(request, chat_id, "portal")


# -- the workspace ----------------------------------------------------------------------


@require_GET
@chat_view("desk")
def desk_queue(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    now = timezone.now()
    waiting = [
        (chat, int((now - chat.started_at).total_seconds() // 60)) for chat in reads.waiting(user)
    ]
    return render(
        request,
        "chat/desk_queue.html",
        {"waiting": waiting, "mine": reads.answering(user)},
    )


@require_POST
@chat_view("desk")
def desk_take(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    found = _fetch(request, chat_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        actions.take(actor=_user(request), chat=found, now=timezone.now())
    except ActionDenied as error:
        return _plain(403, str(error))
    except ActionError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("chat-desk:queue"), status=303)
    return HttpResponseRedirect(reverse("chat-desk:chat", args=[found.pk]), status=303)


@require_GET
@chat_view("desk")
def desk_chat(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    found = _fetch(request, chat_id)
    return found if isinstance(found, HttpResponse) else _page(request, found, "desk")


@require_POST
@chat_view("desk")
def desk_close(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return _close(request, chat_id, "desk")


# -- the stream -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stream:
    chat_id: int
    side: Side
    language: str
    zone: str


def _last_id(request: HttpRequest) -> int | None:
    """The id the page has: ``Last-Event-ID`` (the browser's own reconnect) or ``?after=``
    (a new connection of the page); the larger. None: malformed."""
    values = [request.headers.get("Last-Event-ID", ""), request.GET.get("after", "")]
    ids = []
    for value in values:
        if not value:
            continue
        if not re.fullmatch(r"\d{1,18}", value):
            return None
        ids.append(int(value))
    return max(ids, default=0)


def _open_stream(request: HttpRequest, chat_id: int, side: Side) -> _Stream | HttpResponse:
    """On the request's thread: who asks, and may they. Its database connection is given
    back at once: a stream may stay open for hours, holding none."""
    try:
        if (refused := _allowed(request.user, side)) is not None:
            return refused
        found = _fetch(request, chat_id)
        if isinstance(found, HttpResponse):
            return found
        return _Stream(
            chat_id=found.pk, side=side, language=translation.get_language() or "ru",
            zone=found.request.organization.time_zone,
        )  # fmt: skip
    finally:
        _give_back_connection()


@dataclass(frozen=True)
class _Batch:
    messages: list[tuple[int, str]]
    state: str
    full: bool


def _render_message(message: Message, side: Side) -> str:
    return render_to_string("chat/_message.html", {"message": message, "side": side})


def _read(stream: _Stream, after: int) -> _Batch:
    """In a worker thread: what is new since ``after``, rendered. The connection is closed
    after the read (to the pool, when there is one)."""
    try:
        with translation.override(stream.language), timezone.override(ZoneInfo(stream.zone)):
            chat = Chat.objects.select_related("agent").get(pk=stream.chat_id)
            batch = reads.transcript(chat, after=after)
            rendered = [(message.pk, _render_message(message, stream.side)) for message in batch]
            state = render_to_string("chat/_state.html", {"chat": chat, "side": stream.side})
        return _Batch(messages=rendered, state=state, full=len(batch) == reads.TRANSCRIPT_BATCH)
    finally:
        _give_back_connection()


def _give_back_connection() -> None:
    """Close this thread's connection (to the pool, when there is one), unless a caller's
    transaction holds it: closing inside an atomic block would break that transaction
    (a test's, or a view called from one)."""
    if not connection.in_atomic_block:
        connection.close()


def _event(name: str, html: str, event_id: int | None = None) -> str:
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines += [f"data: {line}" for line in html.strip().splitlines() or [""]]
    return "\n".join(lines) + "\n\n"


async def _events(stream: _Stream, after: int) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    hub = fanout.hub()
    state = ""
    quiet_since = time.monotonic()
    while True:
        # Listen before reading: a message committed during the read still wakes us.
        woken = hub.watch(stream.chat_id) if hub is not None else None
        try:
            batch = await sync_to_async(_read, thread_sensitive=False)(stream, after)
            sent = False
            for message_id, html in batch.messages:
                yield _event("message", html, message_id)
                after, sent = message_id, True
            if batch.state != state:
                state = batch.state
                yield _event("state", state)
                sent = True
            if sent:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
                yield ": still here\n\n"
                quiet_since = time.monotonic()
            if not batch.full:
                await fanout.wait(stream.chat_id, woken)
        finally:
            if hub is not None and woken is not None:
                hub.unwatch(stream.chat_id, woken)


async def _stream(request: HttpRequest, chat_id: int, side: Side) -> HttpResponseBase:
    after = _last_id(request)
    if after is None:
        return _plain(400, _("Last-Event-ID and after must be message ids."))
    opened = await sync_to_async(_open_stream)(request, chat_id, side)
    if isinstance(opened, HttpResponse):
        return opened
    response = StreamingHttpResponse(_events(opened, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@require_GET
async def portal_stream(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return await _stream(request, chat_id, "portal")


@require_GET
async def desk_stream(request: HttpRequest, chat_id: int) -> HttpResponseBase:
    return await _stream(request, chat_id, "desk")

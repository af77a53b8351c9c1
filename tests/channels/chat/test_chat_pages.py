"""The chat's pages and posts: who may post (401, 403, 404 and nothing changes), a
malformed post (400 with the reason, kept as a RejectedPost), a post from a page with and
without htmx, and the queue of the workspace."""

from __future__ import annotations

import time_machine
from django.test import Client

from supportdesk.channels.chat import actions
from supportdesk.channels.chat.models import Chat, RejectedPost
from supportdesk.tickets.models import Message
from tests.tickets.conftest import Desk, at

TEXT = "The mail server rejects every message since 9:40, users see error 550."


def _chat(desk: Desk) -> Chat:
    return actions.start(
        actor=desk.anna, post=actions.Post(text=TEXT, post_id="first-post-1"), now=at(23, 11)
    ).chat


def _client(user: object = None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_customer_starts_a_chat_from_the_portal(desk: Desk) -> None:
    client = _client(desk.anna)
    with time_machine.travel(at(23, 11), tick=False):
        page = client.get("/portal/chat/")
        assert page.status_code == 200
        answer = client.post("/portal/chat/", {"text": TEXT, "post_id": "first-post-1"})
    chat = Chat.objects.get()
    assert answer.status_code == 303
    assert answer["Location"] == f"/portal/chat/{chat.pk}/"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert f'sse-connect="/portal/chat/{chat.pk}/stream?after=0"' in page.content.decode()
    assert TEXT in page.content.decode()


def test_posts_with_and_without_htmx(desk: Desk) -> None:
    chat = _chat(desk)
    client = _client(desk.anna)
    plain = client.post(f"/portal/chat/{chat.pk}/post", {"text": "One", "post_id": "post-one-1"})
    assert (plain.status_code, plain["Location"]) == (303, f"/portal/chat/{chat.pk}/")
    htmx = client.post(
        f"/portal/chat/{chat.pk}/post", {"text": "Two", "post_id": "post-two-1"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert htmx.status_code == 204
    assert [m.body for m in Message.objects.filter(request=chat.request)] == ["One", "Two"]


def test_visitors_and_strangers_change_nothing(desk: Desk) -> None:
    chat = _chat(desk)
    url = f"/portal/chat/{chat.pk}/post"
    data = {"text": "Hello", "post_id": "stranger-post"}
    assert _client().post(url, data).status_code == 401
    assert _client().get(f"/portal/chat/{chat.pk}/stream").status_code == 401
    assert _client(desk.vera).post(url, data).status_code == 404  # another organization
    assert _client(desk.vera).get(f"/portal/chat/{chat.pk}/stream").status_code == 404
    assert _client(desk.agent).post(url, data).status_code == 403  # staff use the desk
    assert _client(desk.anna).post(f"/desk/chats/{chat.pk}/post", data).status_code == 403
    assert _client(desk.anna, csrf=True).post(url, data).status_code == 403  # no CSRF token
    assert not Message.objects.filter(request=chat.request).exists()
    assert not RejectedPost.objects.exists()


def test_a_malformed_post_is_refused_with_the_reason_and_kept(desk: Desk) -> None:
    chat = _chat(desk)
    client = _client(desk.anna)
    empty = client.post(f"/portal/chat/{chat.pk}/post", {"text": "  ", "post_id": "post-id-12"})
    assert empty.status_code == 400
    assert "Напишите сообщение или приложите файл." in empty.content.decode()  # Russian first
    bad_id = client.post(f"/portal/chat/{chat.pk}/post", {"text": "Hi", "post_id": "<script>"})
    assert bad_id.status_code == 400
    long = client.post(
        f"/portal/chat/{chat.pk}/post", {"text": "x" * 10_001, "post_id": "p-long-1"}
    )
    assert long.status_code == 400
    kept = list(RejectedPost.objects.order_by("pk"))
    assert [(r.chat, r.author) for r in kept] == [(chat, desk.anna)] * 3
    assert kept[1].fields["post_id"] == ["<script>"]
    assert not Message.objects.filter(request=chat.request).exists()
    bad_after = client.get(f"/portal/chat/{chat.pk}/stream?after=x")
    assert bad_after.status_code == 400


def test_the_workspace_queue_shows_the_time_waited_and_an_agent_takes_one(desk: Desk) -> None:
    chat = _chat(desk)
    client = _client(desk.agent)
    with time_machine.travel(at(23, 11, 7), tick=False):
        queue = client.get("/desk/chats/", headers={"Accept-Language": "en"})
    assert queue.status_code == 200
    assert "7" in queue.content.decode()
    assert chat.contact.name in queue.content.decode()
    taken = client.post(f"/desk/chats/{chat.pk}/take")
    assert (taken.status_code, taken["Location"]) == (303, f"/desk/chats/{chat.pk}/")
    chat.refresh_from_db()
    assert chat.agent == desk.agent
    page = client.get(f"/desk/chats/{chat.pk}/")
    assert page.status_code == 200
    assert _client(desk.engineer).post(f"/desk/chats/{chat.pk}/take").status_code == 303
    chat.refresh_from_db()
    assert chat.agent == desk.agent  # taken once

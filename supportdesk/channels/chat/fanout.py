"""Waking the chat streams: Redis pub/sub across web processes when Redis is configured
(``settings.CHAT_PUBSUB_URL``), else the streams poll the database.

A wake-up carries no data: the database is the truth, and a stream woken re-reads it from
its last message id. So a lost wake-up (Redis down, a publish before the stream listened)
costs latency, never a message: a stream with Redis still re-reads every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from functools import cache

import redis
import redis.asyncio
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

PREFIX = "supportdesk:chat:"
SAFETY_SECONDS = 5.0  # with Redis, a stream re-reads the database at least this often


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _publish_now(chat_id: int) -> None:
    url = settings.CHAT_PUBSUB_URL
    if not url:
        return
    try:
        _client(url).publish(f"{PREFIX}{chat_id}", b"1")
    except redis.RedisError as error:  # the streams' safety re-read still delivers it
        logger.warning("chat %s: no wake-up published: %s", chat_id, error)


def publish(chat_id: int) -> None:
    """Wake the streams of ``chat_id`` once the current transaction commits."""
    transaction.on_commit(lambda: _publish_now(chat_id))


class Hub:
    """One Redis subscription per event loop (a web process), shared by its streams."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.waiters: dict[int, set[asyncio.Event]] = {}
        self.listening = False
        self.task: asyncio.Task[None] | None = None

    def watch(self, chat_id: int) -> asyncio.Event:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._listen())
        event = asyncio.Event()
        self.waiters.setdefault(chat_id, set()).add(event)
        return event

    def unwatch(self, chat_id: int, event: asyncio.Event) -> None:
        waiting = self.waiters.get(chat_id)
        if waiting is not None:
            waiting.discard(event)
            if not waiting:
                del self.waiters[chat_id]

    def _wake_all(self) -> None:
        for events in self.waiters.values():
            for event in events:
                event.set()

    async def _listen(self) -> None:
        while True:
            client = redis.asyncio.Redis.from_url(self.url)
            try:
                pubsub = client.pubsub()
                await pubsub.psubscribe(f"{PREFIX}*")
                self.listening = True
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    chat_id = int(bytes(message["channel"]).rsplit(b":", 1)[1])
                    for event in self.waiters.get(chat_id, ()):
                        event.set()
            except (redis.RedisError, OSError, ValueError) as error:
                logger.warning("chat pub/sub lost (%s): the streams poll until it is back", error)
            finally:
                self.listening = False
                self._wake_all()  # re-read now: a wake-up may have been missed
                await client.aclose()
            await asyncio.sleep(1)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub | None:
    url = settings.CHAT_PUBSUB_URL
    if not url:
        return None
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.url != url:
        found = _hubs[loop] = Hub(url)
    return found


async def wait(chat_id: int, woken: asyncio.Event | None) -> None:
    """Until the chat may have news: a wake-up, else the poll interval (without Redis, or
    while its subscription is down) or the safety interval."""
    poll = settings.CHAT_POLL_MILLISECONDS / 1000
    current = hub()
    if woken is None or current is None:
        await asyncio.sleep(poll)
        return
    timeout = SAFETY_SECONDS if current.listening else poll
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(woken.wait(), timeout)

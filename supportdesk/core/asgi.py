"""The ASGI handler uvicorn serves: Django's, with two costs of its async mode removed.

Our views and middleware are synchronous. Under Django's own ``ASGIHandler`` each request

- starts a thread of its own (a ``ThreadSensitiveContext`` makes an executor per request)
  and another one to join it afterwards, and
- hops between the event loop and that thread twice per middleware (``MiddlewareMixin``
  runs ``process_request`` and ``process_response`` through ``sync_to_async`` each), some
  sixteen hops for our chain.

Here the middleware chain and the view run in one call on the request's thread, and that
thread is borrowed from a set of idle ones and given back at the end of the request. A
request still has one thread for all its synchronous code (its database connection lives
there), requests still run concurrently, async views still work (Django adapts them), and
streaming responses are still sent from the event loop. On 2 cores this is about 1 ms of
CPU less per request (docs/benchmarks.md, "API create").

The request's database connection goes back to the pool as soon as its view has answered,
before the answer is sent: with one pooled connection per server process (what
``supportdesk.server`` keeps by default), the next request starts at once, and a streamed
answer (a live chat) holds no connection while it stays open.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.http import FileResponse, HttpRequest, HttpResponseBase

IDLE_THREADS = 16  # kept for the next requests; more are made when more run at once


class Threads:
    """Single-worker executors, kept idle between requests. Used from the event loop's
    thread only (``sync_to_async`` submits from there), so no lock is needed."""

    def __init__(self, *, keep: int) -> None:
        self.keep = keep
        self.idle: deque[ThreadPoolExecutor] = deque()
        self.made = itertools.count(1)

    def borrow(self) -> ThreadPoolExecutor:
        try:
            return self.idle.pop()
        except IndexError:
            return ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"request-{next(self.made)}"
            )

    def give_back(self, worker: ThreadPoolExecutor) -> None:
        if len(self.idle) < self.keep:
            self.idle.append(worker)
        else:
            worker.shutdown(wait=False)


class RequestThread(Executor):
    """The executor of one request: every call runs on the same borrowed thread, borrowed
    at the first call (a request that runs no sync code holds none)."""

    def __init__(self, threads: Threads) -> None:
        self.threads = threads
        self.worker: ThreadPoolExecutor | None = None

    def submit[T](self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self.worker is None:
            self.worker = self.threads.borrow()
        return self.worker.submit(fn, *args, **kwargs)

    def release(self) -> None:
        if self.worker is not None:
            self.threads.give_back(self.worker)
            self.worker = None


class DeskHandler(ASGIHandler):
    def __init__(self) -> None:
        self.threads = Threads(keep=IDLE_THREADS)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        # The synchronous chain: run_get_response enters it once per request.
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = RequestThread(self.threads)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            executor.release()

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return self.get_response(request)
        finally:
            # What Django does at request_finished (CONN_MAX_AGE is 0: the connection goes
            # back to the pool), done before the answer is sent rather than after, so the
            # next request does not wait for it. A streamed answer that reads the database
            # borrows one again. A caller's transaction (a test's) keeps its connection.
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()

    async def run_get_response(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await sync_to_async(self._respond)(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        return response

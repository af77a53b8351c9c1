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

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import closing
from typing import IO, Any, cast

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import connections
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import set_script_prefix

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
        # The synchronous chain: _serve enters it once per request.
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

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django's ``handle`` with one trip to the request's thread instead of three (the
        started signal, the view, closing the answer) for an answer that is not streamed:
        it is complete when the view returns, so it is closed there (``request_finished``
        fires, the connection goes back) and then sent. A streamed answer goes Django's
        way: sent while the client's disconnect is listened for, then closed."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            response: HttpResponseBase = await sync_to_async(self._serve)(scope, body_file)
            if not response.streaming:
                await self.send_response(response, send)
                return
            try:
                try:
                    async with asyncio.TaskGroup() as tasks:
                        tasks.create_task(self.listen_for_disconnect(receive))
                        await self.send_response(response, send)
                        raise _Sent
                except* (_Sent, RequestAborted):
                    pass
            except BaseExceptionGroup as group:
                if len(group.exceptions) == 1:
                    raise group.exceptions[0] from None
                raise
            await sync_to_async(response.close)()

    def _serve(self, scope: dict[str, Any], body_file: IO[bytes]) -> HttpResponseBase:
        """On the request's thread: what Django's ``handle`` does before sending."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:  # then Django's error answer (400, 413) is there
            response: HttpResponseBase = cast(HttpResponseBase, error_response)
        else:
            response = self._respond(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return self.get_response(request)
        finally:
            # What Django does at request_finished (CONN_MAX_AGE is 0: the connection goes
            # back to the pool), done before a streamed answer is sent rather than after
            # it: a live chat's stream stays open for hours. If the stream reads the
            # database, it borrows a connection again. A caller's transaction (a test's)
            # keeps its connection.
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()


class _Sent(Exception):
    """Ends the task group once a streamed answer is sent (Django's RequestProcessed)."""

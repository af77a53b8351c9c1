"""Chat message latency (docs/benchmarks.md, "Web chat"): with N open chat streams
(default 200), the time from a post to the event on the other side's stream, p50 and p95.

uvicorn serves the product (``python -m supportdesk.server``, 2 workers) on a free loopback
port against the database of ``DATABASE_URL`` (default: a SQLite file in a temporary
folder), with Redis pub/sub (``--redis``: a redis-server started on a free port) or
without (the streams poll the database every ``SUPPORTDESK_CHAT_POLL_MS``). N chats are
opened, each with a customer's stream and an agent's stream held open by asyncio clients
(raw HTTP on asyncio). Then ``--messages`` posts are sent one after another to random chats through
the agent's post form, and each is timed until the customer's stream delivers it.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing listens on :{port}") from None
            time.sleep(0.2)


MARKER = re.compile(rb"bench-\d+-x")
PASSWORD = "bench-password-1"  # noqa: S105 -- a throwaway database


def prepare(env: dict[str, str], chats: int) -> tuple[str, str, list[int]]:
    """Migrate, load the demo's people, open N chats taken by the agent; the customer's
    and the agent's session, and the chats' ids."""
    subprocess.run([str(BIN / "supportdesk"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    script = f"""
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
django.setup()
from django.contrib.auth.models import User
from django.utils import timezone
from supportdesk.core.demo import load_demo
from supportdesk.channels.chat import actions
now = timezone.now()
load_demo(now=now, password={PASSWORD!r})
customer, agent = User.objects.get(username="alfa"), User.objects.get(username="agent")
ids = []
for number in range({chats}):
    chat = actions.start(actor=customer, post=actions.Post(
        text="Chat number %d: the mail server rejects messages." % number,
        post_id="bench-start-%d" % number), now=now).chat
    actions.take(actor=agent, chat=chat, now=now)
    ids.append(chat.pk)
from django.test import Client
sessions = []
for user in (customer, agent):
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
print(" ".join(sessions))
print(" ".join(map(str, ids)))
"""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, check=True, cwd=ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    sessions, ids = done.stdout.strip().splitlines()[-2:]
    customer, agent = sessions.split()
    return customer, agent, [int(word) for word in ids.split()]


async def listen(
    port: int, path: str, session: str, arrived: dict[str, float], ready: asyncio.Event
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid={session}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())  # fmt: skip
    await writer.drain()
    try:
        status = await reader.readline()
        if b" 200 " not in status:
            print(f"{path}: {status.decode().strip()}", flush=True)
        while line := await reader.readline():
            if line.startswith(b"event: state"):
                ready.set()
            for marker in MARKER.findall(line):
                arrived.setdefault(marker.decode(), time.perf_counter())
    finally:
        writer.close()


def post(port: int, chat_id: int, session: str, csrf: str, text: str, post_id: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode({"text": text, "post_id": post_id, "csrfmiddlewaretoken": csrf})
    connection.request("POST", f"/desk/chats/{chat_id}/post", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}/",
    })  # fmt: skip
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


async def run(
    port: int, sessions: tuple[str, str], chat_ids: list[int], messages: int
) -> list[float]:
    customer, agent = sessions
    csrf = secrets.token_hex(16)  # a CSRF secret of our own, as cookie and field
    arrived: dict[str, float] = {}
    readies, tasks = [], []
    for chat_id in chat_ids:
        for session, side in ((customer, "portal/chat"), (agent, "desk/chats")):
            ready = asyncio.Event()
            readies.append(ready)
            tasks.append(asyncio.create_task(
                listen(port, f"/{side}/{chat_id}/stream", session, arrived, ready)))  # fmt: skip
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), 60)
    print(f"{len(readies)} streams open", flush=True)
    await asyncio.sleep(2)
    latencies = []
    for number in range(messages):
        chat_id = random.choice(chat_ids)
        marker = f"bench-{number}-x"
        sent = time.perf_counter()
        status = await asyncio.to_thread(
            post, port, chat_id, agent, csrf, marker, f"bench-post-{number}"
        )
        if status != 204:
            raise SystemExit(f"post answered {status}")
        deadline = time.perf_counter() + 30
        while marker not in arrived:
            if time.perf_counter() > deadline:
                raise SystemExit(f"{marker} never arrived")
            await asyncio.sleep(0.001)
        latencies.append(arrived[marker] - sent)
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis", action="store_true", help="fan out through Redis pub/sub")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chat-bench-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("SUPPORTDESK_")}
    env.update(
        SUPPORTDESK_SECRET_KEY="bench",  # noqa: S106
        SUPPORTDESK_SECURE_COOKIES="false",
        SUPPORTDESK_MAIL=f"file:{folder / 'mail'}", SUPPORTDESK_CHAT_PUBSUB_URL="none",
        SUPPORTDESK_JOBS_URL=f"sqlite:///{folder / 'jobs.sqlite3'}",
        SUPPORTDESK_MEDIA_DIR=str(folder / "media"), PYTHONPATH=str(ROOT),
    )  # fmt: skip
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    redis = None
    if args.redis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("--redis needs redis-server (apt-get install redis-server)")
        redis_port = free_port()
        redis = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder), "--maxclients", "10000"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(redis_port)
        env["SUPPORTDESK_CHAT_PUBSUB_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    customer, agent, chat_ids = prepare(env, args.chats)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "supportdesk.server", "--port", str(port),
         "--workers", str(args.workers), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        wait_port(port)
        latencies = asyncio.run(run(port, (customer, agent), chat_ids, args.messages))
    finally:
        server.terminate()
        server.wait(30)
        if redis is not None:
            redis.terminate()
            redis.wait(10)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    fan_out = (
        "Redis pub/sub"
        if args.redis
        else f"polling {env.get('SUPPORTDESK_CHAT_POLL_MS', '500')} ms"
    )
    print(f"{args.chats} chats, {2 * args.chats} open streams, {args.workers} workers, {fan_out}, "
          f"{env['DATABASE_URL'].split(':')[0]}: {len(latencies)} messages, "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1] * 1000:.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

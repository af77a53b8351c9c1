"""``python -m supportdesk.server``: worker processes on one TCP socket, whose accepted
connections have Nagle's algorithm off (uvicorn's own --workers leaves it on, and every
keep-alive request then waits ~40 ms for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from supportdesk.server import TcpConfig, config, keep_one_connection
from tests.core.loops import run_in_own_loop

ROOT = Path(__file__).resolve().parents[2]


def accepted_nodelay(bound: socket.socket) -> int:
    """TCP_NODELAY of a connection accepted on ``bound`` the way a uvicorn worker accepts."""
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def accept_one() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=bound)
        _, writer = await asyncio.open_connection(*bound.getsockname())
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    run_in_own_loop(accept_one())
    return seen[0]


def test_connections_accepted_by_the_workers_send_at_once() -> None:
    bound = config(host="127.0.0.1", port=0, workers=2).bind_socket()
    assert bound.proto == socket.IPPROTO_TCP
    assert accepted_nodelay(bound) != 0


def test_uvicorns_own_socket_would_leave_nagle_on() -> None:
    """Why TcpConfig exists: remove this class and test when uvicorn binds as TCP."""
    bound = uvicorn.Config("supportdesk.asgi:application", host="127.0.0.1", port=0).bind_socket()
    if bound.proto == socket.IPPROTO_TCP:
        pytest.skip("this uvicorn binds its socket as TCP: TcpConfig is no longer needed")
    assert accepted_nodelay(bound) == 0
    assert isinstance(config(host="127.0.0.1", port=0, workers=2), TcpConfig)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The server with two workers on the embedded database: (port, its pid)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "SUPPORTDESK_VAR_DIR": str(tmp_path),
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    command = [sys.executable, "-m", "supportdesk.server", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                assert server.poll() is None, f"the server exited with {server.returncode}"
                time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_two_worker_processes_answer_on_one_keep_alive_connection(
    served: tuple[int, int],
) -> None:
    port, pid = served
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():  # Linux: the two spawned workers, beside multiprocessing's helper
        commands = [
            Path(f"/proc/{child}/cmdline").read_bytes() for child in children.read_text().split()
        ]
        assert sum(b"spawn_main" in command for command in commands) == 2
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    statuses = []
    for _ in range(20):
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    assert statuses == [200] * 20


def test_a_web_process_keeps_one_connection_unless_told_otherwise() -> None:
    environ: dict[str, str] = {}
    keep_one_connection(environ)
    assert environ == {"SUPPORTDESK_DB_POOL_SIZE": "1"}
    told = {"SUPPORTDESK_DB_POOL_SIZE": "4"}
    keep_one_connection(told)
    assert told == {"SUPPORTDESK_DB_POOL_SIZE": "4"}
    behind_pgbouncer = {"SUPPORTDESK_DB_PGBOUNCER": "true"}  # it is the pool: none here
    keep_one_connection(behind_pgbouncer)
    assert behind_pgbouncer == {"SUPPORTDESK_DB_PGBOUNCER": "true"}

"""``python -m supportdesk.server``: uvicorn serving ``supportdesk.asgi:application`` from
several worker processes on one listening socket (docs/deploy.md; ``./dev run`` uses it).

It is uvicorn's own ``--workers`` with one difference: the listening socket is bound as TCP
(``IPPROTO_TCP``). uvicorn binds it with protocol 0, the workers' accepted connections
inherit that, and asyncio then leaves Nagle's algorithm on (it sets ``TCP_NODELAY`` only on
sockets that say they are TCP). On Linux every keep-alive request after the first then
waits about 40 ms for the client's delayed ACK (Kludex/uvicorn#3149): one client got 19
API creates per second from two workers and 135 from one.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import MutableMapping, Sequence

import uvicorn
from uvicorn.supervisors import Multiprocess

from supportdesk.env import parse_bool

APPLICATION = "supportdesk.asgi:application"
WORKERS = 2  # one per core of a 2-core machine (docs/benchmarks.md, "API create")
# Each server process keeps one pooled database connection unless SUPPORTDESK_DB_POOL_SIZE
# says otherwise, so it runs one request's database work at a time, as a synchronous
# worker does: its other requests wait for the connection (up to 10 s) instead of taking
# turns on the interpreter lock and on the cores. On 2 cores that served a fifth to a
# third more API creates, with less CPU in the server and in PostgreSQL, than four per
# process (docs/benchmarks.md, "Fifth look"). The job worker and the mail reader run
# several threads and keep the settings' default of 4.
CONNECTIONS_PER_PROCESS = 1


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration, binding a host and port as a TCP socket."""

    def bind_socket(self) -> socket.socket:
        if self.uds is not None or self.fd is not None:
            return super().bind_socket()
        family = socket.AF_INET6 if self.host and ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.set_inheritable(True)
        return sock


def keep_one_connection(environ: MutableMapping[str, str]) -> None:
    """The web processes' pool size, unless the operator set one or PgBouncer is the pool
    (then the processes keep none: the settings refuse a pool size beside it)."""
    pgbouncer = environ.get("SUPPORTDESK_DB_PGBOUNCER")
    if pgbouncer is not None and parse_bool("SUPPORTDESK_DB_PGBOUNCER", pgbouncer):
        return
    environ.setdefault("SUPPORTDESK_DB_POOL_SIZE", str(CONNECTIONS_PER_PROCESS))


GRACEFUL_SHUTDOWN_SECONDS = 5


def config(
    *, host: str, port: int, workers: int, log_level: str = "info", access_log: bool = False
) -> TcpConfig:
    return TcpConfig(
        APPLICATION, host=host, port=port, workers=workers, access_log=access_log,
        log_level=log_level, lifespan="off",  # Django has no lifespan events
        # Django alone reads X-Forwarded-For/-Proto, from SUPPORTDESK_TRUSTED_PROXIES only
        # (supportdesk.web.client); uvicorn must not rewrite the client address before it.
        proxy_headers=False,
        # A chat page's stream stays open for hours: a stop waits this long for the open
        # connections, then closes them (else Ctrl-C or systemd's stop waits for the pages).
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supportdesk.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"worker processes ({WORKERS})"
    )
    parser.add_argument("--log-level", default="info", help="uvicorn's log level (info)")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    # Before the settings are read here or in the worker processes (they inherit it).
    keep_one_connection(os.environ)
    settings = config(
        host=args.host, port=args.port, workers=args.workers, log_level=args.log_level,
        access_log=args.access_log,
    )  # fmt: skip
    server = uvicorn.Server(settings)
    try:
        if settings.workers > 1:
            Multiprocess(settings, sockets=[settings.bind_socket()]).run()
        else:
            server.run()  # asyncio binds host and port itself, as TCP
    except KeyboardInterrupt:
        pass
    return 0 if server.started or settings.workers > 1 else 1


if __name__ == "__main__":
    sys.exit(main())

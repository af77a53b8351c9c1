"""The API server as docs/deploy.md starts it, and the CPU time of processes from /proc.
No Django here: the side-by-side bench uses it before Django is set up."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def server_command(port: int, workers: int) -> list[str]:
    """The production command line (docs/deploy.md), on loopback."""
    return [
        str(ROOT / ".venv" / "bin" / "python"), "-m", "supportdesk.server",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer /health within {timeout:.0f} s")


# -- CPU time from /proc ----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    if found.exists():
        return [int(child) for child in found.read_text().split()]
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU of each live process (``/proc/<pid>/stat``)."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return times


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two samples by the processes alive at the second (a process
    that started in between counts from zero)."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


@dataclass
class Postgres:
    """The backends of one database: their CPU (by pid) and the sessions opened."""

    conninfo: str  # any database on the server
    name: str  # the database measured

    def backends(self) -> list[int]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return [int(row[0]) for row in rows]

    def sessions(self) -> int:
        """Sessions ever opened on the database (PostgreSQL 14+; stats flush within ~1 s)."""
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            row = conn.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = %s", [self.name]
            ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def cpu(self) -> dict[int, float]:
        return cpu_seconds(self.backends())

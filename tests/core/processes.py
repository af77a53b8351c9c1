"""Real processes for the tests: the console script, uvicorn and ``./dev`` on loopback
ports, their output in files, plain HTTP requests that do not follow redirects."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SUPPORTDESK = str(BIN / "supportdesk")
UVICORN = str(BIN / "uvicorn")


def base_env(**variables: str) -> dict[str, str]:
    """The test run's environment without its settings (SUPPORTDESK_*, DATABASE_URL,
    DJANGO_*: the browser tests allow async-unsafe calls in-process), plus ``variables``."""
    ours = ("SUPPORTDESK_", "DATABASE_URL", "DJANGO_")
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    return {**inherited, **variables}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def http_get(
    port: int, path: str, headers: dict[str, str] | None = None, *, timeout: float = 10
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


class Process:
    """A child process with stdout and stderr in one log file; a context manager that
    leaves nothing running (its whole process group with ``new_session``)."""

    def __init__(
        self, command: list[str], *, env: dict[str, str], log: Path, new_session: bool = False
    ) -> None:
        self.log_path = log
        self.new_session = new_session
        self._log = log.open("wb")
        self.popen = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )  # fmt: skip

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.new_session:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self._log.close()

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.popen.poll() is not None:
                raise AssertionError(f"exited with {self.popen.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout:.0f} s:\n{self.output}")
            time.sleep(0.1)

    def wait_for_port(self, port: int, timeout: float = 60) -> None:
        """Until the server accepts connections: for a server whose answers themselves
        take long (a health check waiting out the connection pool of a down database)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.popen.poll() is not None:
                raise AssertionError(f"exited with {self.popen.returncode}:\n{self.output}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    message = f"nothing listens on :{port} within {timeout:.0f} s"
                    raise AssertionError(message) from None
                time.sleep(0.2)

    def wait_for_http(self, port: int, path: str = "/health", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.popen.poll() is not None:
                raise AssertionError(f"exited with {self.popen.returncode}:\n{self.output}")
            try:
                http_get(port, path)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer on :{port} within {timeout:.0f} s") from None
                time.sleep(0.2)

    def stop(self, sig: int = signal.SIGTERM, *, group: bool = False, timeout: float = 30) -> int:
        """Send ``sig`` (to the whole process group when ``group``) and return the exit
        code; AssertionError when it is still running after ``timeout`` seconds."""
        if self.popen.poll() is None:
            if group:
                os.killpg(self.popen.pid, sig)
            else:
                self.popen.send_signal(sig)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            # What is still alive in its group, and what it said: a hang must be diagnosable
            # from the CI log alone.
            alive = subprocess.run(
                ["ps", "-o", "pid,ppid,stat,etime,args", "-s", str(self.popen.pid)],
                capture_output=True, text=True, check=False,
            ).stdout  # fmt: skip
            raise AssertionError(
                f"still running {timeout:.0f} s after {sig!r}\n{alive}\n{self.output[-4000:]}"
            ) from None


def uvicorn(port: int, *, env: dict[str, str], log: Path) -> Process:
    return Process(
        [UVICORN, "supportdesk.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-proxy-headers", "--lifespan", "off"],
        env=env, log=log,
    )  # fmt: skip


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of ours that has exited but was not reaped yet is a zombie: not alive.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")

"""`./dev run` as a person runs it: progress lines, the demo only on the embedded default
database, e-mail links to the port it serves, and nothing left running once it stops
(Ctrl-C reaches the whole process group; a supervisor's SIGTERM only the script)."""

from __future__ import annotations

import email
import re
import secrets
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.core.processes import ROOT, Process, alive, base_env, free_port

pytestmark = pytest.mark.skipif(
    not (ROOT / ".tools" / "bin" / "uv").exists(), reason="./dev has not installed uv here"
)
STARTED = re.compile(r"job worker started \(pid (\d+)\)")


def dev_run(tmp_path: Path, port: int, **variables: str) -> Process:
    env = base_env(
        PORT=str(port),
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_VAR_DIR=str(tmp_path / "var"),
        SUPPORTDESK_MAIL=f"file:{tmp_path / 'mail'}",
        **variables,
    )
    return Process([str(ROOT / "dev"), "run"], env=env, log=tmp_path / "dev.log", new_session=True)


def mail_bodies(folder: Path) -> list[str]:
    bodies = []
    for path in folder.glob("*.log"):
        for raw in path.read_bytes().split(b"-" * 79):
            if raw.strip():
                payload = email.message_from_bytes(raw.strip()).get_payload(decode=True)
                assert isinstance(payload, bytes)
                try:
                    bodies.append(payload.decode())
                except UnicodeDecodeError:  # a message the worker is still writing
                    continue
    return bodies


def wait_for_mail(folder: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in body for body in mail_bodies(folder)):
        assert time.monotonic() < deadline, f"no e-mail with {text!r} in {folder}"
        time.sleep(0.5)


def pids(run: Process) -> tuple[int, int]:
    """The job worker's and the web server's process ids."""
    match = STARTED.search(run.output)
    assert match, run.output
    server = re.search(r"Started server process \[(\d+)\]", run.output)
    assert server, run.output
    return int(match.group(1)), int(server.group(1))


def test_the_embedded_database_gets_the_demo_and_ctrl_c_stops_everything(
    tmp_path: Path,
) -> None:
    port = free_port()
    with dev_run(tmp_path, port) as run:
        run.wait_for_http(port, timeout=300)
        run.wait_for_output("Started server process", timeout=30)
        worker, server = pids(run)
        # The demo's downgrade proposal is mailed by the worker, with links to this port.
        wait_for_mail(tmp_path / "mail", f"http://127.0.0.1:{port}/links/downgrade/", 60)
        assert run.stop(signal.SIGINT, group=True) == 130
        assert not alive(worker)
        assert not alive(server)
    output = run.output
    for step in ("migrating the database", "collecting static files", "loading demo data"):
        assert f"== {step}" in output
    assert "demo: created user admin" in output
    assert "unbound variable" not in output


def test_another_database_gets_no_demo_and_sigterm_stops_everything(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "elsewhere.sqlite3"
    with dev_run(tmp_path, port, DATABASE_URL=f"sqlite:///{database}") as run:
        run.wait_for_http(port, timeout=300)
        run.wait_for_output("Started server process", timeout=30)
        worker, server = pids(run)
        # To the script alone, as a supervisor sends it: the script stops its children.
        assert run.stop(signal.SIGTERM) == 143
        assert not alive(worker)
        assert not alive(server)
    assert "demo: skipped, DATABASE_URL is set" in run.output
    assert "demo: created" not in run.output
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)
    assert "unbound variable" not in run.output

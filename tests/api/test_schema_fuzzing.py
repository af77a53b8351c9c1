"""Schema fuzzing: schemathesis generates requests from the served OpenAPI schema, valid
and invalid ones, and sends them over real HTTP to the app under uvicorn on a free
loopback port, once with a staff member's token and once with a customer's. The run fails
on any 5xx; on any answer the schema does not describe (status, content type, headers,
body); on data the schema forbids that the server accepts; on an operation that works
without authentication; on a wrong method not answered 405 with its ``Allow``; and, in
the stateful phase, on an object still there after its deletion or missing after its
creation.

The server has its own database: a SQLite file in a temporary folder, migrated and seeded
with the demo (``tests/api/fuzz_seed.py``), whatever ``DATABASE_URL`` the suite runs on; so
the test runs once, in the SQLite pass. Examples are bounded (``SUPPORTDESK_FUZZ_EXAMPLES``
per operation, 10 by default) and derandomized: the run is the same every time and takes
one to two minutes on two cores."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EXAMPLES = int(os.environ.get("SUPPORTDESK_FUZZ_EXAMPLES", "10"))
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
]

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the fuzzing server has its own SQLite database: run once, in the SQLite pass",
)


@dataclass
class Server:
    url: str
    seeded: dict[str, Any]
    env: dict[str, str]
    log: Path


def _environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SUPPORTDESK_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="supportdesk.settings",
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.sqlite3'}",
        SUPPORTDESK_SECRET_KEY="schema-fuzzing-only",
        SUPPORTDESK_VAR_DIR=str(folder),
        SUPPORTDESK_STATIC_MANIFEST="false",
        SUPPORTDESK_MAIL="console",
        SUPPORTDESK_LOG_LEVEL="WARNING",
        # Plain HTTP on loopback: no redirect to HTTPS, no Secure-only cookies.
        SUPPORTDESK_SSL_REDIRECT="false",
        SUPPORTDESK_SECURE_COOKIES="false",
        PYTHONPATH=str(ROOT),
    )
    return env


STARTED = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


def _started_url(process: subprocess.Popen[bytes], log: Path) -> str:
    """The URL uvicorn reports once it listens on the free port it was given (port 0).
    (Handing it a bound socket with ``--fd`` would cost Nagle's delay on every answer:
    uvicorn takes such a socket for a Unix one and leaves TCP_NODELAY off.)"""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()[-3000:]}")
        started = STARTED.search(log.read_text())
        if started:
            return started.group(1)
        time.sleep(0.2)
    pytest.fail(f"the server did not start within a minute: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("fuzzing")
    (folder / "static").mkdir()  # WhiteNoise warns about a missing folder
    env = _environment(folder)
    subprocess.run(
        [BIN / "supportdesk", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    seeding = subprocess.run(
        [sys.executable, "-m", "tests.api.fuzz_seed"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [BIN / "uvicorn", "supportdesk.asgi:application", "--host", "127.0.0.1",
             "--port", "0", "--lifespan", "off", "--no-access-log", "--log-level", "info"],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = _started_url(process, log)
        yield Server(url=url, seeded=json.loads(seeding.stdout), env=env, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_the_api_keeps_to_its_schema_under_fuzzing(server: Server, role: str) -> None:
    env = {
        **server.env,
        "SCHEMATHESIS_HOOKS": "tests.api.fuzz_hooks",
        "SUPPORTDESK_FUZZ_SEEDED": json.dumps(server.seeded),
    }
    command: list[str | Path] = [
        BIN / "schemathesis", "run", f"{server.url}/api/openapi.json",
        "--header", f"Authorization: Bearer {server.seeded['tokens'][role]}",
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(EXAMPLES),
        "--generation-deterministic",  # the same cases every run (no seed needed)
        "--workers", "1",
        "--request-timeout", "30",
        "--no-color",
    ]  # fmt: skip
    started = time.monotonic()
    # Schemathesis keeps the failures it found in .schemathesis/ of its folder and replays
    # them first next time: a folder of its own per run keeps every run the same.
    folder = server.log.parent / role
    folder.mkdir()
    run = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    report = f"{run.stdout[-20000:]}\n{run.stderr[-5000:]}\nserver log:\n"
    report += server.log.read_text()[-5000:]
    assert run.returncode == 0, report
    with urllib.request.urlopen(f"{server.url}/api/openapi.json") as answer:  # noqa: S310
        operations = sum(len(methods) for methods in json.load(answer)["paths"].values())
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert tested is not None, report
    assert int(tested.group(1)) == operations, report
    print(f"schemathesis as {role}: {elapsed:.0f} s")

"""Production defaults: no secret key stops every command, the documented production
environment passes Django's deployment check, and behind TLS plain HTTP is redirected and
HTTPS answers carry HSTS. Each runs the real console script or server."""

from __future__ import annotations

import re
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.core.processes import ROOT, SUPPORTDESK, base_env, free_port, http_get, uvicorn


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUPPORTDESK, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        timeout=120,
    )  # fmt: skip


def documented_environment() -> dict[str, str]:
    """The variables of the env file in docs/deploy.md, with a real secret key."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"```sh\n# /etc/supportdesk/supportdesk\.env\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md has no /etc/supportdesk/supportdesk.env block"
    variables = dict(
        line.split("=", 1)
        for line in block.group(1).splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert variables["SUPPORTDESK_SECRET_KEY"].startswith("<")  # a placeholder to fill in
    return {**variables, "SUPPORTDESK_SECRET_KEY": secrets.token_urlsafe(50)}


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["makemigrations", "--check", "--dry-run"],
        ["migrate"],
        ["run_huey"],
        [],
        # run without Django (supportdesk/core/script.py), after the same settings
        ["calendar", "add", "--calendar", "24x7", "--start", "2026-12-01T10:00Z", "--hours", "1"],
        ["sla", "targets", "--plan", "8x5", "--type", "bug", "--priority", "P2",
         "--start", "2026-12-01T10:00Z"],
    ],
    ids=["check", "makemigrations", "migrate", "run_huey", "no command", "calendar", "sla"],
)  # fmt: skip
def test_without_a_secret_key_every_command_stops_naming_it(
    command: list[str], tmp_path: Path
) -> None:
    result = run(*command, env=base_env(SUPPORTDESK_VAR_DIR=str(tmp_path)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("supportdesk: environment variable SUPPORTDESK_SECRET_KEY")
    assert not (tmp_path / "supportdesk.sqlite3").exists()  # nothing ran


def test_a_blank_secret_key_is_no_key(tmp_path: Path) -> None:
    env = base_env(SUPPORTDESK_VAR_DIR=str(tmp_path), SUPPORTDESK_SECRET_KEY="  ")
    result = run("check", env=env)
    assert (result.returncode, result.stderr.count("SUPPORTDESK_SECRET_KEY")) == (2, 1)


def test_debug_runs_without_a_secret_key(tmp_path: Path) -> None:
    env = base_env(SUPPORTDESK_VAR_DIR=str(tmp_path), SUPPORTDESK_DEBUG="true")
    result = run("check", env=env)
    assert result.returncode == 0, result.stderr


def test_the_documented_production_environment_passes_the_deployment_check(
    tmp_path: Path,
) -> None:
    env = base_env(**documented_environment())
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_behind_tls_http_is_redirected_and_https_answers_carry_hsts(tmp_path: Path) -> None:
    port = free_port()
    env = base_env(
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_VAR_DIR=str(tmp_path),
        SUPPORTDESK_STATIC_MANIFEST="false",
    )  # secure cookies on (no debug): nothing else set
    with uvicorn(port, env=env, log=tmp_path / "uvicorn.log") as server:
        server.wait_for_http(port)
        plain = http_get(port, "/login/")
        assert plain.status == 301
        assert plain.headers["location"] == f"https://127.0.0.1:{port}/login/"
        probe = http_get(port, "/health")  # load balancers probe over plain HTTP
        assert probe.status == 200
        assert "strict-transport-security" not in probe.headers
        proxied = http_get(port, "/health", {"X-Forwarded-Proto": "https"})
        assert proxied.status == 200
        assert proxied.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )

"""The sign-in counters are shared by every web process: two real servers (uvicorn, one
database) count the same failures, on the default database cache and on Redis, and
processes counting at the same instant lose no count.

The servers use the test database on PostgreSQL, a fresh SQLite file otherwise (the
in-memory test database of SQLite cannot be opened by another process)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from tests.web.conftest import PASSWORD
from tests.web.visitor import Visitor

REDIS_URL = os.environ.get("SUPPORTDESK_TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")
ROOT = Path(__file__).resolve().parents[2]
CACHES = ["database", "redis"]

pytestmark = pytest.mark.usefixtures("forget_counters")


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    return client


def _environment(folder: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
        "SUPPORTDESK_VAR_DIR": str(folder),
        "SUPPORTDESK_SECURE_COOKIES": "false",
        "SUPPORTDESK_MAIL": "console",
    }
    env.pop("SUPPORTDESK_TRUSTED_PROXIES", None)
    env.pop("SUPPORTDESK_CACHE_URL", None)  # the default: the database cache
    return env


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with anna, made once and copied for each test."""
    folder = tmp_path_factory.mktemp("site")
    database = folder / "site.sqlite3"
    env = _environment(folder, f"sqlite:///{database}")
    create = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user('anna', password='{PASSWORD}')"
    )
    for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", create]):
        manage = [sys.executable, "-m", "supportdesk.cli", *command]
        subprocess.run(manage, env=env, cwd=ROOT, check=True)
    return database


@pytest.fixture(params=CACHES)
def site_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of the site's processes: one database with anna, one cache."""
    if connection.vendor == "postgresql":
        # The test database itself: this test is transactional, so the servers see anna.
        # Hashed as the servers hash (this process hashes with MD5 for speed).
        hasher = PBKDF2PasswordHasher()
        hashed = hasher.encode(PASSWORD, hasher.salt())
        User.objects.create(username="anna", password=hashed)
        db = connection.settings_dict
        user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        url = f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        shutil.copy(request.getfixturevalue("sqlite_site"), tmp_path / "site.sqlite3")
        url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = _environment(tmp_path, url)
    client = None
    if request.param == "redis":
        client = _redis()
        client.flushdb()
        env["SUPPORTDESK_CACHE_URL"] = REDIS_URL
    yield env
    if client is not None:
        client.flushdb()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_servers(site_env: dict[str, str]) -> Iterator[tuple[Visitor, Visitor]]:
    servers = []
    try:
        for _ in range(2):
            port = _free_port()
            command = [
                sys.executable, "-m", "uvicorn", "supportdesk.asgi:application",
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--lifespan", "off",
            ]  # fmt: skip
            servers.append((subprocess.Popen(command, env=site_env, cwd=ROOT), port))
        visitors = []
        for process, port in servers:
            visitor = Visitor(f"http://127.0.0.1:{port}")
            _wait_until_up(process, visitor)
            visitors.append(visitor)
        yield visitors[0], visitors[1]
    finally:
        for process, _port in servers:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(process: subprocess.Popen[bytes], visitor: Visitor) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            if visitor.request("GET", "/health").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not come up in 60 s")


def test_failures_counted_by_one_process_refuse_the_sign_in_in_another(
    two_servers: tuple[Visitor, Visitor],
) -> None:
    first, second = two_servers
    for server in two_servers:  # the right password works on both, in browsers of their own
        assert Visitor(server.base_url).sign_in("anna", PASSWORD).status == 302
    for _ in range(3):
        assert first.sign_in("anna", "wrong").status == 200
    for _ in range(2):
        assert second.sign_in("anna", "wrong", path="/admin/login/").status == 200
    assert first.sign_in("anna", PASSWORD).status == 429
    assert second.sign_in("anna", PASSWORD).status == 429


COUNTER = """
import sys, time
from pathlib import Path
import django
django.setup()
from django.core.cache import cache
folder, worker = Path(sys.argv[1]), sys.argv[2]
(folder / f"ready-{worker}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
counts = []
for _ in range(50):
    cache.add("shared-counter", 0, timeout=900)
    counts.append(cache.incr("shared-counter"))
print(" ".join(map(str, counts)))
"""


def test_processes_counting_at_the_same_instant_lose_no_count(
    site_env: dict[str, str], tmp_path: Path
) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, str(tmp_path), str(number)],
            env=site_env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for number in range(4)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < len(workers):
        assert time.monotonic() < deadline, "the counting processes did not start"
        time.sleep(0.05)
    (tmp_path / "go").touch()
    counts = []
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        counts += [int(count) for count in output.split()]
    assert sorted(counts) == list(range(1, 201))  # every increment saw its own number

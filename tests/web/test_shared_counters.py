"""The cache is shared by every process of the site, on the default database cache and on
Redis: processes counting at the same instant lose no count.

The servers use the test database on PostgreSQL, a fresh SQLite file otherwise (the
in-memory test database of SQLite cannot be opened by another process)."""

from __future__ import annotations

import os
import shutil
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

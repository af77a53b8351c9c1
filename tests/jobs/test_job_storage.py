"""Jobs run on both storages the product supports: SQLite (embedded) and Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis
from huey import PriorityRedisHuey, SqliteHuey

from supportdesk.env import jobs_from_url

REDIS_URL = os.environ.get("SUPPORTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def run_one_job(huey: SqliteHuey | PriorityRedisHuey) -> int:
    @huey.task()  # type: ignore[untyped-decorator]
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)
    return int(result.get())


def test_sqlite_storage_needs_no_server(tmp_path: Path) -> None:
    settings = jobs_from_url(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", immediate=False, workers=1)
    assert settings["huey_class"] == "huey.SqliteHuey"
    assert run_one_job(SqliteHuey("supportdesk-test", filename=str(settings["filename"]))) == 5


def test_redis_storage_for_several_workers_on_several_machines() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    settings = jobs_from_url(REDIS_URL, immediate=False, workers=1)
    assert settings["huey_class"] == "huey.PriorityRedisHuey"
    huey = PriorityRedisHuey("supportdesk-test", url=REDIS_URL)
    huey.flush()
    try:
        assert run_one_job(huey) == 5
    finally:
        huey.flush()

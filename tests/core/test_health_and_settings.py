from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from ipaddress import ip_network
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from supportdesk.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_media_types,
    env_networks,
    env_secret,
    storage_from_env,
)
from supportdesk.jobs.heartbeat import WATCHED, beat
from tests.core.processes import base_env, free_port, http_get, uvicorn

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_health_reports_the_database() -> None:
    for job in WATCHED:  # the jobs ran a moment ago (tests/monitoring: when they did not)
        beat(job, now=timezone.now())
    response = Client().get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "jobs": {"sla-sweeper": "ok", "outbox-sender": "ok"},
    }


def test_health_says_unavailable_and_logs_the_reason_only(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there: the database is down
    port = free_port()
    env = base_env(
        SUPPORTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        SUPPORTDESK_VAR_DIR=str(tmp_path),
        SUPPORTDESK_SECURE_COOKIES="false",
        DATABASE_URL=f"postgres://desk-user:db-secret@127.0.0.1:{closed}/desk",
    )
    with uvicorn(port, env=env, log=tmp_path / "uvicorn.log") as server:
        # Not an HTTP probe: each /health waits out the connection pool (10 s per read of a
        # down database), so probes that time out would pile up behind each other.
        server.wait_for_port(port)
        answer = http_get(port, "/health", timeout=60)
        server.stop()
    assert answer.status == 503
    assert json.loads(answer.body) == {"status": "unavailable"}
    assert str(closed).encode() not in answer.body
    log = server.output
    assert "health: the database is unavailable" in log
    assert f"port {closed} failed: Connection refused" in log


def test_typed_settings_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SD_FLAG"):
        env_bool("SD_FLAG", False)
    monkeypatch.setenv("SD_COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="SD_COUNT"):
        env_int("SD_COUNT", 1)
    with pytest.raises(ImproperlyConfigured, match="only sqlite"):
        database_from_url("mysql://x/y")
    monkeypatch.setenv("SD_SECRET", " ")
    with pytest.raises(ImproperlyConfigured, match="SD_SECRET is required"):
        env_secret("SD_SECRET")
    s3 = {
        "bucket": "", "endpoint_url": "", "region": "", "access_key": "", "secret_key": "",
        "prefix": "", "addressing_style": "",
    }  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="SUPPORTDESK_STORAGE='ftp'"):
        storage_from_env("ftp", **s3)
    with pytest.raises(ImproperlyConfigured, match="needs SUPPORTDESK_S3_BUCKET"):
        storage_from_env("s3", **s3)
    with pytest.raises(ImproperlyConfigured, match="SUPPORTDESK_S3_ADDRESSING_STYLE"):
        storage_from_env("s3", **{**s3, "bucket": "b", "addressing_style": "dns"})


def test_media_type_lists_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TYPES", "image/png, Text/Plain ,application/vnd.ms-excel")
    assert env_media_types("SD_TYPES", []) == {
        "image/png", "text/plain", "application/vnd.ms-excel",
    }  # fmt: skip
    monkeypatch.setenv("SD_TYPES", "image/png,image/*,pdf")
    with pytest.raises(ImproperlyConfigured, match=r"SD_TYPES: image/\*, pdf is not a media type"):
        env_media_types("SD_TYPES", [])


def test_database_urls() -> None:
    assert database_from_url("postgres://postgres:p%40ss@127.0.0.1:5432/desk") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "desk",
        "USER": "postgres",
        "PASSWORD": "p@ss",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 0,
    }
    assert database_from_url("sqlite:///var/db.sqlite3")["NAME"] == "var/db.sqlite3"
    assert database_from_url("sqlite:////abs/db.sqlite3")["NAME"] == "/abs/db.sqlite3"


def test_trusted_proxies_are_cidr_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_networks("SD_PROXIES") == []
    monkeypatch.setenv("SD_PROXIES", "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")
    assert env_networks("SD_PROXIES") == [
        ip_network("10.0.0.0/8"),
        ip_network("192.0.2.7/32"),
        ip_network("2001:db8::/32"),
    ]
    for malformed in ("10.0.0.0/33", "10.0.0.1/8", "proxy.example"):
        monkeypatch.setenv("SD_PROXIES", f"127.0.0.1, {malformed}")
        with pytest.raises(ImproperlyConfigured, match="SD_PROXIES"):
            env_networks("SD_PROXIES")


def test_a_malformed_trusted_proxy_range_stops_start_up() -> None:
    env = {**os.environ, "SUPPORTDESK_TRUSTED_PROXIES": "10.0.0.0/33"}
    started = subprocess.run(
        [sys.executable, "-m", "supportdesk.cli", "check"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert started.returncode != 0
    assert "SUPPORTDESK_TRUSTED_PROXIES: '10.0.0.0/33' is not a CIDR range" in started.stderr


def test_cache_urls() -> None:
    assert cache_from_url("database://")["BACKEND"] == "supportdesk.web.cache.DatabaseCache"
    assert cache_from_url("redis://127.0.0.1:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    assert cache_from_url("locmem://") == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    with pytest.raises(ImproperlyConfigured, match="SUPPORTDESK_CACHE_URL"):
        cache_from_url("memcached://127.0.0.1")
